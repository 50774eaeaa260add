"""Who the caller is."""

from __future__ import annotations

from ninja import Schema


class MeOut(Schema):
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
