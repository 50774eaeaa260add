"""``POST /inbound``: filed, quarantined, or a duplicate; bad payloads are refused at the edge."""

from __future__ import annotations

import json

import pytest

from amends.cases.models import Case
from amends.conversations.models import Direction, Message
from amends.inbound.models import InboundMessage, InboundStatus
from tests.api.conftest import ClientFor, World, call

pytestmark = pytest.mark.django_db


def payload(world: World, **changes: str) -> dict[str, str]:
    return {
        "brand": world.a.brand.code,
        "email": world.a.customer.primary_email,
        "name": "Customer A",
        "subject": "Where is my parcel?",
        "message": "It has not arrived yet.",
        "order_number": world.a.order.number,
        **changes,
    }


def test_filed_on_a_case(world: World, client_for: ClientFor) -> None:
    response = call(client_for("admin"), "POST", "/inbound", payload(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "processed"
    assert data["duplicate"] is False
    # Threaded onto the open case about that order, as an inbound message from the customer.
    assert data["case_reference"] == world.a.case.reference
    message = Message.objects.filter(case=world.a.case).order_by("-id").first()
    assert message is not None
    assert message.direction == Direction.INBOUND
    assert message.channel == "api"
    stored = InboundMessage.objects.get(pk=data["inbound_id"])
    assert json.loads(bytes(stored.raw)) == payload(world)  # stored raw, as sent
    assert stored.source == f"api:user:{world.admin.pk}"


def test_new_sender_opens_a_new_case(world: World, client_for: ClientFor) -> None:
    before = Case.objects.count()
    response = call(
        client_for("agent_a"),
        "POST",
        "/inbound",
        payload(world, email="new.person@mail.test", order_number="", name="New Person"),
    )
    assert response.status_code == 201
    assert Case.objects.count() == before + 1
    case = Case.objects.order_by("-id").first()
    assert case is not None
    assert response.json()["case_reference"] == case.reference


def test_unknown_storefront_is_kept_in_quarantine(world: World, client_for: ClientFor) -> None:
    response = call(client_for("admin"), "POST", "/inbound", payload(world, brand="atlantis"))
    assert response.status_code == 202
    data = response.json()
    assert data["status"] == "quarantined"
    assert "atlantis" in data["reason"]
    assert data["case_reference"] is None
    assert InboundMessage.objects.get(pk=data["inbound_id"]).status == InboundStatus.QUARANTINED


def test_retry_with_the_same_idempotency_key_is_stored_once(
    world: World, client_for: ClientFor
) -> None:
    client = client_for("admin")
    first = client.post(
        "/api/v1/inbound",
        payload(world),
        content_type="application/json",
        headers={"Idempotency-Key": "form-123"},
    )
    again = client.post(
        "/api/v1/inbound",
        payload(world, message="It has not arrived yet!"),  # a retry may differ in bytes
        content_type="application/json",
        headers={"Idempotency-Key": "form-123"},
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["inbound_id"] == first.json()["inbound_id"]
    assert again.json()["case_reference"] == first.json()["case_reference"]
    assert InboundMessage.objects.count() == 1


def test_identical_payload_without_a_key_is_stored_once(
    world: World, client_for: ClientFor
) -> None:
    client = client_for("admin")
    assert call(client, "POST", "/inbound", payload(world)).status_code == 201
    assert call(client, "POST", "/inbound", payload(world)).status_code == 200
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize("role", ["customer_x", "seller_s"])
def test_customers_and_sellers_may_not_relay(
    role: str, world: World, client_for: ClientFor
) -> None:
    response = call(client_for(role), "POST", "/inbound", payload(world))
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0
