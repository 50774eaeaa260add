"""What the policy engine is asked and what it answers (``policies.engine.evaluate``).

Plain data with no ORM: callers build :class:`Facts` from an order, its shipments and the case,
and a :class:`RemedyRequest` from what an agent (or the proactive notice) proposes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Outcome(StrEnum):
    ALLOWED = "allowed"
    NEEDS_APPROVAL = "needs_approval"
    DENIED = "denied"


class Remedy(StrEnum):
    """The same values as ``commerce.models.RemedyKind``."""

    REFUND_FULL = "refund_full"
    REFUND_PARTIAL = "refund_partial"
    RESHIP = "reship"
    PRICE_ADJUSTMENT = "price_adjustment"
    RETURN_LABEL = "return_label"
    REDELIVERY = "redelivery"
    GOODWILL_CREDIT = "goodwill_credit"
    MEMBERSHIP_CANCELLATION = "membership_cancellation"


@dataclass(frozen=True)
class Facts:
    """Everything a rule may look at. ``today`` is the storefront's date; nothing is read from
    a clock inside the engine."""

    today: dt.date
    country: str  # storefront country, ISO 3166-1 alpha-2
    currency: str
    placed_on: dt.date
    paid: Decimal  # what the customer paid for the order
    refunded: Decimal = Decimal("0")  # already refunded or credited on it
    delivered_on: dt.date | None = None
    shipment_status: str | None = None  # carriers.taxonomy.TrackingStatus value
    carrier: str | None = None  # carrier code
    days_without_scan: int | None = None
    days_late: int = 0  # delivered (or still travelling) this many days after the promise
    seller_fulfilled: bool = False
    # Lowest advertised price of the same items since purchase, for the price-drop rule.
    current_price: Decimal | None = None
    # Membership: paid for the period, its start and end, for a pro-rated refund.
    membership_paid: Decimal | None = None
    membership_start: dt.date | None = None
    membership_end: dt.date | None = None
    # What the customer reports: "damaged", "not_as_described", "lost", "late", "price_drop",
    # "changed_mind", "cancel_membership", ...
    reported_problem: str | None = None


@dataclass(frozen=True)
class RemedyRequest:
    remedy: Remedy
    amount: Decimal | None = None  # None: the most the rules allow
    # The authority of whoever asks: "agent", "supervisor", or "customer" (self-service).
    role: str = "agent"
    # The asker's own limit where it differs from the rules' default for the role.
    authority_limit: Decimal | None = None


@dataclass(frozen=True)
class RuleRef:
    rule_id: str
    version: int


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    remedy: Remedy
    amount: Decimal | None  # granted (or proposed for approval); never more than paid - refunded
    currency: str
    rules: tuple[RuleRef, ...]  # every rule that made the decision, never empty
    cost_bearer: str | None = None  # "platform", "seller" or "carrier"
    without_return: bool = False  # the customer keeps or need not send back the item
    limit: Decimal | None = None  # the authority limit that applied
    # Why, for the agent: short sentences naming the rules ("R12 v3: damaged in transit ...").
    explanation: tuple[str, ...] = field(default_factory=tuple)
    # Why, for the customer: a message id for gettext plus its values, worded by the caller
    # in the customer's language and register.
    customer_reason: str = ""
