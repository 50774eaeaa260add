"""What each role sees *inside* the objects it may read, and the edges of the rules."""

from __future__ import annotations

import pytest

from amends.cases.models import CaseStatus
from amends.cases.services import case_set_status
from amends.conversations.models import Direction, Message
from tests.api.conftest import API, ClientFor, World, call, token_client
from tests.factories import (
    CaseFactory,
    OrderFactory,
    SellerFactory,
    TeamFactory,
    make_agent,
)

pytestmark = pytest.mark.django_db


def test_customers_and_sellers_never_see_internal_notes(
    world: World, client_for: ClientFor
) -> None:
    path = f"/cases/{world.a.case.pk}/messages"
    staff = call(client_for("agent_a"), "GET", path).json()
    assert Direction.NOTE in {m["direction"] for m in staff}
    for role in ("customer_x", "seller_s"):
        rows = call(client_for(role), "GET", path).json()
        assert rows
        assert {m["direction"] for m in rows} <= {"in", "out"}
        assert "secret note" not in str(rows)


def test_public_timeline_hides_notes_actors_and_reasons(
    world: World, client_for: ClientFor
) -> None:
    case_set_status(case=world.a.case, actor=world.a.agent, status="open", reason="private why")
    path = f"/cases/{world.a.case.pk}/events"
    full = call(client_for("supervisor_a"), "GET", path).json()
    assert "note_added" in {e["kind"] for e in full}
    assert "private why" in str(full)
    for role in ("customer_x", "seller_s"):
        public = call(client_for(role), "GET", path).json()
        kinds = {e["kind"] for e in public}
        assert "note_added" not in kinds
        assert {"message_received", "status_changed", "commitment_made"} <= kinds
        assert all(e["actor"] is None for e in public)
        assert "private why" not in str(public)
        assert "owner_id" not in str(public)


def test_customer_sees_first_names_of_staff_only(world: World, client_for: ClientFor) -> None:
    client = client_for("agent_a")
    call(client, "POST", f"/cases/{world.a.case.pk}/assign", {"assignee_id": world.a.agent.pk})
    call(client, "POST", f"/cases/{world.a.case.pk}/reply", {"text": "We are on it"})
    detail = call(client_for("customer_x"), "GET", f"/cases/{world.a.case.pk}").json()
    assert detail["assignee"]["name"] == "AgentA"
    assert detail["triage"] is None
    assert detail["open_commitments"][0]["owner"] is None
    messages = call(client_for("customer_x"), "GET", f"/cases/{world.a.case.pk}/messages").json()
    assert world.a.agent.email not in str(messages)
    assert world.a.agent.email not in str(detail)
    staff_view = call(client, "GET", f"/cases/{world.a.case.pk}").json()
    assert staff_view["triage"] is not None
    assert staff_view["open_commitments"][0]["owner"]["id"] == world.a.agent.pk


def test_seller_sees_only_its_own_orders_on_a_shared_case(
    world: World, client_for: ClientFor
) -> None:
    other_seller_order = OrderFactory(customer=world.a.customer, seller=SellerFactory())
    world.a.case.orders.add(other_seller_order)
    seller_view = call(client_for("seller_s"), "GET", f"/cases/{world.a.case.pk}").json()
    assert [o["id"] for o in seller_view["orders"]] == [world.a.order.pk]
    staff_view = call(client_for("agent_a"), "GET", f"/cases/{world.a.case.pk}").json()
    assert {o["id"] for o in staff_view["orders"]} == {world.a.order.pk, other_seller_order.pk}
    hidden = call(client_for("seller_s"), "GET", f"/orders/{other_seller_order.pk}")
    assert hidden.status_code == 404


def test_seller_does_not_see_cases_of_its_customer_about_other_orders(
    world: World, client_for: ClientFor
) -> None:
    unrelated = CaseFactory(customer=world.a.customer, team=world.a.team)
    assert call(client_for("seller_s"), "GET", f"/cases/{unrelated.pk}").status_code == 404
    assert call(client_for("customer_x"), "GET", f"/cases/{unrelated.pk}").status_code == 200


def test_seller_sees_customer_without_identities(world: World, client_for: ClientFor) -> None:
    seller = call(client_for("seller_s"), "GET", f"/customers/{world.a.customer.pk}").json()
    assert seller["identities"] == []
    own = call(client_for("customer_x"), "GET", f"/customers/{world.a.customer.pk}").json()
    assert own["identities"][0]["value"] == world.a.customer.primary_email
    assert own["register"] == "formal"


def test_agent_sees_case_assigned_to_them_in_another_queue(
    world: World, client_for: ClientFor
) -> None:
    elsewhere = CaseFactory(
        customer=world.b.customer, team=world.b.team, assignee=world.a.agent, subject="Visitor"
    )
    client = client_for("agent_a")
    assert call(client, "GET", f"/cases/{elsewhere.pk}").status_code == 200
    # …and its customer, but not the rest of that customer's cases.
    assert call(client, "GET", f"/customers/{world.b.customer.pk}").status_code == 200
    assert call(client, "GET", f"/cases/{world.b.case.pk}").status_code == 404
    ids = {c["id"] for c in call(client, "GET", "/cases?assignee=me").json()["items"]}
    assert ids == {elsewhere.pk}


def test_agent_in_two_teams_sees_both_queues(world: World) -> None:
    both = make_agent(world.a.team, world.b.team)
    client = token_client(both)
    ids = {c["id"] for c in call(client, "GET", "/cases").json()["items"]}
    assert ids == {world.a.case.pk, world.b.case.pk}


def test_agent_without_a_team_sees_nothing(world: World) -> None:
    loner = make_agent()
    client = token_client(loner)
    for path in ("/cases", "/customers", "/orders", "/commitments"):
        assert call(client, "GET", path).json()["items"] == []


def test_supervisor_sees_all_teams_of_their_brand(world: World) -> None:
    second_team = TeamFactory(brand=world.a.brand)
    case = CaseFactory(customer=world.a.customer, team=second_team)
    client = token_client(world.a.supervisor)
    assert call(client, "GET", f"/cases/{case.pk}").status_code == 200


def test_customer_reply_is_an_inbound_message_that_reopens(
    world: World, client_for: ClientFor
) -> None:
    case_set_status(case=world.a.case, actor=world.a.agent, status=CaseStatus.SOLVED)
    response = call(
        client_for("customer_x"),
        "POST",
        f"/cases/{world.a.case.pk}/reply",
        {"text": "Still broken"},
    )
    assert response.status_code == 201
    assert response.json()["direction"] == "in"
    message = Message.objects.get(pk=response.json()["id"])
    assert message.direction == Direction.INBOUND
    assert message.author_customer == world.a.customer
    world.a.case.refresh_from_db()
    assert world.a.case.status == CaseStatus.OPEN


def test_customer_cannot_set_status_with_a_reply(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("customer_x"),
        "POST",
        f"/cases/{world.a.case.pk}/reply",
        {"text": "Done", "status": "closed"},
    )
    assert response.status_code == 403
    assert response.json()["errors"] == {"status": "staff only"}


def test_customer_cannot_write_on_a_closed_case(world: World, client_for: ClientFor) -> None:
    case_set_status(case=world.a.case, actor=world.a.agent, status=CaseStatus.CLOSED)
    response = call(
        client_for("customer_x"), "POST", f"/cases/{world.a.case.pk}/reply", {"text": "Hello?"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "case_closed"


def test_customer_opens_a_case_for_themself(world: World, client_for: ClientFor) -> None:
    client = client_for("customer_x")
    response = call(
        client,
        "POST",
        "/cases",
        {"subject": "Wrong colour", "message": "I ordered blue", "order_ids": [world.a.order.pk]},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["customer"]["id"] == world.a.customer.pk
    assert data["origin_channel"] == "api"
    assert [o["id"] for o in data["orders"]] == [world.a.order.pk]
    messages = call(client, "GET", f"/cases/{data['id']}/messages").json()
    assert [m["direction"] for m in messages] == ["in"]


def test_customer_may_not_choose_team_or_priority(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("customer_x"),
        "POST",
        "/cases",
        {"subject": "x", "message": "y", "team_id": world.a.team.pk, "priority": 4},
    )
    assert response.status_code == 403
    assert set(response.json()["errors"]) == {"team_id", "priority"}


def test_customer_opening_a_case_must_say_something(world: World, client_for: ClientFor) -> None:
    response = call(client_for("customer_x"), "POST", "/cases", {"subject": "x"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"message": "must not be empty"}


def test_customer_cannot_link_someone_elses_order(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("customer_x"),
        "POST",
        "/cases",
        {"subject": "x", "message": "y", "order_ids": [world.b.order.pk]},
    )
    assert response.status_code == 404


def test_staff_opens_a_case_for_a_customer(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("agent_a"),
        "POST",
        "/cases",
        {
            "customer_id": world.a.customer.pk,
            "subject": "Called about a refund",
            "channel": "phone",
            "priority": 3,
            "order_ids": [world.a.order.pk],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["origin_channel"] == "phone"
    assert data["priority"] == 3
    assert data["team"]["id"] == world.a.team.pk
    assert data["reference"] == f"AM-{data['id']:06d}"


def test_staff_needs_to_name_the_customer(world: World, client_for: ClientFor) -> None:
    response = call(client_for("agent_a"), "POST", "/cases", {"subject": "x"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"customer_id": "required"}


def test_order_of_another_customer_is_refused(world: World, client_for: ClientFor) -> None:
    response = call(
        client_for("admin"),
        "POST",
        "/cases",
        {"customer_id": world.a.customer.pk, "subject": "x", "order_ids": [world.b.order.pk]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"order": "not theirs"}


def test_owner_keeps_a_promise_after_the_case_moved_away(
    world: World, client_for: ClientFor
) -> None:
    client = client_for("agent_a")
    moved = call(
        client,
        "POST",
        f"/cases/{world.a.case.pk}/transfer",
        {"note": "brand B handles this", "to_team_id": world.b.team.pk},
    )
    assert moved.status_code == 200
    assert call(client, "GET", f"/cases/{world.a.case.pk}").status_code == 404
    mine = call(client, "GET", "/commitments?owner=me").json()["items"]
    assert [c["id"] for c in mine] == [world.a.commitment.pk]
    kept = call(
        client, "POST", f"/commitments/{world.a.commitment.pk}/keep", {"fulfilled_by": "call"}
    )
    assert kept.status_code == 200
    assert kept.json()["state"] == "kept"


def test_transfer_returns_the_case_even_when_it_leaves_your_view(
    world: World, client_for: ClientFor
) -> None:
    response = call(
        client_for("agent_a"),
        "POST",
        f"/cases/{world.a.case.pk}/transfer",
        {"note": "brand B handles this", "to_assignee_id": world.b.agent.pk},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["team"]["id"] == world.b.team.pk
    assert data["assignee"]["id"] == world.b.agent.pk
    assert data["bounces"] == 1
    assert data["owner"] == {"kind": "agent", "id": world.b.agent.pk, "name": "AgentB Smith"}


def test_me(world: World, client_for: ClientFor) -> None:
    me = call(client_for("customer_x"), "GET", "/me").json()
    assert me["customer_id"] == world.a.customer.pk
    assert me["may_work_cases"] is False
    me = call(client_for("supervisor_a"), "GET", "/me").json()
    assert me["brands"] == [world.a.brand.code]
    assert me["may_work_cases"] is True
    me = call(client_for("agent_a"), "GET", "/me").json()
    assert me["team_ids"] == [world.a.team.pk]
    me = call(client_for("seller_s"), "GET", "/me").json()
    assert me["seller_id"] == world.a.seller.pk


def test_order_detail_has_lines_shipments_tracking_and_cases(
    world: World, client_for: ClientFor
) -> None:
    data = call(client_for("customer_x"), "GET", f"/orders/{world.a.order.pk}").json()
    assert data["lines"][0]["amount"] == "59.90"
    assert data["seller"]["id"] == world.a.seller.pk
    shipment = data["shipments"][0]
    assert shipment["tracking_number"] == world.a.shipment.tracking_number
    assert shipment["events"][0]["status"] == "in_transit"
    assert [c["id"] for c in data["cases"]] == [world.a.case.pk]
    direct = call(client_for("seller_s"), "GET", f"/shipments/{world.a.shipment.pk}").json()
    assert direct == shipment


def test_openapi_lists_every_route(world: World) -> None:
    from django.test import Client

    response = Client().get(API + "/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/reply",
        "/api/v1/commitments/{commitment_id}/waive",
        "/api/v1/shipments/{shipment_id}",
        "/api/v1/inbound",
        "/api/v1/me",
    ):
        assert path in paths
    assert set(paths["/api/v1/cases"]) == {"get", "post"}
    assert {"BearerTokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert "ErrorOut" in schema["components"]["schemas"]
