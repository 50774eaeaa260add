"""Search starts from the hits and checks which the searcher may see (``engine.Among``): the
same hits as searching only what they may see, never one more, also past the candidate cap."""

from __future__ import annotations

from typing import Any

import pytest

from amends.accounts.models import User
from amends.search import engine
from amends.search.backends import backend
from amends.search.models import EntryKind, SearchEntry
from amends.search.selectors import _visible_ids, search
from amends.search.text import parse
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, make_agent

pytestmark = pytest.mark.django_db


def _cases(team: Any, subject: str, n: int) -> list[int]:
    return [
        CaseFactory(
            team=team, brand=team.brand, customer=CustomerFactory(brand=team.brand), subject=subject
        ).pk
        for _ in range(n)
    ]


@pytest.fixture
def two_desks(django_capture_on_commit_callbacks: Any) -> tuple[User, list[int], list[int]]:
    """Léa sees two old cases about a "bouilloire"; another desk has five newer ones."""
    with django_capture_on_commit_callbacks(execute=True):
        mine, theirs = TeamFactory(), TeamFactory()
        lea = make_agent(mine)
        seen = _cases(mine, "Bouilloire cassée", 2)
        hidden = _cases(theirs, "Bouilloire cassée", 5)
    return lea, seen, hidden


def case_ids(hits: list[Any]) -> list[int]:
    return [h.id for h in hits if h.kind == "case"]


def test_only_visible_hits_below_the_cap(two_desks: tuple[User, list[int], list[int]]) -> None:
    lea, seen, _ = two_desks
    assert case_ids(search(user=lea, query="bouilloire", kinds=["case"])) == sorted(
        seen, reverse=True
    )


@pytest.mark.parametrize("cap", [1, 3, 5, 7, 8, 200])
def test_the_visible_hits_are_found_past_the_cap_too(
    two_desks: tuple[User, list[int], list[int]], monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    """With more matches than the cap, all of them newer than Léa's, the search falls back to
    her visible entries: her two cases are still found, and none of the others."""
    lea, seen, _ = two_desks
    monkeypatch.setattr(engine, "CANDIDATES", cap)
    for query in ("bouilloire", "bouilloire cassee", "bouil"):
        assert case_ids(search(user=lea, query=query, kinds=["case"])) == sorted(
            seen, reverse=True
        ), query
        assert case_ids(search(user=lea, query=query, kinds=["case"], limit=1)) == [max(seen)]


@pytest.mark.parametrize("query", ["bouilloire", "bouil", "cassee", "AM-0", "zzz", "bou cas"])
def test_the_same_hits_as_searching_only_the_visible_entries(
    two_desks: tuple[User, list[int], list[int]], query: str
) -> None:
    lea, _, _ = two_desks
    parsed = parse(query)
    kind = EntryKind.CASE
    restricted = SearchEntry.objects.filter(kind=kind, object_id__in=_visible_ids(lea, kind))
    before = backend().find(restricted, parsed, language="en", limit=20)
    now = search(user=lea, query=query, kinds=[kind], limit=20)
    assert [(f.object_id, f.match) for f in before] == [(h.id, h.match) for h in now]


def test_a_hit_the_check_refuses_is_never_returned(
    two_desks: tuple[User, list[int], list[int]],
) -> None:
    """Even when the visible entries given alongside would allow everything."""
    found = backend().find(
        SearchEntry.objects.filter(kind="case"),
        parse("bouilloire"),
        language="en",
        limit=10,
        among=engine.Among(entries=SearchEntry.objects.filter(kind="case"), visible=lambda ids: ()),
    )
    assert found == []
