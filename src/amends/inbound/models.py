"""Everything a customer sends, stored raw before anything else happens to it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    HELD = "held", _("Held for review")
    DUPLICATE = "duplicate", _("Duplicate")


class InboundMessage(models.Model):
    channel = models.CharField(max_length=16)
    source = models.CharField(max_length=200, blank=True, help_text=_("Mailbox, endpoint, form"))
    external_id = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=128, unique=True)
    raw = models.BinaryField()
    content_type = models.CharField(max_length=100, default="application/json")
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"], name="inbound_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel} inbound {self.pk} ({self.status})"
