"""The contact payload with a problem, a wanted outcome and attachments: validated, stored raw
first, filed as one readable first message with its files, quarantined and replayed losslessly."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pydantic import ValidationError
from pytest_django.fixtures import Settings

from amends.accounts.models import Team
from amends.cases.models import Case
from amends.conversations.models import Attachment, Message
from amends.conversations.uploads import MAX_FILE_BYTES
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import ContactPayload, Problem, parse_contact
from amends.inbound.services import inbound_receive, inbound_replay
from tests.factories import (
    BrandFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    TeamFactory,
    make_agent,
    make_token,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def files_in(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def attachment(name: str, content_type: str, content: bytes, **changes: Any) -> dict[str, Any]:
    return {
        "filename": name,
        "content_type": content_type,
        "size": len(content),
        "data": base64.b64encode(content).decode(),
        **changes,
    }


def payload(**changes: Any) -> dict[str, Any]:
    return {
        "brand": "en",
        "email": "alex@mail.test",
        "name": "Alex Morgan",
        "problem": "parcel_damaged",
        "wanted_outcome": "refund",
        "message": "The box was crushed and the lamp inside is broken.",
        "attachments": [attachment("box.jpg", "image/jpeg", JPEG)],
        **changes,
    }


def raw(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(
        brand__code="en", brand__languages=["en"], brand__default_language="en", brand__country="IE"
    )


# --- the payload ------------------------------------------------------------------------------


def test_a_complete_payload_parses_with_its_files() -> None:
    parsed = parse_contact(raw(payload()), "application/json")
    assert parsed.problem == "parcel_damaged"
    assert parsed.wanted_outcome == "refund"
    [upload] = parsed.attachments
    assert (upload.filename, upload.content_type, upload.data) == ("box.jpg", "image/jpeg", JPEG)
    assert "JFIF" not in repr(upload)  # the bytes never end up in a log line


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"problem": "free_money"}, "unknown problem 'free_money'"),
        ({"problem": "<script>"}, "unknown problem"),
        ({"attachments": [attachment("a.jpg", "image/jpeg", JPEG)] * 6}, "at most 5 items"),
        ({"attachments": [attachment("a.jpg", "image/jpeg", JPEG, size=3)]}, "size says 3"),
        ({"attachments": [attachment("a.jpg", "image/jpeg", JPEG, data="%%%")]}, "base64"),
        ({"attachments": [attachment("a.jpg", "image/jpeg", EXE)]}, "Windows program"),
        ({"attachments": [attachment("a.jpg", "image/jpeg", PDF)]}, "declared as image/jpeg"),
        ({"attachments": [attachment("\u202egpj.exe", "image/jpeg", JPEG)]}, "ends in '.exe'"),
        ({"attachments": [attachment("x.svg", "image/svg+xml", b"<svg/>")]}, "accepted are"),
        ({"attachments": [attachment("n.txt", "text/plain", b"a\x00b")]}, "declared as text"),
        ({"attachments": [{"filename": "a.jpg"}]}, "Field required"),
        ({"attachments": [{**attachment("a.jpg", "image/jpeg", JPEG), "path": "/etc"}]}, "path"),
        (
            {"attachments": [attachment("a.jpg", "image/jpeg", JPEG, size=MAX_FILE_BYTES + 1)]},
            "less than or equal to",
        ),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(changes: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ContactPayload.model_validate(payload(**changes))
    assert complaint in str(refused.value)


def test_twenty_megabytes_together_is_the_limit() -> None:
    text = b"a" * (MAX_FILE_BYTES - 10)
    files = [attachment(f"{i}.txt", "text/plain", text) for i in range(3)]
    with pytest.raises(ValidationError, match="limit is 20971520"):
        ContactPayload.model_validate(payload(attachments=files))
    assert ContactPayload.model_validate(payload(attachments=files[:2])).attachments


# --- filing it --------------------------------------------------------------------------------


def test_the_first_message_reads_as_a_complete_summary(team: Team, media: Path) -> None:
    customer = CustomerFactory(brand=team.brand, email="alex@mail.test", language="en")
    order = OrderFactory(
        customer=customer,
        number="EN-1234",
        placed_at=dt.datetime(2025, 3, 12, 23, 30, tzinfo=dt.UTC),  # 13 March in Paris
    )
    OrderLineFactory(order=order, title="LED lamp", quantity=2)
    result = inbound_receive(channel="web", raw=raw(payload(order_number="EN-1234")))
    case = result.case
    assert case is not None
    assert case.subject == "Parcel damaged — order EN-1234"
    assert case.intents == ["parcel_damaged"]
    assert case.team == team  # the storefront's own team
    assert list(case.orders.all()) == [order]
    message = Message.objects.get(case=case)
    assert message.body_text == (
        "Order: EN-1234 · March 13, 2025 · 2 \N{MULTIPLICATION SIGN} LED lamp\n"
        "What went wrong: Parcel damaged\n"
        "What I would like: A refund\n"
        "\n"
        "Details:\n"
        "The box was crushed and the lamp inside is broken."
    )
    [file] = message.attachments.all()
    assert file.filename == "box.jpg"
    assert file.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert len(files_in(media)) == 1


def test_the_summary_is_in_the_customers_language(db: None) -> None:
    team = TeamFactory(brand__code="fr", brand__languages=["fr"], brand__default_language="fr")
    customer = CustomerFactory(brand=team.brand, email="alex@mail.test", language="fr")
    OrderFactory(
        customer=customer, number="FR-7", placed_at=dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC)
    )
    case = inbound_receive(
        channel="web", raw=raw(payload(brand="fr", order_number="FR-7", attachments=[]))
    ).case
    assert case is not None
    assert "FR-7 · 12 mars 2025" in case.messages.get().body_text


def test_without_an_order_the_subject_is_the_problem(team: Team) -> None:
    case = inbound_receive(channel="web", raw=raw(payload(problem="billing_payment"))).case
    assert case is not None
    assert case.subject == "Billing or payment"
    assert case.intents == ["billing_payment"]
    assert case.messages.get().body_text.startswith("Order: not about an order\n")


def test_a_given_subject_is_kept(team: Team) -> None:
    case = inbound_receive(channel="web", raw=raw(payload(subject="Crushed box"))).case
    assert case is not None
    assert case.subject == "Crushed box"


def test_someone_elses_order_number_is_treated_as_no_order(team: Team) -> None:
    stranger = CustomerFactory(brand=team.brand)
    OrderFactory(customer=stranger, number="EN-9999")
    OrderLineFactory(order=stranger.orders.get(), title="Secret purchase")
    case = inbound_receive(channel="web", raw=raw(payload(order_number="EN-9999"))).case
    assert case is not None
    assert case.orders.count() == 0
    assert case.subject == "Parcel damaged"  # no order in the subject either
    text = case.messages.get().body_text
    assert "EN-9999 (not an order of this account)" in text
    assert "Secret purchase" not in text


def test_a_plain_payload_keeps_its_text_as_it_was(team: Team) -> None:
    data = payload(attachments=[], subject="Hello")
    del data["problem"], data["wanted_outcome"]
    case = inbound_receive(channel="api", raw=raw(data)).case
    assert case is not None
    assert case.messages.get().body_text == data["message"]
    assert case.intents == []


def test_an_outcome_from_an_older_integration_is_shown_by_name(team: Team) -> None:
    data = payload(attachments=[], wanted_outcome="price_adjustment")
    case = inbound_receive(channel="api", raw=raw(data)).case
    assert case is not None
    assert "What I would like: A price-drop adjustment" in case.messages.get().body_text


def test_a_reply_on_an_open_case_keeps_the_case_as_it_was(team: Team) -> None:
    first = inbound_receive(channel="web", raw=raw(payload())).case
    assert first is not None
    again = inbound_receive(
        channel="web",
        raw=raw(payload(problem="late_delivery", case_reference=first.reference, attachments=[])),
    ).case
    assert again == first
    first.refresh_from_db()
    assert first.intents == ["parcel_damaged"]


def test_the_same_submission_twice_is_filed_once(team: Team, media: Path) -> None:
    inbound_receive(channel="web", raw=raw(payload()))
    again = inbound_receive(channel="web", raw=raw(payload()))
    assert not again.created
    assert Attachment.objects.count() == 1
    assert len(files_in(media)) == 1


def test_a_quarantined_submission_keeps_everything_and_replays_identically(
    db: None, media: Path
) -> None:
    brand = BrandFactory(code="en", languages=["en"], default_language="en")
    files = [
        attachment("box.jpg", "image/jpeg", JPEG),
        attachment("../../receipt", "application/pdf", PDF),
    ]
    sent = raw(payload(attachments=files))
    inbound = inbound_receive(channel="web", raw=sent).inbound
    assert inbound.status == InboundStatus.QUARANTINED  # no team to own the case yet
    assert "no team" in inbound.reason
    assert bytes(inbound.raw) == sent  # every byte of every file is in the raw payload
    assert not Attachment.objects.exists()
    assert files_in(media) == []  # files written before the failure were removed again

    TeamFactory(brand=brand)
    [replayed] = inbound_replay()
    assert replayed.status == InboundStatus.PROCESSED
    case = Case.objects.get()
    kept = list(Attachment.objects.filter(message__case=case).order_by("id"))
    assert [a.filename for a in kept] == ["box.jpg", "receipt.pdf"]
    for stored, original in zip(kept, (JPEG, PDF), strict=True):
        with stored.file.open("rb") as handle:
            assert handle.read() == original
        assert stored.sha256 == hashlib.sha256(original).hexdigest()
    assert len(files_in(media)) == 2


def test_a_bad_attachment_in_a_stored_payload_is_quarantined_not_lost(team: Team) -> None:
    sent = raw(payload(attachments=[attachment("x.jpg", "image/jpeg", EXE)]))
    inbound = inbound_receive(channel="web", raw=sent).inbound
    assert inbound.status == InboundStatus.QUARANTINED
    assert "Windows program" in inbound.reason
    assert "TVqQ" not in inbound.reason  # the reason names the problem, not the bytes
    assert bytes(inbound.raw) == sent
    assert not Case.objects.exists()


# --- the API takes the same payload -------------------------------------------------------------


def api(body: dict[str, Any], token: str) -> Any:
    return Client().post(
        "/api/v1/inbound",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_api_files_attachments_too(team: Team) -> None:
    token = make_token(make_agent(team))
    response = api(payload(), token)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.intents == ["parcel_damaged"]
    assert Attachment.objects.get().message.case == case


@pytest.mark.parametrize(
    "changes",
    [
        {"problem": "free_money"},
        {"attachments": [attachment("x.jpg", "image/jpeg", EXE)]},
        {"attachments": [attachment("x.jpg", "image/jpeg", JPEG)] * 6},
    ],
)
def test_the_api_refuses_bad_payloads_and_stores_nothing(
    team: Team, changes: dict[str, Any]
) -> None:
    token = make_token(make_agent(team))
    response = api(payload(**changes), token)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "TVqQ" not in response.content.decode()
    assert not InboundMessage.objects.exists()


def test_problem_codes_are_the_triage_intents() -> None:
    assert set(Problem.values) == {
        "delivery_failed",
        "parcel_damaged",
        "wrong_or_defective_item",
        "late_delivery",
        "price_drop_adjustment",
        "return_request",
        "billing_payment",
        "cancel_account_or_membership",
        "seller_issue",
        "other",
    }
