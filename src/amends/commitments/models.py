"""Promises made to customers, each with an owner and a due time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amends.core.models import TimeStampedModel


class CommitmentState(models.TextChoices):
    # "Open" of a promise, not of a case: several languages make the word agree with the noun.
    OPEN = "open", pgettext_lazy("promise", "Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    WAIVED = "waived", _("Waived")


class CommitmentKind(models.TextChoices):
    CALLBACK = "callback", _("Call back")
    REPLY = "reply", _("Reply")
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    DELIVERY_ESTIMATE = "delivery_estimate", _("New delivery estimate")
    INVESTIGATION = "investigation", _("Investigation result")
    OTHER = "other", _("Other")


class Commitment(TimeStampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(max_length=24, choices=CommitmentKind.choices)
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    due_at = models.DateTimeField(db_index=True)
    remind_at = models.DateTimeField()
    escalate_at = models.DateTimeField()
    state = models.CharField(
        max_length=8, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    # What fulfils it, e.g. "remedy:12" or "message:55"; set when kept.
    fulfilled_by = models.CharField(max_length=64, blank=True)
    waive_reason = models.CharField(max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "due_at"], name="commitment_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
