"""Cases: the list, the detail, and the bodies of the changes made to a case."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from amends.api.schemas.commitments import CommitmentOut
from amends.api.schemas.common import ObjectId, Out, Ref

CaseStatusName = Literal[
    "new", "open", "waiting_on_customer", "waiting_on_third_party", "solved", "closed"
]
PriorityValue = Annotated[int, Field(ge=1, le=4, description="1 low … 4 urgent")]


class CaseListItem(Out):
    id: int
    reference: str = Field(examples=["AM-000123"])
    subject: str
    status: str
    priority: int
    brand: str = Field(description="The storefront's code")
    team: Ref
    assignee: Ref | None
    customer: Ref
    bounces: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CasePage(Out):
    items: list[CaseListItem]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end"
    )


class OwnerOut(Out):
    kind: Literal["agent", "team"]
    id: int
    name: str


class OrderSummary(Out):
    id: int
    number: str
    status: str
    placed_at: dt.datetime
    total: str
    currency: str


class TriageOut(Out):
    intents: list[Any]
    sentiment: float | None
    churn_risk: float | None


class CaseDetail(CaseListItem):
    version: int = Field(description="Send back as `version` to refuse stale changes (409)")
    owner: OwnerOut
    language: str
    origin_channel: str
    next_step: str
    satisfaction: int | None
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    last_message_at: dt.datetime | None
    orders: list[OrderSummary] = Field(description="Linked orders you may see")
    open_commitments: list[CommitmentOut]
    triage: TriageOut | None = Field(description="Staff only")


class CaseOpenIn(Schema):
    """Staff open a case for a customer they can see; a customer opens one for themself
    (``customer_id`` omitted or their own, ``message`` required, no team, priority or
    channel)."""

    customer_id: ObjectId | None = None
    subject: str = Field(max_length=300)
    message: str = Field("", description="What the customer said; recorded as their message")
    priority: PriorityValue | None = None
    team_id: ObjectId | None = None
    channel: str | None = Field(None, description="Where the customer reached us (staff only)")
    order_ids: list[ObjectId] = Field(default_factory=list, max_length=50)


class CaseAssignIn(Schema):
    assignee_id: ObjectId
    version: int | None = Field(None, ge=1)


class CaseTransferIn(Schema):
    note: str = Field("", max_length=5000, description="Hand-off note; required")
    to_assignee_id: ObjectId | None = None
    to_team_id: ObjectId | None = None
    version: int | None = Field(None, ge=1)


class CaseStatusIn(Schema):
    status: CaseStatusName
    reason: str = Field("", max_length=500)
    version: int | None = Field(None, ge=1)


class CaseFilters(Schema):
    status: list[CaseStatusName] | None = Field(None, description="Repeat for several")
    team_id: ObjectId | None = None
    assignee_id: ObjectId | None = None
    assignee: Literal["me", "none"] | None = Field(None, description="Mine, or unassigned")
    brand: str | None = Field(None, max_length=16, description="Storefront code")
    priority: PriorityValue | None = None
    customer_id: ObjectId | None = None
    q: str | None = Field(None, max_length=200, description="Words in the subject")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class EventOut(Out):
    id: int
    kind: str
    created_at: dt.datetime
    actor: Ref | None
    data: dict[str, Any]
