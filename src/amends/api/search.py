"""``GET /search?q=``: cases, customers, orders and tracking numbers the caller may see."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from amends.api.permissions import current_user
from amends.api.schemas.common import ERRORS_LIST, Out
from amends.search.selectors import search

router = Router(tags=["search"])

Kind = Literal["case", "customer", "order", "shipment"]


class SearchFilters(Schema):
    q: str = Field(min_length=1, max_length=200, description="Words; each must match as a prefix")
    kind: list[Kind] = Field(default_factory=list, description="Only these kinds (repeatable)")
    limit: int = Field(default=10, ge=1, le=50, description="Hits per kind")


class SearchHit(Out):
    kind: str
    id: int
    title: str
    subtitle: str


class SearchResults(Out):
    items: list[SearchHit]


@router.get("/search", response={200: SearchResults, **ERRORS_LIST})
def search_route(request: HttpRequest, filters: Query[SearchFilters]) -> SearchResults:
    """Newest first within each kind. An object you may not see is never in the results."""
    user = current_user(request)
    hits = search(user=user, query=filters.q, kinds=list(filters.kind) or None, limit=filters.limit)
    return SearchResults(
        items=[SearchHit(kind=h.kind, id=h.id, title=h.title, subtitle=h.subtitle) for h in hits]
    )
