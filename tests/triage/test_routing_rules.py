"""Routing rules are data, refused whole when wrong (with the bad field's path), and name queues
that each storefront fills with its own team (``amends.triage.routing_rules``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from amends.triage.result import INTENTS
from amends.triage.routing_rules import (
    DEFAULT_RULES,
    check_routing_rules,
    parse_rules,
    queue_team,
    routing_rules,
    senior_team,
)
from tests.factories import BrandFactory, TeamFactory


def rules_with(**changes: Any) -> dict[str, Any]:
    rules = copy.deepcopy(DEFAULT_RULES)
    rules.update(changes)
    return rules


def test_the_default_rules_are_valid_and_route_what_the_issue_names() -> None:
    rules = parse_rules(DEFAULT_RULES)

    assert [r.queue for r in rules.routes_for("billing_payment")] == ["billing"]
    assert [r.queue for r in rules.routes_for("account_access")] == ["accounts"]
    assert [(r.queue, r.when, r.party) for r in rules.routes_for("seller_issue")] == [
        ("sellers", "seller_order", "seller")
    ]
    for intent in ("delivery_failed", "parcel_lost", "parcel_damaged", "late_delivery"):
        assert [(r.queue, r.party) for r in rules.routes_for(intent)] == [("deliveries", "carrier")]
    assert rules.routes_for("other") == ()
    assert all(i in INTENTS for route in rules.routes for i in route.intents)


@pytest.mark.parametrize(
    ("rules", "path"),
    [
        (rules_with(routes=[{"intents": ["refund_please"], "queue": "x"}]), "routes.0.intents"),
        (rules_with(routes=[{"intents": [], "queue": "billing"}]), "routes.0.intents"),
        (rules_with(routes=[{"intents": ["other", "other"], "queue": "x"}]), "routes.0.intents"),
        (rules_with(routes=[{"intents": ["other"], "queue": "Billing Team"}]), "routes.0.queue"),
        (rules_with(routes=[{"intents": ["other"], "queue": "a" * 49}]), "routes.0.queue"),
        (rules_with(routes=[{"intents": ["other"], "queue": "x", "when": "?"}]), "routes.0.when"),
        (rules_with(routes=[{"intents": ["other"], "queue": "x", "then": 1}]), "routes.0.then"),
        (rules_with(routes=[{"intents": ["other"], "queue": "x"}] * 101), "routes"),
        (rules_with(urgent_churn_risk=1.5), "urgent_churn_risk"),
        (rules_with(urgent_churn_risk=float("nan")), "urgent_churn_risk"),
        (rules_with(human_hold_minutes=-1), "human_hold_minutes"),
        (rules_with(human_hold_minutes="30"), "human_hold_minutes"),
        (rules_with(version=0), "version"),
        (rules_with(surprise=True), "surprise"),
        ({"routes": []}, "version"),
    ],
)
def test_a_bad_rule_set_is_refused_naming_the_field(rules: dict[str, Any], path: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=rf"invalid routing rules: .*{path}"):
        parse_rules(rules)


def test_one_intent_routed_twice_under_the_same_condition_is_ambiguous() -> None:
    rules = rules_with(
        routes=[
            {"intents": ["billing_payment"], "queue": "billing"},
            {"intents": ["account_access", "billing_payment"], "queue": "accounts"},
        ]
    )

    with pytest.raises(ImproperlyConfigured, match=r"'billing_payment'.*routes\.0"):
        parse_rules(rules)


def test_the_same_intent_under_two_conditions_is_fine() -> None:
    rules = parse_rules(
        rules_with(
            routes=[
                {"intents": ["return_request"], "when": "seller_order", "queue": "sellers"},
                {"intents": ["return_request"], "queue": "returns"},
            ]
        )
    )

    assert [r.queue for r in rules.routes_for("return_request")] == ["sellers", "returns"]


@pytest.mark.parametrize("raw", [None, [], "billing", 42, [{"intents": ["other"]}]])
def test_a_rule_set_that_is_no_dict_is_refused(raw: object) -> None:
    with pytest.raises(ImproperlyConfigured, match="must be a dict"):
        parse_rules(raw)


def test_a_deployments_rules_replace_the_defaults_and_are_read_again_when_changed() -> None:
    mine = rules_with(routes=[{"intents": ["other"], "queue": "general"}])

    with override_settings(AMENDS_TRIAGE={"ROUTING_RULES": mine}):
        assert [r.queue for r in routing_rules().routes] == ["general"]
        assert check_routing_rules() == []

    assert routing_rules() == parse_rules(DEFAULT_RULES)


def test_the_system_check_stops_a_bad_rule_set_before_any_case() -> None:
    with override_settings(AMENDS_TRIAGE={"ROUTING_RULES": rules_with(version="one")}):
        [error] = check_routing_rules()
        with pytest.raises(ImproperlyConfigured):
            routing_rules()

    assert error.id == "amends.triage.E001"
    assert "version" in error.msg
    assert check_routing_rules() == []


@pytest.mark.django_db
def test_a_queue_is_the_storefronts_team_by_slug_then_one_serving_every_storefront() -> None:
    brand, other = BrandFactory(), BrandFactory()
    TeamFactory(brand=other, slug="other-billing")
    TeamFactory(brand=brand, slug="billing-old", languages=[])  # not the queue: a prefix only
    TeamFactory(brand=brand, slug="fr-billing", is_senior=True)  # senior: never a rule's queue
    shared = TeamFactory(brand=None, slug="billing")

    assert queue_team(brand=brand, queue="billing") == shared

    own = TeamFactory(brand=brand, slug="fr-billing-desk-billing")
    assert queue_team(brand=brand, queue="billing") == own
    assert queue_team(brand=brand, queue="accounts") is None


@pytest.mark.django_db
def test_the_senior_queue_is_the_storefronts_before_the_shared_one() -> None:
    brand = BrandFactory()
    assert senior_team(brand=brand) is None
    TeamFactory(brand=BrandFactory(), slug="elsewhere-senior", is_senior=True)
    assert senior_team(brand=brand) is None
    shared = TeamFactory(brand=None, slug="senior", is_senior=True)
    assert senior_team(brand=brand) == shared
    own = TeamFactory(brand=brand, slug="fr-senior", is_senior=True)
    assert senior_team(brand=brand) == own
