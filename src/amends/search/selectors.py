"""Search across cases, customers, orders and tracking numbers — only what the user may see."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from amends.accounts.models import User
from amends.cases.selectors import cases_visible_to
from amends.commerce.selectors import orders_visible_to, shipments_visible_to
from amends.customers.selectors import customers_visible_to
from amends.search.backends import backend
from amends.search.engine import Among, Match
from amends.search.models import EntryKind, SearchEntry
from amends.search.text import parse


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    subtitle: str
    # "exact": an identifier is the query; "words": every word matched; "similar": contains
    # the query or is close to it (a partial tracking number, a name with a typo).
    match: str = Match.WORDS


def _visible_among(user: User, kind: str, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` (a few search hits) the user may see."""
    return set(_visible_ids(user, kind).filter(pk__in=list(ids)))


def _visible_ids(user: User, kind: str) -> QuerySet[Any, Any]:
    if kind == EntryKind.CASE:
        return cases_visible_to(user).values_list("pk", flat=True)
    if kind == EntryKind.CUSTOMER:
        return customers_visible_to(user).values_list("pk", flat=True)
    if kind == EntryKind.ORDER:
        return orders_visible_to(user).values_list("pk", flat=True)
    return shipments_visible_to(user).values_list("pk", flat=True)


def _ui_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def search(
    *,
    user: User,
    query: str,
    kinds: list[str] | None = None,
    limit: int = 10,
    language: str | None = None,
) -> list[Hit]:
    """Up to ``limit`` hits per kind, best first; nothing the user may not see.

    ``language`` is the searcher's (default: the language the page is shown in): on
    PostgreSQL its stemmer reads the query. Any text is a valid query; one with no letters or
    digits finds nothing.
    """
    parsed = parse(query)
    if not parsed:
        return []
    engine = backend()
    hits: list[Hit] = []
    for kind in kinds or list(EntryKind.values):
        entries = SearchEntry.objects.filter(kind=kind, object_id__in=_visible_ids(user, kind))
        # The hits are looked for among all entries of the kind first and then checked: a
        # tracking number matches one entry, while the user may see tens of thousands.
        among = Among(
            entries=SearchEntry.objects.filter(kind=kind),
            visible=functools.partial(_visible_among, user, kind),
        )
        found = engine.find(
            entries, parsed, language=language or _ui_language(), limit=limit, among=among
        )
        hits.extend(
            Hit(kind=kind, id=f.object_id, title=f.title, subtitle=f.subtitle, match=f.match)
            for f in found
        )
    return hits
