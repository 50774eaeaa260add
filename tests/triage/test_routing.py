"""Routing after triage: a message goes to the people who can help, the case's timeline says why,
and nothing a person decided is undone (``amends.triage.routing``).

The storefront here has a default French desk, billing, accounts, sellers and deliveries queues,
a Dutch desk and a senior desk; each test routes one message and reads the case and its events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from amends.accounts.models import Role, Team, User
from amends.brands.models import Brand
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent, CaseStatus, Priority
from amends.cases.services import case_set_priority, case_set_status, case_transfer
from amends.conversations.models import Direction, Message
from amends.core.errors import InvalidInput
from amends.notifications.models import Notification
from amends.triage import routing as r
from amends.triage.result import Triage
from amends.triage.routing import CASE_ROUTED, route_after_triage
from tests.factories import (
    BrandFactory,
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    SellerFactory,
    ShipmentFactory,
    TeamFactory,
    UserFactory,
    make_agent,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    brand: Brand
    desk: Team  # the default queue: French speakers only
    billing: Team
    accounts: Team
    sellers: Team
    deliveries: Team
    nl_desk: Team
    senior: Team
    agent: User  # on the desk, speaks French
    senior_lead: User


def speaker(team: Team, *languages: str) -> User:
    user = make_agent(team)
    user.agent.languages = list(languages)
    user.agent.save(update_fields=["languages"])
    return user


def make_world(*, with_senior: bool = True) -> World:
    brand = BrandFactory(languages=["fr", "nl", "en"])
    desk = TeamFactory(brand=brand, slug=f"{brand.code}-desk", languages=["fr"])
    billing = TeamFactory(brand=brand, slug=f"{brand.code}-billing", languages=["fr"])
    accounts = TeamFactory(brand=brand, slug="accounts", languages=["fr"])
    sellers = TeamFactory(brand=brand, slug=f"{brand.code}-sellers", languages=["fr"])
    deliveries = TeamFactory(brand=brand, slug=f"{brand.code}-deliveries", languages=["fr"])
    nl_desk = TeamFactory(brand=brand, slug=f"{brand.code}-nl", languages=["nl"])
    senior = TeamFactory(
        brand=brand if with_senior else BrandFactory(), slug=f"{brand.code}-senior", is_senior=True
    )
    for team in (billing, accounts, sellers, deliveries):
        speaker(team, "fr")
    speaker(nl_desk, "nl")
    lead = speaker(senior, "fr", "en")
    Team.objects.filter(pk=senior.pk).update(lead=lead)
    senior.refresh_from_db()
    return World(
        brand=brand,
        desk=desk,
        billing=billing,
        accounts=accounts,
        sellers=sellers,
        deliveries=deliveries,
        nl_desk=nl_desk,
        senior=senior,
        agent=speaker(desk, "fr"),
        senior_lead=lead,
    )


@pytest.fixture
def world() -> World:
    return make_world()


def new_case(world: World, **overrides: Any) -> Case:
    customer = CustomerFactory(brand=world.brand)
    overrides.setdefault("team", world.desk)
    return CaseFactory(brand=world.brand, customer=customer, **overrides)


def inbound(case: Case, text: str = "Bonjour, j'ai un problème.") -> Message:
    return Message.objects.create(
        case=case, channel="email", direction=Direction.INBOUND, body_text=text
    )


def triage(
    *intents: str, lang: str = "fr", churn: bool = False, risk: float = 0.0, phrase: str = ""
) -> Triage:
    scores = tuple((intent, 0.9 - i * 0.1) for i, intent in enumerate(intents or ("other",)))
    return Triage(
        lang=lang,
        lang_score=0.99,
        intents=scores,
        churn=churn,
        churn_risk=risk,
        churn_phrase=phrase,
    )


def route(case: Case, result: Triage, message: Message | None = None) -> list[CaseEvent]:
    return route_after_triage(case=case, message=message or inbound(case), triage=result)


def routed(case: Case) -> list[dict[str, Any]]:
    return [e.data for e in CaseEvent.objects.filter(case=case, kind=CASE_ROUTED).order_by("id")]


def reloaded(case: Case) -> Case:
    return Case.objects.select_related("team", "assignee").get(pk=case.pk)


# --- intents → queues ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "queue"),
    [
        ("billing_payment", "billing"),
        ("price_drop_adjustment", "billing"),
        ("account_access", "accounts"),
        ("cancel_account_or_membership", "accounts"),
    ],
)
def test_an_intent_with_a_queue_sends_the_case_there(world: World, intent: str, queue: str) -> None:
    case = new_case(world)

    events = route(case, triage(intent))

    assert reloaded(case).team == getattr(world, queue)
    [data] = routed(case)
    assert len(events) == 1
    assert data["rule"] == "intent"
    assert data["reason"] == r.INTENT_QUEUE
    assert data["intent"] == intent
    assert data["queue"] == queue
    assert data["moved"] is True
    assert data["kept"] == ""
    assert data["from"]["team_id"] == world.desk.pk
    assert data["to"]["team_id"] == getattr(world, queue).pk


def test_a_problem_with_a_sellers_order_goes_to_the_sellers_queue(world: World) -> None:
    case = new_case(world)
    case.orders.add(OrderFactory(customer=case.customer, seller=SellerFactory()))

    route(case, triage("seller_issue"))

    assert reloaded(case).team == world.sellers
    [data] = routed(case)
    assert (data["reason"], data["party"]) == (r.SELLER_QUEUE, "seller")


def test_a_seller_issue_without_a_seller_fulfilled_order_stays(world: World) -> None:
    case = new_case(world)
    case.orders.add(OrderFactory(customer=case.customer))  # the shop's own order

    assert route(case, triage("seller_issue")) == []
    assert reloaded(case).team == world.desk


@pytest.mark.parametrize(
    "intent", ["delivery_failed", "parcel_lost", "parcel_damaged", "late_delivery"]
)
def test_a_parcel_problem_with_a_linked_parcel_goes_to_deliveries(
    world: World, intent: str
) -> None:
    case = new_case(world)
    ShipmentFactory(order=OrderFactory(customer=case.customer)).order.cases.add(case)

    route(case, triage(intent))

    assert reloaded(case).team == world.deliveries
    [data] = routed(case)
    assert (data["reason"], data["party"]) == (r.CARRIER_QUEUE, "carrier")


def test_a_parcel_problem_with_no_parcel_on_the_case_stays(world: World) -> None:
    case = new_case(world)
    ShipmentFactory(order=OrderFactory(customer=case.customer))  # not linked to the case

    assert route(case, triage("parcel_lost")) == []
    assert reloaded(case).team == world.desk


def test_the_highest_scoring_intent_with_a_route_decides(world: World) -> None:
    case = new_case(world)
    result = Triage(
        lang="fr",
        lang_score=0.99,
        intents=(("refund_request", 0.95), ("account_access", 0.6), ("billing_payment", 0.8)),
    )

    route(case, result)

    assert reloaded(case).team == world.billing  # refund_request has no route


def test_a_storefront_without_the_queue_keeps_the_case_in_its_default_queue() -> None:
    brand = BrandFactory()
    desk = TeamFactory(brand=brand, slug="plain-desk", languages=["fr"])
    speaker(desk, "fr")
    TeamFactory(brand=BrandFactory(), slug="billing")  # another storefront's
    TeamFactory(brand=brand, slug="senior-billing", is_senior=True)  # senior: never a rule's
    case = CaseFactory(brand=brand, customer=CustomerFactory(brand=brand), team=desk)

    assert route(case, triage("billing_payment")) == []
    assert reloaded(case).team == desk
    assert reloaded(case).version == case.version


def test_a_queue_serving_every_storefront_is_used_when_the_storefront_has_none(
    world: World,
) -> None:
    shared = TeamFactory(brand=None, slug="billing")
    speaker(shared, "fr")
    world.billing.delete()
    case = new_case(world)

    route(case, triage("billing_payment"))

    assert reloaded(case).team == shared


# --- churn risk ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "phrase", "priority"),
    [
        (0.6, "", Priority.HIGH),
        (0.9, "", Priority.URGENT),
        (0.4, "je vais résilier mon compte", Priority.URGENT),
    ],
)
def test_a_churn_risk_goes_to_the_senior_queue_with_a_higher_priority(
    world: World, risk: float, phrase: str, priority: int
) -> None:
    case = new_case(world)

    route(case, triage("complaint_about_service", churn=True, risk=risk, phrase=phrase))

    case = reloaded(case)
    assert (case.team, case.priority) == (world.senior, priority)
    [data] = routed(case)
    assert data["rule"] == "churn"
    assert data["reason"] == r.CHURN_TO_SENIOR
    assert data["priority"] == {"from": Priority.NORMAL, "to": priority}
    assert data["churn_risk"] == risk
    assert data["churn_phrase"] == phrase
    notice = Notification.objects.get(recipient=world.senior_lead)
    assert notice.case == case


def test_churn_never_lowers_a_priority(world: World) -> None:
    case = new_case(world, priority=Priority.URGENT)

    route(case, triage(churn=True, risk=0.6))

    case = reloaded(case)
    assert (case.team, case.priority) == (world.senior, Priority.URGENT)


def test_a_case_already_in_the_senior_queue_at_that_priority_is_left_alone(world: World) -> None:
    case = new_case(world, team=world.senior, priority=Priority.HIGH)

    assert route(case, triage(churn=True, risk=0.6)) == []
    assert reloaded(case).version == case.version


def test_without_a_senior_queue_churn_raises_the_priority_only() -> None:
    world = make_world(with_senior=False)
    case = new_case(world)

    route(case, triage(churn=True, risk=0.6))

    case = reloaded(case)
    assert (case.team, case.priority) == (world.desk, Priority.HIGH)
    [data] = routed(case)
    assert (data["reason"], data["moved"], data["kept"]) == (r.CHURN_PRIORITY, False, "")


def test_a_senior_queue_serving_every_storefront_takes_churn(world: World) -> None:
    Team.objects.filter(pk=world.senior.pk).update(brand=BrandFactory())
    shared = TeamFactory(brand=None, slug="senior", is_senior=True)
    case = new_case(world)

    route(case, triage(churn=True, risk=0.7))

    assert reloaded(case).team == shared


def test_no_churn_no_priority_change(world: World) -> None:
    case = new_case(world)

    route(case, triage("complaint_about_service", risk=0.99))  # a score, but not churn

    assert reloaded(case).priority == Priority.NORMAL


# --- precedence ----------------------------------------------------------------------------


def test_churn_comes_before_the_intent_queue(world: World) -> None:
    case = new_case(world)

    route(case, triage("billing_payment", churn=True, risk=0.7))

    assert reloaded(case).team == world.senior
    assert [d["rule"] for d in routed(case)] == ["churn"]


def test_the_senior_queue_keeps_a_churn_case_whatever_its_language(world: World) -> None:
    case = new_case(world)

    route(case, triage("billing_payment", lang="nl", churn=True, risk=0.7))

    assert reloaded(case).team == world.senior
    churn, language = routed(case)
    assert churn["rule"] == "churn"
    assert language["rule"] == "language"
    assert language["kept"] == r.KEPT_SENIOR
    assert language["moved"] is False
    assert language["target"]["team_id"] == world.nl_desk.pk


def test_the_language_wins_over_an_intent_queue_where_nobody_speaks_it(world: World) -> None:
    case = new_case(world)

    events = route(case, triage("billing_payment", lang="nl"))

    assert reloaded(case).team == world.nl_desk
    [data] = routed(case)
    assert len(events) == 1
    assert data["rule"] == "language"
    assert data["reason"] == r.LANGUAGE_TEAM
    assert data["lang"] == "nl"
    assert data["instead_of"] == {"intent": "billing_payment", "queue": "billing"}


def test_the_intent_queue_keeps_the_case_when_someone_there_speaks_the_language(
    world: World,
) -> None:
    speaker(world.billing, "nl", "fr")
    case = new_case(world)

    route(case, triage("billing_payment", lang="nl"))

    assert reloaded(case).team == world.billing
    assert [d["rule"] for d in routed(case)] == ["intent"]


def test_the_current_team_keeps_the_case_if_it_speaks_and_the_intent_queue_does_not(
    world: World,
) -> None:
    speaker(world.desk, "nl")
    case = new_case(world)

    route(case, triage("billing_payment", lang="nl"))

    assert reloaded(case).team == world.desk
    [data] = routed(case)
    assert (data["rule"], data["moved"], data["target"]["team_id"]) == (
        "language",
        False,
        world.desk.pk,
    )


# --- language ------------------------------------------------------------------------------


def test_a_message_nobody_in_the_queue_speaks_goes_to_a_team_that_does(world: World) -> None:
    case = new_case(world)

    route(case, triage("other", lang="nl"))

    assert reloaded(case).team == world.nl_desk


def test_a_team_with_an_agent_who_speaks_it_is_preferred(world: World) -> None:
    User.objects.filter(agent__teams=world.nl_desk).update(is_active=False)  # says nl, nobody
    later = TeamFactory(brand=world.brand, slug="nl-2", languages=["nl", "fr"])
    speaker(later, "nl")
    case = new_case(world)

    route(case, triage(lang="nl"))

    assert reloaded(case).team == later


def test_a_team_that_says_it_speaks_it_takes_the_case_when_no_agent_does(world: World) -> None:
    User.objects.filter(agent__teams=world.nl_desk).update(is_active=False)
    case = new_case(world)

    route(case, triage(lang="nl"))

    assert reloaded(case).team == world.nl_desk


def test_another_storefronts_team_never_takes_the_case(world: World) -> None:
    other = BrandFactory(languages=["lt"])
    speaker(TeamFactory(brand=other, slug="lt-desk", languages=["lt"]), "lt")
    case = new_case(world)

    route(case, triage(lang="lt"))

    assert reloaded(case).team == world.desk
    [data] = routed(case)
    assert data["reason"] == r.NO_AGENT_SPEAKS
    assert data["lang"] == "lt"
    assert data["moved"] is False


def test_no_agent_speaks_it_is_said_once_not_on_every_message(world: World) -> None:
    case = new_case(world)

    route(case, triage(lang="lt"))
    route(case, triage(lang="lt"))
    route(case, triage(lang="lt"))

    assert len(routed(case)) == 1
    assert reloaded(case).team == world.desk


@pytest.mark.parametrize("lang", ["fr", "unknown", "", "FR", "x" * 300, "<script>", "f r"])
def test_a_language_the_queue_speaks_or_no_language_moves_nothing(world: World, lang: str) -> None:
    case = new_case(world)

    assert route(case, triage(lang=lang)) == []
    assert reloaded(case).team == world.desk


def test_an_agent_who_left_does_not_count_as_a_speaker(world: World) -> None:
    gone = speaker(world.desk, "nl")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    case = new_case(world)

    route(case, triage(lang="nl"))

    assert reloaded(case).team == world.nl_desk


# --- a case someone is working is never moved ----------------------------------------------


def test_an_assigned_case_is_not_moved_but_the_decision_is_recorded(world: World) -> None:
    case = new_case(world, assignee=world.agent)

    route(case, triage("billing_payment"))

    case = reloaded(case)
    assert (case.team, case.assignee) == (world.desk, world.agent)
    [data] = routed(case)
    assert data["kept"] == r.KEPT_ASSIGNED
    assert data["moved"] is False
    assert data["target"]["team_id"] == world.billing.pk


def test_an_assigned_churn_case_gets_its_priority_but_keeps_its_agent(world: World) -> None:
    case = new_case(world, assignee=world.agent)

    route(case, triage(churn=True, risk=0.95))

    case = reloaded(case)
    assert (case.team, case.assignee, case.priority) == (world.desk, world.agent, Priority.URGENT)
    [data] = routed(case)
    assert (data["kept"], data["moved"]) == (r.KEPT_ASSIGNED, False)


def test_an_assignee_who_speaks_the_language_needs_nothing(world: World) -> None:
    assignee = speaker(world.desk, "nl")
    case = new_case(world, assignee=assignee)

    assert route(case, triage(lang="nl")) == []


def test_an_assignee_who_does_not_speak_it_hears_of_a_colleague_who_does(world: World) -> None:
    speaker(world.desk, "nl")
    case = new_case(world, assignee=world.agent)

    route(case, triage(lang="nl"))

    assert reloaded(case).assignee == world.agent
    [data] = routed(case)
    assert (data["rule"], data["kept"]) == ("language", r.KEPT_ASSIGNED)
    assert data["target"]["team_id"] == world.desk.pk


# --- never fights a person -----------------------------------------------------------------


def test_a_case_a_person_just_transferred_is_not_moved(world: World) -> None:
    case = new_case(world, team=world.accounts)
    case_transfer(case=case, actor=world.agent, note="this is a desk matter", to_team=world.desk)

    route(case, triage("billing_payment"))

    assert reloaded(case).team == world.desk
    [data] = routed(case)
    assert (data["kept"], data["moved"]) == (r.KEPT_PERSON, False)


def test_after_the_hold_the_case_is_routed_again(world: World) -> None:
    case = new_case(world, team=world.accounts)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case_transfer(case=case, actor=world.agent, note="desk matter", to_team=world.desk)
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        route(case, triage("billing_payment"))

    assert reloaded(case).team == world.billing


def test_a_case_a_person_just_moved_to_a_team_that_speaks_it_stays_without_a_hold(
    world: World,
) -> None:
    speaker(world.desk, "nl")
    case = new_case(world, team=world.accounts)
    case_transfer(case=case, actor=world.agent, note="Dutch customer", to_team=world.desk)

    route(case, triage("billing_payment", lang="nl"))

    assert reloaded(case).team == world.desk
    [data] = routed(case)
    assert (data["rule"], data["kept"], data["moved"]) == ("language", "", False)


def test_a_customer_acting_on_the_case_is_not_a_person_routing_it(world: World) -> None:
    case = new_case(world)
    customer_user = UserFactory(role=Role.CUSTOMER)
    CaseEvent.objects.create(
        case=case, kind=EventKind.CASE_OPENED, actor=customer_user, data={"channel": "web"}
    )

    route(case, triage("billing_payment"))

    assert reloaded(case).team == world.billing


def test_a_priority_a_person_just_set_is_not_raised(world: World) -> None:
    case = new_case(world, priority=Priority.HIGH)
    case_set_priority(case=case, actor=world.agent, priority=Priority.LOW, reason="not urgent")

    route(case, triage(churn=True, risk=0.7))

    case = reloaded(case)
    assert (case.priority, case.team) == (Priority.LOW, world.desk)
    [data] = routed(case)
    assert data["kept"] == r.KEPT_PERSON


# --- guards and hostile input --------------------------------------------------------------


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.SOLVED])
def test_a_closed_or_solved_case_is_never_routed(world: World, status: str) -> None:
    case = new_case(world)
    case_set_status(case=case, actor=world.agent, status=status)

    assert route(case, triage("billing_payment", churn=True, risk=0.9, lang="nl")) == []
    assert reloaded(case).team == world.desk
    assert reloaded(case).priority == Priority.NORMAL


@pytest.mark.parametrize("direction", [Direction.OUTBOUND, Direction.NOTE, Direction.SYSTEM])
def test_only_a_customers_message_routes(world: World, direction: str) -> None:
    case = new_case(world)
    message = Message.objects.create(case=case, channel="email", direction=direction, body_text="x")

    assert route(case, triage("billing_payment"), message) == []


def test_a_message_of_another_case_is_refused(world: World) -> None:
    case, other = new_case(world), new_case(world)

    with pytest.raises(InvalidInput):
        route(case, triage("billing_payment"), inbound(other))
    assert routed(case) == []


def test_a_stale_case_object_is_read_again_before_routing(world: World) -> None:
    case = new_case(world)
    Case.objects.filter(pk=case.pk).update(assignee=world.agent)  # someone took it meanwhile

    route(case, triage("billing_payment"))

    assert reloaded(case).team == world.desk
    assert routed(case)[0]["kept"] == r.KEPT_ASSIGNED


@pytest.mark.parametrize(
    "intents",
    [
        (("no_such_intent", 0.99), ("billing_payment", 0.5)),
        (("billing_payment", float("nan")),),
        (("billing_payment", "high"),),  # a score that is no number
        (("billing_payment",),),  # not a pair
        (*(("other", 0.1) for _ in range(10_000)), ("billing_payment", 0.9)),
    ],
)
def test_malformed_intents_are_ignored_not_a_crash(world: World, intents: Any) -> None:
    case = new_case(world)
    result = Triage(lang="fr", lang_score=float("inf"), intents=intents, churn_risk=float("nan"))

    route(case, result)

    team = reloaded(case).team
    assert team in {world.desk, world.billing}
    if intents[0][0] == "no_such_intent":
        assert team == world.billing  # the unknown one skipped, the known one routed


def test_churn_with_a_risk_that_is_no_number_is_high_not_urgent(world: World) -> None:
    case = new_case(world)

    route(case, triage(churn=True, risk=float("nan")))

    assert reloaded(case).priority == Priority.HIGH


# --- idempotency, events -------------------------------------------------------------------


SCENARIOS = {
    "intent": triage("billing_payment"),
    "language": triage(lang="nl"),
    "language over intent": triage("billing_payment", lang="nl"),
    "no speaker": triage("billing_payment", lang="lt"),
    "churn": triage("billing_payment", churn=True, risk=0.7, lang="nl"),
    "nothing": triage("other"),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("assigned", [False, True])
def test_the_same_triage_twice_changes_nothing_the_second_time(
    world: World, name: str, assigned: bool
) -> None:
    case = new_case(world, assignee=world.agent if assigned else None)
    message = inbound(case)
    route(case, SCENARIOS[name], message)
    after_first = reloaded(case)
    events = CaseEvent.objects.filter(case=case).count()

    again = route(after_first, SCENARIOS[name], message)

    after_second = reloaded(case)
    assert again == []
    assert CaseEvent.objects.filter(case=case).count() == events
    assert (after_second.version, after_second.team, after_second.priority) == (
        after_first.version,
        after_first.team,
        after_first.priority,
    )
    if assigned:
        assert after_second.team == world.desk


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_event_gives_its_reason_and_a_move_is_not_a_bounce(world: World, name: str) -> None:
    case = new_case(world)
    message = inbound(case)

    events = route(case, SCENARIOS[name], message)

    assert reloaded(case).bounces == 0
    for event in events:
        assert event.kind == CASE_ROUTED
        assert event.actor is None
        assert event.data["reason"] in r.REASONS
        assert event.data["kept"] in r.REASONS | {""}
        assert event.data["message_id"] == message.pk
        assert event.data["rule"] in {"churn", "intent", "language"}
