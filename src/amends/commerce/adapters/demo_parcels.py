"""The demo shop's parcels: reships, return labels and redeliveries.

A reship sends the lines again with the carrier of the order's last parcel, as a new
``Shipment`` with a fresh tracking number in that carrier's format (``tracking_numbers``); a
return label gets a number of its own; a redelivery is booked for a parcel still on its way,
on a day from today to :data:`REDELIVERY_MAX_DAYS` ahead (the next business day if none is
asked for). Each function is the *work* of one operation; ``demo.DemoShop`` runs it once per
idempotency key.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TERMINAL, TrackingStatus
from amends.commerce.adapters import demo_books as books
from amends.commerce.adapters.base import LineQuantity, Receipt, ShopError
from amends.commerce.adapters.tracking_numbers import UnknownCarrier, new_tracking_number
from amends.commerce.models import DemoRedelivery, DemoReturnLabel, Order, OrderStatus

# A carrier keeps a parcel for a new attempt this many days at most.
REDELIVERY_MAX_DAYS = 14


def lines_text(lines: Sequence[LineQuantity]) -> str:
    """The lines as one canonical string, for comparing requests; refuses nonsense."""
    if not lines:
        raise ShopError("at least one order line is required", permanent=True)
    wanted: Counter[str] = Counter()
    for line in lines:
        if not line.sku.strip() or line.quantity < 1:
            raise ShopError(f"line {line.sku!r} x {line.quantity} is not valid", permanent=True)
        wanted[line.sku.strip()] += line.quantity
    return ",".join(f"{sku}x{qty}" for sku, qty in sorted(wanted.items()))


def _check_lines(order: Order, lines: Sequence[LineQuantity]) -> None:
    ordered: Counter[str] = Counter()
    for held in order.lines.all():
        ordered[held.sku] += held.quantity
    wanted: Counter[str] = Counter()
    for line in lines:
        wanted[line.sku.strip()] += line.quantity
    for sku, quantity in wanted.items():
        if quantity > ordered[sku]:
            raise ShopError(
                f"order {order.number} has {ordered[sku]} of {sku!r}, not {quantity}",
                permanent=True,
            )


def _last_parcel(order: Order) -> Shipment:
    shipments = Shipment.objects.filter(order=order).select_related("carrier")
    shipment = shipments.order_by("-id").first()
    if shipment is None:
        raise ShopError(f"order {order.number} has no parcel yet", permanent=True)
    return shipment


def _local_day(brand: Brand, moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, ZoneInfo(brand.time_zone)).date()


def _tracking_number(carrier_code: str) -> str:
    try:
        return new_tracking_number(carrier_code)
    except UnknownCarrier as exc:
        raise ShopError(str(exc), permanent=True) from exc


def _new_parcel(order: Order, original: Shipment, *, expected_day: dt.date) -> Shipment:
    """A new parcel with the original's carrier; a fresh number if one is drawn twice."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Shipment.objects.create(
                    order=order,
                    carrier=original.carrier,
                    tracking_number=_tracking_number(original.carrier.code),
                    status=TrackingStatus.INFO_RECEIVED,
                    estimated_delivery=expected_day,
                )
        except IntegrityError:
            continue
    raise ShopError("no unused tracking number could be drawn; try again")


def reship_execute(*, brand_code: str, number: str, lines: Sequence[LineQuantity]) -> Receipt:
    order = books.order_locked(brand_code=brand_code, number=number)
    if order.status == OrderStatus.CANCELLED:
        raise ShopError(f"order {number} is cancelled", permanent=True)
    _check_lines(order, lines)
    original = _last_parcel(order)
    expected = books.expected_by(order.brand)
    shipment = _new_parcel(order, original, expected_day=_local_day(order.brand, expected))
    books.snapshot_refresh(order)
    return Receipt(
        reference=books.new_reference("RS"),
        confirmed=True,
        currency=order.currency,
        expected_by=expected,
        detail={
            "carrier": original.carrier.code,
            "tracking_number": shipment.tracking_number,
            "shipment_id": str(shipment.pk),
            "replaces": original.tracking_number,
        },
    )


def return_label_execute(*, brand_code: str, number: str, lines: Sequence[LineQuantity]) -> Receipt:
    order = books.order_locked(brand_code=brand_code, number=number)
    _check_lines(order, lines)
    carrier = _last_parcel(order).carrier
    label = DemoReturnLabel.objects.create(
        order=order,
        carrier=carrier,
        tracking_number=_tracking_number(carrier.code),
        reference=books.new_reference("RL"),
        lines=[{"sku": line.sku.strip(), "quantity": line.quantity} for line in lines],
    )
    return Receipt(
        reference=label.reference,
        confirmed=True,
        currency=order.currency,
        detail={"carrier": carrier.code, "tracking_number": label.tracking_number},
    )


def redelivery_execute(
    *, brand_code: str, number: str, tracking_number: str, on: dt.date | None
) -> Receipt:
    order = books.order_locked(brand_code=brand_code, number=number)
    shipment = Shipment.objects.filter(order=order, tracking_number=tracking_number).first()
    if shipment is None:
        raise ShopError(f"parcel {tracking_number} is not part of order {number}", permanent=True)
    if shipment.status in TERMINAL:
        raise ShopError(
            f"parcel {tracking_number} cannot be delivered again: it is {shipment.status}",
            permanent=True,
        )
    today = books.local_today(order.brand)
    day = on or _local_day(order.brand, order.brand.calendar().add_business_days(timezone.now(), 1))
    if day < today or day > today + dt.timedelta(days=REDELIVERY_MAX_DAYS):
        raise ShopError(
            f"a new attempt can be booked from {today} to "
            f"{today + dt.timedelta(days=REDELIVERY_MAX_DAYS)}, not on {day}",
            permanent=True,
        )
    booking = DemoRedelivery.objects.create(
        shipment=shipment, requested_for=day, reference=books.new_reference("RD")
    )
    zone = ZoneInfo(order.brand.time_zone)
    end_of_day = dt.datetime.combine(day, dt.time(20, 0), tzinfo=zone)
    return Receipt(
        reference=booking.reference,
        confirmed=True,
        currency=order.currency,
        expected_by=end_of_day.astimezone(dt.UTC),
        detail={"tracking_number": tracking_number, "date": day.isoformat()},
    )
