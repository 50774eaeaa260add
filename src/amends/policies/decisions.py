"""What the policy engine is asked and what it answers (``policies.engine.evaluate``).

Plain data with no ORM: callers build :class:`Facts` from an order, its shipments and the case,
and a :class:`RemedyRequest` from what an agent (or the proactive notice) proposes.

Both check themselves when built (``ValueError`` naming the field): amounts are finite and not
negative, dates are dates (not datetimes, which would not compare with them), and codes are
written one way (country and currency upper case, carrier lower case) so that the engine can
compare them as they are, on every evaluation, without normalising them again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


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

    def __post_init__(self) -> None:
        for name in _DATE_FIELDS:
            value = getattr(self, name)
            if value is not None and type(value) is not dt.date:
                raise ValueError(f"{name} must be a date, not {type(value).__name__}")
        if self.today is None:
            raise ValueError("today must be a date")
        for name in _MONEY_FIELDS:
            _check_money(name, getattr(self, name), required=name == "paid")
        for name in ("days_without_scan", "days_late"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int):
                raise ValueError(f"{name} must be a whole number of days")
        if self.days_without_scan is not None and self.days_without_scan < 0:
            raise ValueError("days_without_scan must not be negative")
        object.__setattr__(self, "country", (self.country or "").upper())
        object.__setattr__(self, "currency", (self.currency or "").upper())
        if self.carrier is not None:
            object.__setattr__(self, "carrier", self.carrier.lower())


_DATE_FIELDS = ("today", "placed_on", "delivered_on", "membership_start", "membership_end")
_MONEY_FIELDS = ("paid", "refunded", "current_price", "membership_paid")


def _check_money(name: str, value: Any, *, required: bool = False, positive: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'above zero' if positive else 'zero or more'}")


@dataclass(frozen=True)
class RemedyRequest:
    remedy: Remedy
    amount: Decimal | None = None  # None: the most the rules allow
    # The authority of whoever asks: "agent", "supervisor", or "customer" (self-service).
    role: str = "agent"
    # The asker's own limit where it differs from the rules' default for the role.
    authority_limit: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "remedy", Remedy(self.remedy))  # ValueError if unknown
        _check_money("amount", self.amount, positive=True)
        _check_money("authority_limit", self.authority_limit)
        if not isinstance(self.role, str) or not self.role:
            raise ValueError("role must be a non-empty string")


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
    # The values the customer reason's placeholders take (amount, currency, max_amount), raw:
    # the caller formats them for the reader's locale before interpolating.
    customer_values: tuple[tuple[str, str], ...] = ()
    # The most the rules allow for this remedy on this order (monetary remedies only).
    max_amount: Decimal | None = None
    # Who may approve a decision that needs approval: a role ("agent", "supervisor", "manager").
    approver: str | None = None

    @property
    def customer_params(self) -> Mapping[str, str]:
        """``gettext(decision.customer_reason) % decision.customer_params``."""
        return dict(self.customer_values)

    def as_data(self) -> dict[str, Any]:
        """The decision as JSON-able data, for a remedy row or a timeline event: amounts as
        text (never floats), rules as "id vN"."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "outcome": self.outcome.value,
            "remedy": self.remedy.value,
            "amount": text(self.amount),
            "currency": self.currency,
            "rules": [f"{ref.rule_id} v{ref.version}" for ref in self.rules],
            "cost_bearer": self.cost_bearer,
            "without_return": self.without_return,
            "limit": text(self.limit),
            "max_amount": text(self.max_amount),
            "approver": self.approver,
            "explanation": list(self.explanation),
            "customer_reason": self.customer_reason,
            "customer_values": dict(self.customer_values),
        }
