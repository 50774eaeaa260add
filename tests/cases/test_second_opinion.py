"""A second opinion without starting over (story 5): the same case goes to a supervisor, keeps
everything said and promised, can be asked for once while pending, and the customer sees who now
looks at it — never the internal notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from amends.accounts.models import AgentProfile, Team, User
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseStatus
from amends.cases.second_opinion import (
    MAX_SECOND_OPINION_REASON,
    SECOND_OPINION_SENIOR_TEAM,
    SECOND_OPINION_SUPERVISOR,
    SECOND_OPINION_TEAM_LEAD,
    SecondOpinionPending,
    SecondOpinionUnavailable,
    case_second_opinion,
    second_opinion_pending,
)
from amends.cases.services import case_set_status
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.core.errors import Conflict
from amends.notifications.models import Notification
from tests.factories import (
    BrandFactory,
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    SellerFactory,
    TeamFactory,
    brand_of,
    make_agent,
    make_customer_user,
    make_seller_user,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass(frozen=True)
class Story:
    team: Team
    agent: User
    case: Case
    customer: User


@pytest.fixture
def story() -> Story:
    team = TeamFactory()
    agent = make_agent(team, first_name="Lucía", last_name="García")
    customer = CustomerFactory(brand=team.brand, language="en")
    case = CaseFactory(
        team=team, brand=team.brand, customer=customer, subject="Desk broke", assignee=agent
    )
    case.orders.add(OrderFactory(customer=customer))
    message_receive(case=case, text="The desk arrived broken.", channel="web")
    case_reply(case=case, actor=agent, text="We cannot refund this.")
    case_add_note(case=case, actor=agent, text="customer is difficult, stall")
    commitment_make(
        case=case,
        actor=agent,
        kind=CommitmentKind.INVESTIGATION,
        description="Ask the courier what happened",
        due=Due(at=timezone.now() + dt.timedelta(days=2)),
    )
    return Story(team, agent, case, make_customer_user(customer))


def give_open_cases(user: User, team: Team, count: int) -> None:
    for _ in range(count):
        CaseFactory(team=team, brand=team.brand, assignee=user, status=CaseStatus.OPEN)


# --- who gives the second opinion -----------------------------------------------------------------


def test_goes_to_the_storefronts_supervisor_with_the_fewest_open_cases(story: Story) -> None:
    brand = brand_of(story.team)
    busy = make_supervisor(brand, first_name="Busy")
    free = make_supervisor(brand, first_name="Claire", last_name="Martin")
    make_supervisor(BrandFactory(), first_name="Elsewhere")  # another storefront's
    away = make_supervisor(brand, first_name="Away")
    AgentProfile.objects.filter(user=away).update(is_available=False)
    give_open_cases(busy, story.team, 3)
    give_open_cases(free, story.team, 1)
    CaseFactory(team=story.team, brand=brand, assignee=free, status=CaseStatus.SOLVED)

    case = case_second_opinion(case=story.case, actor=story.customer, reason="")
    assert case.assignee == free
    assert case.team == story.team  # the same desk: if it goes back to the queue, it goes home
    pending = second_opinion_pending(case=case)
    assert pending is not None
    assert (pending.route, pending.first_name) == (SECOND_OPINION_SUPERVISOR, "Claire")


def test_never_back_to_the_supervisor_who_already_owns_it(story: Story) -> None:
    brand = brand_of(story.team)
    owner = make_supervisor(brand, first_name="Owner")
    other = make_supervisor(brand, first_name="Other")
    give_open_cases(other, story.team, 5)
    Case.objects.filter(pk=story.case.pk).update(assignee=owner)
    story.case.refresh_from_db()
    assert case_second_opinion(case=story.case, actor=story.customer).assignee == other


def test_without_a_supervisor_the_storefronts_senior_team_takes_it(story: Story) -> None:
    lead = make_agent(first_name="Isabelle")
    everyone = Team.objects.create(name="Senior (all)", slug="senior-all", is_senior=True)
    own = Team.objects.create(
        name="Senior FR", slug="senior-fr", brand=story.team.brand, is_senior=True, lead=lead
    )
    case = case_second_opinion(case=story.case, actor=story.customer, reason="Please check")
    assert (case.team, case.assignee) == (own, None)
    assert everyone != own
    notice = Notification.objects.get(recipient=lead, kind="second_opinion_requested")
    assert "Please check" in notice.text
    pending = second_opinion_pending(case=case)
    assert pending is not None
    assert pending.route == SECOND_OPINION_SENIOR_TEAM


def test_then_the_senior_team_for_every_storefront_and_its_members_hear_of_it(
    story: Story,
) -> None:
    everyone = Team.objects.create(name="Senior (all)", slug="senior-all", is_senior=True)
    member = make_agent(everyone)
    case = case_second_opinion(case=story.case, actor=story.customer)
    assert (case.team, case.assignee) == (everyone, None)
    assert Notification.objects.filter(recipient=member, case=case).exists()


def test_last_the_lead_of_the_cases_team(story: Story) -> None:
    lead = make_agent(story.team, first_name="Daan")
    Team.objects.filter(pk=story.team.pk).update(lead=lead)
    story.case.team.refresh_from_db()
    case = case_second_opinion(case=story.case, actor=story.customer)
    assert (case.team, case.assignee) == (story.team, lead)
    pending = second_opinion_pending(case=case)
    assert pending is not None
    assert (pending.route, pending.first_name) == (SECOND_OPINION_TEAM_LEAD, "Daan")


def test_nobody_to_ask_is_said_plainly_and_changes_nothing(story: Story) -> None:
    events_before = story.case.events.count()
    with pytest.raises(SecondOpinionUnavailable, match="nobody can give a second opinion"):
        case_second_opinion(case=story.case, actor=story.customer)
    assert story.case.events.count() == events_before
    story.case.refresh_from_db()
    assert story.case.assignee == story.agent


# --- the same case, once --------------------------------------------------------------------------


def test_keeps_the_conversation_orders_and_promises_and_is_not_a_bounce(story: Story) -> None:
    supervisor = make_supervisor(brand_of(story.team), first_name="Claire")
    before = {
        "messages": list(story.case.messages.values_list("id", flat=True)),
        "orders": list(story.case.orders.values_list("id", flat=True)),
        "commitments": list(story.case.commitments.values_list("id", "owner_id", "state")),
    }
    case = case_second_opinion(case=story.case, actor=story.customer, reason="Not fair")
    case.refresh_from_db()
    assert case.pk == story.case.pk
    assert list(case.messages.values_list("id", flat=True)) == before["messages"]
    assert list(case.orders.values_list("id", flat=True)) == before["orders"]
    assert list(case.commitments.values_list("id", "owner_id", "state")) == before["commitments"]
    assert case.bounces == 0
    event = case.events.get(kind=EventKind.SECOND_OPINION_REQUESTED)
    assert event.actor == story.customer
    assert event.data["reason"] == "Not fair"
    assert event.data["from"]["assignee_id"] == story.agent.pk
    assert event.data["to"]["assignee_id"] == supervisor.pk
    assert not case.events.filter(kind=EventKind.CASE_TRANSFERRED).exists()
    notice = Notification.objects.get(recipient=supervisor)
    assert "asked for a second opinion" in notice.text
    assert "Not fair" in notice.text


def test_only_once_while_pending_and_again_after_the_case_was_solved(story: Story) -> None:
    make_supervisor(brand_of(story.team))
    make_supervisor(brand_of(story.team))
    case_second_opinion(case=story.case, actor=story.customer)
    count = story.case.events.count()
    with pytest.raises(SecondOpinionPending):
        case_second_opinion(case=story.case, actor=story.customer, reason="again")
    assert story.case.events.count() == count

    case_set_status(case=story.case, actor=story.agent, status=CaseStatus.SOLVED)
    assert second_opinion_pending(case=story.case) is None
    case = case_second_opinion(case=story.case, actor=story.customer)
    assert case.status == CaseStatus.OPEN  # solved, and the customer disagrees: open again
    assert case.events.filter(kind=EventKind.SECOND_OPINION_REQUESTED).count() == 2


def test_a_case_waiting_on_the_customer_is_now_waiting_on_us(story: Story) -> None:
    make_supervisor(brand_of(story.team))
    case_set_status(case=story.case, actor=story.agent, status=CaseStatus.WAITING_ON_CUSTOMER)
    assert case_second_opinion(case=story.case, actor=story.customer).status == CaseStatus.OPEN


def test_a_closed_case_gets_no_second_opinion(story: Story) -> None:
    make_supervisor(brand_of(story.team))
    case_set_status(case=story.case, actor=story.agent, status=CaseStatus.CLOSED)
    with pytest.raises(Conflict, match="closed"):
        case_second_opinion(case=story.case, actor=story.customer)


def test_a_stale_copy_of_the_case_cannot_ask_twice(story: Story) -> None:
    make_supervisor(brand_of(story.team))
    stale = Case.objects.get(pk=story.case.pk)
    case_second_opinion(case=story.case, actor=story.customer)
    with pytest.raises(SecondOpinionPending):
        case_second_opinion(case=stale, actor=story.customer)


# --- the page -------------------------------------------------------------------------------------


def test_the_customer_asks_from_the_case_page_and_sees_who_looks_now(story: Story) -> None:
    make_supervisor(brand_of(story.team), first_name="Claire", last_name="Martin")
    client = signed_in(story.customer)
    page = client.get(f"/my/cases/{story.case.pk}/").content.decode()
    assert "Ask for a second opinion" in page
    response = client.post(
        f"/my/cases/{story.case.pk}/second-opinion", {"reason": "The courier admitted it"}
    )
    assert response.status_code == 302
    page = client.get(f"/my/cases/{story.case.pk}/").content.decode()
    assert page.count("A supervisor, Claire, is now looking at your case.") == 1
    assert "Martin" not in page
    assert f'action="/my/cases/{story.case.pk}/second-opinion"' not in page
    # Everything said before is still there; the internal note never is.
    assert "The desk arrived broken." in page
    assert "We cannot refund this." in page
    assert "Ask the courier what happened" in page
    assert "customer is difficult" not in page


def test_asking_twice_from_the_page_says_so_and_records_nothing(story: Story) -> None:
    make_supervisor(brand_of(story.team), first_name="Claire")
    client = signed_in(story.customer)
    client.post(f"/my/cases/{story.case.pk}/second-opinion", {"reason": ""})
    count = story.case.events.count()
    client.post(f"/my/cases/{story.case.pk}/second-opinion", {"reason": "hello?"})
    assert story.case.events.count() == count
    page = client.get(f"/my/cases/{story.case.pk}/").content.decode()
    assert "You have already asked for a second opinion on this case" in page


def test_nobody_available_is_a_clear_message_on_the_page(story: Story) -> None:
    client = signed_in(story.customer)
    response = client.post(f"/my/cases/{story.case.pk}/second-opinion", {"reason": ""}, follow=True)
    assert response.status_code == 200
    assert "A second opinion cannot be arranged from this page right now" in (
        response.content.decode()
    )


def test_a_very_long_reason_is_refused_with_the_text_kept(story: Story) -> None:
    make_supervisor(brand_of(story.team))
    reason = "Why? " * 1000
    response = signed_in(story.customer).post(
        f"/my/cases/{story.case.pk}/second-opinion", {"reason": reason}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"at most {MAX_SECOND_OPINION_REASON} characters" in html
    assert "Why? Why? Why?" in html  # what they wrote is not lost
    assert not story.case.events.filter(kind=EventKind.SECOND_OPINION_REQUESTED).exists()


def test_control_characters_and_markup_in_the_reason_are_harmless(story: Story) -> None:
    supervisor = make_supervisor(brand_of(story.team))
    client = signed_in(story.customer)
    refused = client.post(f"/my/cases/{story.case.pk}/second-opinion", {"reason": "broken\x00desk"})
    assert refused.status_code == 422
    assert "Null characters are not allowed." in refused.content.decode()
    response = client.post(
        f"/my/cases/{story.case.pk}/second-opinion",
        {"reason": "<script>alert(1)</script>\x07 still broken\u202e"},
    )
    assert response.status_code == 302
    event = story.case.events.get(kind=EventKind.SECOND_OPINION_REQUESTED)
    assert event.data["reason"] == "<script>alert(1)</script> still broken"
    assert Notification.objects.filter(recipient=supervisor).exists()
    page = client.get(f"/my/cases/{story.case.pk}/").content.decode()
    assert "<script>alert(1)" not in page


def test_only_the_customer_may_ask_and_only_on_their_own_case(story: Story) -> None:
    make_supervisor(brand_of(story.team))
    seller = SellerFactory()
    story.case.orders.add(OrderFactory(customer=story.case.customer, seller=seller))
    seller_client = signed_in(make_seller_user(seller))
    assert (
        "Ask for a second opinion"
        not in seller_client.get(f"/my/cases/{story.case.pk}/").content.decode()
    )
    assert seller_client.post(f"/my/cases/{story.case.pk}/second-opinion").status_code == 403
    stranger = make_customer_user(CustomerFactory(brand=story.team.brand))
    assert signed_in(stranger).post(f"/my/cases/{story.case.pk}/second-opinion").status_code == 404
    assert (
        signed_in(story.customer).get(f"/my/cases/{story.case.pk}/second-opinion").status_code
        == 405
    )
    assert not story.case.events.filter(kind=EventKind.SECOND_OPINION_REQUESTED).exists()


# --- the case pages -------------------------------------------------------------------------------


def test_statuses_in_the_customers_words_with_owner_and_next_promise(story: Story) -> None:
    case_set_status(case=story.case, actor=story.agent, status=CaseStatus.WAITING_ON_CUSTOMER)
    other = CaseFactory(
        team=story.team,
        brand=story.team.brand,
        customer=story.case.customer,
        status=CaseStatus.WAITING_ON_THIRD_PARTY,
    )
    client = signed_in(story.customer)
    listing = client.get("/my/cases/").content.decode()
    assert "Waiting for your reply" in listing
    assert "We are waiting for the carrier or the seller" in listing
    assert "Lucía" in listing
    assert "García" not in listing
    assert "Ask the courier what happened" in listing  # the next promise due
    assert "our team" in listing  # the other case waits in a queue
    assert other.reference in listing
    page = client.get(f"/my/cases/{story.case.pk}/").content.decode()
    assert "Waiting for your reply" in page
    assert 'class="badge badge-open">Pending<' in page


def test_promises_show_their_state(story: Story) -> None:
    from amends.commitments.models import Commitment, CommitmentState

    Commitment.objects.filter(case=story.case).update(state=CommitmentState.BROKEN)
    page = signed_in(story.customer).get(f"/my/cases/{story.case.pk}/").content.decode()
    assert 'class="badge badge-broken">Not kept<' in page
    listing = signed_in(story.customer).get("/my/cases/").content.decode()
    assert "Ask the courier what happened" not in listing  # no longer a promise to come


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_second_opinion() -> None:
    import threading

    from django.db import connection

    team = TeamFactory()
    make_supervisor(brand_of(team))
    case_id = CaseFactory(team=team, brand=team.brand).pk
    customer = make_customer_user(Case.objects.get(pk=case_id).customer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            case = Case.objects.get(pk=case_id)  # both read the case before either writes
            barrier.wait(timeout=10)
            case_second_opinion(case=case, actor=customer)
            outcomes.append("asked")
        except Conflict:  # SecondOpinionPending, or the other request's write came first
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["asked", "refused"]
    events = Case.objects.get(pk=case_id).events
    assert events.filter(kind=EventKind.SECOND_OPINION_REQUESTED).count() == 1
