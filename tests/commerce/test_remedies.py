"""Remedies: the policy decides, the shop carries it out once, the promise is kept on its word."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent
from amends.commerce.adapters.demo_tasks import demo_shop_settle
from amends.commerce.models import (
    DemoLedgerEntry,
    Order,
    OrderStatus,
    Remedy,
    RemedyKind,
    RemedyStatus,
)
from amends.commerce.remedies import remedy_approve, remedy_execute, remedy_grant
from amends.commitments.models import CommitmentState
from amends.core.errors import Conflict, InvalidInput
from amends.policies.ruleset import active_rules_forget
from tests.commerce.demo_helpers import DemoOrder, demo_order
from tests.factories import CaseFactory, TeamFactory, make_agent, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _builtin_rules() -> None:
    active_rules_forget()


@pytest.fixture
def damaged(nl_brand: Brand) -> tuple[DemoOrder, Case]:
    shop = demo_order(nl_brand)
    Shipment.objects.filter(pk=shop.parcel.pk).update(status=TrackingStatus.DAMAGED)
    case = CaseFactory(brand=nl_brand, customer=shop.customer, team=TeamFactory(brand=nl_brand))
    case.orders.add(shop.order)
    return shop, case


def refunds(order: Order) -> list[DemoLedgerEntry]:
    return list(DemoLedgerEntry.objects.filter(order=order, kind="refund"))


def kinds(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def test_an_agent_asks_a_supervisor_approves_the_shop_refunds_once_the_promise_is_kept(
    damaged: tuple[DemoOrder, Case], nl_brand: Brand
) -> None:
    shop, case = damaged
    supervisor = make_supervisor(nl_brand)
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_FULL,
        actor=make_agent(case.team),
        idempotency_key="case-1-refund",
    )
    assert remedy.status == RemedyStatus.NEEDS_APPROVAL  # 100 EUR is above an agent's 50
    remedy = remedy_approve(remedy=remedy, actor=supervisor)
    assert remedy.decision["rules"]
    assert remedy_execute.call(remedy_id=remedy.pk) == "executed"
    assert remedy_execute.call(remedy_id=remedy.pk) == "executed"  # a retried task: nothing more

    remedy.refresh_from_db()
    shop.order.refresh_from_db()
    assert remedy.status == RemedyStatus.EXECUTED
    assert [r.amount for r in refunds(shop.order)] == [Decimal("100.00")]
    assert shop.order.status == OrderStatus.REFUNDED
    promise = remedy.commitment
    assert promise is not None
    assert promise.state == CommitmentState.OPEN
    assert "100,00" in promise.description  # the customer's words: Dutch, formal

    demo_shop_settle.call(reference=remedy.shop_reference)

    remedy.refresh_from_db()
    promise.refresh_from_db()
    assert remedy.confirmed_at is not None
    assert promise.state == CommitmentState.KEPT
    assert promise.fulfilled_by == f"remedy:{remedy.pk}"
    assert kinds(case)[-6:] == [
        EventKind.REMEDY_DECIDED,
        EventKind.REMEDY_APPROVED,
        EventKind.COMMITMENT_MADE,
        EventKind.REMEDY_EXECUTED,
        EventKind.REMEDY_CONFIRMED,
        EventKind.COMMITMENT_KEPT,
    ]


def test_a_double_click_grants_once(damaged: tuple[DemoOrder, Case], nl_brand: Brand) -> None:
    shop, case = damaged
    agent = make_agent(case.team)
    first = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_PARTIAL,
        amount=Decimal("20"),
        actor=agent,
        idempotency_key="click",
    )
    again = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_PARTIAL,
        amount=Decimal("20"),
        actor=agent,
        idempotency_key="click",
    )
    assert again.pk == first.pk
    assert first.status == RemedyStatus.APPROVED  # within the agent's 50 EUR
    remedy_execute.call(remedy_id=first.pk)
    remedy_execute.call(remedy_id=again.pk)
    assert [r.amount for r in refunds(shop.order)] == [Decimal("20.00")]
    assert Remedy.objects.count() == 1
    assert kinds(case).count(EventKind.REMEDY_DECIDED) == 1


def test_an_agent_cannot_approve_above_their_authority(
    damaged: tuple[DemoOrder, Case],
) -> None:
    shop, case = damaged
    agent = make_agent(case.team)
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_FULL,
        actor=agent,
        idempotency_key="too-much",
    )
    assert remedy.status == RemedyStatus.NEEDS_APPROVAL
    with pytest.raises(Conflict, match="authority"):
        remedy_approve(remedy=remedy, actor=agent)
    assert remedy_execute.call(remedy_id=remedy.pk) == RemedyStatus.NEEDS_APPROVAL
    assert refunds(shop.order) == []


def test_what_the_policy_denies_never_reaches_the_shop(nl_brand: Brand) -> None:
    shop = demo_order(nl_brand)  # travelling normally, nothing reported
    case = CaseFactory(brand=nl_brand, customer=shop.customer, team=TeamFactory(brand=nl_brand))
    case.orders.add(shop.order)
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.RESHIP,
        actor=make_agent(case.team),
        idempotency_key="no-reason",
    )
    assert remedy.status == RemedyStatus.DENIED
    assert remedy.decision["explanation"]
    assert remedy_execute.call(remedy_id=remedy.pk) == RemedyStatus.DENIED
    assert Shipment.objects.filter(order=shop.order).count() == 1


def test_a_key_used_for_another_request_is_refused(damaged: tuple[DemoOrder, Case]) -> None:
    shop, case = damaged
    agent = make_agent(case.team)
    remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.RESHIP,
        actor=agent,
        idempotency_key="same",
    )
    with pytest.raises(Conflict, match="another request"):
        remedy_grant(
            case=case,
            order=shop.order,
            remedy=RemedyKind.REFUND_FULL,
            actor=agent,
            idempotency_key="same",
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"remedy": "free_money"}, "remedy"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 81}, "idempotency_key"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("NaN")}, "amount"),
    ],
)
def test_bad_requests_are_refused_with_the_field_named(
    damaged: tuple[DemoOrder, Case], changes: dict[str, object], field: str
) -> None:
    shop, case = damaged
    request: dict[str, object] = {
        "case": case,
        "order": shop.order,
        "remedy": RemedyKind.REFUND_PARTIAL,
        "actor": make_agent(case.team),
        "idempotency_key": "k",
        "amount": Decimal("5"),
    }
    with pytest.raises(InvalidInput) as caught:
        remedy_grant(**{**request, **changes})  # type: ignore[arg-type]
    assert field in caught.value.errors
    assert Remedy.objects.count() == 0


def test_an_order_not_on_the_case_is_refused(
    damaged: tuple[DemoOrder, Case], nl_brand: Brand
) -> None:
    shop, case = damaged
    other = CaseFactory(brand=nl_brand, customer=shop.customer, team=case.team)
    with pytest.raises(InvalidInput, match="not linked"):
        remedy_grant(
            case=other,
            order=shop.order,
            remedy=RemedyKind.RESHIP,
            actor=make_agent(case.team),
            idempotency_key="elsewhere",
        )


def test_a_reship_creates_one_new_parcel_and_a_promise(
    damaged: tuple[DemoOrder, Case],
) -> None:
    shop, case = damaged
    agent = make_agent(case.team)
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.RESHIP,
        actor=agent,
        idempotency_key="reship",
    )
    if remedy.status == RemedyStatus.NEEDS_APPROVAL:  # the reship's value is above 50 EUR
        remedy = remedy_approve(remedy=remedy, actor=make_supervisor(case.brand))
    remedy_execute.call(remedy_id=remedy.pk)
    remedy_execute.call(remedy_id=remedy.pk)
    remedy.refresh_from_db()
    assert remedy.status == RemedyStatus.EXECUTED
    assert Shipment.objects.filter(order=shop.order).count() == 2
    assert remedy.executed_at is not None
    assert remedy.executed_at <= timezone.now()


def test_a_refusal_by_the_shop_fails_the_remedy_with_the_reason(
    damaged: tuple[DemoOrder, Case],
) -> None:
    shop, case = damaged
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_PARTIAL,
        amount=Decimal("20"),
        actor=make_agent(case.team),
        idempotency_key="late",
    )
    # Refunded in the shop's own back office meanwhile: only 5 EUR left to refund.
    Order.objects.filter(pk=shop.order.pk).update(
        refunded_total=Decimal("95.00"), status=OrderStatus.PARTIALLY_REFUNDED
    )
    assert remedy_execute.call(remedy_id=remedy.pk) == "failed"
    remedy.refresh_from_db()
    assert remedy.status == RemedyStatus.FAILED
    assert remedy.decision["failure"]
    assert kinds(case)[-1] == EventKind.REMEDY_FAILED
    assert refunds(shop.order) == []


def test_a_price_drop_above_an_agents_limit_is_approved_on_the_same_facts(
    damaged: tuple[DemoOrder, Case], nl_brand: Brand
) -> None:
    shop, case = damaged
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.PRICE_ADJUSTMENT,
        actor=make_agent(case.team),
        idempotency_key="price-drop",
        current_price=Decimal("30.00"),  # paid 100: 70 back, above an agent's 50
    )
    assert remedy.status == RemedyStatus.NEEDS_APPROVAL
    assert remedy.amount == Decimal("70.00")
    approved = remedy_approve(remedy=remedy, actor=make_supervisor(nl_brand))
    assert approved.status == RemedyStatus.APPROVED


def test_above_every_supervisors_limit_an_administrator_approves(
    nl_brand: Brand,
) -> None:
    from tests.factories import UserFactory

    shop = demo_order(nl_brand)
    Order.objects.filter(pk=shop.order.pk).update(total=Decimal("900.00"))
    shop.order.refresh_from_db()
    Shipment.objects.filter(pk=shop.parcel.pk).update(status=TrackingStatus.DAMAGED)
    case = CaseFactory(brand=nl_brand, customer=shop.customer, team=TeamFactory(brand=nl_brand))
    case.orders.add(shop.order)
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_FULL,
        actor=make_supervisor(nl_brand),
        idempotency_key="big",
    )
    assert remedy.status == RemedyStatus.NEEDS_APPROVAL
    assert remedy.decision["approver"] == "manager"
    with pytest.raises(Conflict):
        remedy_approve(remedy=remedy, actor=make_supervisor(nl_brand))
    admin = UserFactory(role="admin")
    assert remedy_approve(remedy=remedy, actor=admin).status == RemedyStatus.APPROVED


def test_the_seller_is_told_and_charged_what_the_policy_puts_at_its_cost(
    nl_brand: Brand, mailoutbox: list[Any]
) -> None:
    from amends.commerce.models import SellerCharge
    from amends.commerce.sellers import seller_charge_tell
    from tests.factories import SellerFactory

    shop = demo_order(nl_brand)
    seller = SellerFactory(name="Muebles Ortiz", email="ventas@ortiz.test", country="NL")
    delivered = timezone.now() - dt.timedelta(days=3)
    Order.objects.filter(pk=shop.order.pk).update(seller=seller, status=OrderStatus.DELIVERED)
    shop.order.refresh_from_db()
    Shipment.objects.filter(pk=shop.parcel.pk).update(
        status=TrackingStatus.DELIVERED, delivered_at=delivered
    )
    case = CaseFactory(brand=nl_brand, customer=shop.customer, team=TeamFactory(brand=nl_brand))
    case.orders.add(shop.order)
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_PARTIAL,
        amount=Decimal("30.00"),
        reported_problem="not_as_described",
        actor=make_agent(case.team),
        idempotency_key="seller-pays",
    )
    assert remedy.status == RemedyStatus.APPROVED, remedy.decision
    assert remedy.decision["cost_bearer"] == "seller"
    remedy_execute.call(remedy_id=remedy.pk)
    remedy_execute.call(remedy_id=remedy.pk)  # a retried task charges nothing more

    charge = SellerCharge.objects.get()
    assert (charge.seller, charge.bearer, charge.amount) == (seller, "seller", Decimal("30.00"))
    assert EventKind.SELLER_CHARGED in kinds(case)
    assert seller_charge_tell.call(charge_id=charge.pk) == "told"
    assert seller_charge_tell.call(charge_id=charge.pk) == "told already"
    [mail] = [m for m in mailoutbox if m.to == ["ventas@ortiz.test"]]
    assert shop.order.number in mail.subject
    assert "30,00" in mail.body


def test_a_seller_is_told_but_not_charged_when_the_carrier_pays(
    damaged: tuple[DemoOrder, Case],
) -> None:
    from amends.commerce.models import SellerCharge
    from tests.factories import SellerFactory

    shop, case = damaged
    seller = SellerFactory(name="Desk & Co", email="desk@co.test")
    Order.objects.filter(pk=shop.order.pk).update(seller=seller)
    shop.order.refresh_from_db()
    remedy = remedy_grant(
        case=case,
        order=shop.order,
        remedy=RemedyKind.REFUND_PARTIAL,
        amount=Decimal("20"),
        actor=make_agent(case.team),
        idempotency_key="carrier-pays",
    )
    remedy_execute.call(remedy_id=remedy.pk)
    charge = SellerCharge.objects.get()
    assert (charge.bearer, charge.amount) == ("carrier", Decimal("0"))
