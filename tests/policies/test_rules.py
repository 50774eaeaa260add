"""Rule bodies are data: refused with an error that names the bad field, never evaluated."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from amends.policies.builtin import BUILTIN_RULES
from amends.policies.decisions import Facts, Remedy
from amends.policies.rules import (
    MAX_DEPTH,
    RuleError,
    RuleSet,
    builtin_rules,
    parse_rule,
    parse_rules,
)


def body(**overrides: Any) -> dict[str, Any]:
    """A valid allow rule: goodwill of 5 EUR when delivery was a week late."""
    base: dict[str, Any] = {
        "id": "late-week",
        "version": 1,
        "stage": "allow",
        "remedies": ["goodwill_credit"],
        "description": "A week late: 5 EUR.",
        "when": {"op": "ge", "field": "days_late", "value": 7},
        "effect": {
            "amount": {"basis": "fixed", "amount": {"EUR": "5.00"}},
            "customer_reason": "late_delivery",
        },
    }
    return base | overrides


def refused(raw: Any) -> dict[str, str]:
    with pytest.raises(RuleError) as caught:
        parse_rule(raw)
    return caught.value.errors


def with_effect(**effect: Any) -> dict[str, Any]:
    return body(effect=body()["effect"] | effect)


def test_a_valid_rule_is_compiled_and_keeps_a_canonical_body() -> None:
    rule = parse_rule(body(when={"op": "in", "field": "country", "values": ["fr", "Es"]}))
    assert (rule.id, rule.version, rule.stage) == ("late-week", 1, "allow")
    assert rule.body["when"] == {"op": "in", "field": "country", "values": ["FR", "ES"]}
    assert parse_rule(rule.body).body == rule.body  # the canonical body reads back the same
    facts = Facts(
        today=dt.date(2031, 3, 20),
        country="ES",
        currency="EUR",
        placed_on=dt.date(2031, 3, 1),
        paid=Decimal(10),
    )
    assert rule.when.test(facts) is True
    assert rule.amount is not None
    assert rule.amount(facts) == Decimal("5.00")


@pytest.mark.parametrize(
    ("when", "path", "words"),
    [
        ({"op": "eval", "expr": "__import__('os')"}, "when.op", "unknown op 'eval'"),
        ({"field": "days_late", "value": 7}, "when.op", "op is missing"),
        ({"op": "ge", "field": "days_late", "value": "seven"}, "when", "days_late is a number"),
        ({"op": "ge", "field": "country", "value": "FR"}, "when", "compares numbers or dates"),
        ({"op": "eq", "field": "placed_on", "value": "3 March"}, "when", "YYYY-MM-DD"),
        ({"op": "eq", "field": "seller_fulfilled", "value": "yes"}, "when", "true or false"),
        ({"op": "eq", "field": "password", "value": "x"}, "when.field", "Input should be"),
        ({"op": "within_days", "field": "delivered_on", "days": "30"}, "when.days", "integer"),
        (
            {"op": "within_days", "field": "delivered_on", "days": -1},
            "when.days",
            "greater than or equal to 0",
        ),
        ({"op": "within_days", "field": "paid", "days": 3}, "when.field", "Input should be"),
        ({"op": "all", "of": [{"op": "not"}]}, "when.of[0].of", "Field required"),
        ({"op": "in", "field": "carrier", "values": []}, "when.values", "at least 1"),
        (
            {"op": "above_threshold", "field": "days_without_scan", "threshold": {"default": -3}},
            "when.threshold.default",
            "greater than or equal to 0",
        ),
    ],
)
def test_a_bad_condition_is_refused_naming_its_place(
    when: dict[str, Any], path: str, words: str
) -> None:
    errors = refused(body(when=when))
    assert path in errors, errors
    assert words in errors[path]


@pytest.mark.parametrize(
    ("raw", "path", "words"),
    [
        ({k: v for k, v in body().items() if k != "id"}, "id", "Field required"),
        (body(id="Late Week!"), "id", "should match pattern"),
        (body(version="1"), "version", "valid integer"),
        (body(version=0), "version", "greater than or equal to 1"),
        (body(stage="grant"), "stage", "unknown stage 'grant'"),
        (body(remedies=["free_money"]), "remedies[0]", "Input should be"),
        (body(remedies=[]), "remedies", "at least 1"),
        (body(remedies=["goodwill_credit", "goodwill_credit"]), "body", "each remedy once"),
        (body(effects={}), "effects", "Extra inputs are not permitted"),
        (body(description=""), "description", "at least 1 character"),
        (
            with_effect(amount={"basis": "fixed", "amount": {"EUR": "-5"}}),
            "effect.amount.amount.EUR",
            "greater than or equal to 0",
        ),
        (
            with_effect(amount={"basis": "fixed", "amount": {"EUR": "5.001"}}),
            "effect.amount.amount.EUR",
            "decimal places",
        ),
        (
            with_effect(amount={"basis": "fixed", "amount": {"eur": "5"}}),
            "effect.amount.amount.eur (key)",
            "pattern",
        ),
        (
            with_effect(amount={"basis": "percent_of_paid", "percent": 150}),
            "effect.amount.percent",
            "less than or equal to 100",
        ),
        (
            with_effect(amount={"basis": "percent_of_paid", "percent": "NaN"}),
            "effect.amount.percent",
            "finite",
        ),
        (with_effect(amount={"basis": "gift"}), "effect.amount.basis", "unknown basis 'gift'"),
        (with_effect(amount=None), "body", "effect.amount is required for goodwill_credit"),
        (with_effect(customer_reason="because"), "effect", "unknown customer_reason 'because'"),
        (with_effect(self_service="true"), "effect.self_service", "valid boolean"),
        (with_effect(cost_bearer="customer"), "effect.cost_bearer", "Input should be"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(raw: dict[str, Any], path: str, words: str) -> None:
    errors = refused(raw)
    assert path in errors, errors
    assert words in errors[path]


def test_authority_limits_must_be_money_and_cover_only_remedies_with_an_amount() -> None:
    authority = {
        "id": "limits",
        "version": 1,
        "stage": "authority",
        "remedies": ["refund_full", "return_label"],
        "description": "Limits.",
        "effect": {"limits": {"agent": {"EUR": "-50"}}},
    }
    errors = refused(authority)
    assert "greater than or equal to 0" in errors["effect.limits.agent.EUR"]
    authority["effect"] = {"limits": {"agent": {"EUR": "50"}}}
    assert "return_label has none" in refused(authority)["body"]


def test_deep_nesting_is_refused_before_anything_recursive_runs() -> None:
    when: dict[str, Any] = {"op": "eq", "field": "days_late", "value": 1}
    for _ in range(100_000):
        when = {"op": "not", "of": when}
    errors = refused(body(when=when))
    assert list(errors.values()) == [f"nested too deep: at most {MAX_DEPTH} levels"]


def test_a_huge_rule_is_refused() -> None:
    values = [str(n) for n in range(5000)]
    errors = refused(body(when={"op": "in", "field": "carrier", "values": values}))
    assert "too large" in errors["body"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("not a dict", "a rule is a JSON object"),
        (["a", "list"], "a rule is a JSON object"),
        (body(description="x" * 5000), "text longer than 1000 characters"),
        (body(when={"op": "in", "field": "carrier", "values": [{1, 2}]}), "not a JSON value"),
        (body(when={"op": "eq", "field": "days_late", "value": float("nan")}), "finite"),
    ],
)
def test_what_is_not_plain_json_is_refused(raw: Any, words: str) -> None:
    assert any(words in why for why in refused(raw).values())


def test_a_rule_set_refuses_two_rules_with_one_id() -> None:
    with pytest.raises(RuleError, match="late-week appears more than once"):
        RuleSet([parse_rule(body()), parse_rule(body(version=2))])


def test_a_rule_set_must_cover_every_remedy() -> None:
    partial = [b for b in BUILTIN_RULES if b["id"] != "membership-pro-rata"]
    with pytest.raises(RuleError, match="no allow or deny rule covers membership_cancellation"):
        parse_rules(partial)
    assert (
        Remedy.MEMBERSHIP_CANCELLATION in parse_rules(partial, require_coverage=False).uncovered()
    )


def test_errors_of_several_bodies_are_named_by_position() -> None:
    bad = copy.deepcopy(BUILTIN_RULES[0])
    bad["when"]["days"] = -14
    with pytest.raises(RuleError) as caught:
        parse_rules([*BUILTIN_RULES[1:], bad])
    assert list(caught.value.errors) == [f"rules[{len(BUILTIN_RULES) - 1}].when.days"]


def test_the_built_in_rules_are_valid_json_and_cover_every_remedy() -> None:
    rules = builtin_rules()
    assert len(rules) == len(BUILTIN_RULES)
    assert rules.uncovered() == []
    for rule in rules:
        assert json.loads(json.dumps(rule.body)) == rule.body
        assert parse_rule(rule.body).body == rule.body
