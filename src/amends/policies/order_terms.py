"""The rules that apply to one order, computed for that order: until when, and what happens.

Pure: the caller gathers the order's facts (``policies.selectors.order_facts``) and the
storefront's terms (``policies.selectors.terms_for_brand``) and passes today's date in the
storefront's time zone; nothing here reads the database or the clock. The result is a list of
``RuleLine`` — data, not sentences: the portal words each line in the reader's language.

Dates are calendar days in the storefront's time zone. A window of N days "from" a day ends at
the end of the day N days later: bought on 3 March, the seven-day price-drop window is open
until 10 March inclusive and has ended on 11 March.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Shipment statuses, as in ``carriers.taxonomy.TrackingStatus`` (kept as plain strings here so
# the module needs nothing from the ORM side).
DELIVERED = "delivered"
LOST = "lost"
DAMAGED = "damaged"
# After these a parcel is no longer travelling, so "days without a scan" means nothing.
NOT_TRAVELLING = frozenset({DELIVERED, LOST, DAMAGED, "returned_to_sender", "expired"})

EU_WITHDRAWAL_DAYS = 14  # Directive 2011/83/EU, art. 9: the legal minimum for distance sales


class RuleKind(StrEnum):
    RETURN = "return"
    PRICE_DROP = "price_drop"
    LOST = "lost"
    DAMAGED = "damaged"
    SELLER = "seller"


class RuleState(StrEnum):
    OPEN = "open"  # a window that is open until ``until`` (inclusive)
    CLOSED = "closed"  # a window that ended on ``until``
    NOT_STARTED = "not_started"  # a window that starts with an event still to come (delivery)
    APPLIES_NOW = "applies_now"  # it has happened to this order: the rule is in force now
    STANDING = "standing"  # what would happen, should it happen
    DONE = "done"  # no longer relevant (e.g. "if it is lost" once it was delivered)


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about an order, and nothing else."""

    placed_at: dt.datetime
    brand_country: str
    time_zone: str
    currency: str
    total: Decimal
    # When the last parcel arrived; None until every parcel has been delivered.
    delivered_at: dt.datetime | None = None
    carrier_codes: tuple[str, ...] = ()
    shipment_statuses: tuple[str, ...] = ()
    # The latest scan of a parcel still travelling; None when none is or none was scanned yet.
    last_scan_at: dt.datetime | None = None
    has_seller: bool = False
    seller_name: str = ""
    is_premium: bool = False

    def __post_init__(self) -> None:
        for name in ("placed_at", "delivered_at", "last_scan_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(ZoneInfo(self.time_zone)).date()


@dataclass(frozen=True)
class Terms:
    """A storefront's terms. These become versioned policy rules when the policy engine lands."""

    return_days: int = 30
    legal_withdrawal_days: int = EU_WITHDRAWAL_DAYS
    price_drop_days: int = 7
    lost_after_days_default: int = 10
    lost_after_days: Mapping[str, int] = field(default_factory=dict)
    # Longer returns for premium members, when the storefront offers them.
    premium_return_days: int | None = None

    def __post_init__(self) -> None:
        numbers = {
            "return_days": self.return_days,
            "legal_withdrawal_days": self.legal_withdrawal_days,
            "price_drop_days": self.price_drop_days,
            "lost_after_days_default": self.lost_after_days_default,
            **{f"lost_after_days[{k}]": v for k, v in self.lost_after_days.items()},
        }
        if self.premium_return_days is not None:
            numbers["premium_return_days"] = self.premium_return_days
        for name, value in numbers.items():
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 365:
                raise ValueError(f"{name} must be a whole number of days from 1 to 365")
        if self.return_days < self.legal_withdrawal_days:
            raise ValueError(
                f"return_days ({self.return_days}) is below the legal minimum of "
                f"{self.legal_withdrawal_days} days"
            )

    def lost_after(self, carrier_code: str) -> int:
        return self.lost_after_days.get(carrier_code.lower(), self.lost_after_days_default)

    def returns_for(self, *, is_premium: bool) -> int:
        if is_premium and self.premium_return_days is not None:
            return max(self.return_days, self.premium_return_days)
        return self.return_days


@dataclass(frozen=True)
class RuleLine:
    """One rule as it applies to the order. ``until`` is the last day (inclusive) of a window."""

    kind: RuleKind
    state: RuleState
    days: int | None = None
    until: dt.date | None = None
    legal_days: int | None = None
    amount: Decimal | None = None
    currency: str = ""
    seller_name: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == RuleState.OPEN


def _window(*, start: dt.date, days: int, today: dt.date) -> tuple[dt.date, RuleState]:
    until = start + dt.timedelta(days=days)
    return until, RuleState.OPEN if today <= until else RuleState.CLOSED


def _return_rule(*, facts: OrderFacts, terms: Terms, today: dt.date) -> RuleLine:
    days = terms.returns_for(is_premium=facts.is_premium)
    if facts.delivered_at is None:
        return RuleLine(
            kind=RuleKind.RETURN,
            state=RuleState.NOT_STARTED,
            days=days,
            legal_days=terms.legal_withdrawal_days,
        )
    until, state = _window(start=facts.local_date(facts.delivered_at), days=days, today=today)
    return RuleLine(
        kind=RuleKind.RETURN,
        state=state,
        days=days,
        until=until,
        legal_days=terms.legal_withdrawal_days,
    )


def _price_drop_rule(*, facts: OrderFacts, terms: Terms, today: dt.date) -> RuleLine:
    until, state = _window(
        start=facts.local_date(facts.placed_at), days=terms.price_drop_days, today=today
    )
    return RuleLine(kind=RuleKind.PRICE_DROP, state=state, days=terms.price_drop_days, until=until)


def _lost_rule(*, facts: OrderFacts, terms: Terms, today: dt.date) -> RuleLine:
    # Several carriers on one order: the longest threshold holds for every parcel.
    days = max(
        (terms.lost_after(code) for code in facts.carrier_codes),
        default=terms.lost_after_days_default,
    )
    statuses = facts.shipment_statuses
    until: dt.date | None = None
    if LOST in statuses:
        state = RuleState.APPLIES_NOW
    elif statuses and all(status == DELIVERED for status in statuses):
        state = RuleState.DONE
    elif facts.last_scan_at is not None and any(s not in NOT_TRAVELLING for s in statuses):
        until = facts.local_date(facts.last_scan_at) + dt.timedelta(days=days)
        state = RuleState.STANDING if today <= until else RuleState.APPLIES_NOW
    else:
        state = RuleState.STANDING
    return RuleLine(
        kind=RuleKind.LOST,
        state=state,
        days=days,
        until=until,
        amount=facts.total,
        currency=facts.currency,
    )


def _damaged_rule(*, facts: OrderFacts) -> RuleLine:
    state = RuleState.APPLIES_NOW if DAMAGED in facts.shipment_statuses else RuleState.STANDING
    return RuleLine(kind=RuleKind.DAMAGED, state=state, amount=facts.total, currency=facts.currency)


def order_rules(*, facts: OrderFacts, terms: Terms, today: dt.date) -> list[RuleLine]:
    """The rules for this order, in the order a customer asks about them."""
    rules = [
        _return_rule(facts=facts, terms=terms, today=today),
        _price_drop_rule(facts=facts, terms=terms, today=today),
        _lost_rule(facts=facts, terms=terms, today=today),
        _damaged_rule(facts=facts),
    ]
    if facts.has_seller:
        rules.append(
            RuleLine(kind=RuleKind.SELLER, state=RuleState.STANDING, seller_name=facts.seller_name)
        )
    return rules
