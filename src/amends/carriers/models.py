"""Carriers, shipments and their tracking timelines.

A shipment's ``status``, ``estimated_delivery``, ``delivered_at`` and ``last_event_at`` are
derived from its timeline by ``carriers.ingest`` (the latest event by ``occurred_at`` wins, not
the last one received), so they are read here and written there. ``promised_delivery`` is the
first estimate the customer was given and is never overwritten, so a slipping estimate can be
told apart from one that was always late. ``next_poll_at`` and ``poll_failures`` belong to the
poller (``carriers.polling``) of carriers that do not push.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.carriers.taxonomy import TrackingStatus
from amends.core.models import TimeStampedModel


class Carrier(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    # Customer-service contact per storefront country: {"NL": {"phone": ..., "web": ...}}
    contacts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


class Shipment(TimeStampedModel):
    order = models.ForeignKey("commerce.Order", on_delete=models.CASCADE, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    tracking_number = models.CharField(max_length=64)
    status = models.CharField(
        max_length=24, choices=TrackingStatus.choices, default=TrackingStatus.PENDING
    )
    estimated_delivery = models.DateField(null=True, blank=True)
    promised_delivery = models.DateField(
        null=True,
        blank=True,
        help_text=_("The first delivery estimate; kept when the carrier moves the estimate."),
    )
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the latest scan happened (not when it arrived).")
    )
    next_poll_at = models.DateTimeField(null=True, blank=True)
    poll_failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="tracking_number_per_carrier"
            ),
        ]
        indexes = [
            models.Index(fields=["tracking_number"]),
            models.Index(fields=["carrier", "next_poll_at"], name="shipment_poll_due_idx"),
            models.Index(fields=["status", "last_event_at"], name="shipment_last_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id}:{self.tracking_number}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=24, choices=TrackingStatus.choices)
    carrier_code = models.CharField(max_length=64, blank=True, help_text="The carrier's own code")
    description = models.CharField(max_length=500, blank=True)
    location = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    estimated_delivery = models.DateField(
        null=True, blank=True, help_text=_("The delivery estimate this event carried, if any.")
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "occurred_at", "carrier_code", "status"],
                name="tracking_event_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} at {self.occurred_at:%Y-%m-%d %H:%M}"
