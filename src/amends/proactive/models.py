"""A problem found on a shipment: at most one row per shipment and kind, so one case, one notice.

The unique constraint on ``(shipment, kind)`` is what makes "never a duplicate" hold under
concurrent ingestion: two transactions that find the same problem both try to insert the row,
the database lets one through and the other gets an ``IntegrityError`` (on PostgreSQL it waits
for the first to commit), and only the one that inserted opens or attaches a case and writes to
the customer. Per shipment and kind rather than per "episode": a parcel lives for days, and a
second failed attempt or a replayed event is the same trouble, told once; what changes later
(a third attempt, a new estimate) is added to the case's timeline, not sent again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.core.models import TimeStampedModel
from amends.proactive.rules import ProblemKind


class ProblemKindChoices(models.TextChoices):
    FAILED_ATTEMPT = ProblemKind.FAILED_ATTEMPT.value, _("Delivery attempt failed")
    RETURNED_TO_SENDER = ProblemKind.RETURNED_TO_SENDER.value, _("Returned to sender")
    DAMAGED = ProblemKind.DAMAGED.value, _("Damaged in transit")
    LOST = ProblemKind.LOST.value, _("Lost or stalled")
    LATE = ProblemKind.LATE.value, _("Late")


class ShipmentProblem(TimeStampedModel):
    shipment = models.ForeignKey(
        "carriers.Shipment", on_delete=models.CASCADE, related_name="problems"
    )
    kind = models.CharField(max_length=24, choices=ProblemKindChoices.choices)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipment_problems",
    )
    detected_at = models.DateTimeField()
    # The detection rule (or "carrier", "terms") and the facts that made it a problem.
    rule = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    # The notice to the customer, once written (queued for delivery; its status is the message's).
    notified_at = models.DateTimeField(null=True, blank=True)
    notice = models.ForeignKey(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The notice's promise, kept by itself when the parcel arrives after all (late, lost).
    commitment = models.ForeignKey(
        "commitments.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Why the case or the notice is not there yet; the sweep tries again, ``attempts`` times.
    last_error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shipment", "kind"], name="shipment_problem_once"),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(notified_at__isnull=True),
                name="shipment_problem_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on shipment {self.shipment_id}"
