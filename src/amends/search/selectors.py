"""Search across cases, customers, orders and tracking numbers — only what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from amends.accounts.models import User
from amends.cases.selectors import cases_visible_to
from amends.commerce.selectors import orders_visible_to, shipments_visible_to
from amends.customers.selectors import customers_visible_to
from amends.search.backends import backend, terms
from amends.search.models import EntryKind, SearchEntry


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    subtitle: str


def _visible_ids(user: User, kind: str) -> QuerySet[Any, Any]:
    if kind == EntryKind.CASE:
        return cases_visible_to(user).values_list("pk", flat=True)
    if kind == EntryKind.CUSTOMER:
        return customers_visible_to(user).values_list("pk", flat=True)
    if kind == EntryKind.ORDER:
        return orders_visible_to(user).values_list("pk", flat=True)
    return shipments_visible_to(user).values_list("pk", flat=True)


def search(*, user: User, query: str, kinds: list[str] | None = None, limit: int = 10) -> list[Hit]:
    """Up to ``limit`` hits per kind, newest objects first; nothing the user may not see."""
    words = terms(query)
    if not words:
        return []
    engine = backend()
    hits: list[Hit] = []
    for kind in kinds or list(EntryKind.values):
        qs = SearchEntry.objects.filter(kind=kind, object_id__in=_visible_ids(user, kind))
        rows = engine.match(qs, words).order_by("-object_id")[:limit]
        hits.extend(
            Hit(kind=kind, id=r.object_id, title=r.title, subtitle=r.subtitle) for r in rows
        )
    return hits
