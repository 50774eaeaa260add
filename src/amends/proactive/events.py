"""The timeline rows of proactive cases, in the pattern of ``cases.events`` (and through its
``_append``, so open consoles hear of them like of any other event).

* ``shipment_problem`` — why the case opened, or why a problem joined an open case: the kind, the
  parcel, the rule and the facts.
* ``shipment_problem_changed`` — the same problem, with new facts (a third failed attempt, the
  estimate moved again); nothing is sent to the customer for it.
* ``customer_notified`` — the notice went out before the customer wrote, in which language and
  register, with which choices and which policy rules decided them.
* ``note_added`` — the note to the agent beside the notice (the same kind as an agent's note,
  so the console folds it into the note; no actor: amends wrote it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from amends.cases.events import EventKind, _append
from amends.cases.models import Case, CaseEvent


class ProactiveEventKind:
    SHIPMENT_PROBLEM = "shipment_problem"
    SHIPMENT_PROBLEM_CHANGED = "shipment_problem_changed"
    CUSTOMER_NOTIFIED = "customer_notified"


def shipment_problem(
    *,
    case: Case,
    problem_id: int,
    kind: str,
    shipment_id: int,
    tracking_number: str,
    carrier: str,
    opened: bool,
    detail: dict[str, Any],
) -> CaseEvent:
    """``opened``: the problem opened this case; otherwise it joined the customer's open case."""
    return _append(
        case=case,
        kind=ProactiveEventKind.SHIPMENT_PROBLEM,
        actor=None,
        data={
            "problem_id": problem_id,
            "problem": kind,
            "shipment_id": shipment_id,
            "tracking_number": tracking_number,
            "carrier": carrier,
            "opened": opened,
            **detail,
        },
    )


def shipment_problem_changed(
    *, case: Case, problem_id: int, kind: str, before: dict[str, Any], after: dict[str, Any]
) -> CaseEvent:
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    return _append(
        case=case,
        kind=ProactiveEventKind.SHIPMENT_PROBLEM_CHANGED,
        actor=None,
        data={"problem_id": problem_id, "problem": kind, "changed": changed},
    )


def customer_notified(
    *,
    case: Case,
    problem_id: int,
    message_id: int,
    language: str,
    register: str,
    offers: Sequence[str],
    rules: Sequence[str],
    contact: str,
) -> CaseEvent:
    return _append(
        case=case,
        kind=ProactiveEventKind.CUSTOMER_NOTIFIED,
        actor=None,
        data={
            "problem_id": problem_id,
            "message_id": message_id,
            "channel": "email",
            "language": language,
            "register": register,
            "offers": list(offers),
            "rules": list(rules),
            "carrier_contact": contact,
        },
    )


def note_written(*, case: Case, message_id: int) -> CaseEvent:
    return _append(
        case=case, kind=EventKind.NOTE_ADDED, actor=None, data={"message_id": message_id}
    )
