"""The case page's one timeline: messages and events in order, events in words."""

from __future__ import annotations

import pytest

from amends.accounts.models import User
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent, CaseStatus
from amends.cases.selectors import case_timeline
from amends.cases.services import case_assign, case_set_status, case_transfer
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.console.timeline import Words, event_words, merged_timeline
from amends.conversations.services import case_add_note, case_reply, message_receive
from tests.factories import CaseFactory, TeamFactory, brand_of, make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def lea() -> User:
    return make_agent(TeamFactory(name="Team FR"), first_name="Léa", last_name="Martin")


def test_messages_and_events_in_the_order_they_happened(lea: User) -> None:
    team = lea.agent.teams.get()
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    message_receive(case=case, text="Où est mon colis ?", channel="email")
    case_assign(case=case, assignee=lea, actor=lea)
    case_reply(case=case, actor=lea, text="Je regarde tout de suite.")
    case_add_note(case=case, actor=lea, text="carrier says lost")
    entries = merged_timeline(
        messages=case.messages.order_by("id"), events=case_timeline(case=case)
    )
    shown = [
        e.message.body_text if e.message else event_words(e.event).text if e.event else ""
        for e in entries
    ]
    assert shown[0] == "Où est mon colis ?"
    assert "Léa Martin took the case" in shown
    assert shown.index("Léa Martin took the case") < shown.index("Je regarde tout de suite.")
    assert shown[-1] == "carrier says lost"
    # The events that only say "a message came in / went out" are the messages themselves.
    kinds = {e.event.kind for e in entries if e.event}
    assert not kinds & {EventKind.MESSAGE_RECEIVED, EventKind.REPLY_SENT, EventKind.NOTE_ADDED}
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_a_hand_off_reads_as_a_sentence_with_its_note(lea: User) -> None:
    team = lea.agent.teams.get()
    other = TeamFactory(name="Team NL", brand=brand_of(team))
    case: Case = CaseFactory(team=team, brand=brand_of(team), assignee=lea)
    case_transfer(case=case, actor=lea, to_team=other, note="Pakket ligt bij PostNL")
    event = case.events.get(kind=EventKind.CASE_TRANSFERRED)
    words = event_words(event)
    assert words.text == "Léa Martin handed the case to Team NL"
    assert words.detail == "Pakket ligt bij PostNL"


def test_status_promises_and_unknown_kinds(lea: User) -> None:
    team = lea.agent.teams.get()
    case: Case = CaseFactory(team=team, brand=brand_of(team), assignee=lea)
    case_set_status(case=case, actor=lea, status=CaseStatus.WAITING_ON_THIRD_PARTY, reason="SEUR")
    commitment_make(
        case=case,
        actor=lea,
        kind=CommitmentKind.CALLBACK,
        description="Rappeler avant 17 h",
        due=Due(business_days=1),
    )
    by_kind = {e.kind: event_words(e) for e in case.events.all()}
    assert by_kind[EventKind.STATUS_CHANGED].text == (
        "Léa Martin changed the status from New to Waiting on third party"
    )
    assert by_kind[EventKind.STATUS_CHANGED].detail == "SEUR"
    assert by_kind[EventKind.COMMITMENT_MADE].text == "Léa Martin made a promise"
    assert by_kind[EventKind.COMMITMENT_MADE].detail == "Rappeler avant 17 h"

    odd = CaseEvent.objects.create(case=case, kind="parcel_found_in_depot", data=["not", "a dict"])
    assert event_words(odd).text == "Parcel found in depot"
    broken = CaseEvent.objects.create(
        case=case, kind=EventKind.STATUS_CHANGED, data={"from": "??", "to": None}
    )
    assert event_words(broken).text == "The status changed from ?? to None"


def test_a_case_assigned_by_someone_else(lea: User) -> None:
    team = lea.agent.teams.get()
    boss = make_agent(team, first_name="Anne", last_name="Roux")
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    case_assign(case=case, assignee=lea, actor=boss)
    event = case.events.get(kind=EventKind.CASE_ASSIGNED)
    assert event_words(event).text == "Anne Roux gave the case to Léa Martin"


@pytest.mark.parametrize(
    ("kind", "data", "words", "detail"),
    [
        (
            "shipment_problem",
            {"problem": "damaged", "tracking_number": "3SAB1", "opened": True},
            "The carrier reported a problem with parcel 3SAB1: Damaged in transit",
            "",
        ),
        (
            "customer_notified",
            {"language": "nl", "register": "formal", "rules": ["damaged-in-transit v1"]},
            "The customer was told before writing (nl, formal)",
            "damaged-in-transit v1",
        ),
        (
            EventKind.REMEDY_DECIDED,
            {
                "remedy": "refund_full",
                "outcome": "needs_approval",
                "amount": "100.00",
                "currency": "EUR",
                "explanation": ["authority-limits v1: above 50 EUR"],
            },
            "The customer asked for a full refund; it needs approval (100.00 EUR)",
            "authority-limits v1: above 50 EUR",
        ),
        (
            EventKind.REMEDY_EXECUTED,
            {"remedy": "reship", "reference": "RS-1"},
            "The shop carried out the reship",
            "RS-1",
        ),
        (
            EventKind.CONTRADICTION_FOUND,
            {"number": "NL-1", "detail": "refunded, yet in transit"},
            "Order NL-1: what the order, its payment and its parcels say disagrees",
            "refunded, yet in transit",
        ),
    ],
)
def test_order_and_parcel_events_read_as_sentences(
    lea: User, kind: str, data: dict[str, object], words: str, detail: str
) -> None:
    team = lea.agent.teams.get()
    case = CaseFactory(team=team, brand=brand_of(team))
    event = CaseEvent.objects.create(case=case, kind=kind, actor=None, data=data)
    said = event_words(event)
    assert (said.text, said.detail) == (words, detail)


def test_routing_reads_as_a_sentence_with_its_reason(lea: User) -> None:
    from amends.triage.routing import KEPT_ASSIGNED, LANGUAGE_TEAM

    team = lea.agent.teams.get()
    case = CaseFactory(team=team, brand=brand_of(team))
    moved = CaseEvent.objects.create(
        case=case,
        kind=EventKind.CASE_ROUTED,
        data={"moved": True, "reason": LANGUAGE_TEAM, "to": {"team": "Team NL"}},
    )
    held = CaseEvent.objects.create(
        case=case,
        kind=EventKind.CASE_ROUTED,
        data={"moved": False, "kept": KEPT_ASSIGNED, "target": {"team": "Seniors"}},
    )
    assert event_words(moved) == Words("Routed to Team NL", LANGUAGE_TEAM)
    assert event_words(held).text == "Routing suggested Seniors"
    assert event_words(held).detail == KEPT_ASSIGNED


def test_triage_reads_as_a_sentence(lea: User) -> None:
    team = lea.agent.teams.get()
    case = CaseFactory(team=team, brand=brand_of(team))
    event = CaseEvent.objects.create(
        case=case,
        kind="message_triaged",
        data={
            "lang": "nl",
            "intents": [["parcel_lost", 0.9], ["refund_request", 0.6]],
            "churn": True,
            "churn_phrase": "nooit meer",
        },
    )
    words = event_words(event)
    assert words.text.startswith("Read as Dutch: ")
    assert words.text.endswith("; the customer may leave")
    assert words.detail == "nooit meer"
