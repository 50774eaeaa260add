"""Commitments: promises to a customer with an owner and a due time."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from amends.api.schemas.common import ObjectId, Out, Ref

CommitmentKindName = Literal[
    "callback", "reply", "refund", "replacement", "delivery_estimate", "investigation", "other"
]
CommitmentStateName = Literal["open", "kept", "broken", "waived"]


class CommitmentOut(Out):
    id: int
    case_id: int
    case_reference: str
    kind: str
    description: str
    owner: Ref | None = Field(None, description="Shown to staff only")
    due_at: dt.datetime
    state: str
    created_at: dt.datetime
    closed_at: dt.datetime | None = None
    fulfilled_by: str = Field("", description="Shown to staff only")
    waive_reason: str = Field("", description="Shown to staff only")


class CommitmentPage(Out):
    items: list[CommitmentOut]
    next_cursor: str | None


class CommitmentFilters(Schema):
    state: CommitmentStateName | None = None
    due_before: dt.datetime | None = Field(
        None, description="With a time zone offset (encode + as %2B)"
    )
    owner: Literal["me"] | None = Field(None, description="Only the promises you own")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class CommitmentIn(Schema):
    """Exactly one of ``due_at``, ``within_business_days``, ``within_business_hours`` and
    ``local_time`` says when the promise is due (business time of the case's storefront)."""

    kind: CommitmentKindName
    description: str = Field(max_length=500)
    due_at: dt.datetime | None = Field(None, description="With a time zone offset")
    within_business_days: int | None = None
    within_business_hours: float | None = None
    local_time: dt.time | None = Field(None, description="Today (or the next business day)")
    owner_id: ObjectId | None = Field(None, description="Defaults to the case's assignee, then you")


class CommitmentKeepIn(Schema):
    fulfilled_by: str = Field(max_length=64, description="e.g. message:12, remedy:3, call")


class CommitmentWaiveIn(Schema):
    reason: str = Field(max_length=500)
