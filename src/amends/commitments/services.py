"""Promises to customers: made with an owner and a due time, reminded, escalated, kept or broken.

Due times are worked out in the storefront's business hours and time zone ("within 3 business
days", "by 17:00"). Three timers run on the task queue for each open commitment: a reminder to
the owner, an escalation to the team lead shortly before it is due, and "broken" recorded the
moment it passes. Every timer is idempotent: it changes a row only if that row is still in the
state it expects, in the same transaction as its notice and its event, so a timer that runs twice
(a retried task, a worker killed half-way) acts once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from amends.accounts.models import Role, User
from amends.cases import events
from amends.cases.events import EventKind
from amends.cases.models import Case
from amends.commitments.models import Commitment, CommitmentKind, CommitmentState
from amends.core.errors import Conflict, ErrorCode, InvalidInput
from amends.notifications.services import notify

MIN_REMINDER_LEAD = dt.timedelta(minutes=5)
MAX_REMINDER_LEAD = dt.timedelta(hours=4)
MIN_ESCALATION_LEAD = dt.timedelta(minutes=2)
MAX_ESCALATION_LEAD = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    """When a promise is due: exactly one of the fields is set."""

    at: dt.datetime | None = None
    business_days: int | None = None
    business_hours: float | None = None
    local_time: dt.time | None = None

    def resolve(self, *, case: Case, now: dt.datetime) -> dt.datetime:
        given = [
            v
            for v in (self.at, self.business_days, self.business_hours, self.local_time)
            if v is not None
        ]
        if len(given) != 1:
            raise InvalidInput(
                "give exactly one of: a due time, a number of business days or hours, "
                "or a local time of day",
                errors={"due": "exactly one way of saying when"},
            )
        calendar = case.brand.calendar()
        if self.at is not None:
            if timezone.is_naive(self.at):
                raise InvalidInput(
                    "the due time needs a time zone offset, e.g. 2026-11-23T17:00:00+01:00",
                    errors={"due_at": "naive datetime"},
                )
            return self.at
        if self.business_days is not None:
            if not 1 <= self.business_days <= 365:
                raise InvalidInput(
                    "business days must be between 1 and 365",
                    errors={"within_business_days": "1-365"},
                )
            return calendar.add_business_days(now, self.business_days)
        if self.business_hours is not None:
            if not 0 < self.business_hours <= 2000:
                raise InvalidInput(
                    "business hours must be more than 0 and at most 2000",
                    errors={"within_business_hours": "0-2000"},
                )
            return calendar.add_business_hours(now, self.business_hours)
        if self.local_time is None:  # unreachable: exactly one field is set
            raise InvalidInput("no due time given", errors={"due": "required"})
        return calendar.at_local_time(now, self.local_time)


def timer_moments(*, now: dt.datetime, due_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """When to remind the owner and when to escalate, before ``due_at``."""
    span = due_at - now
    reminder_lead = min(max(span / 4, MIN_REMINDER_LEAD), MAX_REMINDER_LEAD)
    escalation_lead = min(max(span / 10, MIN_ESCALATION_LEAD), MAX_ESCALATION_LEAD)
    remind_at = max(now, due_at - reminder_lead)
    escalate_at = max(remind_at, due_at - escalation_lead)
    return remind_at, escalate_at


def _schedule_timers(commitment: Commitment) -> None:
    from amends.commitments import tasks

    def enqueue() -> None:
        tasks.commitment_remind.using(run_after=commitment.remind_at).enqueue(
            commitment_id=commitment.pk
        )
        tasks.commitment_escalate.using(run_after=commitment.escalate_at).enqueue(
            commitment_id=commitment.pk
        )
        tasks.commitment_expire.using(run_after=commitment.due_at).enqueue(
            commitment_id=commitment.pk
        )

    transaction.on_commit(enqueue)


@transaction.atomic
def commitment_make(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    description: str,
    due: Due,
    owner: User | None = None,
    now: dt.datetime | None = None,
) -> Commitment:
    now = now or timezone.now()
    description = " ".join(description.split())
    if not description:
        raise InvalidInput(
            "say what was promised, in words the customer would recognise",
            errors={"description": "must not be empty"},
        )
    if kind not in CommitmentKind.values:
        raise InvalidInput(f"unknown kind {kind!r}", errors={"kind": "unknown"})
    if not case.is_open:
        raise Conflict(
            f"case {case.reference} is {case.status}; reopen it first", code=ErrorCode.CASE_CLOSED
        )
    due_at = due.resolve(case=case, now=now)
    if due_at <= now:
        raise InvalidInput(
            f"the due time {due_at.isoformat()} has already passed; "
            "a promise must be due in the future",
            code=ErrorCode.DUE_IN_PAST,
            errors={"due_at": "in the past"},
        )
    owner = owner or case.assignee or actor
    if owner is None:  # made by amends itself (actor None) on a case nobody works yet
        raise InvalidInput(
            "a promise needs an owner; assign the case or name one",
            errors={"owner_id": "required"},
        )
    if not owner.is_active or owner.role not in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}:
        raise InvalidInput(
            f"{owner} cannot own a promise; choose an active agent",
            errors={"owner_id": "not an active agent"},
        )
    remind_at, escalate_at = timer_moments(now=now, due_at=due_at)
    commitment = Commitment.objects.create(
        case=case,
        kind=kind,
        description=description[:500],
        owner=owner,
        due_at=due_at,
        remind_at=remind_at,
        escalate_at=escalate_at,
        created_by=actor,
    )
    events.commitment_event(
        case=case,
        kind=EventKind.COMMITMENT_MADE,
        actor=actor,
        commitment_id=commitment.pk,
        description=commitment.description,
        owner_id=owner.pk,
        due_at=due_at.isoformat(),
    )
    _schedule_timers(commitment)
    return commitment


def _close(
    *, commitment: Commitment, actor: User | None, state: str, kind: str, **fields: str
) -> Commitment:
    now = timezone.now()
    updated = Commitment.objects.filter(pk=commitment.pk, state=CommitmentState.OPEN).update(
        state=state, closed_at=now, updated_at=now, **fields
    )
    if updated != 1:
        current = Commitment.objects.get(pk=commitment.pk)
        raise Conflict(f"this promise is already {current.state}", code=ErrorCode.NOT_OPEN)
    commitment.refresh_from_db()
    events.commitment_event(
        case=commitment.case, kind=kind, actor=actor, commitment_id=commitment.pk, **fields
    )
    return commitment


@transaction.atomic
def commitment_keep(*, commitment: Commitment, actor: User | None, fulfilled_by: str) -> Commitment:
    fulfilled_by = fulfilled_by.strip()
    if not fulfilled_by:
        raise InvalidInput(
            "say what kept the promise (e.g. message:12, remedy:3, call)",
            errors={"fulfilled_by": "required"},
        )
    return _close(
        commitment=commitment,
        actor=actor,
        state=CommitmentState.KEPT,
        kind=EventKind.COMMITMENT_KEPT,
        fulfilled_by=fulfilled_by[:64],
    )


@transaction.atomic
def commitment_waive(*, commitment: Commitment, actor: User, reason: str) -> Commitment:
    reason = reason.strip()
    if len(reason) < 3:
        raise InvalidInput("waiving a promise needs a reason", errors={"reason": "required"})
    return _close(
        commitment=commitment,
        actor=actor,
        state=CommitmentState.WAIVED,
        kind=EventKind.COMMITMENT_WAIVED,
        waive_reason=reason[:500],
    )


def _escalation_recipients(commitment: Commitment) -> list[User]:
    lead = commitment.case.team.lead
    if lead is not None and lead.is_active:
        return [lead]
    return list(
        User.objects.filter(
            role=Role.SUPERVISOR, brands=commitment.case.brand_id, is_active=True
        ).order_by("id")
    )


@transaction.atomic
def commitment_send_reminder(*, commitment_id: int, now: dt.datetime | None = None) -> bool:
    """Remind the owner once. Returns whether this call sent it."""
    now = now or timezone.now()
    updated = Commitment.objects.filter(
        pk=commitment_id, state=CommitmentState.OPEN, reminded_at__isnull=True, remind_at__lte=now
    ).update(reminded_at=now)
    if not updated:
        return False
    commitment = Commitment.objects.select_related("case", "owner").get(pk=commitment_id)
    notify(
        recipient=commitment.owner,
        kind="commitment_reminder",
        case=commitment.case,
        text=(
            f"Due {commitment.due_at:%Y-%m-%d %H:%M} UTC on {commitment.case.reference}: "
            f"{commitment.description}"
        ),
        dedupe_key=f"commitment_reminder:{commitment_id}",
    )
    events.commitment_event(
        case=commitment.case,
        kind=EventKind.COMMITMENT_REMINDED,
        actor=None,
        commitment_id=commitment_id,
        owner_id=commitment.owner_id,
    )
    return True


@transaction.atomic
def commitment_send_escalation(*, commitment_id: int, now: dt.datetime | None = None) -> bool:
    """Tell the team lead a promise is about to break. Once."""
    now = now or timezone.now()
    updated = Commitment.objects.filter(
        pk=commitment_id,
        state=CommitmentState.OPEN,
        escalated_at__isnull=True,
        escalate_at__lte=now,
    ).update(escalated_at=now)
    if not updated:
        return False
    commitment = Commitment.objects.select_related("case__team__lead", "owner").get(
        pk=commitment_id
    )
    recipients = _escalation_recipients(commitment)
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind="commitment_escalation",
            case=commitment.case,
            text=(
                f"About to break: {commitment.owner} promised on {commitment.case.reference} "
                f"'{commitment.description}' by {commitment.due_at:%Y-%m-%d %H:%M} UTC"
            ),
            dedupe_key=f"commitment_escalation:{commitment_id}:{recipient.pk}",
        )
    events.commitment_event(
        case=commitment.case,
        kind=EventKind.COMMITMENT_ESCALATED,
        actor=None,
        commitment_id=commitment_id,
        to=[r.pk for r in recipients],
    )
    return True


@transaction.atomic
def commitment_mark_broken(*, commitment_id: int, now: dt.datetime | None = None) -> bool:
    """Record that a promise passed its due time unkept. Once."""
    now = now or timezone.now()
    updated = Commitment.objects.filter(
        pk=commitment_id, state=CommitmentState.OPEN, due_at__lte=now
    ).update(state=CommitmentState.BROKEN, closed_at=now, updated_at=now)
    if not updated:
        return False
    commitment = Commitment.objects.select_related("case__team__lead", "owner").get(
        pk=commitment_id
    )
    events.commitment_event(
        case=commitment.case,
        kind=EventKind.COMMITMENT_BROKEN,
        actor=None,
        commitment_id=commitment_id,
        due_at=commitment.due_at.isoformat(),
        owner_id=commitment.owner_id,
    )
    for recipient in [commitment.owner, *_escalation_recipients(commitment)]:
        notify(
            recipient=recipient,
            kind="commitment_broken",
            case=commitment.case,
            text=f"Broken promise on {commitment.case.reference}: {commitment.description}",
            dedupe_key=f"commitment_broken:{commitment_id}:{recipient.pk}",
        )
    return True


def commitments_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Safety net behind the timers: act on anything whose moment has passed.

    Timers can be lost (a queue purged, a database restored); the sweep makes sure no promise
    is forgotten. Runs in every worker at a fixed interval; idempotent like the timers.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "broken": 0}
    open_ = Commitment.objects.filter(state=CommitmentState.OPEN)
    for pk in open_.filter(due_at__lte=now).values_list("pk", flat=True)[:500]:
        counts["broken"] += commitment_mark_broken(commitment_id=pk, now=now)
    for pk in open_.filter(escalated_at__isnull=True, escalate_at__lte=now).values_list(
        "pk", flat=True
    )[:500]:
        counts["escalated"] += commitment_send_escalation(commitment_id=pk, now=now)
    for pk in open_.filter(reminded_at__isnull=True, remind_at__lte=now).values_list(
        "pk", flat=True
    )[:500]:
        counts["reminded"] += commitment_send_reminder(commitment_id=pk, now=now)
    return counts
