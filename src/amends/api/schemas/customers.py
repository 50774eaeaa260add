"""Customers and their identities."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from amends.api.schemas.common import Out


class CustomerListItem(Out):
    id: int
    name: str
    brand: str
    language: str
    country: str
    is_premium: bool
    created_at: dt.datetime


class CustomerPage(Out):
    items: list[CustomerListItem]
    next_cursor: str | None


class CustomerFilters(Schema):
    brand: str | None = Field(None, max_length=16, description="Storefront code")
    q: str | None = Field(None, max_length=200, description="Words in the name")
    email: str | None = Field(None, max_length=254, description="Exact email address")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class IdentityOut(Out):
    kind: str
    value: str
    verified: bool


class CustomerDetail(CustomerListItem):
    # ``register`` would shadow ``BaseModel.register``; the JSON key is still "register".
    register_: str = Field(alias="register", description="formal or informal")
    identities: list[IdentityOut] = Field(description="Empty for sellers")
