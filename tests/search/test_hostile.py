"""Whatever is typed into search — engine syntax, NUL bytes, 10,000 characters, emoji, RTL text —
the searcher gets hits or none, never an error page. On SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amends.accounts.models import Team, User
from amends.cases.models import Case
from amends.conversations.services import message_receive
from amends.search.selectors import search
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, make_agent, make_token

pytestmark = pytest.mark.django_db

HOSTILE = [
    "AND",
    "colis AND",
    "OR NOT",
    '"',
    '"colis',
    '""""',
    "*",
    "colis*",
    "**",
    "NEAR(",
    "NEAR(colis jamais, 2)",
    "-",
    "-colis",
    "colis -jamais",
    ":",
    "body:colis",
    "{body}: colis",
    "a:*",
    "^colis",
    "colis & ! | <-> (",
    "' OR 1=1 --",
    "'; DROP TABLE search_searchentry; --",
    "\\",
    "%_%",
    "()",
    "x" * 10_000,
    "colis " * 2_000,
    "a\x00b",
    "\x00",
    "colis\x00jamais",
    "!!! ??? ... ---",
    "🙂📦🚚",
    "colis 📦",
    "👩‍👩‍👧‍👦",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "\u02bcn",  # a letter (modifier apostrophe) that unaccent turns into a quote
    "١٢٣",
    "\U0001d7d9\U0001d7da",  # double-struck digits
    "\U0010ffff",
    "x\ud800y",  # a lone surrogate
]


@pytest.fixture(autouse=True)
def no_rejected_queries(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The database never had to reject a search query (which would be logged and hidden)."""
    yield
    rejected = [r for r in caplog.records if r.name == "amends.search" and r.levelname == "ERROR"]
    assert rejected == []


@pytest.fixture
def world(django_capture_on_commit_callbacks: Callable[..., Any]) -> tuple[Team, User, Case]:
    with django_capture_on_commit_callbacks(execute=True):
        team = TeamFactory()
        agent = make_agent(team)
        person = CustomerFactory(brand=team.brand, name="Dana Cohen")
        case = CaseFactory(team=team, brand=team.brand, customer=person, subject="Colis jamais")
        message_receive(case=case, text="שלום, החבילה לא הגיעה. مرحبا 📦", channel="web")
    return team, agent, case


@pytest.mark.parametrize("query", HOSTILE)
def test_the_selector_takes_any_text(world: tuple[Team, User, Case], query: str) -> None:
    _, agent, _ = world
    hits = search(user=agent, query=query)
    assert isinstance(hits, list)


@pytest.mark.parametrize("query", ["!!! ??? ... ---", "🙂📦🚚", "\x00", "", "   ", "\ufeff"])
def test_a_query_without_letters_or_digits_finds_nothing(
    world: tuple[Team, User, Case], query: str
) -> None:
    _, agent, _ = world
    assert search(user=agent, query=query) == []


def test_engine_words_are_only_words(world: tuple[Team, User, Case]) -> None:
    _, agent, case = world
    assert [h.id for h in search(user=agent, query="colis -jamais", kinds=["case"])] == [case.pk]
    assert [h.id for h in search(user=agent, query="NEAR(colis", kinds=["case"])] == []
    assert [h.id for h in search(user=agent, query="colis\x00jamais", kinds=["case"])] == [case.pk]


def test_right_to_left_text_is_found(world: tuple[Team, User, Case]) -> None:
    _, agent, case = world
    assert [h.id for h in search(user=agent, query="החבילה", kinds=["case"])] == [case.pk]
    assert [h.id for h in search(user=agent, query="مرحبا", kinds=["case"])] == [case.pk]
    assert [h.id for h in search(user=agent, query="colis 📦", kinds=["case"])] == [case.pk]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=300))
def test_any_unicode_at_all(world: tuple[Team, User, Case], query: str) -> None:
    _, agent, _ = world
    search(user=agent, query=query)


@pytest.mark.parametrize(
    "query", ["AND", '"', "NEAR(", "a:*", "colis -x", "\x00", "🙂", "שלום", "' OR 1=1 --"]
)
def test_the_api_answers_200(world: tuple[Team, User, Case], query: str) -> None:
    _, agent, _ = world
    client = Client(headers={"Authorization": f"Bearer {make_token(agent)}"})
    response = client.get(f"/api/v1/search?q={quote(query)}")
    assert response.status_code == 200, response.content


def test_the_api_refuses_a_huge_query_clearly(world: tuple[Team, User, Case]) -> None:
    _, agent, _ = world
    client = Client(headers={"Authorization": f"Bearer {make_token(agent)}"})
    response = client.get(f"/api/v1/search?q={'x' * 10_000}")
    assert response.status_code == 422
    assert b"q" in response.content


@pytest.mark.parametrize(
    "query", ["AND", '"', "NEAR(", "a:*", "\x00", "x" * 10_000, "🙂📦", "שלום", "---"]
)
def test_the_search_page_answers_200(world: tuple[Team, User, Case], query: str) -> None:
    _, agent, _ = world
    client = Client()
    client.force_login(agent)
    response = client.get("/console/search/", {"q": query})
    assert response.status_code == 200
