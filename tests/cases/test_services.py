from __future__ import annotations

import threading

import pytest
from django.db import connection

from amends.accounts.models import Team
from amends.cases.events import EventKind
from amends.cases.models import AppendOnlyError, Case, CaseEvent, CaseStatus
from amends.cases.services import (
    agent_leave,
    case_assign,
    case_channel_dropped,
    case_open,
    case_set_status,
    case_transfer,
)
from amends.core.errors import Conflict, ErrorCode, InvalidInput
from amends.notifications.models import Notification
from tests.factories import (
    BrandFactory,
    CaseFactory,
    CustomerFactory,
    TeamFactory,
    brand_of,
    make_agent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return TeamFactory()


def test_open_case_lands_in_the_brand_queue_and_appends_an_event(team: Team) -> None:
    customer = CustomerFactory(brand=team.brand)
    case = case_open(
        brand=brand_of(team), customer=customer, subject="  Parcel   never came ", channel="web"
    )
    assert case.team == team
    assert case.assignee is None
    assert case.subject == "Parcel never came"
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.CASE_OPENED]


def test_open_case_without_any_team_says_what_to_do() -> None:
    brand = BrandFactory()
    with pytest.raises(InvalidInput, match="no team exists"):
        case_open(brand=brand, customer=CustomerFactory(brand=brand), subject="x", channel="web")


def test_open_case_refuses_customer_of_another_brand(team: Team) -> None:
    other = CustomerFactory(brand=BrandFactory())
    with pytest.raises(InvalidInput, match="another storefront"):
        case_open(brand=brand_of(team), customer=other, subject="x", channel="web")


def test_assign_from_queue_needs_no_note_and_is_not_a_bounce(team: Team) -> None:
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    case_assign(case=case, assignee=agent, actor=agent)
    case.refresh_from_db()
    assert case.assignee == agent
    assert case.bounces == 0
    assert case.events.last().kind == EventKind.CASE_ASSIGNED  # type: ignore[union-attr]


def test_assigning_an_owned_case_is_a_conflict_not_a_silent_takeover(team: Team) -> None:
    first, second = make_agent(team), make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    case_assign(case=case, assignee=first, actor=first)
    with pytest.raises(Conflict, match="already owned"):
        case_assign(case=Case.objects.get(pk=case.pk), assignee=second, actor=second)


def test_stale_version_is_a_conflict(team: Team) -> None:
    first, second = make_agent(team), make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    stale = Case.objects.get(pk=case.pk)
    case_assign(case=case, assignee=first, actor=first)
    with pytest.raises(Conflict, match="changed by someone else"):
        case_set_status(case=stale, actor=second, status=CaseStatus.OPEN)


def test_assign_refuses_non_member(team: Team) -> None:
    outsider = make_agent(TeamFactory(brand=team.brand))
    case = CaseFactory(team=team, brand=team.brand)
    with pytest.raises(InvalidInput, match="transfer the case"):
        case_assign(case=case, assignee=outsider, actor=outsider)


@pytest.mark.parametrize("note", ["", "  ", "ok"])
def test_transfer_without_a_real_note_is_refused(team: Team, note: str) -> None:
    a, b = make_agent(team), make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=a)
    with pytest.raises(InvalidInput) as info:
        case_transfer(case=case, actor=a, note=note, to_assignee=b)
    assert info.value.code == ErrorCode.NOTE_REQUIRED
    case.refresh_from_db()
    assert case.assignee == a
    assert case.bounces == 0


def test_transfer_counts_bounces_records_note_and_tells_the_next_owner(team: Team) -> None:
    a, b = make_agent(team), make_agent(team)
    other_team = TeamFactory(brand=team.brand)
    c = make_agent(other_team)
    case = CaseFactory(team=team, brand=team.brand, assignee=a)
    case_transfer(
        case=case, actor=a, note="Customer wants a callback about the router", to_assignee=b
    )
    case_transfer(
        case=case, actor=b, note="Needs the store team", to_team=other_team, to_assignee=c
    )
    case.refresh_from_db()
    assert (case.team, case.assignee, case.bounces) == (other_team, c, 2)
    transfer = case.events.filter(kind=EventKind.CASE_TRANSFERRED).last()
    assert transfer is not None
    assert transfer.data["note"] == "Needs the store team"
    assert transfer.data["from"]["assignee_id"] == b.pk
    assert transfer.data["bounces"] == 2
    assert Notification.objects.filter(recipient=c, kind="case_transferred").exists()


def test_transfer_to_same_owner_is_refused(team: Team) -> None:
    a = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=a)
    with pytest.raises(InvalidInput) as info:
        case_transfer(case=case, actor=a, note="back to me", to_assignee=a)
    assert info.value.code == ErrorCode.SAME_OWNER


def test_transfer_to_agent_of_another_team_moves_the_team_too(team: Team) -> None:
    a = make_agent(team)
    other_team = TeamFactory(brand=team.brand)
    c = make_agent(other_team)
    case = CaseFactory(team=team, brand=team.brand, assignee=a)
    case_transfer(case=case, actor=a, note="Store team handles in-store returns", to_assignee=c)
    case.refresh_from_db()
    assert case.team == other_team
    assert case.assignee == c


def test_agent_leaving_returns_cases_to_the_queue_with_reason(team: Team) -> None:
    lead = make_agent(team)
    team.lead = lead
    team.save()
    a = make_agent(team)
    open_case = CaseFactory(team=team, brand=team.brand, assignee=a)
    solved = CaseFactory(team=team, brand=team.brand, assignee=a, status=CaseStatus.SOLVED)
    assert agent_leave(agent=a, actor=lead, reason="left the company") == 1
    open_case.refresh_from_db()
    solved.refresh_from_db()
    assert open_case.assignee is None
    assert open_case.team == team
    assert solved.assignee == a
    event = open_case.events.get(kind=EventKind.CASE_RETURNED_TO_QUEUE)
    assert "left the company" in event.data["reason"]
    assert Notification.objects.filter(recipient=lead, kind="case_returned_to_queue").exists()


def test_dropped_call_keeps_the_case_open_owned_and_with_a_next_step(team: Team) -> None:
    a = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=a, status=CaseStatus.NEW)
    case_channel_dropped(case=case, channel="phone", actor=a, next_step="Call her back at 15:00")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.assignee == a
    assert case.next_step == "Call her back at 15:00"


def test_dropped_call_with_an_away_agent_falls_back_to_the_queue(team: Team) -> None:
    a = make_agent(team)
    a.agent.is_available = False
    a.agent.save()
    case = CaseFactory(team=team, brand=team.brand, assignee=a, status=CaseStatus.OPEN)
    case_channel_dropped(case=case, channel="phone", actor=None, next_step="")
    case.refresh_from_db()
    assert case.assignee is None
    assert case.team == team
    assert case.next_step == "contact the customer again"


def test_closed_is_final(team: Team) -> None:
    a = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, status=CaseStatus.CLOSED)
    with pytest.raises(InvalidInput) as info:
        case_set_status(case=case, actor=a, status=CaseStatus.OPEN)
    assert info.value.code == ErrorCode.BAD_TRANSITION
    with pytest.raises(InvalidInput, match="unknown status"):
        case_set_status(case=case, actor=a, status="exploded")


def test_events_are_append_only(team: Team) -> None:
    case = case_open(
        brand=brand_of(team), customer=CustomerFactory(brand=team.brand), subject="x", channel="web"
    )
    event = CaseEvent.objects.get(case=case)
    event.data = {"tampered": True}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_the_same_case_at_once_one_wins_one_gets_a_conflict() -> None:
    team = TeamFactory()
    agents = [make_agent(team), make_agent(team)]
    case_id = CaseFactory(team=team, brand=team.brand).pk
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(agent_index: int) -> None:
        try:
            case = Case.objects.get(pk=case_id)  # both read version 1
            barrier.wait(timeout=10)
            case_assign(case=case, assignee=agents[agent_index], actor=agents[agent_index])
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    case = Case.objects.get(pk=case_id)
    assert case.assignee in agents
    assert case.events.filter(kind=EventKind.CASE_ASSIGNED).count() == 1
