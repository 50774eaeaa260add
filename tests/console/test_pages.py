from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amends.accounts.models import Team, User
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseStatus
from amends.commitments.models import Commitment
from amends.conversations.models import Direction
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return TeamFactory()


@pytest.fixture
def agent(team: Team) -> User:
    return make_agent(team)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queue_lists_only_visible_cases(team: Team, agent: User) -> None:
    mine = CaseFactory(team=team, brand=team.brand, subject="Visible case")
    CaseFactory(subject="Someone else's case")  # another brand and team
    response = signed_in(agent).get("/console/?queue=all")
    assert response.status_code == 200
    assert b"Visible case" in response.content
    assert b"Someone else" not in response.content
    assert mine.reference.encode() in response.content


def test_case_of_another_team_is_404(agent: User) -> None:
    other = CaseFactory()
    assert signed_in(agent).get(f"/console/cases/{other.pk}/").status_code == 404
    assert signed_in(agent).post(f"/console/cases/{other.pk}/take").status_code == 404


def test_customers_cannot_open_the_console(team: Team) -> None:
    customer = CustomerFactory(brand=team.brand)
    user = make_customer_user(customer)
    assert signed_in(user).get("/console/").status_code == 403


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_take_reply_promise_and_transfer_from_the_case_page(team: Team, agent: User) -> None:
    colleague = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    client = signed_in(agent)
    page = client.get(f"/console/cases/{case.pk}/")
    assert page.status_code == 200
    client.post(f"/console/cases/{case.pk}/take")
    client.post(f"/console/cases/{case.pk}/write", {"text": "Nous vous remboursons aujourd'hui."})
    client.post(
        f"/console/cases/{case.pk}/write", {"text": "checked the warehouse", "internal": "on"}
    )
    client.post(
        f"/console/cases/{case.pk}/commitments",
        {
            "kind": "refund",
            "description": "Remboursement sous 3 jours ouvrés",
            "within_business_days": "3",
        },
    )
    refused = client.post(
        f"/console/cases/{case.pk}/transfer",
        {"to_assignee": str(colleague.pk), "note": ""},
        follow=True,
    )
    assert b"hand-off note" in refused.content
    client.post(
        f"/console/cases/{case.pk}/transfer",
        {"to_assignee": str(colleague.pk), "note": "Refund promised, please confirm with the shop"},
    )
    case.refresh_from_db()
    assert case.assignee == colleague
    assert case.bounces == 1
    assert case.status == CaseStatus.OPEN
    assert [m.direction for m in case.messages.all()] == [Direction.OUTBOUND, Direction.NOTE]
    assert Commitment.objects.get(case=case).owner == agent
    kinds = set(case.events.values_list("kind", flat=True))
    assert {
        EventKind.CASE_ASSIGNED,
        EventKind.REPLY_SENT,
        EventKind.NOTE_ADDED,
        EventKind.COMMITMENT_MADE,
        EventKind.CASE_TRANSFERRED,
    } <= kinds


def test_case_page_escapes_customer_text(team: Team, agent: User) -> None:
    from amends.conversations.services import message_receive

    case = CaseFactory(team=team, brand=team.brand)
    message_receive(case=case, text="<script>alert(1)</script>", channel="web")
    page = signed_in(agent).get(f"/console/cases/{case.pk}/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_bad_promise_shows_a_reason(team: Team, agent: User) -> None:
    case: Case = CaseFactory(team=team, brand=team.brand, status=CaseStatus.OPEN)
    page = signed_in(agent).post(
        f"/console/cases/{case.pk}/commitments",
        {"kind": "refund", "description": "x"},
        follow=True,
    )
    assert b"Give either a number of business days or a time of day" in page.content
    assert not Commitment.objects.exists()


def test_search_page_finds_visible_cases_and_their_orders(
    team: Team, agent: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        customer = CustomerFactory(brand=team.brand, name="Niels van Dijk")
        order = OrderFactory(customer=customer, number="NL4455667")
        case = CaseFactory(team=team, brand=team.brand, customer=customer, subject="Pakket retour")
        case.orders.add(order)
        hidden = CaseFactory(subject="Pakket elders")  # another team's
    client = signed_in(agent)
    page = client.get("/console/search/?q=pakket")
    assert case.reference.encode() in page.content
    assert hidden.reference.encode() not in page.content
    by_order = client.get("/console/search/?q=NL4455")
    assert b"NL4455667" in by_order.content
    assert case.reference.encode() in by_order.content  # the order's case, listed under it
    assert client.get("/console/search/?q=").status_code == 200


def test_the_case_page_tells_the_whole_story(team: Team, agent: User) -> None:
    import datetime as dt

    from django.utils import timezone

    from amends.cases.services import case_transfer
    from amends.commitments.models import CommitmentKind
    from amends.commitments.services import Due, commitment_make
    from amends.conversations.services import case_reply, message_receive

    other_team = TeamFactory(name="Team NL", brand=team.brand)
    customer = CustomerFactory(brand=team.brand, name="Niels van Dijk", language="nl")
    customer.is_premium = True
    customer.save()
    case = CaseFactory(team=team, brand=team.brand, customer=customer, assignee=agent)
    order = OrderFactory(customer=customer, number="NL-778899")
    case.orders.add(order)
    sibling = CaseFactory(team=team, brand=team.brand, customer=customer, subject="Factuur fout")
    sibling_order = OrderFactory(customer=customer, number="NL-111222")
    sibling.orders.add(sibling_order)
    CaseFactory(brand=CustomerFactory().brand, subject="Not this customer")
    message_receive(case=case, text="Waar blijft mijn pakket?", channel="email")
    case_reply(case=case, actor=agent, text="We zoeken het uit.")
    commitment_make(
        case=case,
        actor=agent,
        kind=CommitmentKind.CALLBACK,
        description="Terugbellen",
        due=Due(at=timezone.now() + dt.timedelta(hours=3, minutes=20, seconds=30)),
    )
    case_transfer(case=case, actor=agent, to_team=other_team, note="PostNL claim")

    boss = make_agent(team, other_team, first_name="Anne")
    page = signed_in(boss).get(f"/console/cases/{case.pk}/?queue=all").content.decode()
    assert "handed the case to Team NL" in page
    assert "PostNL claim" in page
    assert "Waar blijft mijn pakket?" in page
    assert "case_transferred" not in page  # events in words, not raw kinds
    assert page.index("Waar blijft mijn pakket?") < page.index("handed the case to Team NL")
    assert "in 3 h 20 min" in page or "in 3 h 19 min" in page
    assert "Dutch" in page
    assert "premium" in page
    assert "1 bounce" in page
    assert "NL-778899" in page
    assert "Factuur fout" in page
    assert "NL-111222" in page  # the customer's other problem, with its order
    assert "Not this customer" not in page


def test_the_case_page_links_the_next_case_of_the_queue(team: Team, agent: User) -> None:
    older = CaseFactory(team=team, brand=team.brand)
    newer = CaseFactory(team=team, brand=team.brand)
    client = signed_in(agent)
    page = client.get(f"/console/cases/{newer.pk}/?queue=unassigned").content.decode()
    assert f'data-next-url="/console/cases/{older.pk}/?queue=unassigned"' in page
    last = client.get(f"/console/cases/{older.pk}/?queue=unassigned").content.decode()
    assert "data-next-url" not in last
    hostile = client.get(f"/console/cases/{older.pk}/", {"queue": '"><script>x</script>'})
    assert hostile.status_code == 200
    assert b"<script>x</script>" not in hostile.content


def test_actions_return_to_the_queue_the_agent_came_from(team: Team, agent: User) -> None:
    case = CaseFactory(team=team, brand=team.brand)
    client = signed_in(agent)
    response = client.post(f"/console/cases/{case.pk}/take", {"queue": "unassigned"})
    assert response["Location"] == f"/console/cases/{case.pk}/?queue=unassigned"
    odd = client.post(
        f"/console/cases/{case.pk}/write", {"text": "Bonjour", "queue": "../../admin"}
    )
    assert odd["Location"] == f"/console/cases/{case.pk}/?queue=mine"
    plain = client.post(f"/console/cases/{case.pk}/status", {"status": "open"})
    assert plain["Location"] == f"/console/cases/{case.pk}/"


def test_the_case_page_costs_the_same_however_long_the_story(team: Team, agent: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amends.conversations.services import case_add_note, message_receive

    case = CaseFactory(team=team, brand=team.brand, assignee=agent)
    client = signed_in(agent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/console/cases/{case.pk}/").status_code == 200
        return len(captured)

    message_receive(case=case, text="one", channel="web")
    few = queries()
    for n in range(15):
        message_receive(case=case, text=f"more {n}", channel="web")
        case_add_note(case=case, actor=make_agent(team), text=f"note {n}")
    assert queries() == few
