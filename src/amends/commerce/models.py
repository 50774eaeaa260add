"""Orders (snapshots of the shop's order system), their lines and sellers, and remedies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.core.models import TimeStampedModel


class Seller(TimeStampedModel):
    """A third-party marketplace seller. Sees only cases about its own orders."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class Order(TimeStampedModel):
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    seller = models.ForeignKey(
        Seller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text=_("Set when a third-party seller fulfils the order"),
    )
    number = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PAID)
    placed_at = models.DateTimeField()
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "number"], name="order_number_per_brand"),
        ]
        indexes = [models.Index(fields=["customer", "-placed_at"])]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="order_lines"
    )

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class RemedyKind(models.TextChoices):
    REFUND_FULL = "refund_full", _("Full refund")
    REFUND_PARTIAL = "refund_partial", _("Partial refund")
    RESHIP = "reship", _("Reship")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price-drop adjustment")
    RETURN_LABEL = "return_label", _("Return label")
    REDELIVERY = "redelivery", _("Redelivery")
    GOODWILL_CREDIT = "goodwill_credit", _("Goodwill credit")
    MEMBERSHIP_CANCELLATION = "membership_cancellation", _("Membership cancellation")


class RemedyStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NEEDS_APPROVAL = "needs_approval", _("Needs approval")
    APPROVED = "approved", _("Approved")
    EXECUTED = "executed", _("Executed")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class Remedy(TimeStampedModel):
    """What was granted to put things right. Decided by the policy engine, executed by the shop."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="remedies")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(max_length=32, choices=RemedyKind.choices)
    status = models.CharField(
        max_length=16, choices=RemedyStatus.choices, default=RemedyStatus.PROPOSED
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decision = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    executed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id}"
