"""The ORM side of the order rules: a storefront's terms and an order's facts.

Terms are code for now: an EU default (30-day returns, above the 14-day legal right of
withdrawal; a seven-day price-drop refund; a parcel with no scan for ten days counts as lost)
with per-country overrides in ``COUNTRY_OVERRIDES``. These terms become versioned policy rules
when the policy engine lands: the same numbers, stored as data, validated on save, with each
decision naming the rule and version that made it. ``order_rules`` does not change then; only
where its ``Terms`` come from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.commerce.models import Order
from amends.policies.order_terms import NOT_TRAVELLING, OrderFacts, Terms

# Per carrier: days without a scan after which the shop treats a parcel as lost.
LOST_AFTER_DAYS: dict[str, int] = {"dhl": 10, "postnl": 10, "colissimo": 10, "seur": 8}

EU_DEFAULT = Terms(
    return_days=30,
    legal_withdrawal_days=14,
    price_drop_days=7,
    lost_after_days_default=10,
    lost_after_days=LOST_AFTER_DAYS,
)

# Storefront country → the fields of ``Terms`` that differ from the EU default there.
COUNTRY_OVERRIDES: dict[str, dict[str, Any]] = {
    # Parcels to and from the islands travel longer; wait a little more before calling them lost.
    "ES": {"lost_after_days_default": 12, "lost_after_days": {**LOST_AFTER_DAYS, "seur": 12}},
    "IT": {"lost_after_days_default": 12},
}


def terms_for_brand(brand: Brand) -> Terms:
    """The terms of a storefront: the EU default with its country's overrides."""
    overrides = COUNTRY_OVERRIDES.get((brand.country or "").upper(), {})
    return dataclasses.replace(EU_DEFAULT, **overrides) if overrides else EU_DEFAULT


def today_for_brand(brand: Brand, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the storefront is."""
    return (now or timezone.now()).astimezone(ZoneInfo(brand.time_zone)).date()


def order_facts(*, order: Order) -> OrderFacts:
    """The facts the rules need. Reads ``order.shipments`` (with their events) and lines, which
    ``commerce.selectors.orders_of_customer`` prefetches."""
    shipments: list[Shipment] = list(order.shipments.all())
    statuses = tuple(s.status for s in shipments)
    delivered_at: dt.datetime | None = None
    if shipments and all(s.status == TrackingStatus.DELIVERED for s in shipments):
        moments = [s.delivered_at or _last_scan(s) for s in shipments]
        known = [m for m in moments if m is not None]
        delivered_at = max(known) if known else None
    travelling = [s for s in shipments if s.status not in NOT_TRAVELLING]
    scans = [m for m in (_last_scan(s) or s.shipped_at for s in travelling) if m is not None]
    seller = order.seller or next(
        (line.seller for line in order.lines.all() if line.seller is not None), None
    )
    return OrderFacts(
        placed_at=order.placed_at,
        brand_country=order.brand.country,
        time_zone=order.brand.time_zone,
        currency=order.currency,
        total=order.total,
        delivered_at=delivered_at,
        carrier_codes=tuple(sorted({s.carrier.code for s in shipments})),
        shipment_statuses=statuses,
        last_scan_at=max(scans) if scans else None,
        has_seller=seller is not None,
        seller_name=seller.name if seller is not None else "",
        is_premium=order.customer.is_premium,
    )


def _last_scan(shipment: Shipment) -> dt.datetime | None:
    events = list(shipment.events.all())
    return max((e.occurred_at for e in events), default=None)
