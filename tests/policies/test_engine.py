"""The policy engine on the built-in rules, one rule at a time, with facts as orders have them.

Pure: no database. Each test says what an agent or a customer would be told.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from amends.policies.decisions import Decision, Facts, Outcome, Remedy, RemedyRequest, RuleRef
from amends.policies.engine import NOT_COVERED, UncoveredRemedy, evaluate
from amends.policies.rules import CUSTOMER_REASONS, RuleSet, builtin_rules

RULES = builtin_rules()


def day(d: int, month: int = 3, year: int = 2031) -> dt.date:
    return dt.date(year, month, d)


def facts(**overrides: Any) -> Facts:
    """A 59.90 EUR order placed on the French storefront on 3 March 2031."""
    base: dict[str, Any] = {
        "today": day(10),
        "country": "FR",
        "currency": "EUR",
        "placed_on": day(3),
        "paid": Decimal("59.90"),
    }
    return Facts(**(base | overrides))


def decide(remedy: Remedy, *, rules: Any = RULES, role: str = "agent", **request: Any) -> Any:
    def run(**fact_values: Any) -> Decision:
        return evaluate(
            facts=facts(**fact_values),
            request=RemedyRequest(remedy=remedy, role=role, **request),
            rules=rules,
        )

    return run


def ids(decision: Decision) -> list[str]:
    return [ref.rule_id for ref in decision.rules]


# --- price drop: seven days from the purchase ---------------------------------------------------


def test_price_drop_open_on_10_march_for_a_purchase_on_3_march() -> None:
    decision = decide(Remedy.PRICE_ADJUSTMENT)(today=day(10), current_price=Decimal("49.90"))
    assert decision.outcome == Outcome.ALLOWED
    assert decision.amount == Decimal("10.00")
    assert decision.rules[0] == RuleRef("price-drop", 1)
    assert decision.customer_reason == CUSTOMER_REASONS["price_drop"]
    assert decision.customer_params == {
        "currency": "EUR",
        "amount": "10.00",
        "max_amount": "10.00",
    }


def test_price_drop_closed_on_11_march() -> None:
    decision = decide(Remedy.PRICE_ADJUSTMENT)(today=day(11), current_price=Decimal("49.90"))
    assert decision.outcome == Outcome.DENIED
    assert decision.amount is None
    assert ids(decision) == ["price-drop"]
    assert "7 days from placed_on 2031-03-03 ended on 2031-03-10" in decision.explanation[0]
    assert decision.customer_reason == NOT_COVERED


def test_no_price_drop_refund_when_the_price_did_not_go_down() -> None:
    decision = decide(Remedy.PRICE_ADJUSTMENT)(current_price=Decimal("64.90"))
    assert decision.outcome == Outcome.DENIED
    assert decision.max_amount == Decimal("0")
    assert "Nothing left to grant" in decision.explanation[-1]


def test_price_drop_without_a_known_price_is_denied_and_says_why() -> None:
    decision = decide(Remedy.PRICE_ADJUSTMENT)()
    assert decision.outcome == Outcome.DENIED
    assert decision.explanation == ("price-drop v1 does not apply: current_price unknown",)


# --- returns: 30 days from delivery, the 14-day legal floor -------------------------------------


def test_return_window_open_30_days_after_delivery_and_closed_on_day_31() -> None:
    on_day_30 = decide(Remedy.REFUND_FULL)(delivered_on=day(1), today=day(31))
    assert on_day_30.outcome == Outcome.NEEDS_APPROVAL  # 59.90 is above the agent's 50
    assert ids(on_day_30) == ["return-window", "authority-limits", "cost-platform"]
    assert on_day_30.amount == Decimal("59.90")
    assert on_day_30.without_return is False
    on_day_31 = decide(Remedy.REFUND_FULL)(delivered_on=day(1), today=day(1, month=4))
    assert on_day_31.outcome == Outcome.DENIED
    assert "return-window v1 does not apply: 30 days from delivered_on 2031-03-01" in "\n".join(
        on_day_31.explanation
    )


def test_within_14_days_the_legal_withdrawal_rule_leads_and_the_return_window_is_named_too() -> (
    None
):
    decision = decide(Remedy.RETURN_LABEL)(delivered_on=day(5), today=day(10))
    assert decision.outcome == Outcome.ALLOWED
    assert ids(decision) == ["legal-withdrawal", "return-window", "cost-platform"]
    assert decision.amount is None
    assert decision.cost_bearer == "platform"


def test_the_legal_floor_holds_when_the_shop_turns_its_return_window_off() -> None:
    without_window = RuleSet(r for r in RULES if r.id != "return-window")
    run = decide(Remedy.RETURN_LABEL, rules=without_window)
    assert run(delivered_on=day(1), today=day(15)).outcome == Outcome.ALLOWED
    assert run(delivered_on=day(1), today=day(16)).outcome == Outcome.DENIED


def test_a_customer_returns_a_small_order_alone_within_the_window() -> None:
    decision = decide(Remedy.REFUND_FULL, role="customer")(
        paid=Decimal("39.90"), delivered_on=day(5)
    )
    assert decision.outcome == Outcome.ALLOWED
    assert decision.amount == Decimal("39.90")
    assert decision.limit == Decimal("50.00")


def test_no_return_before_delivery() -> None:
    decision = decide(Remedy.RETURN_LABEL)(shipment_status="in_transit")
    assert decision.outcome == Outcome.DENIED
    assert "legal-withdrawal v1 does not apply: delivered_on unknown" in decision.explanation


# --- not as described ---------------------------------------------------------------------------


def test_not_as_described_within_the_guarantee_needs_an_agent_and_a_return() -> None:
    values = {"reported_problem": "not_as_described", "delivered_on": day(1), "today": day(1, 9)}
    by_customer = decide(Remedy.REFUND_PARTIAL, role="customer", amount=Decimal("20"))(**values)
    assert by_customer.outcome == Outcome.NEEDS_APPROVAL
    assert by_customer.approver == "agent"
    assert "not a self-service case" in by_customer.explanation[-2]
    by_agent = decide(Remedy.REFUND_PARTIAL, amount=Decimal("20"))(**values)
    assert by_agent.outcome == Outcome.ALLOWED
    assert (by_agent.amount, by_agent.without_return) == (Decimal("20"), False)
    assert ids(by_agent)[0] == "not-as-described"


# --- damaged or lost in transit: refund or reship without a return ------------------------------


def test_a_parcel_the_carrier_reports_damaged_is_refunded_without_a_return_on_the_carriers_claim() -> (  # noqa: E501
    None
):
    decision = decide(Remedy.RESHIP, role="supervisor")(shipment_status="damaged", carrier="DHL")
    assert decision.outcome == Outcome.ALLOWED
    assert decision.amount == Decimal("59.90")
    assert decision.without_return is True
    assert decision.cost_bearer == "carrier"
    assert ids(decision) == ["damaged-in-transit", "authority-limits"]  # the rule names the bearer
    assert decision.customer_reason == CUSTOMER_REASONS["damaged_in_transit"]


def test_damage_reported_by_the_customer_within_14_days_is_for_an_agent_to_check() -> None:
    run = decide(Remedy.REFUND_FULL, role="customer")
    reported = run(reported_problem="damaged", delivered_on=day(1), today=day(15), paid=Decimal(30))
    assert reported.outcome == Outcome.NEEDS_APPROVAL
    assert ids(reported)[0] == "damaged-on-arrival"
    late = run(reported_problem="damaged", delivered_on=day(1), today=day(16), paid=Decimal(30))
    assert "damaged-on-arrival" not in ids(late)[:1]


@pytest.mark.parametrize(
    ("country", "carrier", "threshold"),
    [
        ("FR", "dhl", 10),
        ("FR", "seur", 8),
        ("FR", "ups", 10),
        ("FR", None, 10),
        ("ES", "seur", 12),
        ("ES", "dhl", 10),
        ("ES", "correos", 12),
        ("IT", "seur", 8),
        ("IT", "brt", 12),
        ("NL", "postnl", 10),
    ],
)
def test_a_parcel_without_a_scan_is_lost_the_day_after_the_carriers_threshold(
    country: str, carrier: str | None, threshold: int
) -> None:
    run = decide(Remedy.REFUND_FULL, role="supervisor")
    values = {"country": country, "carrier": carrier, "shipment_status": "in_transit"}
    waiting = run(days_without_scan=threshold, **values)
    assert waiting.outcome == Outcome.DENIED
    assert f"days_without_scan is {threshold}, not above {threshold}" in "\n".join(
        waiting.explanation
    )
    lost = run(days_without_scan=threshold + 1, **values)
    assert lost.outcome == Outcome.ALLOWED
    assert (lost.without_return, lost.cost_bearer) == (True, "carrier")
    assert ids(lost)[0] == "lost-in-transit"


def test_a_delivered_parcel_is_never_lost_however_long_ago_it_was_scanned() -> None:
    decision = decide(Remedy.RESHIP)(shipment_status="delivered", days_without_scan=40)
    assert decision.outcome == Outcome.DENIED


def test_a_parcel_the_carrier_declares_lost_is_refunded_at_once() -> None:
    decision = decide(Remedy.REFUND_FULL, role="customer")(
        shipment_status="lost", paid=Decimal("45.00")
    )
    assert (decision.outcome, decision.amount) == (Outcome.ALLOWED, Decimal("45.00"))


def test_a_parcel_back_at_the_shop_can_be_reshipped() -> None:
    decision = decide(Remedy.RESHIP, role="supervisor")(shipment_status="returned_to_sender")
    assert decision.outcome == Outcome.ALLOWED
    assert decision.cost_bearer == "platform"


def test_a_failed_attempt_can_be_redelivered_and_has_no_amount() -> None:
    decision = decide(Remedy.REDELIVERY, role="customer")(shipment_status="attempt_failed")
    assert decision.outcome == Outcome.ALLOWED
    assert decision.amount is None
    assert decision.limit is None
    assert ids(decision) == ["redelivery", "cost-platform"]


# --- late delivery goodwill ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "paid", "expected"),
    [
        ("EUR", "59.90", "5.99"),
        ("EUR", "400.00", "20.00"),
        ("PLN", "1000.00", "85.00"),
        ("CHF", "100.00", None),  # no cap named for CHF: nothing granted
    ],
)
def test_late_delivery_goodwill_is_10_percent_up_to_a_cap(
    currency: str, paid: str, expected: str | None
) -> None:
    decision = decide(Remedy.GOODWILL_CREDIT, role="customer")(
        days_late=3, currency=currency, paid=Decimal(paid)
    )
    if expected is None:
        assert decision.outcome == Outcome.DENIED
    else:
        assert (decision.outcome, decision.amount) == (Outcome.ALLOWED, Decimal(expected))


def test_one_day_late_earns_no_goodwill() -> None:
    assert decide(Remedy.GOODWILL_CREDIT)(days_late=1).outcome == Outcome.DENIED


def test_no_goodwill_on_an_order_already_refunded_in_part_the_exception_wins() -> None:
    decision = decide(Remedy.GOODWILL_CREDIT)(days_late=5, refunded=Decimal("10.00"))
    assert decision.outcome == Outcome.DENIED
    assert ids(decision) == ["goodwill-once"]
    assert decision.customer_reason == CUSTOMER_REASONS["goodwill_once"]


# --- membership cancellation, pro rata ----------------------------------------------------------


def test_a_membership_cancelled_half_way_refunds_the_unused_days() -> None:
    decision = decide(Remedy.MEMBERSHIP_CANCELLATION, role="customer")(
        today=day(2, 7),
        paid=Decimal("120.00"),
        membership_paid=Decimal("120.00"),
        membership_start=day(1, 1),
        membership_end=day(1, 1, 2032),
    )
    # 183 of 365 days unused: 120 * 183 / 365 = 60.164…, rounded down to the cent.
    assert decision.amount == Decimal("60.16")
    assert decision.outcome == Outcome.NEEDS_APPROVAL  # above the customer's 50 EUR
    assert decision.approver == "supervisor"


def test_a_membership_cancelled_on_its_last_day_ends_with_nothing_to_refund() -> None:
    decision = decide(Remedy.MEMBERSHIP_CANCELLATION, role="customer")(
        today=day(1, 1, 2032),
        paid=Decimal("120.00"),
        membership_paid=Decimal("120.00"),
        membership_start=day(1, 1),
        membership_end=day(1, 1, 2032),
    )
    assert (decision.outcome, decision.amount) == (Outcome.ALLOWED, Decimal("0"))


def test_an_ended_membership_cannot_be_cancelled() -> None:
    decision = decide(Remedy.MEMBERSHIP_CANCELLATION)(
        today=day(2, 1, 2032),
        membership_paid=Decimal("120.00"),
        membership_start=day(1, 1),
        membership_end=day(1, 1, 2032),
    )
    assert decision.outcome == Outcome.DENIED


# --- who bears the cost -------------------------------------------------------------------------


def test_the_seller_bears_a_price_drop_on_its_own_order() -> None:
    decision = decide(Remedy.PRICE_ADJUSTMENT)(
        current_price=Decimal("49.90"), seller_fulfilled=True
    )
    assert decision.cost_bearer == "seller"
    assert ids(decision)[-1] == "cost-seller"


def test_a_damaged_parcel_of_a_seller_is_still_the_carriers_claim() -> None:
    decision = decide(Remedy.REFUND_FULL, role="supervisor")(
        shipment_status="damaged", seller_fulfilled=True
    )
    assert decision.cost_bearer == "carrier"
    assert "cost-seller" not in ids(decision)


# --- authority ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "paid", "limit", "outcome", "approver"),
    [
        ("agent", "45.00", None, Outcome.ALLOWED, None),
        ("agent", "120.00", None, Outcome.NEEDS_APPROVAL, "supervisor"),
        ("agent", "620.00", None, Outcome.NEEDS_APPROVAL, "manager"),
        ("agent", "120.00", "150.00", Outcome.ALLOWED, None),
        ("supervisor", "120.00", None, Outcome.ALLOWED, None),
        ("supervisor", "620.00", None, Outcome.NEEDS_APPROVAL, "manager"),
        ("intern", "10.00", None, Outcome.NEEDS_APPROVAL, "agent"),  # no authority listed
    ],
)
def test_agents_grant_up_to_their_limit_and_above_it_ask_the_next_role(
    role: str, paid: str, limit: str | None, outcome: Outcome, approver: str | None
) -> None:
    decision = decide(
        Remedy.REFUND_FULL,
        role=role,
        authority_limit=Decimal(limit) if limit else None,
    )(shipment_status="lost", paid=Decimal(paid))
    assert (decision.outcome, decision.approver) == (outcome, approver)
    assert "authority-limits" in ids(decision)


def test_limits_are_per_currency() -> None:
    decision = decide(Remedy.REFUND_FULL)(
        shipment_status="lost", currency="PLN", paid=Decimal("199.99")
    )
    assert (decision.outcome, decision.limit) == (Outcome.ALLOWED, Decimal("215.00"))


# --- amounts ------------------------------------------------------------------------------------


def test_an_amount_above_what_the_rules_allow_is_denied_with_the_maximum() -> None:
    decision = decide(Remedy.REFUND_PARTIAL, amount=Decimal("70.00"))(shipment_status="lost")
    assert decision.outcome == Outcome.DENIED
    assert decision.max_amount == Decimal("59.90")
    assert decision.customer_params["max_amount"] == "59.90"


def test_nothing_is_granted_twice_on_a_fully_refunded_order() -> None:
    decision = decide(Remedy.RESHIP)(shipment_status="lost", refunded=Decimal("59.90"))
    assert decision.outcome == Outcome.DENIED
    partly = decide(Remedy.REFUND_FULL)(shipment_status="lost", refunded=Decimal("20.00"))
    assert partly.amount == Decimal("39.90")


# --- the engine itself --------------------------------------------------------------------------


def test_the_order_of_the_rules_does_not_change_the_decision() -> None:
    values = {"shipment_status": "damaged", "delivered_on": day(5), "reported_problem": "damaged"}
    forward = decide(Remedy.REFUND_FULL)(**values)
    backward = decide(Remedy.REFUND_FULL, rules=list(reversed(RULES)))(**values)
    assert forward == backward


def test_a_remedy_no_rule_covers_is_an_error_not_a_decision_without_a_rule() -> None:
    only_returns = [r for r in RULES if r.id == "return-window"]
    with pytest.raises(UncoveredRemedy, match="redelivery"):
        decide(Remedy.REDELIVERY, rules=only_returns)()


def test_a_decision_is_stored_as_json_with_amounts_as_text() -> None:
    decision = decide(Remedy.REFUND_FULL)(shipment_status="lost", paid=Decimal("120.00"))
    data = json.loads(json.dumps(decision.as_data()))
    assert data["outcome"] == "needs_approval"
    assert (data["amount"], data["max_amount"], data["limit"]) == ("120.00", "120.00", "50.00")
    assert data["rules"] == ["lost-in-transit v1", "authority-limits v1"]
    assert data["approver"] == "supervisor"


def test_every_customer_reason_can_be_worded_with_the_values_given() -> None:
    cases = [
        (Remedy.PRICE_ADJUSTMENT, {"current_price": Decimal("40")}),
        (Remedy.GOODWILL_CREDIT, {"days_late": 4}),
        (Remedy.REFUND_PARTIAL, {"shipment_status": "lost"}),
        (Remedy.REDELIVERY, {"shipment_status": "exception"}),
        (Remedy.REFUND_FULL, {}),
    ]
    for remedy, values in cases:
        decision = decide(remedy, role="supervisor")(**values)
        assert decision.customer_reason
        assert "%(" not in decision.customer_reason % decision.customer_params


# --- what callers may pass ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"paid": Decimal("-1")},
        {"paid": Decimal("NaN")},
        {"refunded": Decimal("Infinity")},
        {"paid": 59.9},
        {"today": dt.datetime(2031, 3, 10, tzinfo=dt.UTC)},
        {"delivered_on": "2031-03-01"},
        {"days_without_scan": -2},
        {"days_late": True},
    ],
)
def test_facts_refuse_values_the_rules_cannot_compare(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(overrides))):
        facts(**overrides)


@pytest.mark.parametrize(
    "values",
    [
        {"remedy": "free_money"},
        {"remedy": Remedy.REFUND_PARTIAL, "amount": Decimal("0")},
        {"remedy": Remedy.REFUND_PARTIAL, "amount": Decimal("-5")},
        {"remedy": Remedy.REFUND_PARTIAL, "amount": Decimal("sNaN")},
        {"remedy": Remedy.REFUND_PARTIAL, "authority_limit": Decimal("-1")},
        {"remedy": Remedy.REFUND_PARTIAL, "role": ""},
    ],
)
def test_a_request_refuses_amounts_that_are_not_positive_money(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        RemedyRequest(**values)


def test_codes_are_compared_in_one_case() -> None:
    lower = facts(country="es", currency="eur", carrier="SEUR")
    assert (lower.country, lower.currency, lower.carrier) == ("ES", "EUR", "seur")
    assert dataclasses.replace(lower, carrier="Seur").carrier == "seur"
