"""Changes to cases. Each is one atomic change that appends one event.

A case has exactly one owner at a time: its assignee when it has one, otherwise its team's
queue. ``team`` is never empty, so a case can never be ownerless.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from amends.accounts.models import Role, Team, User
from amends.brands.models import Brand
from amends.cases import events
from amends.cases.models import OPEN_STATUSES, Case, CaseStatus, Channel, Priority
from amends.commerce.models import Order
from amends.core.errors import Conflict, ErrorCode, InvalidInput
from amends.customers.models import Customer
from amends.notifications.services import notify

MIN_NOTE_LENGTH = 3

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW: frozenset({*OPEN_STATUSES, CaseStatus.SOLVED, CaseStatus.CLOSED}),
    CaseStatus.OPEN: frozenset({*OPEN_STATUSES, CaseStatus.SOLVED, CaseStatus.CLOSED}),
    CaseStatus.WAITING_ON_CUSTOMER: frozenset(
        {*OPEN_STATUSES, CaseStatus.SOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.WAITING_ON_THIRD_PARTY: frozenset(
        {*OPEN_STATUSES, CaseStatus.SOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.SOLVED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


# brand id → (when read, its default team). Cleared whenever a team or a storefront is saved or
# deleted in this process (``forget_default_teams``, connected in ``CasesConfig.ready``), and
# read again after a minute for changes made by another process.
_default_teams: dict[int, tuple[float, Team]] = {}
_DEFAULT_TEAM_TTL = 60.0


def forget_default_teams(*args: Any, **kwargs: Any) -> None:
    _default_teams.clear()


def default_team_for(*, brand: Brand) -> Team:
    """The queue a new case lands in when nothing more specific routes it."""
    cached = _default_teams.get(brand.pk)
    if cached is not None and time.monotonic() - cached[0] < _DEFAULT_TEAM_TTL:
        return cached[1]
    team = (
        Team.objects.filter(brand=brand, is_senior=False).order_by("id").first()
        or Team.objects.filter(brand__isnull=True, is_senior=False).order_by("id").first()
        or Team.objects.filter(brand=brand).order_by("id").first()
        or Team.objects.order_by("id").first()
    )
    if team is None:
        raise InvalidInput(
            "no team exists to own new cases; create one (admin → Teams) first",
            errors={"team": "no team configured"},
        )
    _default_teams[brand.pk] = (time.monotonic(), team)
    return team


def _is_agent(user: User) -> bool:
    return user.is_active and user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def _is_member(user: User, team: Team) -> bool:
    return team.members.filter(user=user).exists()


def _bump(case: Case, *, expected_version: int | None, **changes: Any) -> None:
    """Write ``changes`` only if nobody changed the case since it was read."""
    version = case.version if expected_version is None else expected_version
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        current = Case.objects.filter(pk=case.pk).select_related("assignee").first()
        owner = current.owner_label() if current else "nobody"
        raise Conflict(
            f"case {case.reference} was changed by someone else (now owned by {owner}); "
            "reload it and try again"
        )
    for key, value in changes.items():
        setattr(case, key, value)
    case.version = version + 1
    case.updated_at = now


@transaction.atomic
def case_open(
    *,
    brand: Brand,
    customer: Customer,
    subject: str,
    channel: str,
    actor: User | None = None,
    team: Team | None = None,
    priority: int = Priority.NORMAL,
    language: str = "",
    orders: Iterable[Order] = (),
    intents: Iterable[str] = (),
) -> Case:
    subject = " ".join(subject.split())[:300]
    if not subject:
        raise InvalidInput("a case needs a subject", errors={"subject": "must not be empty"})
    if channel not in Channel.values:
        raise InvalidInput(f"unknown channel {channel!r}", errors={"channel": "unknown"})
    if customer.brand_id != brand.pk:
        raise InvalidInput(
            "the customer belongs to another storefront", errors={"customer": "other brand"}
        )
    case = Case.objects.create(
        brand=brand,
        customer=customer,
        subject=subject,
        origin_channel=channel,
        team=team or default_team_for(brand=brand),
        priority=priority,
        language=language or customer.language,
        status=CaseStatus.NEW,
        intents=list(dict.fromkeys(i for i in intents if i)),
    )
    events.case_opened(case=case, actor=actor, channel=channel)
    for order in orders:
        case_link_order(case=case, order=order, actor=actor)
    return case


@transaction.atomic
def case_link_order(*, case: Case, order: Order, actor: User | None) -> None:
    if order.customer_id != case.customer_id:
        raise InvalidInput(
            f"order {order.number} belongs to another customer", errors={"order": "not theirs"}
        )
    if case.orders.filter(pk=order.pk).exists():
        return
    case.orders.add(order)
    events.order_linked(case=case, actor=actor, order_id=order.pk, number=order.number)


@transaction.atomic
def case_assign(
    *, case: Case, assignee: User, actor: User, expected_version: int | None = None
) -> Case:
    """Give a case waiting in its team's queue to one of the team's agents.

    Taking a case from the queue is not a hand-off and needs no note. A case that already has
    an assignee moves only by ``case_transfer`` (with a note); two agents taking the same case
    at once: the first wins, the second gets ``Conflict``.
    """
    if not _is_agent(assignee):
        raise InvalidInput(
            f"{assignee} is not an active agent", errors={"assignee_id": "not an active agent"}
        )
    if case.assignee_id == assignee.pk:
        return case
    if case.assignee_id is not None:
        raise Conflict(
            f"case {case.reference} is already owned by {case.assignee}; "
            "transfer it with a hand-off note instead",
        )
    if not _is_member(assignee, case.team):
        raise InvalidInput(
            f"{assignee} is not in the {case.team} team; transfer the case with a hand-off note",
            errors={"assignee_id": "not a member of the case's team"},
        )
    if not case.is_open:
        raise Conflict(f"case {case.reference} is {case.status}", code=ErrorCode.CASE_CLOSED)
    _bump(case, expected_version=expected_version, assignee=assignee)
    events.case_assigned(case=case, actor=actor, assignee=assignee, previous_team=case.team)
    if assignee.pk != actor.pk:
        notify(
            recipient=assignee,
            kind="case_assigned",
            case=case,
            text=f"{actor} gave you case {case.reference}: {case.subject}",
            dedupe_key=f"case_assigned:{case.pk}:{case.version}",
        )
    return case


@transaction.atomic
def case_transfer(
    *,
    case: Case,
    actor: User,
    note: str,
    to_team: Team | None = None,
    to_assignee: User | None = None,
    expected_version: int | None = None,
) -> Case:
    """Warm hand-off to another agent or team, with a note the next owner reads first.

    Every transfer between owners counts as a bounce.
    """
    note = note.strip()
    if len(note) < MIN_NOTE_LENGTH:
        raise InvalidInput(
            "a transfer needs a hand-off note telling the next owner what has been done and "
            "what the customer is waiting for",
            code=ErrorCode.NOTE_REQUIRED,
            errors={"note": "required"},
        )
    if to_team is None and to_assignee is None:
        raise InvalidInput(
            "say who takes the case over: an agent, a team or both",
            errors={"to_assignee_id": "required unless to_team_id is given"},
        )
    if not case.is_open:
        raise Conflict(f"case {case.reference} is {case.status}", code=ErrorCode.CASE_CLOSED)
    team = to_team or case.team
    if to_assignee is not None:
        if not _is_agent(to_assignee):
            raise InvalidInput(
                f"{to_assignee} is not an active agent",
                errors={"to_assignee_id": "not an active agent"},
            )
        if not _is_member(to_assignee, team):
            if to_team is not None:
                raise InvalidInput(
                    f"{to_assignee} is not in the {team} team",
                    errors={"to_assignee_id": "not a member of that team"},
                )
            agent_team = Team.objects.filter(members__user=to_assignee).order_by("id").first()
            if agent_team is None:
                raise InvalidInput(
                    f"{to_assignee} belongs to no team", errors={"to_assignee_id": "no team"}
                )
            team = agent_team
    if team.pk == case.team_id and (to_assignee.pk if to_assignee else None) == case.assignee_id:
        raise InvalidInput(
            "the case already has that owner",
            code=ErrorCode.SAME_OWNER,
            errors={"to_assignee_id": "same owner"},
        )
    previous_team, previous_assignee = case.team, case.assignee
    _bump(
        case,
        expected_version=expected_version,
        team=team,
        assignee=to_assignee,
        bounces=F("bounces") + 1,
    )
    case.bounces = Case.objects.values_list("bounces", flat=True).get(pk=case.pk)
    events.case_transferred(
        case=case,
        actor=actor,
        previous_team=previous_team,
        previous_assignee=previous_assignee,
        note=note,
        bounces=case.bounces,
    )
    recipients = [to_assignee] if to_assignee else ([team.lead] if team.lead else [])
    for recipient in recipients:
        if recipient is not None and recipient.pk != actor.pk:
            notify(
                recipient=recipient,
                kind="case_transferred",
                case=case,
                text=f"{actor} handed you {case.reference}: {note}"[:500],
                dedupe_key=f"case_transferred:{case.pk}:{case.version}",
            )
    return case


@transaction.atomic
def case_return_to_queue(*, case: Case, actor: User | None, reason: str) -> Case:
    """The assignee can no longer own the case: it falls back to its team's queue."""
    if case.assignee is None:
        return case
    reason = reason.strip() or "returned to the queue"
    previous = case.assignee
    _bump(case, expected_version=None, assignee=None)
    events.case_returned_to_queue(case=case, actor=actor, previous_assignee=previous, reason=reason)
    if case.team.lead is not None:
        notify(
            recipient=case.team.lead,
            kind="case_returned_to_queue",
            case=case,
            text=f"{case.reference} is back in the {case.team} queue: {reason}"[:500],
            dedupe_key=f"case_returned:{case.pk}:{case.version}",
        )
    return case


def agent_leave(*, agent: User, actor: User | None, reason: str) -> int:
    """An agent leaves (or is switched off): none of their open cases is left without an owner.

    Returns how many cases went back to their queues.
    """
    moved = 0
    open_cases = Case.objects.filter(assignee=agent, status__in=OPEN_STATUSES).select_related(
        "team__lead", "assignee"
    )
    for case in open_cases:
        case_return_to_queue(case=case, actor=actor, reason=f"{agent} left: {reason}")
        moved += 1
    return moved


@transaction.atomic
def case_channel_dropped(*, case: Case, channel: str, actor: User | None, next_step: str) -> Case:
    """A call or chat dropped: the case stays open, owned, and says what happens next."""
    next_step = next_step.strip() or "contact the customer again"
    changes: dict[str, Any] = {"next_step": next_step[:300]}
    if case.status in {CaseStatus.SOLVED, CaseStatus.NEW}:
        changes["status"] = CaseStatus.OPEN
    old_status = case.status
    _bump(case, expected_version=None, **changes)
    events.status_changed(
        case=case,
        actor=actor,
        old=old_status,
        new=case.status,
        reason=f"{channel} dropped; next step: {next_step}",
    )
    if case.assignee is not None and not _assignee_available(case.assignee):
        case_return_to_queue(
            case=case, actor=actor, reason=f"{channel} dropped and {case.assignee} is away"
        )
    return case


def _assignee_available(user: User) -> bool:
    profile = getattr(user, "agent", None)
    return bool(user.is_active and (profile is None or profile.is_available))


@transaction.atomic
def case_set_status(
    *,
    case: Case,
    actor: User | None,
    status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    if status not in CaseStatus.values:
        raise InvalidInput(f"unknown status {status!r}", errors={"status": "unknown"})
    if status == case.status:
        return case
    if status not in ALLOWED_TRANSITIONS[case.status]:
        raise InvalidInput(
            f"a {case.status} case cannot become {status}",
            code=ErrorCode.BAD_TRANSITION,
            errors={"status": f"not allowed from {case.status}"},
        )
    old = case.status
    changes: dict[str, Any] = {"status": status}
    if status == CaseStatus.SOLVED:
        changes["solved_at"] = timezone.now()
    _bump(case, expected_version=expected_version, **changes)
    events.status_changed(case=case, actor=actor, old=old, new=status, reason=reason)
    return case


@transaction.atomic
def case_set_priority(*, case: Case, actor: User | None, priority: int, reason: str) -> Case:
    if priority not in Priority.values:
        raise InvalidInput(f"unknown priority {priority!r}", errors={"priority": "unknown"})
    if priority == case.priority:
        return case
    old = case.priority
    _bump(case, expected_version=None, priority=priority)
    events.priority_changed(case=case, actor=actor, old=old, new=priority, reason=reason)
    return case
