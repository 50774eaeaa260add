"""Carrier scans in → one case per shipment problem, one notice, before the customer writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus as S
from amends.cases.events import EventKind
from amends.cases.models import CaseEvent, CaseStatus, Channel, Priority
from amends.commitments.models import CommitmentKind, CommitmentState
from amends.conversations.models import DeliveryStatus, Direction
from amends.mail.models import OutboundMail
from amends.notifications.models import Notification
from amends.proactive import services
from amends.proactive.events import ProactiveEventKind
from amends.proactive.models import ShipmentProblem
from amends.proactive.rules import ProblemKind
from tests.factories import CaseFactory, TeamFactory
from tests.proactive.conftest import World, ago, cases_of, make_world, notices_on, the_case

pytestmark = pytest.mark.django_db


# --- each kind: one case, one notice -------------------------------------------------------------


def test_a_second_failed_attempt_opens_one_case_and_tells_the_customer(world: World) -> None:
    tomorrow = world.today + dt.timedelta(days=1)
    world.scan(S.OUT_FOR_DELIVERY, at=ago(hours=30))
    world.scan(S.ATTEMPT_FAILED, at=ago(hours=28), estimate=tomorrow)
    assert cases_of(world) == [], "one attempt with a new one on its way is not a problem yet"
    world.scan(S.ATTEMPT_FAILED, at=ago(hours=2))

    case = the_case(world)
    assert case.origin_channel == Channel.CARRIER
    assert case.intents == ["delivery_failed"]
    assert case.priority == Priority.NORMAL
    assert case.team == world.team
    assert list(case.orders.all()) == [world.order]
    assert case.language == "nl"
    why = CaseEvent.objects.get(case=case, kind=ProactiveEventKind.SHIPMENT_PROBLEM)
    assert why.data["problem"] == ProblemKind.FAILED_ATTEMPT
    assert why.data["opened"] is True
    assert why.data["tracking_number"] == world.shipment.tracking_number
    assert why.data["attempts"] == 2
    [notice] = notices_on(case)
    assert notice.author_user is None
    assert notice.channel == Channel.EMAIL
    assert notice.delivery_status == DeliveryStatus.QUEUED
    problem = ShipmentProblem.objects.get(shipment=world.shipment)
    assert problem.case == case
    assert problem.notice == notice
    assert problem.notified_at is not None
    assert problem.last_error == ""
    # Redelivery is what the policy allows for a failed attempt (rule "redelivery").
    notified = CaseEvent.objects.get(case=case, kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert notified.data["offers"] == ["redeliver", "pickup_point"]
    assert "redelivery v1" in notified.data["rules"]
    assert "1. " in notice.body_text
    assert "2. " in notice.body_text


def test_a_third_attempt_and_a_replayed_scan_open_nothing_more(world: World) -> None:
    first, second = ago(hours=30), ago(hours=5)
    tomorrow = world.today + dt.timedelta(days=1)
    world.scan(S.ATTEMPT_FAILED, at=first, code="A1", estimate=tomorrow)
    world.scan(S.ATTEMPT_FAILED, at=second, code="A2")
    case = the_case(world)
    assert world.scan(S.ATTEMPT_FAILED, at=second, code="A2").duplicates == 1
    world.scan(S.ATTEMPT_FAILED, at=ago(hours=1), code="A3")
    services.shipments_changed(shipment_ids=[world.shipment.pk, world.shipment.pk])

    assert the_case(world) == case
    assert len(notices_on(case)) == 1
    assert ShipmentProblem.objects.count() == 1
    [changed] = CaseEvent.objects.filter(
        case=case, kind=ProactiveEventKind.SHIPMENT_PROBLEM_CHANGED
    )
    assert changed.data["changed"]["attempts"] == 3


def test_returned_to_sender_opens_an_urgent_case_offering_a_new_parcel_or_a_refund(
    world: World,
) -> None:
    world.scan(S.RETURNED_TO_SENDER, at=ago(hours=1))
    case = the_case(world)
    assert case.priority == Priority.HIGH
    assert case.intents == ["delivery_failed"]
    notified = CaseEvent.objects.get(case=case, kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert notified.data["offers"] == ["reship", "refund"]
    assert "returned-to-sender v1" in notified.data["rules"]
    [notice] = notices_on(case)
    assert "59,90" in notice.body_text  # the refund's amount, in Dutch


def test_damaged_in_transit(world: World) -> None:
    world.scan(S.DAMAGED, at=ago(hours=1))
    case = the_case(world)
    assert (case.priority, case.intents) == (Priority.HIGH, ["parcel_damaged"])
    notified = CaseEvent.objects.get(case=case, kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert notified.data["offers"] == ["reship", "refund"]
    assert "damaged-in-transit v1" in notified.data["rules"]
    assert not case.commitments.exists(), "choices were offered: nothing is promised by a date"


def test_a_parcel_the_carrier_calls_lost_and_the_promise_to_report_back(world: World) -> None:
    world.scan(S.LOST, at=ago(hours=1))
    case = the_case(world)
    assert (case.priority, case.intents) == (Priority.HIGH, ["parcel_lost"])
    [commitment] = case.commitments.all()
    assert commitment.kind == CommitmentKind.INVESTIGATION
    assert commitment.owner == world.lead
    assert commitment.created_by is None
    assert commitment.due_at > timezone.now()
    made = CaseEvent.objects.get(case=case, kind=EventKind.COMMITMENT_MADE)
    assert made.actor is None
    [notice] = notices_on(case)
    assert ShipmentProblem.objects.get().commitment == commitment
    assert str(commitment.due_at.astimezone(dt.UTC).year) in notice.body_text


def test_a_slipping_estimate_is_a_late_parcel_and_its_promise_is_kept_on_delivery(
    world: World,
) -> None:
    promised = world.shipment.estimated_delivery
    assert promised is not None
    world.scan(S.IN_TRANSIT, at=ago(hours=3), estimate=promised)
    assert cases_of(world) == []
    world.scan(S.IN_TRANSIT, at=ago(hours=1), estimate=promised + dt.timedelta(days=3))
    case = the_case(world)
    assert (case.priority, case.intents) == (Priority.NORMAL, ["late_delivery"])
    problem = ShipmentProblem.objects.get()
    assert problem.kind == ProblemKind.LATE
    assert problem.detail["days_late"] == 3
    notified = CaseEvent.objects.get(case=case, kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert notified.data["offers"] == ["goodwill"], "three days late: goodwill, no refund"
    [commitment] = case.commitments.all()
    assert commitment.kind == CommitmentKind.DELIVERY_ESTIMATE

    world.scan(S.DELIVERED, at=ago(minutes=5))
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.KEPT
    assert commitment.fulfilled_by == f"shipment:{world.shipment.pk}"
    assert len(notices_on(case)) == 1


def test_delivered_to_a_neighbour_opens_nothing(world: World) -> None:
    world.scan(S.OUT_FOR_DELIVERY, at=ago(hours=3))
    world.scan(S.DELIVERED, at=ago(hours=2))  # the carrier's "delivered at a neighbour's"
    assert cases_of(world) == []
    assert not ShipmentProblem.objects.exists()


# --- the customer's open case, the queue ---------------------------------------------------------


def test_a_problem_joins_the_customers_open_case_about_the_order(world: World) -> None:
    own = CaseFactory(
        customer=world.customer,
        team=world.team,
        assignee=world.lead,
        subject="Waar blijft mijn pakket?",
        status=CaseStatus.WAITING_ON_THIRD_PARTY,
        priority=Priority.LOW,
        origin_channel=Channel.EMAIL,
    )
    own.orders.add(world.order)
    world.scan(S.DAMAGED, at=ago(hours=1))

    assert the_case(world) == own
    own.refresh_from_db()
    assert own.priority == Priority.HIGH
    assert own.status == CaseStatus.OPEN
    assert own.intents == ["parcel_damaged"]
    why = CaseEvent.objects.get(case=own, kind=ProactiveEventKind.SHIPMENT_PROBLEM)
    assert why.data["opened"] is False
    assert len(notices_on(own)) == 1
    assert own.assignee == world.lead, "the owner who knows the customer keeps the case"
    [told] = Notification.objects.filter(recipient=world.lead, case=own)
    assert "damaged" in told.text


def test_a_closed_case_about_the_order_is_not_reopened(world: World) -> None:
    old = CaseFactory(customer=world.customer, team=world.team, status=CaseStatus.CLOSED)
    old.orders.add(world.order)
    world.scan(S.DAMAGED, at=ago(hours=1))
    assert len(cases_of(world)) == 2


def test_two_problems_of_one_parcel_share_one_case(world: World) -> None:
    world.scan(S.DAMAGED, at=ago(hours=5))
    world.scan(S.RETURNED_TO_SENDER, at=ago(hours=1))
    case = the_case(world)
    assert ShipmentProblem.objects.filter(case=case).count() == 2
    assert len(notices_on(case)) == 2, "each problem is told once"
    assert case.intents == ["parcel_damaged", "delivery_failed"]


def test_a_deliveries_queue_takes_proactive_cases() -> None:
    world = make_world()
    deliveries = TeamFactory(brand=world.brand, slug="nl-deliveries", name="Bezorging")
    TeamFactory(brand=None, slug="deliveries", name="All deliveries")
    world.scan(S.DAMAGED, at=ago(hours=1))
    assert the_case(world).team == deliveries


# --- hostile and broken --------------------------------------------------------------------------


def test_a_customer_without_an_email_address_gets_the_notice_in_the_portal_only() -> None:
    world = make_world(email=None, language="en")
    world.scan(S.DAMAGED, at=ago(hours=1))
    case = the_case(world)
    [notice] = notices_on(case)
    assert notice.delivery_status == DeliveryStatus.FAILED
    assert "no email address" in OutboundMail.objects.get(reply=notice).last_error
    note = case.messages.get(direction=Direction.NOTE)
    assert "no email address" in note.body_text
    assert ShipmentProblem.objects.get().notified_at is not None


def test_a_carrier_with_no_known_contact_still_gets_a_notice_that_says_so() -> None:
    world = make_world(
        carrier="acme-parcels", carrier_name="Acme Parcels", contacts={}, language="en"
    )
    world.scan(S.DAMAGED, at=ago(hours=1))
    case = the_case(world)
    [notice] = notices_on(case)
    assert "Acme Parcels" in notice.body_text
    assert "we will contact Acme Parcels for you" in notice.body_text
    assert (
        "contact the carrier for the customer"
        in case.messages.get(direction=Direction.NOTE).body_text
    )


def test_when_the_policy_denies_everything_the_notice_still_says_what_happened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amends.policies.decisions import Decision, Outcome, RuleRef
    from amends.proactive import offers

    def deny(**kwargs: Any) -> Decision:
        request = kwargs["request"]
        return Decision(
            outcome=Outcome.DENIED,
            remedy=request.remedy,
            amount=None,
            currency="EUR",
            rules=(RuleRef("no-remedies", 7),),
            explanation=("no-remedies v7: nothing this week",),
        )

    monkeypatch.setattr(offers, "evaluate", deny)
    world = make_world(language="en")  # the words checked below are the English ones
    world.scan(S.DAMAGED, at=ago(hours=1))
    case = the_case(world)
    [notice] = notices_on(case)
    assert "damaged" in notice.body_text
    assert "+31 88 868 6161" in notice.body_text
    assert "1. " not in notice.body_text
    notified = CaseEvent.objects.get(case=case, kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert notified.data["offers"] == []
    assert notified.data["rules"] == ["no-remedies v7"]
    note = case.messages.get(direction=Direction.NOTE).body_text
    assert "reship: denied (no-remedies v7)" in note
    assert "nothing this week" in note
    # Nothing offered: the customer is told when they will hear from us, and that is a promise.
    [commitment] = case.commitments.all()
    assert commitment.kind == CommitmentKind.INVESTIGATION


def test_a_policy_engine_that_fails_offers_nothing_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amends.proactive import offers

    def broken(**kwargs: Any) -> Any:
        raise ZeroDivisionError("a rule divided by zero")

    monkeypatch.setattr(offers, "evaluate", broken)
    world = make_world(language="en")
    world.scan(S.LOST, at=ago(hours=1))
    case = the_case(world)
    assert len(notices_on(case)) == 1
    note = case.messages.get(direction=Direction.NOTE).body_text
    assert "could not decide" in note
    assert "a rule divided by zero" in note


def test_ids_that_are_not_shipments_are_ignored_and_many_ids_are_fine(world: World) -> None:
    TrackingEvent.objects.create(
        shipment=world.shipment, status=S.DAMAGED, carrier_code="D", occurred_at=ago(hours=1)
    )
    Shipment.objects.filter(pk=world.shipment.pk).update(status=S.DAMAGED)
    garbage: list[Any] = ["1", None, True, -4, 0, 2**70, 987654321]
    services.shipments_changed(shipment_ids=garbage)
    assert not ShipmentProblem.objects.exists()
    many = [*range(10**6, 10**6 + 5000), world.shipment.pk, *garbage]
    services.shipments_changed(shipment_ids=many)
    services.shipments_changed(shipment_ids=many)
    assert ShipmentProblem.objects.get().kind == ProblemKind.DAMAGED
    assert len(notices_on(the_case(world))) == 1


def test_the_rules_in_force_decide_the_choices_not_only_the_built_in_ones(world: World) -> None:
    from amends.policies.services import policy_rule_save

    policy_rule_save(
        rule_id="no-refund-when-lost",
        body={
            "stage": "deny",
            "remedies": ["refund_full", "refund_partial"],
            "description": "Lost parcels are reshipped, not refunded, in this test shop.",
            "when": {"op": "eq", "field": "shipment_status", "value": "lost"},
            "effect": {"customer_reason": "lost_in_transit"},
        },
        actor=None,
    )
    world.scan(S.LOST, at=ago(hours=1))
    notified = CaseEvent.objects.get(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert notified.data["offers"] == ["reship"]
    assert "no-refund-when-lost v1" in notified.data["rules"]
    note = the_case(world).messages.get(direction=Direction.NOTE).body_text
    assert "refund_full: denied (no-refund-when-lost v1)" in note
