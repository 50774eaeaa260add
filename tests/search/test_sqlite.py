"""SQLite only: the planner's figures, the query plans, and the fallback without trigrams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amends.accounts.models import Team, User
from amends.search import schema
from amends.search.engine import Match
from amends.search.selectors import search
from tests.factories import CaseFactory, CustomerFactory, OrderFactory, TeamFactory, make_agent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only"),
]


@pytest.fixture
def world(django_capture_on_commit_callbacks: Callable[..., Any]) -> tuple[Team, User, int]:
    with django_capture_on_commit_callbacks(execute=True):
        team = TeamFactory()
        agent = make_agent(team)
        person = CustomerFactory(brand=team.brand, name="Pieter Janssen")
        case = CaseFactory(team=team, brand=team.brand, customer=person, subject="Colis perdu")
        case.orders.add(OrderFactory(customer=person, number="FR-5566778"))
    return team, agent, case.pk


@pytest.mark.parametrize("query", ["colis", "5566", "qxzjvkw"])
def test_no_search_reads_every_entry(world: tuple[Team, User, int], query: str) -> None:
    _, agent, _ = world
    with CaptureQueriesContext(connection) as captured:
        search(user=agent, query=query)
    plans = []
    with connection.cursor() as cursor:
        for executed in captured.captured_queries:
            if "search_searchentry" in executed["sql"] and "MATCH" in executed["sql"]:
                cursor.execute(f"EXPLAIN QUERY PLAN {executed['sql']}")
                plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
    assert plans
    for plan in plans:
        # entries are looked up by the full-text matches (rowid) or by the visible objects
        # (kind, object_id), never read one after the other
        assert "SEARCH search_searchentry USING" in plan, plan
        assert "SCAN search_searchentry" not in plan, plan
        assert "VIRTUAL TABLE INDEX" in plan, plan


def test_without_the_trigram_table_partial_identifiers_use_like(
    world: tuple[Team, User, int],
) -> None:
    _, agent, case_pk = world
    schema.uninstall_sqlite(connection)  # undone with the test's transaction
    hits = search(user=agent, query="566778", kinds=["case", "order"])
    assert {(h.kind, h.match) for h in hits} == {("case", Match.SIMILAR), ("order", "similar")}
    assert case_pk in {h.id for h in hits}


def test_names_are_not_matched_by_similarity_on_sqlite(world: tuple[Team, User, int]) -> None:
    _, agent, _ = world
    assert search(user=agent, query="Jansen") == []  # PostgreSQL finds Janssen (pg_trgm)
    assert [h.kind for h in search(user=agent, query="anssen")] == ["case", "customer", "order"]
