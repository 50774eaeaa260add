"""One typed, keyword-only function per kind of timeline row.

The timeline is the audit log and the source of the metrics (bounces, time to first response,
commitments kept), so every state change of a case goes through one of these.
"""

from __future__ import annotations

from typing import Any

from amends.accounts.models import Team, User
from amends.cases.live import announce_on_commit
from amends.cases.models import Case, CaseEvent


class EventKind:
    CASE_OPENED = "case_opened"
    CASE_ASSIGNED = "case_assigned"
    CASE_TRANSFERRED = "case_transferred"
    CASE_RETURNED_TO_QUEUE = "case_returned_to_queue"
    STATUS_CHANGED = "status_changed"
    PRIORITY_CHANGED = "priority_changed"
    MESSAGE_RECEIVED = "message_received"
    REPLY_SENT = "reply_sent"
    NOTE_ADDED = "note_added"
    ORDER_LINKED = "order_linked"
    COMMITMENT_MADE = "commitment_made"
    COMMITMENT_REMINDED = "commitment_reminded"
    COMMITMENT_ESCALATED = "commitment_escalated"
    COMMITMENT_KEPT = "commitment_kept"
    COMMITMENT_BROKEN = "commitment_broken"
    COMMITMENT_WAIVED = "commitment_waived"
    SECOND_OPINION_REQUESTED = "second_opinion_requested"
    DELIVERY_FAILED = "delivery_failed"
    DELIVERY_DELAYED = "delivery_delayed"
    AUTO_REPLY_RECEIVED = "auto_reply_received"
    REMEDY_DECIDED = "remedy_decided"
    REMEDY_APPROVED = "remedy_approved"
    REMEDY_EXECUTED = "remedy_executed"
    REMEDY_FAILED = "remedy_failed"
    REMEDY_CONFIRMED = "remedy_confirmed"
    CONTRADICTION_FOUND = "contradiction_found"
    CASE_ROUTED = "case_routed"
    SELLER_CHARGED = "seller_charged"
    REPLY_LINT_OVERRIDDEN = "reply_lint_overridden"


def _owner(*, team: Team | None, assignee: User | None) -> dict[str, Any]:
    return {
        "team_id": team.pk if team else None,
        "team": team.name if team else None,
        "assignee_id": assignee.pk if assignee else None,
        "assignee": str(assignee) if assignee else None,
    }


def _append(*, case: Case, kind: str, actor: User | None, data: dict[str, Any]) -> CaseEvent:
    event = CaseEvent.objects.create(case=case, kind=kind, actor=actor, data=data)
    # Open consoles hear "case changed" once this commits; a failure there never fails this.
    announce_on_commit(
        case_id=case.pk,
        brand_id=case.brand_id,
        team_id=case.team_id,
        assignee_id=case.assignee_id,
        kind=kind,
        actor_id=actor.pk if actor is not None else None,
        data=data,
    )
    return event


def case_opened(*, case: Case, actor: User | None, channel: str) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.CASE_OPENED,
        actor=actor,
        data={"channel": channel, **_owner(team=case.team, assignee=case.assignee)},
    )


def case_assigned(
    *, case: Case, actor: User | None, assignee: User, previous_team: Team
) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.CASE_ASSIGNED,
        actor=actor,
        data={
            "from": _owner(team=previous_team, assignee=None),
            **_owner(team=case.team, assignee=assignee),
        },
    )


def case_transferred(
    *,
    case: Case,
    actor: User | None,
    previous_team: Team,
    previous_assignee: User | None,
    note: str,
    bounces: int,
) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.CASE_TRANSFERRED,
        actor=actor,
        data={
            "from": _owner(team=previous_team, assignee=previous_assignee),
            "to": _owner(team=case.team, assignee=case.assignee),
            "note": note,
            "bounces": bounces,
        },
    )


def case_returned_to_queue(
    *, case: Case, actor: User | None, previous_assignee: User, reason: str
) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.CASE_RETURNED_TO_QUEUE,
        actor=actor,
        data={
            "from": _owner(team=case.team, assignee=previous_assignee),
            "to": _owner(team=case.team, assignee=None),
            "reason": reason,
        },
    )


def status_changed(
    *, case: Case, actor: User | None, old: str, new: str, reason: str = ""
) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        data={"from": old, "to": new, "reason": reason},
    )


def priority_changed(
    *, case: Case, actor: User | None, old: int, new: int, reason: str
) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.PRIORITY_CHANGED,
        actor=actor,
        data={"from": old, "to": new, "reason": reason},
    )


def message_received(*, case: Case, message_id: int, channel: str) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.MESSAGE_RECEIVED,
        actor=None,
        data={"message_id": message_id, "channel": channel},
    )


def reply_sent(*, case: Case, actor: User, message_id: int, channel: str) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.REPLY_SENT,
        actor=actor,
        data={"message_id": message_id, "channel": channel},
    )


def reply_lint_overridden(
    *, case: Case, actor: User, message_id: int, reason: str, codes: list[str]
) -> CaseEvent:
    """A reply went out although the reply linter found errors in it (``codes``), because the
    agent said why (``reason``): the audit trail of every override."""
    return _append(
        case=case,
        kind=EventKind.REPLY_LINT_OVERRIDDEN,
        actor=actor,
        data={"message_id": message_id, "reason": reason, "codes": codes},
    )


def note_added(*, case: Case, actor: User, message_id: int) -> CaseEvent:
    return _append(
        case=case, kind=EventKind.NOTE_ADDED, actor=actor, data={"message_id": message_id}
    )


def order_linked(*, case: Case, actor: User | None, order_id: int, number: str) -> CaseEvent:
    return _append(
        case=case,
        kind=EventKind.ORDER_LINKED,
        actor=actor,
        data={"order_id": order_id, "number": number},
    )


def commitment_event(
    *, case: Case, kind: str, actor: User | None, commitment_id: int, **extra: Any
) -> CaseEvent:
    return _append(
        case=case, kind=kind, actor=actor, data={"commitment_id": commitment_id, **extra}
    )


def second_opinion_requested(
    *,
    case: Case,
    actor: User | None,
    previous_team: Team,
    previous_assignee: User | None,
    route: str,
    reason: str,
) -> CaseEvent:
    """The customer asked for a second opinion; ``route`` says who gives it (see
    ``cases.services.case_second_opinion``). Not a transfer: ``bounces`` is not counted."""
    return _append(
        case=case,
        kind=EventKind.SECOND_OPINION_REQUESTED,
        actor=actor,
        data={
            "from": _owner(team=previous_team, assignee=previous_assignee),
            "to": _owner(team=case.team, assignee=case.assignee),
            "to_first_name": case.assignee.first_name if case.assignee else "",
            "route": route,
            "reason": reason,
        },
    )


def delivery_reported(
    *, case: Case, permanent: bool, message_id: int, address: str, status: str, detail: str
) -> CaseEvent:
    """A delivery report about one of our replies: it bounced (permanent) or is delayed."""
    return _append(
        case=case,
        kind=EventKind.DELIVERY_FAILED if permanent else EventKind.DELIVERY_DELAYED,
        actor=None,
        data={
            "message_id": message_id,
            "address": address,
            "status": status,
            "detail": detail[:300],
        },
    )


def auto_reply_received(*, case: Case, sender: str, subject: str, why: str) -> CaseEvent:
    """An automatic reply (out of office, autoresponder) to this case: stored, not answered."""
    return _append(
        case=case,
        kind=EventKind.AUTO_REPLY_RECEIVED,
        actor=None,
        data={"sender": sender, "subject": subject[:200], "why": why[:100]},
    )


def remedy_event(
    *, case: Case, kind: str, actor: User | None, remedy_id: int, **extra: Any
) -> CaseEvent:
    """A remedy decided by the policy engine, approved, carried out by the shop, failed there,
    or confirmed by it; ``extra`` carries the decision's rules, the amount, the shop's reference."""
    return _append(case=case, kind=kind, actor=actor, data={"remedy_id": remedy_id, **extra})


def contradiction_found(
    *, case: Case, order_id: int, number: str, code: str, detail: str
) -> CaseEvent:
    """The order's, its payment's and its parcels' states disagree (``commerce.consistency``)."""
    return _append(
        case=case,
        kind=EventKind.CONTRADICTION_FOUND,
        actor=None,
        data={"order_id": order_id, "number": number, "code": code, "detail": detail[:300]},
    )
