"""``POST /cases/{id}/reply`` and the reply linter: 422 with the findings and the offsets of the
words at fault, an override with a reason, customers never checked, hostile bodies refused."""

from __future__ import annotations

from typing import Any

import pytest

from amends.accounts.models import Team, User
from amends.cases.events import EventKind
from amends.cases.models import Case
from amends.conversations.models import Direction, Message
from tests.api.conftest import call, token_client
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    TeamFactory,
    brand_of,
    make_agent,
    make_customer_user,
)

pytestmark = pytest.mark.django_db

MIXED = (
    "Bonjour Madame Martin,\n\nMerci pour votre message. Nous sommes désolés : tu recevras le "
    "remboursement mercredi.\n\nCordialement,\nLéa"
)
REASON = "The customer asked us to write to her this way."


@pytest.fixture
def team() -> Team:
    return TeamFactory()


@pytest.fixture
def agent(team: Team) -> User:
    return make_agent(team)


@pytest.fixture
def case(team: Team) -> Case:
    brand = brand_of(team)
    customer = CustomerFactory(brand=brand, name="Claire Martin", language="fr")
    return CaseFactory(team=team, brand=brand, customer=customer, intents=["late_delivery"])


def reply(user: User, case: Case, body: object) -> Any:
    return call(token_client(user), "POST", f"/cases/{case.pk}/reply", body)


def test_a_refused_reply_answers_422_with_the_findings(case: Case, agent: User) -> None:
    response = reply(agent, case, {"text": MIXED})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "reply_lint_failed"
    assert "not sent" in body["detail"]
    assert body["errors"]["text"] == "register.mixed"
    assert "override_reason" in body["errors"]
    assert (body["reply_language"], body["reply_register"]) == ("fr", "formal")
    [finding] = [f for f in body["findings"] if f["severity"] == "error"]
    assert finding["code"] == "register.mixed"
    [span] = finding["spans"]
    assert MIXED[span["start"] : span["end"]] == span["text"] == "tu"
    assert not Message.objects.filter(case=case).exists()
    assert not case.events.exists()


def test_an_apology_is_required_on_a_late_delivery(case: Case, agent: User) -> None:
    text = "Bonjour Madame Martin,\n\nMerci pour votre message. Nous vous rembourserons demain."
    body = reply(agent, case, {"text": text}).json()
    assert [f["code"] for f in body["findings"] if f["severity"] == "error"] == ["apology.missing"]


def test_an_override_is_accepted_and_audited(case: Case, agent: User) -> None:
    response = reply(agent, case, {"text": MIXED, "override_reason": REASON, "status": "open"})
    assert response.status_code == 201
    data = response.json()
    assert data["direction"] == "out"
    event = case.events.get(kind=EventKind.REPLY_LINT_OVERRIDDEN)
    assert event.data == {"message_id": data["id"], "reason": REASON, "codes": ["register.mixed"]}
    events = call(token_client(agent), "GET", f"/cases/{case.pk}/events").json()
    assert EventKind.REPLY_LINT_OVERRIDDEN in [e["kind"] for e in events]


@pytest.mark.parametrize("reason", ["", "  ", "too short"])
def test_a_short_reason_is_still_refused(case: Case, agent: User, reason: str) -> None:
    response = reply(agent, case, {"text": MIXED, "override_reason": reason})
    assert response.status_code == 422
    assert response.json()["code"] == "reply_lint_failed"
    assert not Message.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"text": MIXED, "override_reason": "x" * 1001},
        {"text": MIXED, "override_reason": 42},
        {"text": MIXED, "override_reason": None},
        {"text": MIXED, "override_reason": ["a reason long enough"]},
    ],
)
def test_a_malformed_reason_is_refused(case: Case, agent: User, body: object) -> None:
    response = reply(agent, case, body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "override_reason" in response.json()["errors"]
    assert not Message.objects.filter(case=case).exists()


def test_warnings_do_not_block_and_come_back_with_the_reply(case: Case, agent: User) -> None:
    text = "Bonjour,\n\nNous sommes désolés, nous regardons cela."
    response = reply(agent, case, {"text": text})
    assert response.status_code == 201
    data = response.json()
    assert {f["severity"] for f in data["findings"]} == {"warning"}
    codes = {f["code"] for f in data["findings"]}
    assert {"acknowledgement.missing", "action.missing"} <= codes
    for finding in data["findings"]:
        for span in finding["spans"]:
            assert data["text"][span["start"] : span["end"]] == span["text"]


def test_a_reply_sent_past_its_errors_says_which(case: Case, agent: User) -> None:
    data = reply(agent, case, {"text": MIXED, "override_reason": REASON}).json()
    [error] = [f for f in data["findings"] if f["severity"] == "error"]
    assert error["code"] == "register.mixed"
    assert [s["text"] for s in error["spans"]] == ["tu"]


def test_a_clean_reply_comes_back_without_findings(case: Case, agent: User) -> None:
    text = (
        "Bonjour Madame Martin,\n\nMerci pour votre message, et toutes nos excuses pour ce "
        "retard. Nous vous enverrons le colis demain.\n\nCordialement,\nLéa"
    )
    data = reply(agent, case, {"text": text}).json()
    assert data["findings"] == []


def test_a_customer_writing_on_their_case_is_never_checked(case: Case) -> None:
    customer = make_customer_user(case.customer)
    response = reply(customer, case, {"text": "Salut, tu peux me rembourser ?"})
    assert response.status_code == 201
    assert response.json()["findings"] == []
    assert Message.objects.get(case=case).direction == Direction.INBOUND


def test_a_customer_cannot_send_an_override(case: Case) -> None:
    customer = make_customer_user(case.customer)
    response = reply(customer, case, {"text": "Bonjour", "override_reason": REASON})
    assert response.status_code == 403
    assert not Message.objects.filter(case=case).exists()


def test_the_same_refused_reply_twice_is_refused_twice(case: Case, agent: User) -> None:
    first = reply(agent, case, {"text": MIXED})
    second = reply(agent, case, {"text": MIXED})
    assert first.json() == second.json()
    assert not Message.objects.filter(case=case).exists()


def test_the_schema_documents_the_findings() -> None:
    from amends.api.app import api

    schema = api.get_openapi_schema(path_prefix="")
    operation = schema["paths"]["/cases/{case_id}/reply"]["post"]
    refused = operation["responses"][422]["content"]["application/json"]["schema"]["$ref"]
    assert refused.endswith("/ReplyRefusedOut")
    shape = schema["components"]["schemas"]["ReplyRefusedOut"]["properties"]
    assert {"code", "detail", "errors", "findings"} <= set(shape)
