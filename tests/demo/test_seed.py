"""The demo data: it loads on an empty database, once, and plays the five stories."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, Q
from django.utils import timezone

from amends.accounts.models import AgentProfile, Role, Team, User
from amends.brands.models import Brand
from amends.carriers.models import Carrier, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent, CaseStatus, Channel, Priority
from amends.cases.selectors import cases_visible_to
from amends.commerce.models import Remedy, RemedyKind, RemedyStatus
from amends.commitments.models import Commitment, CommitmentKind, CommitmentState
from amends.conversations.models import Direction, Message
from amends.customers.models import Customer
from amends.demo.reference import BRAND_CODES, SELLER_EMAIL
from amends.demo.seed import DEMO_LOGINS, load_demo
from amends.demo.stories import STORY_EMAILS, desk, niels, premium, price_drop, telecom

pytestmark = pytest.mark.django_db

ORDINARY = 24  # three per storefront: enough to see every storefront, quick to load


@pytest.fixture
def demo() -> dict[str, int]:
    return load_demo(ordinary_cases=ORDINARY)


def cases_of(email: str) -> list[Case]:
    customer = Customer.objects.get(identities__value=email)
    return list(Case.objects.filter(customer=customer).order_by("id"))


def test_loads_on_an_empty_database(demo: dict[str, int]) -> None:
    assert demo["loaded"] == 1
    assert demo["brands"] == 8
    assert demo["cases"] == Case.objects.count() >= ORDINARY + 7
    assert set(Brand.objects.values_list("code", flat=True)) == set(BRAND_CODES)
    assert demo["messages"] > demo["cases"]
    assert demo["events"] > demo["messages"]


def test_loading_twice_changes_nothing(demo: dict[str, int]) -> None:
    again = load_demo(ordinary_cases=ORDINARY)
    assert again["loaded"] == 0
    assert {k: v for k, v in again.items() if k not in {"loaded", "seconds"}} == {
        k: v for k, v in demo.items() if k not in {"loaded", "seconds"}
    }


def test_every_storefront_has_cases_in_its_languages(demo: dict[str, int]) -> None:
    for brand in Brand.objects.all():
        cases = Case.objects.filter(brand=brand)
        assert cases.exists(), f"{brand.code} has no cases"
        assert set(cases.values_list("language", flat=True)) <= set(brand.languages)
    belgian = set(Case.objects.filter(brand__code="be").values_list("language", flat=True))
    assert belgian <= {"nl", "fr"}


def test_people_teams_seller_and_carriers(demo: dict[str, int]) -> None:
    languages = {p.languages[0] for p in AgentProfile.objects.all()}
    assert len(languages) >= 3
    senior = Team.objects.get(is_senior=True)
    assert senior.lead is not None
    assert senior.members.count() >= 2
    assert User.objects.filter(role=Role.SUPERVISOR, brands__isnull=False).exists()
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    seller_user = User.objects.get(email=SELLER_EMAIL)
    assert seller_user.role == Role.SELLER
    assert seller_user.seller is not None
    assert Carrier.objects.count() >= 2
    for carrier in Carrier.objects.all():
        assert carrier.contacts, carrier.code
        for contact in carrier.contacts.values():
            assert contact["web"].startswith("https://")


def test_every_demo_login_signs_in_with_its_role(demo: dict[str, int]) -> None:
    for who, email, password in DEMO_LOGINS:
        user = authenticate(username=email, password=password)
        assert user is not None, who
    customers = [email for _, email, _ in DEMO_LOGINS if email in STORY_EMAILS]
    assert len(customers) == 5
    assert all(User.objects.get(email=e).role == Role.CUSTOMER for e in customers)


def test_story_1_premium_member_three_orders_churn_raises_priority(demo: dict[str, int]) -> None:
    cases = cases_of(premium.EMAIL)
    assert len(cases) == 3
    assert cases[0].customer.is_premium
    assert cases[0].customer.language == "en"
    assert cases[0].brand.code == "fr"
    orders = {o.number for case in cases for o in case.orders.all()}
    assert len(orders) == 3
    assert all(case.is_open for case in cases)
    churn = cases[0]
    assert churn.priority == Priority.URGENT
    assert churn.team.is_senior
    assert {case.assignee for case in cases} == {churn.assignee}
    assert Message.objects.filter(case=churn, body_text__contains="cancel my Premium").exists()
    assert churn.events.filter(kind=EventKind.PRIORITY_CHANGED).exists()
    assert Remedy.objects.filter(case=churn, kind=RemedyKind.MEMBERSHIP_CANCELLATION).exists()
    apology = Message.objects.filter(case=churn, direction=Direction.OUTBOUND).last()
    assert apology is not None
    assert "I'm sorry" in apology.body_text
    assert Commitment.objects.filter(case__in=cases, state=CommitmentState.OPEN).count() >= 2


def test_story_2_two_failed_dhl_deliveries_and_returned_to_sender(demo: dict[str, int]) -> None:
    (case,) = cases_of(niels.EMAIL)
    assert case.origin_channel == Channel.CARRIER
    (order,) = case.orders.all()
    (shipment,) = order.shipments.all()
    assert shipment.carrier.code == "dhl"
    assert shipment.status == TrackingStatus.RETURNED_TO_SENDER
    statuses = list(
        TrackingEvent.objects.filter(shipment=shipment).values_list("status", flat=True)
    )
    assert statuses.count(TrackingStatus.ATTEMPT_FAILED) == 2
    assert statuses[-1] == TrackingStatus.RETURNED_TO_SENDER
    replies = Message.objects.filter(case=case, direction=Direction.OUTBOUND)
    assert replies.count() >= 2
    for reply in replies:
        assert reply.body_text.startswith("Hoi Niels,")
        assert "Lieve" not in reply.body_text
        assert " u " not in reply.body_text
        assert " uw " not in reply.body_text
    first = replies.first()
    assert first is not None
    assert shipment.carrier.contacts["NL"]["web"] in first.body_text
    # His answer came through the contact form and landed on the carrier's case.
    assert case.messages.filter(direction=Direction.INBOUND, inbound__isnull=False).exists()


def test_story_3_bounced_then_dropped_stays_open_with_owner_and_next_step(
    demo: dict[str, int],
) -> None:
    (case,) = cases_of(telecom.EMAIL)
    assert case.bounces >= 5
    transfers = case.events.filter(kind=EventKind.CASE_TRANSFERRED)
    assert transfers.count() == case.bounces
    assert all(len(e.data["note"]) > 20 for e in transfers)
    assert case.is_open
    assert case.status != CaseStatus.NEW
    assert case.assignee is not None
    assert case.next_step
    reasons = case.events.filter(kind=EventKind.STATUS_CHANGED).values_list("data", flat=True)
    assert any("phone dropped" in data["reason"] for data in reasons)
    callback = case.commitments.get(kind=CommitmentKind.CALLBACK)
    assert callback.state == CommitmentState.OPEN
    assert callback.due_at > timezone.now()


def test_story_4_seller_desk_damaged_broken_callback_then_refund(demo: dict[str, int]) -> None:
    (case,) = cases_of(desk.EMAIL)
    (order,) = case.orders.all()
    assert order.seller is not None
    assert order.seller.email == SELLER_EMAIL
    (shipment,) = order.shipments.all()
    assert shipment.carrier.code == "seur"
    assert shipment.events.filter(status=TrackingStatus.DAMAGED).exists()
    callback = case.commitments.get(kind=CommitmentKind.CALLBACK)
    assert callback.state == CommitmentState.BROKEN
    kinds = list(case.events.values_list("kind", flat=True))
    for kind in (
        EventKind.COMMITMENT_REMINDED,
        EventKind.COMMITMENT_ESCALATED,
        EventKind.COMMITMENT_BROKEN,
    ):
        assert kind in kinds
    refund = Remedy.objects.get(case=case)
    assert refund.kind == RemedyKind.REFUND_FULL
    assert refund.status == RemedyStatus.EXECUTED
    assert refund.amount == order.total
    order.refresh_from_db()
    assert order.refunded_total == order.total
    assert case.status == CaseStatus.SOLVED

    seller_user = User.objects.get(email=SELLER_EMAIL)
    visible = list(cases_visible_to(seller_user))
    assert visible == [case]


def test_story_5_price_drop_within_seven_days(demo: dict[str, int]) -> None:
    (case,) = cases_of(price_drop.EMAIL)
    (order,) = case.orders.all()
    assert (case.created_at - order.placed_at).days < 7
    remedy = Remedy.objects.get(case=case)
    assert remedy.kind == RemedyKind.PRICE_ADJUSTMENT
    assert remedy.amount == Decimal("50.00")
    refund = case.commitments.get(kind=CommitmentKind.REFUND)
    assert refund.state == CommitmentState.OPEN
    assert refund.due_at > timezone.now()
    reply = Message.objects.filter(case=case, direction=Direction.OUTBOUND).get()
    assert reply.body_text.startswith("Guten Tag Frau Hoffmann,")
    assert " du " not in reply.body_text
    assert " dich " not in reply.body_text


def test_each_story_customer_sees_only_their_own_cases(demo: dict[str, int]) -> None:
    for email in STORY_EMAILS:
        user = User.objects.get(email=email)
        own = set(Case.objects.filter(customer__user=user).values_list("pk", flat=True))
        assert own
        assert set(cases_visible_to(user).values_list("pk", flat=True)) == own


def test_the_timeline_is_real_and_promises_have_owners(demo: dict[str, int]) -> None:
    now = timezone.now()
    assert not CaseEvent.objects.filter(created_at__gt=now).exists()
    assert not Message.objects.filter(created_at__gt=now).exists()
    opened = Case.objects.annotate(n=Count("events", filter=Q(events__kind=EventKind.CASE_OPENED)))
    assert all(case.n == 1 for case in opened)
    for case in Case.objects.all():
        assert case.team_id is not None
    still_open = Commitment.objects.filter(state=CommitmentState.OPEN)
    assert still_open.exists()
    assert not still_open.filter(due_at__lte=now).exists()
    assert Commitment.objects.filter(state=CommitmentState.KEPT).exists()
    assert Commitment.objects.filter(state=CommitmentState.BROKEN).exists()
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.SOLVED} <= statuses


def test_a_database_with_other_storefronts_is_refused() -> None:
    Brand.objects.create(
        code="fr",
        name="Someone else's shop",
        country="FR",
        languages=["fr"],
        default_language="fr",
        sender_email="shop@example.com",
    )
    with pytest.raises(RuntimeError, match="already exist"):
        load_demo(ordinary_cases=0)


def test_the_live_carrier_feed_opens_cases_through_the_real_path() -> None:
    """A few ordinary parcels meet trouble through the carrier simulator and the real ingestion:
    each problem has its case and a notice to the customer written before they wrote."""
    from amends.proactive.events import ProactiveEventKind
    from amends.proactive.models import ShipmentProblem

    load_demo(ordinary_cases=160)
    kinds = {
        (problem.kind, problem.shipment.order.brand.code): problem
        for problem in ShipmentProblem.objects.select_related("shipment__order__brand", "case")
    }
    for expected in (
        ("damaged", "de"),
        ("returned_to_sender", "fr"),
        ("late", "pl"),
    ):
        problem = kinds.get(expected)
        assert problem is not None, f"no {expected} in {sorted(kinds)}"
        assert problem.case is not None
        assert problem.notified_at is not None
        notified = problem.case.events.filter(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
        assert notified.exists()
