"""Stored policy rules: versioned, validated on save, read back as the rules in force."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from amends.accounts.models import User
from amends.core.errors import Conflict, InvalidInput
from amends.policies import ruleset
from amends.policies.builtin import BUILTIN_RULES
from amends.policies.decisions import Facts, Outcome, Remedy, RemedyRequest, RuleRef
from amends.policies.engine import evaluate
from amends.policies.models import PolicyRule
from amends.policies.rules import builtin_rules
from amends.policies.ruleset import active_rules, active_rules_forget
from amends.policies.services import policy_rule_save, policy_rules_install_builtin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    active_rules_forget()
    yield
    active_rules_forget()


@pytest.fixture
def editor() -> User:
    return UserFactory()


def builtin(rule_id: str) -> dict[str, Any]:
    return copy.deepcopy(next(b for b in BUILTIN_RULES if b["id"] == rule_id))


def return_window(days: int) -> dict[str, Any]:
    body = builtin("return-window")
    body["when"]["days"] = days
    body["description"] = f"Returns within {days} days of delivery."
    return body


def can_return(on_day: int) -> Outcome:
    facts = Facts(
        today=dt.date(2031, 3, 1) + dt.timedelta(days=on_day),
        country="FR",
        currency="EUR",
        placed_on=dt.date(2031, 2, 25),
        delivered_on=dt.date(2031, 3, 1),
        paid=Decimal("20.00"),
    )
    request = RemedyRequest(remedy=Remedy.RETURN_LABEL)
    return evaluate(facts=facts, request=request, rules=active_rules()).outcome


def test_an_empty_table_means_the_built_in_rules() -> None:
    assert active_rules() is builtin_rules()
    assert can_return(30) == Outcome.ALLOWED


def test_a_change_is_a_new_version_and_the_old_one_stays_as_it_was(editor: User) -> None:
    saved = policy_rule_save(
        rule_id="return-window", body=return_window(45), note="Winter sale", actor=editor
    )
    assert (saved.version, saved.created_by, saved.note) == (2, editor, "Winter sale")
    first = PolicyRule.objects.get(rule_id="return-window", version=1)
    assert first.body["when"]["days"] == 30
    assert saved.body["when"]["days"] == 45
    assert saved.body["version"] == 2
    # The rest of the built-in rules were copied in first, so they stay in force.
    assert PolicyRule.objects.count() == len(BUILTIN_RULES) + 1
    assert can_return(45) == Outcome.ALLOWED
    assert can_return(46) == Outcome.DENIED
    facts = Facts(
        today=dt.date(2031, 3, 30),
        country="FR",
        currency="EUR",
        placed_on=dt.date(2031, 2, 25),
        delivered_on=dt.date(2031, 3, 1),
        paid=Decimal("20.00"),
    )
    decision = evaluate(
        facts=facts, request=RemedyRequest(remedy=Remedy.RETURN_LABEL), rules=active_rules()
    )
    assert decision.rules[0] == RuleRef("return-window", 2)


def test_saving_the_same_rule_again_makes_no_new_version(editor: User) -> None:
    first = policy_rule_save(rule_id="return-window", body=return_window(45), actor=editor)
    again = policy_rule_save(rule_id="return-window", body=return_window(45), actor=None)
    assert again.pk == first.pk
    assert PolicyRule.objects.filter(rule_id="return-window").count() == 2


def test_a_bad_body_is_refused_naming_the_field_and_nothing_is_written(editor: User) -> None:
    body = return_window(30)
    body["when"] = {"op": "within_days", "field": "delivered_on", "days": -3}
    with pytest.raises(InvalidInput) as caught:
        policy_rule_save(rule_id="return-window", body=body, actor=editor)
    assert "greater than or equal to 0" in caught.value.errors["body.when.days"]
    assert "when.days" in caught.value.detail
    assert not PolicyRule.objects.exists()


@pytest.mark.parametrize(
    ("rule_id", "body", "field"),
    [
        ("Return Window", return_window(30), "rule_id"),
        ("return-window", {**return_window(30), "id": "other"}, "body"),
        ("return-window", ["not", "a", "rule"], "body"),
        ("return-window", {**return_window(30), "when": {"op": "exec"}}, "body.when.op"),
        ("return-window", {"when": {"op": "exec"}}, "body.stage"),
    ],
)
def test_malformed_saves_are_refused(rule_id: str, body: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        policy_rule_save(rule_id=rule_id, body=body, actor=None)
    assert field in caught.value.errors


def test_a_hostile_nesting_is_refused_without_a_crash() -> None:
    when: dict[str, Any] = {"op": "eq", "field": "days_late", "value": 1}
    for _ in range(50_000):
        when = {"op": "not", "of": when}
    with pytest.raises(InvalidInput, match="nested too deep"):
        policy_rule_save(
            rule_id="return-window", body={**return_window(30), "when": when}, actor=None
        )
    assert not PolicyRule.objects.exists()


def test_an_oversized_note_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        policy_rule_save(
            rule_id="return-window", body=return_window(30), note="x" * 1001, actor=None
        )
    assert "note" in caught.value.errors


def test_a_rule_can_be_turned_off_with_a_new_version() -> None:
    off = policy_rule_save(
        rule_id="return-window", body=return_window(30), active=False, actor=None
    )
    assert (off.version, off.active) == (2, False)
    assert can_return(14) == Outcome.ALLOWED  # the legal floor still holds
    assert can_return(15) == Outcome.DENIED
    on = policy_rule_save(rule_id="return-window", body=return_window(30), actor=None)
    assert (on.version, on.active) == (3, True)
    assert can_return(30) == Outcome.ALLOWED


def test_a_statutory_rule_cannot_be_turned_off_nor_made_ordinary() -> None:
    body = builtin("legal-withdrawal")
    with pytest.raises(InvalidInput, match="statutory"):
        policy_rule_save(rule_id="legal-withdrawal", body=body, active=False, actor=None)
    del body["statutory"]
    with pytest.raises(InvalidInput, match="statutory"):
        policy_rule_save(rule_id="legal-withdrawal", body=body, actor=None)


def test_turning_off_the_last_rule_for_a_remedy_is_refused() -> None:
    with pytest.raises(InvalidInput, match="membership_cancellation") as caught:
        policy_rule_save(
            rule_id="membership-pro-rata",
            body=builtin("membership-pro-rata"),
            active=False,
            actor=None,
        )
    assert "rules" in caught.value.errors
    assert not PolicyRule.objects.exists()


def test_a_stored_version_is_never_changed_in_place() -> None:
    policy_rules_install_builtin()
    row = PolicyRule.objects.get(rule_id="price-drop")
    row.note = "edited"
    with pytest.raises(ValueError, match="never changed"):
        row.save()


def test_a_row_saved_directly_is_validated_too() -> None:
    with pytest.raises(ValidationError) as caught:
        PolicyRule(rule_id="odd", version=1, body={"stage": "allow"}).save()
    assert any(m.startswith("id") or "remedies" in m for m in caught.value.message_dict["body"])


def test_installing_the_built_in_rules_twice_writes_them_once(editor: User) -> None:
    written = policy_rules_install_builtin(actor=editor)
    assert {(r.rule_id, r.version) for r in written} == {
        (b["id"], b["version"]) for b in BUILTIN_RULES
    }
    assert policy_rules_install_builtin(actor=editor) == []
    assert [r.ref for r in active_rules()] == [r.ref for r in builtin_rules()]
    assert active_rules() is not builtin_rules()  # read from the table now


def test_two_editors_saving_at_once_the_second_is_told_to_reload() -> None:
    policy_rules_install_builtin()
    with (
        mock.patch.object(PolicyRule, "save", side_effect=IntegrityError("duplicate key")),
        pytest.raises(Conflict, match="reload"),
    ):
        policy_rule_save(rule_id="return-window", body=return_window(40), actor=None)


def test_another_process_change_is_seen_after_the_check_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy_rules_install_builtin()
    assert can_return(35) == Outcome.DENIED
    # Written as another process would: this process's cache is not told.
    PolicyRule(rule_id="return-window", version=2, body=return_window(40)).save()
    assert can_return(35) == Outcome.DENIED
    monkeypatch.setattr(ruleset, "CHECK_SECONDS", 0.0)
    assert can_return(35) == Outcome.ALLOWED


def test_an_unchanged_table_is_not_compiled_again(monkeypatch: pytest.MonkeyPatch) -> None:
    policy_rules_install_builtin()
    first = active_rules()
    monkeypatch.setattr(ruleset, "CHECK_SECONDS", 0.0)
    assert active_rules() is first


def test_a_stored_rule_that_no_longer_validates_falls_back_to_the_built_in_rules(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = builtin("price-drop") | {"stage": "grant"}
    PolicyRule.objects.bulk_create([PolicyRule(rule_id="price-drop", version=1, body=broken)])
    assert active_rules() is builtin_rules()
    assert "not valid" in caplog.text
