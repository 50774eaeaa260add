"""Who the caller is."""

from __future__ import annotations

from amends.api.schemas.common import Out


class MeOut(Out):
    id: int
    email: str
    name: str
    role: str
    language: str
    customer_id: int | None
    seller_id: int | None
    team_ids: list[int]
    brands: list[str]
    may_work_cases: bool
