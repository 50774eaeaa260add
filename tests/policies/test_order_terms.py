"""The rules for one order, computed from its facts: until when each window is open, and what
happens if the parcel is lost or damaged. Pure: no database, no clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.policies.order_terms import (
    OrderFacts,
    RuleKind,
    RuleLine,
    RuleState,
    Terms,
    order_rules,
)

PARIS = ZoneInfo("Europe/Paris")
TERMS = Terms(lost_after_days={"dhl": 10, "seur": 8}, lost_after_days_default=12)


def at(day: int, hour: int = 10, month: int = 3) -> dt.datetime:
    return dt.datetime(2031, month, day, hour, 0, tzinfo=PARIS)


def facts(**overrides: Any) -> OrderFacts:
    base: dict[str, Any] = {
        "placed_at": at(3),
        "brand_country": "FR",
        "time_zone": "Europe/Paris",
        "currency": "EUR",
        "total": Decimal("59.90"),
    }
    return OrderFacts(**(base | overrides))


def rule(kind: RuleKind, *, today: dt.date, terms: Terms = TERMS, **overrides: Any) -> RuleLine:
    lines = order_rules(facts=facts(**overrides), terms=terms, today=today)
    return next(line for line in lines if line.kind == kind)


# --- the seven-day price-drop refund ----------------------------------------------------------


def test_price_drop_window_is_open_on_day_seven_and_ended_on_day_eight() -> None:
    day7 = rule(RuleKind.PRICE_DROP, today=dt.date(2031, 3, 10))
    assert (day7.state, day7.until, day7.days) == (RuleState.OPEN, dt.date(2031, 3, 10), 7)
    day8 = rule(RuleKind.PRICE_DROP, today=dt.date(2031, 3, 11))
    assert (day8.state, day8.until) == (RuleState.CLOSED, dt.date(2031, 3, 10))


def test_the_purchase_day_is_the_storefronts_day_not_utcs() -> None:
    # 23:30 UTC on 3 March is already 4 March in Paris: the window runs to 11 March.
    late = dt.datetime(2031, 3, 3, 23, 30, tzinfo=dt.UTC)
    line = rule(RuleKind.PRICE_DROP, today=dt.date(2031, 3, 11), placed_at=late)
    assert (line.state, line.until) == (RuleState.OPEN, dt.date(2031, 3, 11))


@given(
    placed=st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2040, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    offset=st.integers(min_value=0, max_value=40),
)
def test_price_drop_is_open_exactly_seven_days_after_the_local_purchase_day(
    placed: dt.datetime, offset: int
) -> None:
    local_day = placed.astimezone(PARIS).date()
    today = local_day + dt.timedelta(days=offset)
    line = rule(RuleKind.PRICE_DROP, today=today, placed_at=placed)
    assert line.until == local_day + dt.timedelta(days=7)
    assert (line.state == RuleState.OPEN) == (offset <= 7)


# --- returns --------------------------------------------------------------------------------------


def test_return_window_starts_only_when_the_parcel_is_delivered() -> None:
    line = rule(RuleKind.RETURN, today=dt.date(2031, 3, 20), shipment_statuses=("in_transit",))
    assert (line.state, line.until, line.days, line.legal_days) == (
        RuleState.NOT_STARTED,
        None,
        30,
        14,
    )


def test_return_window_runs_thirty_days_from_delivery() -> None:
    delivered: dict[str, Any] = {"delivered_at": at(5, 18), "shipment_statuses": ("delivered",)}
    open_ = rule(RuleKind.RETURN, today=dt.date(2031, 4, 4), **delivered)
    assert (open_.state, open_.until) == (RuleState.OPEN, dt.date(2031, 4, 4))
    ended = rule(RuleKind.RETURN, today=dt.date(2031, 4, 5), **delivered)
    assert (ended.state, ended.until) == (RuleState.CLOSED, dt.date(2031, 4, 4))


def test_delivered_long_ago_every_window_has_ended() -> None:
    lines = order_rules(
        facts=facts(
            placed_at=at(1, month=1),
            delivered_at=at(4, month=1),
            shipment_statuses=("delivered",),
            carrier_codes=("dhl",),
        ),
        terms=TERMS,
        today=dt.date(2031, 12, 24),
    )
    by_kind = {line.kind: line for line in lines}
    assert by_kind[RuleKind.RETURN].state == RuleState.CLOSED
    assert by_kind[RuleKind.RETURN].until == dt.date(2031, 2, 3)
    assert by_kind[RuleKind.PRICE_DROP].state == RuleState.CLOSED
    assert by_kind[RuleKind.LOST].state == RuleState.DONE
    assert by_kind[RuleKind.DAMAGED].state == RuleState.STANDING
    assert RuleKind.SELLER not in by_kind


def test_premium_members_get_the_longer_return_period_when_there_is_one() -> None:
    terms = dataclasses.replace(TERMS, premium_return_days=60)
    delivered: dict[str, Any] = {"delivered_at": at(5), "shipment_statuses": ("delivered",)}
    member = rule(
        RuleKind.RETURN, today=dt.date(2031, 3, 6), terms=terms, is_premium=True, **delivered
    )
    assert member.days == 60
    other = rule(RuleKind.RETURN, today=dt.date(2031, 3, 6), terms=terms, **delivered)
    assert other.days == 30
    assert rule(RuleKind.RETURN, today=dt.date(2031, 3, 6), is_premium=True, **delivered).days == 30


# --- lost and damaged parcels ---------------------------------------------------------------------


def test_a_parcel_reported_lost_is_replaced_or_refunded_now() -> None:
    line = rule(
        RuleKind.LOST,
        today=dt.date(2031, 3, 9),
        carrier_codes=("seur",),
        shipment_statuses=("lost",),
    )
    assert (line.state, line.days, line.amount, line.currency) == (
        RuleState.APPLIES_NOW,
        8,
        Decimal("59.90"),
        "EUR",
    )


def test_a_travelling_parcel_counts_as_lost_after_n_days_without_a_scan() -> None:
    travelling: dict[str, Any] = {
        "carrier_codes": ("dhl",),
        "shipment_statuses": ("in_transit",),
        "last_scan_at": at(4, 22),
    }
    waiting = rule(RuleKind.LOST, today=dt.date(2031, 3, 14), **travelling)
    assert (waiting.state, waiting.until, waiting.days) == (
        RuleState.STANDING,
        dt.date(2031, 3, 14),
        10,
    )
    lost = rule(RuleKind.LOST, today=dt.date(2031, 3, 15), **travelling)
    assert lost.state == RuleState.APPLIES_NOW


def test_several_carriers_use_the_longest_threshold_and_unknown_ones_the_default() -> None:
    line = rule(RuleKind.LOST, today=dt.date(2031, 3, 5), carrier_codes=("dhl", "seur"))
    assert line.days == 10
    unknown = rule(RuleKind.LOST, today=dt.date(2031, 3, 5), carrier_codes=("tiny",))
    assert unknown.days == 12
    nothing_shipped = rule(RuleKind.LOST, today=dt.date(2031, 3, 5))
    assert (nothing_shipped.state, nothing_shipped.until) == (RuleState.STANDING, None)


def test_a_parcel_returned_to_sender_is_not_waiting_for_a_scan() -> None:
    line = rule(
        RuleKind.LOST,
        today=dt.date(2031, 5, 1),
        shipment_statuses=("returned_to_sender",),
        last_scan_at=at(4),
    )
    assert (line.state, line.until) == (RuleState.STANDING, None)


def test_damaged_in_transit_applies_now() -> None:
    line = rule(RuleKind.DAMAGED, today=dt.date(2031, 3, 9), shipment_statuses=("damaged",))
    assert line.state == RuleState.APPLIES_NOW
    assert line.amount == Decimal("59.90")


def test_a_sellers_order_says_who_handles_what() -> None:
    line = rule(
        RuleKind.SELLER, today=dt.date(2031, 3, 9), has_seller=True, seller_name="Muebles Ortiz"
    )
    assert (line.state, line.seller_name) == (RuleState.STANDING, "Muebles Ortiz")


# --- faulty terms and facts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"return_days": 10},  # below the 14-day legal minimum
        {"return_days": 0},
        {"price_drop_days": -1},
        {"price_drop_days": True},
        {"lost_after_days": {"dhl": 0}},
        {"premium_return_days": 400},
    ],
)
def test_terms_that_break_the_rules_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="days"):
        Terms(**overrides)


def test_facts_need_aware_times_and_a_real_time_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        facts(placed_at=dt.datetime(2031, 3, 3, 10, 0))
    with pytest.raises(ValueError, match="time zone"):
        facts(time_zone="Mars/Olympus")
