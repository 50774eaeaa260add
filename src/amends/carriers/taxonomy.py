"""The one status taxonomy every carrier's event codes are normalised to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    INFO_RECEIVED = "info_received", _("Information received")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    ATTEMPT_FAILED = "attempt_failed", _("Delivery attempt failed")
    AVAILABLE_FOR_PICKUP = "available_for_pickup", _("Available for pick-up")
    DELIVERED = "delivered", _("Delivered")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost")
    EXCEPTION = "exception", _("Exception")
    EXPIRED = "expired", _("Expired")


# Statuses after which no delivery estimate may be shown to the customer.
TERMINAL = frozenset(
    {
        TrackingStatus.DELIVERED,
        TrackingStatus.RETURNED_TO_SENDER,
        TrackingStatus.DAMAGED,
        TrackingStatus.LOST,
        TrackingStatus.EXPIRED,
    }
)

# Statuses that mean something went wrong and a person should look.
PROBLEMS = frozenset(
    {
        TrackingStatus.ATTEMPT_FAILED,
        TrackingStatus.RETURNED_TO_SENDER,
        TrackingStatus.DAMAGED,
        TrackingStatus.LOST,
        TrackingStatus.EXCEPTION,
        TrackingStatus.EXPIRED,
    }
)
