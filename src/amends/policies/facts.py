"""The policy engine's facts about one order, read from the database (the engine reads none).

Dates are the storefront's calendar days (``policies.selectors.today_for_brand``). With several
parcels, the one the request is about is given; without one, the parcel whose state matters
most for a remedy is taken: a problem first (lost, damaged, returned, failed), then one still
travelling, then the last delivered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from amends.carriers.models import Shipment
from amends.carriers.taxonomy import PROBLEMS, TrackingStatus
from amends.commerce.models import Order
from amends.policies.decisions import Facts
from amends.policies.selectors import today_for_brand


def _local(moment: dt.datetime, time_zone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def _weight(shipment: Shipment) -> tuple[int, int]:
    if shipment.status in PROBLEMS:
        return (0, -shipment.pk)
    if shipment.status != TrackingStatus.DELIVERED:
        return (1, -shipment.pk)
    return (2, -shipment.pk)


def _parcel(order: Order) -> Shipment | None:
    shipments = list(order.shipments.select_related("carrier"))
    return min(shipments, key=_weight) if shipments else None


def _days_late(shipment: Shipment, *, today: dt.date, time_zone: str) -> int:
    promised = shipment.promised_delivery or shipment.estimated_delivery
    if promised is None:
        return 0
    if shipment.delivered_at is not None:
        arrived = _local(shipment.delivered_at, time_zone)
    elif shipment.estimated_delivery is not None and shipment.estimated_delivery > today:
        arrived = shipment.estimated_delivery  # the carrier says it will be this late
    else:
        arrived = today
    return max(0, (arrived - promised).days)


def facts_for_order(
    *,
    order: Order,
    shipment: Shipment | None = None,
    reported_problem: str | None = None,
    today: dt.date | None = None,
    current_price: Decimal | None = None,
    membership_paid: Decimal | None = None,
    membership_start: dt.date | None = None,
    membership_end: dt.date | None = None,
) -> Facts:
    brand = order.brand
    today = today or today_for_brand(brand)
    parcel = shipment if shipment is not None else _parcel(order)
    delivered_on = without_scan = None
    days_late = 0
    if parcel is not None:
        if parcel.delivered_at is not None:
            delivered_on = _local(parcel.delivered_at, brand.time_zone)
        if parcel.last_event_at is not None and parcel.status != TrackingStatus.DELIVERED:
            without_scan = max(0, (today - _local(parcel.last_event_at, brand.time_zone)).days)
        days_late = _days_late(parcel, today=today, time_zone=brand.time_zone)
    return Facts(
        today=today,
        country=brand.country,
        currency=order.currency,
        placed_on=_local(order.placed_at, brand.time_zone),
        paid=order.total,
        refunded=order.refunded_total,
        delivered_on=delivered_on,
        shipment_status=parcel.status if parcel is not None else None,
        carrier=parcel.carrier.code if parcel is not None else None,
        days_without_scan=without_scan,
        days_late=days_late,
        seller_fulfilled=order.seller_id is not None,
        current_price=current_price,
        membership_paid=membership_paid,
        membership_start=membership_start,
        membership_end=membership_end,
        reported_problem=reported_problem,
    )
