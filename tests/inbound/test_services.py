from __future__ import annotations

import json
from typing import Any

import pytest

from amends.accounts.models import Team
from amends.cases.models import Case, CaseStatus
from amends.conversations.models import Direction, Message
from amends.customers.models import Customer, CustomerIdentity
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.services import inbound_receive, inbound_replay, inbound_store
from tests.factories import CustomerFactory, OrderFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return TeamFactory(brand__code="fr")


def payload(**overrides: Any) -> bytes:
    data = {
        "brand": "fr",
        "email": "Marie.Dupont@Mail.test",
        "name": "Marie Dupont",
        "subject": "Colis jamais reçu",
        "message": "Bonjour, mon colis n'est jamais arrivé.",
    }
    data.update(overrides)
    return json.dumps(data).encode()


def test_a_new_sender_gets_a_customer_and_a_case(team: Team) -> None:
    result = inbound_receive(channel="web", raw=payload())
    inbound = result.inbound
    assert result.created
    assert inbound.status == InboundStatus.PROCESSED
    case = inbound.case
    assert case is not None
    assert case.team == team
    assert case.customer.identities.get().value == "marie.dupont@mail.test"
    assert case.customer.language == "fr"
    message = Message.objects.get(case=case)
    assert message.direction == Direction.INBOUND
    assert message.inbound == inbound
    assert bytes(inbound.raw) == payload()


def test_the_same_payload_twice_is_stored_once(team: Team) -> None:
    first = inbound_receive(channel="web", raw=payload())
    second = inbound_receive(channel="web", raw=payload())
    assert not second.created
    assert second.inbound.pk == first.inbound.pk
    assert InboundMessage.objects.count() == 1
    assert Message.objects.count() == 1


def test_same_external_id_is_a_duplicate_even_if_bytes_differ(team: Team) -> None:
    inbound_store(channel="api", raw=payload(), external_id="abc")
    again = inbound_store(channel="api", raw=payload(message="edited"), external_id="abc")
    assert not again.created


def test_case_reference_threads_the_reply_into_the_same_case(team: Team) -> None:
    case = inbound_receive(channel="web", raw=payload()).case
    assert case is not None
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SOLVED)
    reply = inbound_receive(
        channel="web", raw=payload(message="Toujours rien !", case_reference=case.reference)
    )
    assert reply.case == case
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN  # reopened by the customer's message
    assert case.messages.count() == 2


def test_someone_elses_case_reference_does_not_get_into_that_case(team: Team) -> None:
    victim_case = inbound_receive(channel="web", raw=payload()).case
    assert victim_case is not None
    stranger = inbound_receive(
        channel="web",
        raw=payload(
            email="stranger@evil.test", message="let me in", case_reference=victim_case.reference
        ),
    )
    assert stranger.case is not None
    assert stranger.case != victim_case
    assert victim_case.messages.count() == 1


def test_order_number_threads_to_the_open_case_about_that_order(team: Team) -> None:
    customer = CustomerFactory(brand=team.brand, email="jan@mail.test")
    order = OrderFactory(customer=customer, number="FR-1001")
    first = inbound_receive(
        channel="web", raw=payload(email="jan@mail.test", order_number="FR-1001")
    ).case
    assert first is not None
    assert list(first.orders.all()) == [order]
    second = inbound_receive(
        channel="web",
        raw=payload(email="jan@mail.test", order_number="FR-1001", message="Any news?"),
    ).case
    assert second == first


def test_another_customers_order_number_is_not_linked(team: Team) -> None:
    OrderFactory(customer=CustomerFactory(brand=team.brand), number="FR-2002")
    case = inbound_receive(channel="web", raw=payload(order_number="FR-2002")).case
    assert case is not None
    assert case.orders.count() == 0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not UTF-8 JSON"),
        (b"\xff\xfe\x00", "not UTF-8 JSON"),
        (b"[]", "does not match the contact form"),
        (json.dumps({"brand": "fr"}).encode(), "email: Field required"),
        (payload(email="not-an-address"), "email"),
        (payload(message=""), "message"),
        (payload(brand="xx"), "unknown storefront 'xx'"),
        (payload(unexpected="field"), "unexpected"),
        (payload(message="x" * 100_001), "message"),
    ],
)
def test_bad_payloads_are_quarantined_with_a_reason_and_kept(
    team: Team, raw: bytes, reason: str
) -> None:
    result = inbound_receive(channel="web", raw=raw)
    inbound = result.inbound
    assert inbound.status == InboundStatus.QUARANTINED
    assert reason in inbound.reason
    assert bytes(inbound.raw) == raw
    assert not Case.objects.exists()
    assert not Customer.objects.exists()


def test_unknown_channel_is_quarantined(team: Team) -> None:
    inbound = inbound_receive(channel="pigeon", raw=payload()).inbound
    assert inbound.status == InboundStatus.QUARANTINED
    assert "no parser" in inbound.reason


def test_failure_half_way_leaves_nothing_half_done(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amends.inbound import services

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "message_receive", boom)
    inbound = inbound_receive(channel="web", raw=payload()).inbound
    assert inbound.status == InboundStatus.QUARANTINED
    assert "internal error: RuntimeError: disk on fire" in inbound.reason
    assert not Case.objects.exists()
    assert not CustomerIdentity.objects.exists()


def test_replay_processes_quarantined_payloads_once_the_cause_is_fixed() -> None:
    inbound = inbound_receive(channel="web", raw=payload()).inbound
    assert inbound.status == InboundStatus.QUARANTINED  # no storefront "fr" yet
    assert "unknown storefront" in inbound.reason
    TeamFactory(brand__code="fr")
    [replayed] = inbound_replay()
    assert replayed.status == InboundStatus.PROCESSED
    assert replayed.attempts == 2
    assert inbound_replay() == []  # nothing left; processed payloads are never replayed twice
    assert Message.objects.count() == 1
