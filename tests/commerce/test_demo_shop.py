"""The built-in demo shop: every operation changes its books as a real shop would, refuses what
a real shop would refuse, and does nothing twice for the same idempotency key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.numbers import is_valid
from amends.carriers.taxonomy import TrackingStatus
from amends.commerce.adapters.base import LineQuantity, ShopError
from amends.commerce.adapters.demo import DemoShop
from amends.commerce.adapters.demo_accounts import membership_open
from amends.commerce.adapters.tracking_numbers import (
    CARRIER_CODES,
    UnknownCarrier,
    new_tracking_number,
)
from amends.commerce.models import (
    DemoCreditBalance,
    DemoLedgerEntry,
    DemoMembership,
    DemoRedelivery,
    DemoReturnLabel,
    LedgerKind,
    OrderStatus,
    ShopOperation,
)
from tests.commerce.demo_helpers import EMAIL, DemoOrder, demo_order

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Thursday 19 November 2026, 10:00 in Amsterdam: three business days on is Tuesday's close.
THURSDAY = dt.datetime(2026, 11, 19, 10, 0, tzinfo=AMSTERDAM)
TUESDAY_CLOSE = dt.datetime(2026, 11, 24, 18, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def shop() -> DemoShop:
    return DemoShop(settle_after_seconds=60)


@pytest.fixture
def world(nl_brand: Brand) -> DemoOrder:
    return demo_order(nl_brand)


def _refund(shop: DemoShop, amount: str, key: str = "refund-1", **kw: Any) -> Any:
    return shop.refund(
        order_number=kw.get("number", "NL3100001"),
        brand_code="nl",
        amount=Decimal(amount),
        reason="parcel lost",
        idempotency_key=key,
    )


# --- refunds ----------------------------------------------------------------------------------


def test_a_partial_refund_is_pending_and_changes_the_order(
    shop: DemoShop, world: DemoOrder
) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        receipt = _refund(shop, "30.00")

    assert receipt.confirmed is False
    assert receipt.amount == Decimal("30.00")
    assert receipt.currency == "EUR"
    assert receipt.expected_by == TUESDAY_CLOSE
    assert receipt.reference.startswith("DS-RF-")
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("30.00")
    assert world.order.status == OrderStatus.PARTIALLY_REFUNDED
    entries = {e.kind: e for e in DemoLedgerEntry.objects.filter(order=world.order)}
    assert entries[LedgerKind.PAYMENT].amount == Decimal("100.00")  # the order's books opened
    assert entries[LedgerKind.PAYMENT].settled_at is not None
    assert entries[LedgerKind.REFUND].amount == Decimal("30.00")
    assert entries[LedgerKind.REFUND].settled_at is None
    operation = ShopOperation.objects.get(idempotency_key="refund-1")
    assert (operation.reference, operation.confirmed_at) == (receipt.reference, None)


def test_refunding_the_rest_makes_the_order_refunded(shop: DemoShop, world: DemoOrder) -> None:
    _refund(shop, "30.00", key="a")
    _refund(shop, "70.00", key="b")
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("100.00")
    assert world.order.status == OrderStatus.REFUNDED


def test_more_than_is_refundable_is_refused_and_changes_nothing(
    shop: DemoShop, world: DemoOrder
) -> None:
    _refund(shop, "80.00", key="a")
    with pytest.raises(ShopError, match="still refundable") as refused:
        _refund(shop, "20.01", key="b")
    assert refused.value.permanent
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("80.00")
    assert DemoLedgerEntry.objects.filter(kind=LedgerKind.REFUND).count() == 1
    # The refused key is free: the same request can be made again once it fits.
    assert not ShopOperation.objects.filter(idempotency_key="b").exists()


@pytest.mark.parametrize(
    "amount", [Decimal("0"), Decimal("-5.00"), Decimal("10.005"), Decimal("NaN"), 10.5]
)
def test_amounts_that_are_not_positive_cents_are_refused(
    shop: DemoShop, world: DemoOrder, amount: Any
) -> None:
    with pytest.raises(ShopError) as refused:
        shop.refund(
            order_number="NL3100001",
            brand_code="nl",
            amount=amount,
            reason="",
            idempotency_key="k",
        )
    assert refused.value.permanent
    assert not DemoLedgerEntry.objects.filter(kind=LedgerKind.REFUND).exists()


def test_an_unknown_order_is_refused(shop: DemoShop, world: DemoOrder) -> None:
    with pytest.raises(ShopError, match="not known") as refused:
        _refund(shop, "5.00", number="NL9999999")
    assert refused.value.permanent


def test_the_same_key_twice_refunds_once_and_answers_the_first_receipt(
    shop: DemoShop, world: DemoOrder
) -> None:
    first = _refund(shop, "30.00")
    second = _refund(shop, "30.00")
    assert second == first
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("30.00")
    assert DemoLedgerEntry.objects.filter(kind=LedgerKind.REFUND).count() == 1


def test_a_key_reused_for_another_amount_is_refused(shop: DemoShop, world: DemoOrder) -> None:
    _refund(shop, "30.00")
    with pytest.raises(ShopError, match="already used") as refused:
        _refund(shop, "40.00")
    assert refused.value.permanent


@pytest.mark.parametrize("key", ["", "   ", "k" * 121])
def test_an_idempotency_key_is_required(shop: DemoShop, world: DemoOrder, key: str) -> None:
    with pytest.raises(ShopError, match="idempotency key"):
        _refund(shop, "5.00", key=key)


def test_a_price_adjustment_is_a_partial_refund_booked_as_such(
    shop: DemoShop, world: DemoOrder
) -> None:
    receipt = shop.price_adjustment(
        order_number="NL3100001", brand_code="nl", amount=Decimal("12.50"), idempotency_key="pa"
    )
    assert receipt.confirmed is False
    entry = DemoLedgerEntry.objects.get(reference=receipt.reference)
    assert (entry.kind, entry.amount) == (LedgerKind.PRICE_ADJUSTMENT, Decimal("12.50"))
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("12.50")
    assert world.order.status == OrderStatus.PARTIALLY_REFUNDED
    with pytest.raises(ShopError, match="still refundable"):
        _refund(shop, "87.51")


# --- parcels ----------------------------------------------------------------------------------


def test_a_reship_sends_a_new_parcel_with_the_same_carrier(
    shop: DemoShop, world: DemoOrder
) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        receipt = shop.reship(
            order_number="NL3100001",
            brand_code="nl",
            lines=[LineQuantity(sku="LAMP-1", quantity=2)],
            reason="lost",
            idempotency_key="rs",
        )
        again = shop.reship(
            order_number="NL3100001",
            brand_code="nl",
            lines=[LineQuantity(sku="LAMP-1", quantity=2)],
            reason="lost",
            idempotency_key="rs",
        )
    assert again == receipt
    parcels = list(Shipment.objects.filter(order=world.order).order_by("id"))
    assert len(parcels) == 2
    new = parcels[1]
    assert new.carrier == world.parcel.carrier
    assert new.tracking_number == receipt.detail["tracking_number"]
    assert new.tracking_number != world.parcel.tracking_number
    assert is_valid("postnl", new.tracking_number)
    assert new.status == TrackingStatus.INFO_RECEIVED
    assert new.estimated_delivery == TUESDAY_CLOSE.date()
    assert receipt.confirmed is True
    assert receipt.detail["replaces"] == world.parcel.tracking_number


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([], "at least one"),
        ([LineQuantity(sku="LAMP-1", quantity=3)], "has 2"),
        ([LineQuantity(sku="CHAIR", quantity=1)], "has 0"),
        ([LineQuantity(sku="LAMP-1", quantity=0)], "not valid"),
    ],
)
def test_a_reship_of_what_was_not_ordered_is_refused(
    shop: DemoShop, world: DemoOrder, lines: list[LineQuantity], match: str
) -> None:
    with pytest.raises(ShopError, match=match) as refused:
        shop.reship(
            order_number="NL3100001",
            brand_code="nl",
            lines=lines,
            reason="",
            idempotency_key="rs",
        )
    assert refused.value.permanent
    assert Shipment.objects.filter(order=world.order).count() == 1


def test_a_cancelled_order_is_not_reshipped(shop: DemoShop, world: DemoOrder) -> None:
    world.order.status = OrderStatus.CANCELLED
    world.order.save()
    with pytest.raises(ShopError, match="cancelled"):
        shop.reship(
            order_number="NL3100001",
            brand_code="nl",
            lines=[LineQuantity(sku="BULB-4", quantity=1)],
            reason="",
            idempotency_key="rs",
        )


def test_an_order_without_a_parcel_has_nothing_to_reship(shop: DemoShop, world: DemoOrder) -> None:
    world.parcel.delete()
    with pytest.raises(ShopError, match="no parcel"):
        shop.reship(
            order_number="NL3100001",
            brand_code="nl",
            lines=[LineQuantity(sku="BULB-4", quantity=1)],
            reason="",
            idempotency_key="rs",
        )


@pytest.mark.parametrize("carrier", CARRIER_CODES)
def test_new_tracking_numbers_are_valid_for_their_carrier(carrier: str) -> None:
    numbers = {new_tracking_number(carrier) for _ in range(20)}
    assert len(numbers) == 20
    assert all(is_valid(carrier, n) for n in numbers), numbers


def test_no_tracking_number_for_a_carrier_the_demo_does_not_ship_with() -> None:
    with pytest.raises(UnknownCarrier):
        new_tracking_number("pigeon")


def test_a_return_label_has_a_tracking_number_of_the_order_carrier(
    shop: DemoShop, world: DemoOrder
) -> None:
    receipt = shop.return_label(
        order_number="NL3100001",
        brand_code="nl",
        lines=[LineQuantity(sku="BULB-4", quantity=1)],
        idempotency_key="rl",
    )
    label = DemoReturnLabel.objects.get(reference=receipt.reference)
    assert label.carrier == world.parcel.carrier
    assert is_valid("postnl", label.tracking_number)
    assert receipt.detail == {"carrier": "postnl", "tracking_number": label.tracking_number}
    assert label.lines == [{"sku": "BULB-4", "quantity": 1}]


def test_a_redelivery_is_booked_for_a_parcel_under_way(shop: DemoShop, world: DemoOrder) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        receipt = shop.redelivery(
            order_number="NL3100001",
            brand_code="nl",
            tracking_number="3samnd 000 000 001",
            on=None,
            idempotency_key="rd",
        )
    booking = DemoRedelivery.objects.get(reference=receipt.reference)
    assert booking.shipment == world.parcel
    assert booking.requested_for == dt.date(2026, 11, 20)  # the next business day
    assert receipt.detail == {"tracking_number": "3SAMND000000001", "date": "2026-11-20"}


@pytest.mark.parametrize(
    ("status", "on", "match"),
    [
        (TrackingStatus.DELIVERED, None, "cannot be delivered again"),
        (TrackingStatus.RETURNED_TO_SENDER, None, "cannot be delivered again"),
        (TrackingStatus.ATTEMPT_FAILED, dt.date(2026, 11, 18), "not on 2026-11-18"),
        (TrackingStatus.ATTEMPT_FAILED, dt.date(2026, 12, 31), "not on 2026-12-31"),
    ],
)
def test_a_redelivery_that_cannot_happen_is_refused(
    shop: DemoShop, world: DemoOrder, status: str, on: dt.date | None, match: str
) -> None:
    world.parcel.status = status
    world.parcel.save()
    with time_machine.travel(THURSDAY, tick=False), pytest.raises(ShopError, match=match):
        shop.redelivery(
            order_number="NL3100001",
            brand_code="nl",
            tracking_number="3SAMND000000001",
            on=on,
            idempotency_key="rd",
        )
    assert not DemoRedelivery.objects.exists()


def test_a_redelivery_of_someone_elses_parcel_is_refused(shop: DemoShop, world: DemoOrder) -> None:
    with pytest.raises(ShopError, match="not part of order"):
        shop.redelivery(
            order_number="NL3100001",
            brand_code="nl",
            tracking_number="3SAMND999999999",
            on=None,
            idempotency_key="rd",
        )


# --- the customer's account ---------------------------------------------------------------------


def test_goodwill_credit_adds_to_the_balance(shop: DemoShop, world: DemoOrder) -> None:
    first = shop.goodwill_credit(
        customer_email=EMAIL.upper(),
        brand_code="nl",
        amount=Decimal("10.00"),
        reason="late",
        idempotency_key="gc-1",
    )
    second = shop.goodwill_credit(
        customer_email=EMAIL,
        brand_code="nl",
        amount=Decimal("5.00"),
        reason="late",
        idempotency_key="gc-2",
    )
    shop.goodwill_credit(
        customer_email=EMAIL,
        brand_code="nl",
        amount=Decimal("5.00"),
        reason="late",
        idempotency_key="gc-2",
    )
    assert (first.confirmed, first.detail["balance"]) == (True, "10.00")
    assert second.detail["balance"] == "15.00"
    credit = DemoCreditBalance.objects.get(customer=world.customer)
    assert (credit.balance, credit.currency) == (Decimal("15.00"), "EUR")


def test_goodwill_credit_for_an_unknown_customer_is_refused(
    shop: DemoShop, world: DemoOrder
) -> None:
    with pytest.raises(ShopError, match="no customer") as refused:
        shop.goodwill_credit(
            customer_email="nobody@mail.test",
            brand_code="nl",
            amount=Decimal("10.00"),
            reason="",
            idempotency_key="gc",
        )
    assert refused.value.permanent


def _membership(world: DemoOrder) -> DemoMembership:
    return membership_open(
        customer=world.customer,
        brand=world.brand,
        plan="Premium delivery",
        price_paid=Decimal("49.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


def test_membership_cancellation_ends_it_and_refunds_the_pro_rated_amount(
    shop: DemoShop, world: DemoOrder
) -> None:
    membership = _membership(world)
    with time_machine.travel(THURSDAY, tick=False):
        receipt = shop.membership_cancel(
            customer_email=EMAIL, brand_code="nl", refund=Decimal("5.37"), idempotency_key="mc"
        )
    membership.refresh_from_db()
    assert membership.cancelled_at == THURSDAY
    assert membership.period_end == dt.date(2026, 11, 19)
    assert (receipt.confirmed, receipt.amount, receipt.expected_by) == (
        False,
        Decimal("5.37"),
        TUESDAY_CLOSE,
    )
    entry = DemoLedgerEntry.objects.get(reference=receipt.reference)
    assert (entry.kind, entry.membership, entry.settled_at) == (
        LedgerKind.MEMBERSHIP_REFUND,
        membership,
        None,
    )


def test_membership_cancellation_without_refund_is_confirmed_at_once(
    shop: DemoShop, world: DemoOrder
) -> None:
    _membership(world)
    receipt = shop.membership_cancel(
        customer_email=EMAIL, brand_code="nl", refund=Decimal("0"), idempotency_key="mc"
    )
    assert (receipt.confirmed, receipt.amount) == (True, Decimal("0.00"))
    assert not DemoLedgerEntry.objects.filter(kind=LedgerKind.MEMBERSHIP_REFUND).exists()


@pytest.mark.parametrize(
    ("refund", "match"),
    [("49.01", "more than the 49.00"), ("-1", "negative")],
)
def test_membership_refund_beyond_the_price_is_refused(
    shop: DemoShop, world: DemoOrder, refund: str, match: str
) -> None:
    membership = _membership(world)
    with pytest.raises(ShopError, match=match):
        shop.membership_cancel(
            customer_email=EMAIL, brand_code="nl", refund=Decimal(refund), idempotency_key="mc"
        )
    membership.refresh_from_db()
    assert membership.cancelled_at is None


def test_no_membership_no_cancellation(shop: DemoShop, world: DemoOrder) -> None:
    with pytest.raises(ShopError, match="no membership"):
        shop.membership_cancel(
            customer_email=EMAIL, brand_code="nl", refund=Decimal("0"), idempotency_key="mc"
        )


# --- the snapshot -------------------------------------------------------------------------------


def test_order_sync_brings_the_snapshot_in_line_with_the_books(
    shop: DemoShop, world: DemoOrder
) -> None:
    world.parcel.status = TrackingStatus.DELIVERED
    world.parcel.save()
    shop.order_sync(brand_code="nl", number="NL3100001")
    world.order.refresh_from_db()
    assert world.order.status == OrderStatus.DELIVERED

    entry = DemoLedgerEntry.objects.get(order=world.order, kind=LedgerKind.PAYMENT)
    DemoLedgerEntry.objects.create(
        order=world.order,
        kind=LedgerKind.REFUND,
        amount=Decimal("100.00"),
        currency=entry.currency,
        reference="DS-RF-BACKOFFICE",
    )
    shop.order_sync(brand_code="nl", number="NL3100001")
    world.order.refresh_from_db()
    assert (world.order.status, world.order.refunded_total) == (
        OrderStatus.REFUNDED,
        Decimal("100.00"),
    )


def test_an_order_refunded_before_the_books_were_kept_keeps_its_refund(
    shop: DemoShop, world: DemoOrder
) -> None:
    world.order.refunded_total = Decimal("40.00")
    world.order.save()
    with pytest.raises(ShopError, match=r"60\.00 still refundable"):
        _refund(shop, "60.01")
