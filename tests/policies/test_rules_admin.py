"""Policy rules in the admin: a save writes a new version; a bad rule comes back with why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from amends.accounts.models import Role
from amends.core.errors import Conflict
from amends.policies.builtin import BUILTIN_RULES
from amends.policies.models import PolicyRule
from amends.policies.ruleset import active_rules_forget
from amends.policies.services import policy_rules_install_builtin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/policies/policyrule/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    active_rules_forget()
    yield
    active_rules_forget()


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def goodwill(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(
        json.dumps(next(b for b in BUILTIN_RULES if b["id"] == "late-delivery-goodwill"))
    )
    body.pop("id")
    body.pop("version")
    return body | changes


def post(client: Client, url: str, *, body: Any, rule_id: str = "", active: bool = True) -> Any:
    data = {"body": body if isinstance(body, str) else json.dumps(body), "note": "test"}
    if rule_id:
        data["rule_id"] = rule_id
    if active:
        data["active"] = "on"
    return client.post(url, data)


def test_the_list_and_a_rule_are_shown(admin_client: Client) -> None:
    policy_rules_install_builtin()
    listing = admin_client.get(URL)
    assert listing.status_code == 200
    assert "late-delivery-goodwill" in listing.content.decode()
    row = PolicyRule.objects.get(rule_id="price-drop")
    page = admin_client.get(f"{URL}{row.pk}/change/")
    assert page.status_code == 200
    assert "price_difference" in page.content.decode()


def test_a_new_rule_is_added_from_the_admin(admin_client: Client) -> None:
    response = post(
        admin_client, f"{URL}add/", rule_id="late-goodwill-plus", body=goodwill(description="More.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = PolicyRule.objects.get(rule_id="late-goodwill-plus")
    assert (row.version, row.note, row.body["id"]) == (1, "test", "late-goodwill-plus")
    assert row.created_by is not None


def test_editing_a_stored_version_saves_the_next_one(admin_client: Client) -> None:
    policy_rules_install_builtin()
    first = PolicyRule.objects.get(rule_id="late-delivery-goodwill")
    changed = goodwill()
    changed["when"]["value"] = 3
    response = post(admin_client, f"{URL}{first.pk}/change/", body=changed)
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(
        PolicyRule.objects.filter(rule_id="late-delivery-goodwill").values_list("version", "body")
    )
    assert [(v, b["when"]["value"]) for v, b in versions] == [(2, "3"), (1, "2")]


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (
            goodwill(when={"op": "eval", "of": "os.system('x')"}),
            "when.op: unknown op &#x27;eval&#x27;",
        ),
        (
            goodwill(
                effect={
                    "customer_reason": "late_delivery",
                    "amount": {"basis": "fixed", "amount": {"EUR": "-1"}},
                }
            ),
            "effect.amount.amount.EUR: Input should be greater than or equal to 0",
        ),
        ("{not json", "Enter a valid JSON."),
        ("[" * 200_000 + "]" * 200_000, "The rule is too large"),
        ("[" * 5_000 + "]" * 5_000, "nested too deeply"),
        ('{"a": ' * 30 + "1" + "}" * 30, "nested too deep"),
    ],
)
def test_a_bad_rule_comes_back_on_the_form_with_the_field_named(
    admin_client: Client, body: Any, shown: str
) -> None:
    response = post(admin_client, f"{URL}add/", rule_id="bad-rule", body=body)
    assert response.status_code == 200
    assert shown in response.content.decode()
    assert not PolicyRule.objects.exists()


def test_turning_off_the_only_membership_rule_is_refused_on_the_form(admin_client: Client) -> None:
    policy_rules_install_builtin()
    row = PolicyRule.objects.get(rule_id="membership-pro-rata")
    body = {k: v for k, v in row.body.items() if k not in {"id", "version"}}
    response = post(admin_client, f"{URL}{row.pk}/change/", body=body, active=False)
    assert response.status_code == 200
    assert "no allow or deny rule covers membership_cancellation" in response.content.decode()
    assert PolicyRule.objects.filter(rule_id="membership-pro-rata").count() == 1


def test_rules_cannot_be_deleted_from_the_admin(admin_client: Client) -> None:
    policy_rules_install_builtin()
    row = PolicyRule.objects.get(rule_id="price-drop")
    assert admin_client.get(f"{URL}{row.pk}/delete/").status_code in {302, 403}
    assert PolicyRule.objects.filter(pk=row.pk).exists()


def test_someone_saving_first_is_reported_not_a_crash(admin_client: Client) -> None:
    policy_rules_install_builtin()
    row = PolicyRule.objects.get(rule_id="late-delivery-goodwill")
    changed = goodwill(description="Late: goodwill.")
    raced = Conflict("Someone saved a new version of late-delivery-goodwill first; reload it.")
    with mock.patch("amends.policies.admin.policy_rule_save", side_effect=raced):
        response = post(admin_client, f"{URL}{row.pk}/change/", body=changed)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Someone saved a new version of late-delivery-goodwill first" in page
    assert PolicyRule.objects.filter(rule_id="late-delivery-goodwill").count() == 1
