"""Cases, and the append-only event timeline that is also the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.models import TimeStampedModel


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    WAITING_ON_THIRD_PARTY = "waiting_on_third_party", _("Waiting on third party")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# A tuple, in this order: queries say `status IN (…)` with the same list as the partial indexes
# below, which SQLite needs to use them (a set's order changes from one process to the next).
OPEN_STATUSES: tuple[str, ...] = (
    CaseStatus.NEW,
    CaseStatus.OPEN,
    CaseStatus.WAITING_ON_CUSTOMER,
    CaseStatus.WAITING_ON_THIRD_PARTY,
)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    API = "api", _("API")
    FORUM = "forum", _("Forum")
    SELLER = "seller", _("Seller relay")
    CARRIER = "carrier", _("Carrier event")
    STORE = "store", _("In store")
    SYSTEM = "system", _("Found by amends")


class Case(TimeStampedModel):
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="cases")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="cases"
    )
    orders = models.ManyToManyField("commerce.Order", blank=True, related_name="cases")
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Exactly one owner at a time: the assignee if there is one, otherwise the team's queue.
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    bounces = models.PositiveIntegerField(default=0, help_text=_("Hand-offs between owners"))
    language = models.CharField(max_length=8, blank=True)
    intents = models.JSONField(default=list, blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    churn_risk = models.FloatField(null=True, blank=True)
    origin_channel = models.CharField(max_length=16, choices=Channel.choices)
    next_step = models.CharField(max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change of owner or status; a stale writer gets a conflict.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["team", "status", "-id"], name="case_queue_idx"),
            models.Index(fields=["assignee", "status", "-id"], name="case_assignee_idx"),
            models.Index(fields=["brand", "status", "-id"], name="case_brand_idx"),
            models.Index(fields=["customer", "status"], name="case_customer_idx"),
            models.Index(fields=["status", "-id"], name="case_status_idx"),
            # Queues list open cases by priority, newest first: these read the first page
            # straight from the index instead of sorting every open case (bench/pages.py).
            models.Index(
                fields=["team", "-priority", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_team_prio_idx",
            ),
            models.Index(
                fields=["assignee", "-priority", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_assignee_prio_idx",
            ),
            models.Index(
                fields=["brand", "-priority", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_brand_prio_idx",
            ),
            models.Index(
                fields=["-priority", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_prio_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"AM-{self.pk:06d}" if self.pk else "AM-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def owner_label(self) -> str:
        if self.assignee_id:
            return str(self.assignee)
        return gettext("%(team)s queue") % {"team": self.team}


class AppendOnlyError(RuntimeError):
    pass


class CaseEvent(models.Model):
    """One row per state change. Rows are never updated or deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=48, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "id"], name="case_event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("case events are append-only")
