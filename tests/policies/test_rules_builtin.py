"""The built-in rules carry the storefront terms' numbers (``policies.selectors``).

When a term changes there, this fails until the built-in rule changes too, with a new version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from amends.brands.models import Brand
from amends.policies import selectors
from amends.policies.decisions import Facts, Outcome, Remedy, RemedyRequest
from amends.policies.engine import evaluate
from amends.policies.order_terms import (
    NOT_TRAVELLING,
    OrderFacts,
    RuleKind,
    RuleState,
    Terms,
    order_rules,
)
from amends.policies.rules import builtin_rules

RULES = builtin_rules()
COUNTRIES = ["FR", "ES", "IT", "NL", "DE", "BE", "PL", "LT"]
CARRIERS = [*selectors.LOST_AFTER_DAYS, "ups", "dpd", None]
PLACED = dt.date(2031, 3, 3)


def terms(country: str) -> Terms:
    return selectors.terms_for_brand(Brand(country=country))


def allowed(remedy: Remedy, **values: object) -> bool:
    base: dict[str, object] = {
        "today": PLACED,
        "country": "FR",
        "currency": "EUR",
        "placed_on": PLACED,
        "paid": Decimal("20.00"),
    }
    facts = Facts(**(base | values))  # type: ignore[arg-type]
    request = RemedyRequest(remedy=remedy, role="supervisor")
    return evaluate(facts=facts, request=request, rules=RULES).outcome == Outcome.ALLOWED


def last_day(remedy: Remedy, field: str, **values: object) -> int:
    """The last number of days after ``field``'s date on which the remedy is allowed."""
    values[field] = PLACED
    days = [n for n in range(60) if allowed(remedy, today=PLACED + dt.timedelta(days=n), **values)]
    assert days == list(range(days[-1] + 1)), "the window has a hole"
    return days[-1]


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_parcel_is_lost_after_the_storefront_terms_days_without_a_scan(
    country: str, carrier: str | None
) -> None:
    expected = terms(country).lost_after(carrier or "")
    values = {"country": country, "carrier": carrier, "shipment_status": "in_transit"}
    first = next(n for n in range(40) if allowed(Remedy.REFUND_FULL, days_without_scan=n, **values))
    assert first == expected + 1


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("carrier", ["dhl", "seur", "ups"])
def test_the_lost_rule_switches_on_the_same_day_as_the_order_rules_line(
    country: str, carrier: str
) -> None:
    """The same parcel, seen by ``order_terms.order_rules`` and by the engine."""
    zone = dt.UTC
    scanned = dt.datetime(2031, 3, 5, 12, tzinfo=zone)
    for n in range(25):
        today = scanned.date() + dt.timedelta(days=n)
        line = next(
            rule
            for rule in order_rules(
                facts=OrderFacts(
                    placed_at=scanned,
                    brand_country=country,
                    time_zone="UTC",
                    currency="EUR",
                    total=Decimal("20.00"),
                    carrier_codes=(carrier,),
                    shipment_statuses=("in_transit",),
                    last_scan_at=scanned,
                ),
                terms=terms(country),
                today=today,
            )
            if rule.kind == RuleKind.LOST
        )
        engine_says = allowed(
            Remedy.RESHIP,
            country=country,
            carrier=carrier,
            shipment_status="in_transit",
            days_without_scan=n,
        )
        assert engine_says == (line.state == RuleState.APPLIES_NOW), (country, carrier, n)


def test_the_return_window_and_the_legal_floor_are_the_terms() -> None:
    eu = selectors.EU_DEFAULT
    assert last_day(Remedy.RETURN_LABEL, "delivered_on") == eu.return_days == 30
    without_window = [r for r in RULES if r.id != "return-window"]
    days = [
        n
        for n in range(40)
        if evaluate(
            facts=Facts(
                today=PLACED + dt.timedelta(days=n),
                country="FR",
                currency="EUR",
                placed_on=PLACED,
                delivered_on=PLACED,
                paid=Decimal("20.00"),
            ),
            request=RemedyRequest(remedy=Remedy.RETURN_LABEL),
            rules=without_window,
        ).outcome
        == Outcome.ALLOWED
    ]
    assert days[-1] == eu.legal_withdrawal_days == 14


def test_the_price_drop_window_is_the_terms() -> None:
    values = {"current_price": Decimal("10.00")}
    assert last_day(Remedy.PRICE_ADJUSTMENT, "placed_on", **values) == 7
    assert selectors.EU_DEFAULT.price_drop_days == 7
    for country in COUNTRIES:
        assert terms(country).price_drop_days == 7


@pytest.mark.parametrize("status", sorted(NOT_TRAVELLING - {"lost"}))
def test_a_parcel_no_longer_travelling_is_never_lost_by_silence(status: str) -> None:
    facts = Facts(
        today=PLACED,
        country="FR",
        currency="EUR",
        placed_on=PLACED,
        paid=Decimal("20.00"),
        shipment_status=status,
        days_without_scan=90,
    )
    decision = evaluate(facts=facts, request=RemedyRequest(remedy=Remedy.RESHIP), rules=RULES)
    named = [ref.rule_id for ref in decision.rules]
    if decision.outcome == Outcome.DENIED:  # delivered, expired
        assert "lost-in-transit v1 does not apply" in "\n".join(decision.explanation)
    else:  # damaged, returned to sender: allowed, but not as lost
        assert "lost-in-transit" not in named
