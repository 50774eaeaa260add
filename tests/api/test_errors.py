"""Hostile and faulty input: a clear JSON error with a stable code, never a crash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from amends.accounts.models import ApiToken
from amends.cases.models import Case
from amends.inbound.models import InboundMessage
from tests.api.conftest import API, ClientFor, World, call
from tests.factories import make_token

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "detail", "errors"}
    assert body["code"] == code, body
    assert body["detail"]
    return body


# --- bodies ----------------------------------------------------------------------------------


def test_malformed_json_is_400_with_where_it_broke(world: World, client_for: ClientFor) -> None:
    response = call(client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/notes", '{"text": ')
    body = assert_error(response, 400, "malformed_json")
    assert "not valid JSON" in str(body["detail"])
    assert "line 1" in str(body["detail"])


def test_body_that_is_not_utf8_is_400(world: World, client_for: ClientFor) -> None:
    response = call(client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/notes", b"\xff\xfe{")
    assert_error(response, 400, "malformed_json")


def test_json_that_is_not_an_object_is_422(world: World, client_for: ClientFor) -> None:
    response = call(client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/notes", "[1, 2]")
    assert_error(response, 422, "invalid")


def test_wrong_type_names_the_field(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/assign",
        {"assignee_id": "the new guy"},
    )
    body = assert_error(response, 422, "invalid")
    assert set(body["errors"]) == {"assignee_id"}


def test_missing_field_names_the_field(world: World, client_for: ClientFor) -> None:
    response = call(client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/assign", {})
    body = assert_error(response, 422, "invalid")
    assert "assignee_id" in body["errors"]


def test_nested_field_path(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"),
        "POST",
        "/cases",
        {"customer_id": world.a.customer.pk, "subject": "x", "order_ids": [1, "two"]},
    )
    body = assert_error(response, 422, "invalid")
    assert "order_ids.1" in body["errors"]


def test_oversized_body_is_413(world: World, client_for: ClientFor) -> None:
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = call(
        client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/notes", f'{{"text": "{text}"}}'
    )
    assert_error(response, 413, "too_large")


def test_oversized_body_with_a_session_is_413_too(world: World) -> None:
    client = Client()
    client.force_login(world.a.agent)
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = call(client, "POST", f"/cases/{world.a.case.pk}/notes", f'{{"text": "{text}"}}')
    assert_error(response, 413, "too_large")


def test_over_long_message_is_422(world: World, client_for: ClientFor) -> None:
    text = "x" * (settings.AMENDS_MAX_MESSAGE_CHARS + 1)
    path = f"/cases/{world.a.case.pk}/notes"
    response = call(client_for("agent_a"), "POST", path, {"text": text})
    body = assert_error(response, 422, "invalid")
    assert "text" in body["errors"]


def test_blank_reply_is_422(world: World, client_for: ClientFor) -> None:
    path = f"/cases/{world.a.case.pk}/reply"
    response = call(client_for("agent_a"), "POST", path, {"text": "  "})
    assert_error(response, 422, "invalid")


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["0", "-1", "987654321", str(2**63), str(10**30), "9" * 200])
def test_unknown_huge_and_negative_ids_are_404(
    case_id: str, world: World, client_for: ClientFor
) -> None:
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/messages"):
        response = call(client_for("admin"), "GET", path)
        assert_error(response, 404, "not_found")
    response = call(client_for("admin"), "POST", f"/cases/{case_id}/notes", {"text": "hello"})
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("path", ["/orders/", "/customers/", "/shipments/", "/commitments/"])
def test_unknown_ids_of_every_resource_are_404(
    path: str, world: World, client_for: ClientFor
) -> None:
    for object_id in ("987654321", "-5", str(10**25)):
        assert_error(call(client_for("admin"), "GET", path + object_id), 404, "not_found")


def test_id_that_is_not_a_number_is_422(world: World, client_for: ClientFor) -> None:
    assert_error(call(client_for("admin"), "GET", "/cases/abc"), 422, "invalid")


def test_reference_to_unknown_agent_is_422(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/assign", {"assignee_id": 10**9}
    )
    body = assert_error(response, 422, "invalid")
    assert body["errors"] == {"assignee_id": "not an active agent"}


def test_huge_id_in_a_body_is_422(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/assign", {"assignee_id": 2**70}
    )
    assert_error(response, 422, "invalid")


# --- domain rules ----------------------------------------------------------------------------


def test_transfer_without_a_note(world: World, client_for: ClientFor) -> None:
    bodies = ({"to_assignee_id": world.a.agent.pk}, {"note": " ", "to_team_id": world.b.team.pk})
    for body in bodies:
        response = call(client_for("agent_a"), "POST", f"/cases/{world.a.case.pk}/transfer", body)
        result = assert_error(response, 422, "handoff_note_required")
        assert result["errors"] == {"note": "required"}
    assert Case.objects.get(pk=world.a.case.pk).bounces == 0


def test_transfer_to_unknown_team_is_422(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/transfer",
        {"note": "over to you", "to_team_id": 10**9},
    )
    body = assert_error(response, 422, "invalid")
    assert body["errors"] == {"to_team_id": "no such team"}


def test_bad_status_transition(world: World, client_for: ClientFor) -> None:
    client = client_for("agent_a")
    path = f"/cases/{world.a.case.pk}/status"
    assert call(client, "POST", path, {"status": "closed"}).status_code == 200
    assert_error(call(client, "POST", path, {"status": "open"}), 422, "bad_transition")
    assert_error(call(client, "POST", path, {"status": "nonsense"}), 422, "invalid")


def test_stale_version_is_409(world: World, client_for: ClientFor) -> None:
    client = client_for("agent_a")
    version = world.a.case.version
    path = f"/cases/{world.a.case.pk}/status"
    assert call(client, "POST", path, {"status": "open", "version": version}).status_code == 200
    body = assert_error(
        call(client, "POST", path, {"status": "solved", "version": version}), 409, "conflict"
    )
    assert "reload" in str(body["detail"])


def test_commitment_due_in_the_past(world: World, client_for: ClientFor) -> None:
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/commitments",
        {"kind": "callback", "description": "Call back", "due_at": past},
    )
    body = assert_error(response, 422, "due_in_past")
    assert body["errors"] == {"due_at": "in the past"}


def test_commitment_naive_datetime(world: World, client_for: ClientFor) -> None:
    naive = (timezone.now() + dt.timedelta(days=1)).replace(tzinfo=None).isoformat()
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/commitments",
        {"kind": "callback", "description": "Call back", "due_at": naive},
    )
    body = assert_error(response, 422, "invalid")
    assert body["errors"] == {"due_at": "naive datetime"}


def test_commitment_with_two_due_times(world: World, client_for: ClientFor) -> None:
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/commitments",
        {
            "kind": "callback",
            "description": "Call back",
            "due_at": future,
            "within_business_days": 2,
        },
    )
    assert_error(response, 422, "invalid")


def test_commitment_unknown_kind(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/commitments",
        {"kind": "bribe", "description": "x", "within_business_days": 2},
    )
    body = assert_error(response, 422, "invalid")
    assert "kind" in body["errors"]


def test_keeping_a_promise_twice_is_409(world: World, client_for: ClientFor) -> None:
    client = client_for("agent_a")
    path = f"/commitments/{world.a.commitment.pk}/keep"
    assert call(client, "POST", path, {"fulfilled_by": "call"}).status_code == 200
    assert_error(call(client, "POST", path, {"fulfilled_by": "call"}), 409, "not_open")


def test_commitments_list_naive_due_before(world: World, client_for: ClientFor) -> None:
    response = client_for("agent_a").get(API + "/commitments", {"due_before": "2030-01-01T10:00"})
    assert_error(response, 422, "invalid")
    response = client_for("agent_a").get(
        API + "/commitments", {"due_before": "2099-01-01T10:00:00+01:00"}
    )
    assert response.status_code == 200


# --- lists -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "eyJpZCI6IC01fQ",  # {"id": -5}
        "eyJpZCI6ICJ4In0",  # {"id": "x"}
        "WzFd",  # [1]
        "bnVsbA",  # null
        "x" * 150,
    ],
)
@pytest.mark.parametrize("path", ["/cases", "/customers", "/orders", "/commitments"])
def test_bad_cursor(cursor: str, path: str, world: World, client_for: ClientFor) -> None:
    response = client_for("admin").get(API + path, {"cursor": cursor})
    body = assert_error(response, 422, "invalid")
    assert "cursor" in body["errors"]


@pytest.mark.parametrize("limit", ["0", "-1", "201", "100000", "ten"])
def test_limit_out_of_range(limit: str, world: World, client_for: ClientFor) -> None:
    response = client_for("admin").get(API + "/cases", {"limit": limit})
    body = assert_error(response, 422, "invalid")
    assert "limit" in body["errors"]


def test_bad_filter_values(world: World, client_for: ClientFor) -> None:
    client = client_for("admin")
    for params in ({"status": "lost"}, {"priority": "9"}, {"assignee": "you"}, {"team_id": "-1"}):
        assert_error(client.get(API + "/cases", params), 422, "invalid")


# --- credentials -----------------------------------------------------------------------------


def test_revoked_token_is_401(world: World) -> None:
    raw = make_token(world.a.agent)
    ApiToken.objects.filter(key_hash=ApiToken.hash(raw)).update(revoked_at=timezone.now())
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    body = assert_error(client.get(API + "/me"), 401, "not_authenticated")
    assert "revoked" in str(body["detail"])


def test_token_of_a_deactivated_account_is_401(world: World) -> None:
    raw = make_token(world.a.agent)
    world.a.agent.is_active = False
    world.a.agent.save(update_fields=["is_active"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert_error(client.get(API + "/me"), 401, "not_authenticated")


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer ", "Bearer " + "x" * 5000, "Basic dXNlcjpwYXNz", "x"]
)
def test_bad_authorization_headers_are_401(header: str, world: World) -> None:
    client = Client(headers={"Authorization": header})
    response = client.get(API + "/cases")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_does_not_fall_back_to_the_session(world: World) -> None:
    client = Client(headers={"Authorization": "Bearer wrong"})
    client.force_login(world.a.agent)
    assert_error(client.get(API + "/me"), 401, "not_authenticated")


def test_token_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    raw = make_token(world.a.agent)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(API + "/me").status_code == 200
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
        traveller.shift(dt.timedelta(seconds=30))
        client.get(API + "/me")
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(dt.timedelta(seconds=31))
        client.get(API + "/me")
        token.refresh_from_db()
        assert token.last_used_at is not None
        assert token.last_used_at > first


def test_session_auth_reads_without_csrf_but_writes_need_it(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.agent)
    assert client.get(API + "/me").json()["id"] == world.a.agent.pk
    path = f"/cases/{world.a.case.pk}/notes"
    assert_error(call(client, "POST", path, {"text": "hi"}), 403, "csrf_failed")
    client.get("/accounts/login/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        API + path, {"text": "hi"}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content


def test_anonymous_write_is_401_not_a_csrf_error(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = call(client, "POST", f"/cases/{world.a.case.pk}/notes", {"text": "hi"})
    assert_error(response, 401, "not_authenticated")


def test_deactivated_session_user_is_401(world: World) -> None:
    client = Client()
    client.force_login(world.a.agent)
    world.a.agent.is_active = False
    world.a.agent.save(update_fields=["is_active"])
    assert_error(client.get(API + "/me"), 401, "not_authenticated")


def test_inbound_that_is_not_a_contact_form_is_422_and_stores_nothing(
    world: World, client_for: ClientFor
) -> None:
    client = client_for("admin")
    for body in (
        {"brand": world.a.brand.code, "email": "not-an-email", "message": "hi"},
        {"brand": world.a.brand.code, "email": "a@b.test"},
        {"brand": world.a.brand.code, "email": "a@b.test", "message": "hi", "evil": True},
    ):
        assert_error(call(client, "POST", "/inbound", body), 422, "invalid")
    assert_error(call(client, "POST", "/inbound", "{not json"), 400, "malformed_json")
    assert InboundMessage.objects.count() == 0


def test_a_bug_is_a_json_500_and_is_logged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("amends.api.customers.customer_get", broken)
    client = Client(
        headers={"Authorization": f"Bearer {make_token(world.admin)}"},
        raise_request_exception=False,
    )
    response = client.get(f"{API}/customers/{world.a.customer.pk}")
    body = assert_error(response, 500, "internal_error")
    assert "boom" not in str(body)
    assert "boom" in caplog.text
