"""What holds for every decision, on any facts, for the built-in rules and rules made up here.

* no decision grants more than was paid minus what was already refunded, nor less than zero;
* the same facts give the same decision, whatever order the rules come in;
* raising an agent's limit never turns an allowed remedy into a denied one or one that needs
  approval, and never changes whether it is denied;
* every decision names at least one rule, and only rules of the set.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from amends.policies.decisions import Decision, Facts, Outcome, Remedy, RemedyRequest
from amends.policies.engine import evaluate
from amends.policies.rules import MONETARY, RuleSet, builtin_rules, parse_rule

BUILTIN = builtin_rules()
AGENT_LIMITS = next(r for r in BUILTIN if r.stage == "authority").limits["agent"]
STATUSES = [
    "pending",
    "in_transit",
    "out_for_delivery",
    "attempt_failed",
    "available_for_pickup",
    "delivered",
    "returned_to_sender",
    "damaged",
    "lost",
    "exception",
    "expired",
]
PROBLEMS = ["damaged", "not_as_described", "lost", "late", "price_drop", "changed_mind"]

money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(
    min_value=Decimal("0.01"), max_value=6000, places=2, allow_nan=False, allow_infinity=False
)
dates = st.dates(min_value=dt.date(2030, 1, 1), max_value=dt.date(2032, 12, 31))
offsets = st.integers(min_value=-400, max_value=400).map(lambda n: dt.timedelta(days=n))


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    today = draw(dates)
    paid = draw(money)
    start = draw(st.none() | dates)
    return Facts(
        today=today,
        country=draw(st.sampled_from(["FR", "ES", "IT", "NL", "DE", "PL", "LT", "BE"])),
        currency=draw(st.sampled_from(["EUR", "EUR", "PLN", "CHF"])),
        placed_on=today - draw(st.integers(0, 90).map(lambda n: dt.timedelta(days=n))),
        paid=paid,
        # Sometimes more than paid: a shop's data is not always consistent.
        refunded=draw(st.sampled_from([Decimal(0), paid]) | money),
        delivered_on=draw(st.none() | st.builds(lambda o: today + o, offsets)),
        shipment_status=draw(st.none() | st.sampled_from(STATUSES)),
        carrier=draw(st.none() | st.sampled_from(["dhl", "seur", "postnl", "colissimo", "ups"])),
        days_without_scan=draw(st.none() | st.integers(0, 60)),
        days_late=draw(st.integers(-5, 30)),
        seller_fulfilled=draw(st.booleans()),
        current_price=draw(st.none() | money),
        membership_paid=draw(st.none() | money),
        membership_start=start,
        membership_end=None if start is None else start + draw(offsets),
        reported_problem=draw(st.none() | st.sampled_from(PROBLEMS)),
    )


requests = st.builds(
    RemedyRequest,
    remedy=st.sampled_from(list(Remedy)),
    amount=st.none() | positive,
    role=st.sampled_from(["agent", "supervisor", "customer", "intern"]),
    authority_limit=st.none() | money,
)

conditions = st.sampled_from(
    [
        {"op": "all", "of": []},
        {"op": "ge", "field": "days_late", "value": 1},
        {"op": "within_days", "field": "placed_on", "days": 30},
        {"op": "gt", "field": "available", "value": "10"},
        {"op": "not", "of": {"op": "eq", "field": "seller_fulfilled", "value": True}},
        {"op": "in", "field": "shipment_status", "values": ["lost", "damaged", "delivered"]},
    ]
)
amounts = st.sampled_from(
    [
        {"basis": "percent_of_paid", "percent": 100},
        {"basis": "percent_of_paid", "percent": "33.3", "cap": {"EUR": "40.00"}},
        {"basis": "fixed", "amount": {"EUR": "9999.99", "PLN": "15.00"}},
        {"basis": "price_difference"},
        {"basis": "membership_pro_rata", "cap": {"EUR": "5000", "CHF": "1"}},
    ]
)


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    """The built-in rules, sometimes with a generous made-up rule or two on top."""
    extra = []
    for index in range(draw(st.integers(0, 2))):
        remedies = draw(st.lists(st.sampled_from(list(Remedy)), min_size=1, unique=True))
        effect: dict[str, Any] = {
            "without_return": draw(st.booleans()),
            "self_service": draw(st.booleans()),
            "customer_reason": "redelivery",
        }
        if MONETARY.intersection(remedies):
            effect["amount"] = draw(amounts)
        body = {
            "id": f"made-up-{index}",
            "version": draw(st.integers(1, 9)),
            "stage": "allow",
            "remedies": [r.value for r in remedies],
            "description": "A rule made up by the test.",
            "when": draw(conditions),
            "effect": effect,
        }
        extra.append(parse_rule(body))
    return RuleSet([*BUILTIN, *extra])


def check(decision: Decision, facts: Facts, rules: RuleSet) -> None:
    available = max(facts.paid - facts.refunded, Decimal(0))
    for value in (decision.amount, decision.max_amount):
        if value is not None:
            assert Decimal(0) <= value <= available
    assert decision.rules, "a decision names its rules"
    known = {rule.ref for rule in rules}
    assert set(decision.rules) <= known
    assert decision.explanation
    if decision.outcome == Outcome.DENIED:
        assert decision.amount is None
    else:
        assert (decision.amount is not None) == (decision.remedy in MONETARY)
    assert decision.customer_reason % decision.customer_params


@given(facts=facts(), request=requests)
def test_builtin_decisions_never_grant_more_than_was_paid_and_name_their_rules(
    facts: Facts, request: RemedyRequest
) -> None:
    check(evaluate(facts=facts, request=request, rules=BUILTIN), facts, BUILTIN)


@given(facts=facts(), request=requests, rules=rule_sets())
def test_made_up_generous_rules_never_grant_more_than_was_paid(
    facts: Facts, request: RemedyRequest, rules: RuleSet
) -> None:
    check(evaluate(facts=facts, request=request, rules=rules), facts, rules)


@given(facts=facts(), request=requests, rules=rule_sets(), order=st.randoms())
def test_the_same_facts_give_the_same_decision(
    facts: Facts, request: RemedyRequest, rules: RuleSet, order: Any
) -> None:
    first = evaluate(facts=facts, request=request, rules=rules)
    assert evaluate(facts=facts, request=request, rules=rules) == first
    shuffled = list(rules)
    order.shuffle(shuffled)
    assert evaluate(facts=facts, request=request, rules=shuffled) == first


@given(
    facts=facts(),
    remedy=st.sampled_from(list(Remedy)),
    amount=st.none() | positive,
    low=st.none() | money,
    raise_by=money,
    rules=rule_sets(),
)
def test_raising_an_agents_limit_never_takes_a_remedy_away(
    facts: Facts,
    remedy: Remedy,
    amount: Decimal | None,
    low: Decimal | None,
    raise_by: Decimal,
    rules: RuleSet,
) -> None:
    def outcome(limit: Decimal | None) -> Outcome:
        request = RemedyRequest(remedy=remedy, amount=amount, authority_limit=limit)
        return evaluate(facts=facts, request=request, rules=rules).outcome

    # No personal limit means the rules' limit for an agent; raising it starts from there.
    start = low if low is not None else AGENT_LIMITS.get(facts.currency, Decimal(0))
    before, after = outcome(low), outcome(start + raise_by)
    assert (before == Outcome.DENIED) == (after == Outcome.DENIED)
    if before == Outcome.ALLOWED:
        assert after == Outcome.ALLOWED
