"""What the customer is shown agrees with itself, and every contradiction is found once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.commerce.consistency import (
    TRAVELLING,
    Code,
    OrderState,
    ParcelState,
    contradictions,
    parcel_shown,
)

TUESDAY = dt.date(2026, 11, 24)


def order(status: str = "shipped", *parcels: ParcelState, refunded: str = "0") -> OrderState:
    return OrderState(
        id=1,
        status=status,
        total=Decimal("80.00"),
        refunded_total=Decimal(refunded),
        parcels=parcels,
    )


def parcel(status: str = "in_transit", *seen: str, pid: int = 7) -> ParcelState:
    return ParcelState(
        id=pid, status=status, estimated_delivery=TUESDAY, seen=frozenset({status, *seen})
    )


def codes(state: OrderState) -> list[str]:
    return [c.code for c in contradictions(state)]


def test_a_travelling_parcel_of_a_live_order_shows_its_estimate() -> None:
    p = parcel("in_transit")
    shown = parcel_shown(order("shipped", p), p)
    assert (shown.status, shown.estimate) == ("in_transit", TUESDAY)
    assert codes(order("shipped", p)) == []


def test_a_refunded_undelivered_order_shows_no_estimate() -> None:
    p = parcel("in_transit")
    refunded = order("refunded", p, refunded="80.00")
    assert parcel_shown(refunded, p).estimate is None
    assert codes(refunded) == [Code.REFUNDED_BUT_TRAVELLING]


def test_a_parcel_returned_to_sender_is_never_shown_in_transit() -> None:
    # The return was scanned first, a stray "in transit" scan arrived after it.
    p = parcel("in_transit", "returned_to_sender")
    shown = parcel_shown(order("shipped", p), p)
    assert shown.status == "returned_to_sender"
    assert shown.estimate is None
    assert Code.RETURNED_BUT_TRAVELLING in codes(order("shipped", p))


@pytest.mark.parametrize("status", ["lost", "damaged", "returned_to_sender", "delivered"])
def test_no_estimate_for_a_parcel_that_has_arrived_or_never_will(status: str) -> None:
    p = parcel(status)
    assert parcel_shown(order("shipped", p), p).estimate is None


def test_payment_and_order_states_must_agree() -> None:
    assert codes(order("refunded", refunded="20.00")) == [Code.REFUNDED_BUT_UNPAID_BACK]
    assert codes(order("paid", refunded="20.00")) == [Code.PAID_BACK_BUT_NOT_REFUNDED]
    assert codes(order("partially_refunded", refunded="20.00")) == []
    assert Code.REFUND_ABOVE_TOTAL in codes(order("refunded", refunded="90.00"))


def test_order_and_parcel_states_must_agree() -> None:
    assert codes(order("delivered", parcel("in_transit"))) == [Code.DELIVERED_BUT_NOT_ARRIVED]
    assert codes(order("shipped", parcel("delivered"))) == [Code.ARRIVED_BUT_NOT_DELIVERED]
    assert codes(order("delivered", parcel("delivered"))) == []
    assert codes(order("cancelled", parcel("out_for_delivery"))) == [Code.CANCELLED_BUT_TRAVELLING]
    stray = ParcelState(
        id=3, status="in_transit", delivered_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    )
    assert codes(order("shipped", stray)) == [Code.DELIVERY_DATE_WITHOUT_DELIVERY]


def test_each_contradiction_has_a_key_of_its_own_and_keeps_it() -> None:
    one, two = parcel("in_transit", pid=1), parcel("in_transit", pid=2)
    found = contradictions(order("refunded", one, two, refunded="80.00"))
    assert [c.key for c in found] == [
        "refunded_but_travelling:1",
        "refunded_but_travelling:2",
    ]
    assert [c.key for c in contradictions(order("refunded", one, two, refunded="80.00"))] == [
        c.key for c in found
    ]


STATUSES = sorted(
    TRAVELLING | {"delivered", "returned_to_sender", "damaged", "lost", "expired", "exception"}
)
ORDER_STATUSES = [
    "placed",
    "paid",
    "shipped",
    "delivered",
    "cancelled",
    "partially_refunded",
    "refunded",
]


@given(
    order_status=st.sampled_from(ORDER_STATUSES),
    statuses=st.lists(
        st.tuples(st.sampled_from(STATUSES), st.sets(st.sampled_from(STATUSES))), max_size=4
    ),
    refunded=st.decimals(min_value=0, max_value=100, places=2),
)
def test_what_is_shown_never_contradicts_itself(
    order_status: str, statuses: list[tuple[str, set[str]]], refunded: Decimal
) -> None:
    parcels = tuple(
        ParcelState(id=i, status=s, estimated_delivery=TUESDAY, seen=frozenset({s, *seen}))
        for i, (s, seen) in enumerate(statuses, start=1)
    )
    state = OrderState(
        id=1, status=order_status, total=Decimal("80"), refunded_total=refunded, parcels=parcels
    )
    for p in parcels:
        shown = parcel_shown(state, p)
        if "returned_to_sender" in p.seen:
            assert shown.status not in TRAVELLING
        if shown.estimate is not None:
            assert shown.status in TRAVELLING
            assert order_status not in {"refunded", "cancelled"}
    keys = [c.key for c in contradictions(state)]
    assert len(keys) == len(set(keys))
