"""One timeline for the case page: messages and events in time order, events told in words.

The events that only say "a message was received / sent / noted" are folded into the message
itself; every other event (assignments, hand-offs, status, promises…) becomes a sentence such as
"Léa handed the case to Team NL", with the hand-off note or reason as its detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from amends.cases.events import EventKind
from amends.cases.models import CaseEvent, CaseStatus, Channel, Priority
from amends.cases.reasons import reason_text
from amends.console.timeline_orders import SENTENCES
from amends.conversations.models import Direction, Message

SECOND_OPINION_REQUESTED = "second_opinion_requested"
_MESSAGE_EVENTS = {EventKind.MESSAGE_RECEIVED, EventKind.REPLY_SENT, EventKind.NOTE_ADDED}


@dataclass(frozen=True)
class Words:
    text: str
    detail: str = ""


@dataclass(frozen=True)
class Entry:
    """One line of the timeline, with its words worked out once (a long case shows about a
    hundred lines, and per-line template look-ups were most of the page's render time)."""

    at: dt.datetime
    message: Message | None = None
    event: CaseEvent | None = None
    words: Words | None = None  # the event told in words
    how: str = ""  # how the message went: "Inbound · Email"


def merged_timeline(
    *, messages: Iterable[Message], events: Iterable[CaseEvent], earlier_hidden: bool = False
) -> list[Entry]:
    """Messages and events in the order they happened (events of a shown message left out).

    ``earlier_hidden``: ``messages`` are the latest of the case only, so the events of the
    earlier ones are left out too (they are shown with those messages, one click away) —
    whatever their time stamps, which an import or a clock may have put after the oldest
    message shown.
    """
    shown = list(messages)
    message_ids = {m.pk for m in shown}
    oldest_shown = min(message_ids) if earlier_hidden and message_ids else None
    directions = {value: str(label) for value, label in Direction.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    entries = [
        Entry(
            at=m.created_at,
            message=m,
            how=f"{directions.get(m.direction, m.direction)} · "
            f"{channels.get(m.channel, m.channel)}",
        )
        for m in shown
    ]
    for event in events:
        if event.kind in _MESSAGE_EVENTS and _of_a_message_left_out(
            event, message_ids, oldest_shown
        ):
            continue
        entries.append(Entry(at=event.created_at, event=event, words=event_words(event)))

    def order(entry: Entry) -> tuple[dt.datetime, int, int]:
        item = entry.message or entry.event
        return (entry.at, 0 if entry.event else 1, item.pk if item else 0)

    return sorted(entries, key=order)


def _of_a_message_left_out(
    event: CaseEvent, message_ids: set[int], oldest_shown: int | None
) -> bool:
    """Whether a message event is told by a message shown, or by an earlier one not shown."""
    data = event.data if isinstance(event.data, dict) else {}
    message_id = data.get("message_id")
    if message_id in message_ids:
        return True
    return oldest_shown is not None and type(message_id) is int and message_id < oldest_shown


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _owner(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    assignee, team = data.get("assignee"), data.get("team")
    if assignee and team:
        return _("%(agent)s (%(team)s)") % {"agent": assignee, "team": team}
    return str(assignee or team or "")


def _opened(actor: str | None, data: dict[str, Any]) -> Words:
    channel = _label(Channel, data.get("channel", ""))
    if actor:
        return Words(
            _("%(actor)s opened the case (%(channel)s)") % {"actor": actor, "channel": channel}
        )
    return Words(_("The case was opened (%(channel)s)") % {"channel": channel})


def _assigned(actor: str | None, data: dict[str, Any], actor_id: int | None) -> Words:
    assignee = str(data.get("assignee") or "")
    if actor and actor_id is not None and actor_id == data.get("assignee_id"):
        return Words(_("%(actor)s took the case") % {"actor": actor})
    if actor:
        return Words(
            _("%(actor)s gave the case to %(agent)s") % {"actor": actor, "agent": assignee}
        )
    return Words(_("The case was given to %(agent)s") % {"agent": assignee})


def _transferred(actor: str | None, data: dict[str, Any]) -> Words:
    owner = _owner(data.get("to"))
    note = str(data.get("note") or "")
    if actor:
        return Words(
            _("%(actor)s handed the case to %(owner)s") % {"actor": actor, "owner": owner}, note
        )
    return Words(_("The case was handed to %(owner)s") % {"owner": owner}, note)


def _returned(actor: str | None, data: dict[str, Any]) -> Words:
    to = data.get("to")
    team = to.get("team") if isinstance(to, dict) else ""
    return Words(
        _("The case went back to the %(team)s queue") % {"team": team or _("team")},
        reason_text(str(data.get("reason") or "")),
    )


def _changed(actor: str | None, data: dict[str, Any], choices: Any, *, what: str) -> Words:
    values = {
        "actor": actor,
        "old": _label(choices, data.get("from")),
        "new": _label(choices, data.get("to")),
    }
    reason = reason_text(str(data.get("reason") or ""))
    if what == "status":
        if actor:
            return Words(_("%(actor)s changed the status from %(old)s to %(new)s") % values, reason)
        return Words(_("The status changed from %(old)s to %(new)s") % values, reason)
    if actor:
        return Words(_("%(actor)s changed the priority from %(old)s to %(new)s") % values, reason)
    return Words(_("The priority changed from %(old)s to %(new)s") % values, reason)


def _message(kind: str, actor: str | None, data: dict[str, Any]) -> Words:
    channel = _label(Channel, data.get("channel", ""))
    if kind == EventKind.MESSAGE_RECEIVED:
        return Words(_("A message arrived (%(channel)s)") % {"channel": channel})
    if kind == EventKind.REPLY_SENT:
        return Words(
            _("%(actor)s replied (%(channel)s)")
            % {"actor": actor or _("Someone"), "channel": channel}
        )
    return Words(_("%(actor)s added an internal note") % {"actor": actor or _("Someone")})


def _commitment(kind: str, actor: str | None, data: dict[str, Any]) -> Words:
    who = actor or _("Someone")
    sentences: dict[str, Callable[[], Words]] = {
        EventKind.COMMITMENT_MADE: lambda: Words(
            _("%(actor)s made a promise") % {"actor": who}, str(data.get("description") or "")
        ),
        EventKind.COMMITMENT_REMINDED: lambda: Words(_("The owner of a promise was reminded")),
        EventKind.COMMITMENT_ESCALATED: lambda: Words(_("A promise about to break was escalated")),
        EventKind.COMMITMENT_KEPT: lambda: Words(
            _("%(actor)s kept a promise") % {"actor": who} if actor else _("A promise was kept"),
            str(data.get("fulfilled_by") or ""),
        ),
        EventKind.COMMITMENT_BROKEN: lambda: Words(_("A promise was broken: its due time passed")),
        EventKind.COMMITMENT_WAIVED: lambda: Words(
            _("%(actor)s waived a promise") % {"actor": who}, str(data.get("waive_reason") or "")
        ),
    }
    return sentences[kind]()


_COMMITMENT_KINDS = {
    EventKind.COMMITMENT_MADE,
    EventKind.COMMITMENT_REMINDED,
    EventKind.COMMITMENT_ESCALATED,
    EventKind.COMMITMENT_KEPT,
    EventKind.COMMITMENT_BROKEN,
    EventKind.COMMITMENT_WAIVED,
}


def event_words(event: CaseEvent) -> Words:
    """The event as a sentence in the reader's language, and its note or reason if it has one."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    actor = str(event.actor) if event.actor_id and event.actor is not None else None
    kind = event.kind
    if kind == EventKind.CASE_OPENED:
        return _opened(actor, data)
    if kind == EventKind.CASE_ASSIGNED:
        return _assigned(actor, data, event.actor_id)
    if kind == EventKind.CASE_TRANSFERRED:
        return _transferred(actor, data)
    if kind == EventKind.CASE_RETURNED_TO_QUEUE:
        return _returned(actor, data)
    if kind == EventKind.STATUS_CHANGED:
        return _changed(actor, data, CaseStatus, what="status")
    if kind == EventKind.PRIORITY_CHANGED:
        return _changed(actor, data, Priority, what="priority")
    if kind in _MESSAGE_EVENTS:
        return _message(kind, actor, data)
    if kind == EventKind.ORDER_LINKED:
        return Words(
            _("Order %(number)s was linked to the case") % {"number": data.get("number", "")}
        )
    if kind in _COMMITMENT_KINDS:
        return _commitment(kind, actor, data)
    if kind in SENTENCES:
        return Words(*SENTENCES[kind](actor, data))
    if kind == EventKind.DELIVERY_FAILED:
        return Words(
            _("A reply could not be delivered to %(address)s") % {"address": data.get("address")},
            " ".join(str(data.get(k) or "") for k in ("status", "detail")).strip(),
        )
    if kind == EventKind.DELIVERY_DELAYED:
        return Words(
            _("Delivery of a reply to %(address)s is delayed") % {"address": data.get("address")},
            " ".join(str(data.get(k) or "") for k in ("status", "detail")).strip(),
        )
    if kind == EventKind.AUTO_REPLY_RECEIVED:
        return Words(
            _("An automatic reply arrived from %(sender)s") % {"sender": data.get("sender")},
            str(data.get("subject") or ""),
        )
    if kind == SECOND_OPINION_REQUESTED:
        owner = _owner(data.get("to"))
        reason = reason_text(str(data.get("reason") or ""))
        if actor:
            return Words(
                _("%(actor)s asked for a second opinion; the case went to %(owner)s")
                % {"actor": actor, "owner": owner},
                reason,
            )
        return Words(
            _("A second opinion was asked for; the case went to %(owner)s") % {"owner": owner},
            reason,
        )
    return Words(kind.replace("_", " ").capitalize())
