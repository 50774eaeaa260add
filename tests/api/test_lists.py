"""Lists: cursor pagination, filters, and a constant number of queries per page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amends.cases.models import Case, CaseStatus
from tests.api.conftest import API, ClientFor, World, call, token_client
from tests.factories import CaseFactory, CustomerFactory, OrderFactory, make_agent

pytestmark = pytest.mark.django_db


def walk(client: Client, path: str, params: dict[str, Any]) -> tuple[list[int], int]:
    """Follow ``next_cursor`` to the end; returns every id in order and the number of pages."""
    ids: list[int] = []
    pages = 0
    cursor: str | None = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = client.get(API + path, query)
        assert response.status_code == 200, response.content
        body = response.json()
        pages += 1
        ids.extend(row["id"] for row in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages
        assert len(body["items"]) == params["limit"]
        assert pages < 1000


def test_walking_every_page_yields_each_visible_case_once(world: World) -> None:
    for i in range(23):
        CaseFactory(customer=world.a.customer, team=world.a.team, subject=f"A{i}")
    for i in range(9):
        CaseFactory(customer=world.b.customer, team=world.b.team, subject=f"B{i}")
    visible = set(Case.objects.filter(team=world.a.team).values_list("pk", flat=True))
    ids, pages = walk(token_client(world.a.agent), "/cases", {"limit": 5})
    assert len(ids) == len(set(ids)), "a case appeared twice"
    assert set(ids) == visible
    assert ids == sorted(ids, reverse=True)
    assert pages == 5  # 24 cases, 5 a page

    everything, _ = walk(token_client(world.admin), "/cases", {"limit": 200})
    assert set(everything) == set(Case.objects.values_list("pk", flat=True))


def test_cases_created_while_walking_do_not_shift_the_pages(world: World) -> None:
    for _ in range(6):
        CaseFactory(customer=world.a.customer, team=world.a.team)
    client = token_client(world.a.agent)
    first = client.get(API + "/cases", {"limit": 3}).json()
    CaseFactory(customer=world.a.customer, team=world.a.team)  # newer than everything
    second = client.get(API + "/cases", {"limit": 3, "cursor": first["next_cursor"]}).json()
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert len(set(ids)) == 6
    assert max(r["id"] for r in second["items"]) < min(r["id"] for r in first["items"])


def test_exactly_one_page_has_no_next_cursor(world: World) -> None:
    client = token_client(world.a.agent)
    body = client.get(API + "/cases", {"limit": 1}).json()
    assert len(body["items"]) == 1
    assert body["next_cursor"] is None  # agent A sees exactly one case


def test_walk_customers_orders_and_commitments(world: World, client_for: ClientFor) -> None:
    for _ in range(7):
        customer = CustomerFactory(brand=world.a.brand)
        OrderFactory(customer=customer)
    customers, _ = walk(client_for("supervisor_a"), "/customers", {"limit": 3})
    assert len(customers) == len(set(customers)) == 8
    orders, _ = walk(client_for("supervisor_a"), "/orders", {"limit": 3})
    assert len(orders) == len(set(orders)) == 8

    client = client_for("agent_a")
    for days in (5, 1, 3, 1, 4):
        response = call(
            client,
            "POST",
            f"/cases/{world.a.case.pk}/commitments",
            {"kind": "reply", "description": f"in {days}", "within_business_days": days},
        )
        assert response.status_code == 201
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, "state": "open"}
        if cursor:
            params["cursor"] = cursor
        body = client.get(API + "/commitments", params).json()
        rows.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(rows) == len({r["id"] for r in rows}) == 6
    keys = [(r["due_at"], r["id"]) for r in rows]
    assert keys == sorted(keys)


def test_case_filters(world: World, client_for: ClientFor) -> None:
    agent = make_agent(world.a.team)
    mine = CaseFactory(
        customer=world.a.customer, team=world.a.team, assignee=agent, subject="Broken lamp shade"
    )
    urgent = CaseFactory(
        customer=world.a.customer,
        team=world.a.team,
        priority=4,
        status=CaseStatus.WAITING_ON_CUSTOMER,
        subject="Refund please",
    )
    client = token_client(agent)

    def ids(**params: Any) -> set[int]:
        response = client.get(API + "/cases", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    everything = {world.a.case.pk, mine.pk, urgent.pk}
    assert ids() == everything
    assert ids(assignee="me") == {mine.pk}
    assert ids(assignee_id=agent.pk) == {mine.pk}
    assert ids(assignee="none") == {world.a.case.pk, urgent.pk}
    assert ids(priority=4) == {urgent.pk}
    assert ids(status=["waiting_on_customer", "solved"]) == {urgent.pk}
    assert ids(status=["new", "waiting_on_customer"]) == everything
    assert ids(brand=world.a.brand.code.upper()) == everything
    assert ids(brand=world.b.brand.code) == set()
    assert ids(team_id=world.b.team.pk) == set()
    assert ids(customer_id=world.a.customer.pk) == everything
    assert ids(q="lamp SHADE") == {mine.pk}
    assert ids(q="refund") == {urgent.pk}


def test_list_item_shape(world: World, client_for: ClientFor) -> None:
    row = client_for("agent_a").get(API + "/cases").json()["items"][0]
    assert row == {
        "id": world.a.case.pk,
        "reference": f"AM-{world.a.case.pk:06d}",
        "subject": "Lamp a",
        "status": world.a.case.status,
        "priority": 2,
        "brand": world.a.brand.code,
        "team": {"id": world.a.team.pk, "name": "Team A"},
        "assignee": None,
        "customer": {"id": world.a.customer.pk, "name": "Customer A"},
        "bounces": 0,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


@pytest.mark.parametrize("role", ["admin", "supervisor_a", "agent_a", "customer_x", "seller_s"])
def test_case_list_queries_do_not_grow_with_the_page(
    role: str, world: World, client_for: ClientFor
) -> None:
    client = client_for(role)
    client.get(API + "/cases")  # the token's last_used_at is written once, on first use

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API + "/cases", {"limit": 200}).status_code == 200
        return len(captured)

    before = queries()
    for i in range(30):
        agent = make_agent(world.a.team)
        case = CaseFactory(customer=world.a.customer, team=world.a.team, assignee=agent)
        case.orders.add(world.a.order)
        del i
    assert queries() == before
    assert before <= 4


def test_case_list_sql_orders_by_id_and_never_counts(world: World, client_for: ClientFor) -> None:
    with CaptureQueriesContext(connection) as captured:
        client_for("agent_a").get(API + "/cases", {"status": "new"})
    sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
    assert "COUNT(" not in sql
    assert 'ORDER BY "CASES_CASE"."ID" DESC' in sql


def test_default_page_is_50_and_at_most_200(world: World) -> None:
    for _ in range(250):
        CaseFactory(customer=world.a.customer, team=world.a.team)
    client = token_client(world.admin)
    assert len(client.get(API + "/cases").json()["items"]) == 50
    assert len(client.get(API + "/cases", {"limit": 200}).json()["items"]) == 200
