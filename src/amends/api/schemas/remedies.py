"""Remedies: what the policy decided on a case's order, and the body that asks for one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from amends.api.schemas.common import ObjectId, Out, Ref

# The values of ``commerce.models.RemedyKind`` (tests/api/test_remedies.py checks they agree).
RemedyName = Literal[
    "refund_full",
    "refund_partial",
    "reship",
    "price_adjustment",
    "return_label",
    "redelivery",
    "goodwill_credit",
    "membership_cancellation",
]
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]


class RemedyOut(Out):
    id: int
    case_id: int
    order_id: int | None
    kind: str = Field(description="refund_full, reship, price_adjustment, …")
    status: str = Field(
        description="approved (the shop carries it out), needs_approval, denied, executed, failed"
    )
    amount: str | None = Field(description="Granted (or proposed for approval); none if denied")
    currency: str
    created_at: dt.datetime
    executed_at: dt.datetime | None
    confirmed_at: dt.datetime | None = Field(description="When the shop confirmed it")
    customer_reason: str = Field(
        description="Why, in the customer's language and register, as the customer is told"
    )
    rules: list[str] = Field(
        default_factory=list, description="Staff only: the rules that decided, as 'id vN'"
    )
    explanation: list[str] = Field(
        default_factory=list, description="Staff only: one sentence per rule that counted"
    )
    cost_bearer: str | None = Field(None, description="Staff only: platform, seller or carrier")
    approver: str | None = Field(
        None, description="Staff only: who must approve it (agent, supervisor or manager)"
    )
    decided_by: Ref | None = Field(None, description="Staff only: who granted or approved it")


class RemedyIn(Schema):
    """What to ask the policy for. Unknown fields are refused: a misspelt ``amount`` must not
    quietly become "the most the policy allows"."""

    model_config = ConfigDict(extra="forbid")

    order_id: ObjectId = Field(description="An order of the case")
    remedy: RemedyName
    amount: Money | None = Field(
        None, gt=0, description="Empty: the most the policy allows for this order"
    )
    reported_problem: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[a-z][a-z_]*$",
        description="What the customer reports: damaged, lost, late, not_as_described, "
        "price_drop, changed_mind, cancel_membership",
    )
    current_price: Money | None = Field(
        None, ge=0, description="The lowest price since purchase, for a price-drop adjustment"
    )
