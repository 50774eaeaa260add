"""Helpers the stories share: orders, parcels, remedies and local times."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from amends.accounts.models import User
from amends.carriers.models import Shipment, TrackingEvent
from amends.cases.models import Case, Channel
from amends.commerce.models import Order, OrderLine, OrderStatus, Remedy, RemedyStatus, Seller
from amends.customers.models import Customer
from amends.demo.reference import DemoWorld
from amends.inbound.services import InboundResult, inbound_receive


@dataclass(frozen=True)
class Line:
    sku: str
    title: str
    unit_price: Decimal
    quantity: int = 1


@dataclass(frozen=True)
class Scan:
    status: str
    at: dt.datetime
    description: str
    location: str = ""
    carrier_code: str = ""


def local_at(
    world: DemoWorld, brand: str, *, days_ago: int, hour: int, minute: int = 0
) -> dt.datetime:
    """``hour:minute`` local time at the storefront, ``days_ago`` days before today."""
    tz = ZoneInfo(world.brands[brand].time_zone)
    today = world.now.astimezone(tz).date()
    day = today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz).astimezone(dt.UTC)


def make_order(
    world: DemoWorld,
    *,
    customer: Customer,
    number: str,
    placed_at: dt.datetime,
    lines: Sequence[Line],
    seller: Seller | None = None,
    status: str = OrderStatus.PAID,
) -> Order:
    total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    order = Order.objects.create(
        brand=customer.brand,
        customer=customer,
        seller=seller,
        number=number,
        status=status,
        placed_at=placed_at,
        currency=customer.brand.currency,
        total=total,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            sku=line.sku,
            title=line.title,
            quantity=line.quantity,
            unit_price=line.unit_price,
            seller=seller,
        )
        for line in lines
    )
    return order


def ship(
    world: DemoWorld,
    *,
    order: Order,
    carrier: str,
    tracking_number: str,
    scans: Sequence[Scan],
    estimated_delivery: dt.date | None = None,
) -> Shipment:
    last = scans[-1]
    delivered = [s.at for s in scans if s.status == "delivered"]
    shipment = Shipment.objects.create(
        order=order,
        carrier=world.carriers[carrier],
        tracking_number=tracking_number,
        status=last.status,
        shipped_at=scans[0].at,
        delivered_at=delivered[-1] if delivered else None,
        estimated_delivery=estimated_delivery,
        promised_delivery=estimated_delivery,
        last_event_at=last.at,
    )
    TrackingEvent.objects.bulk_create(
        TrackingEvent(
            shipment=shipment,
            status=scan.status,
            carrier_code=scan.carrier_code,
            description=scan.description,
            location=scan.location,
            occurred_at=scan.at,
        )
        for scan in scans
    )
    return shipment


def grant_remedy(
    *,
    case: Case,
    order: Order,
    kind: str,
    amount: Decimal,
    decided_by: User,
    key: str,
    decision: dict[str, Any],
    executed_at: dt.datetime | None = None,
) -> Remedy:
    """Record a remedy the story's agent granted in the past, with its decision written out (the
    demo tells what happened; remedies granted now go through ``commerce.remedies``)."""
    return Remedy.objects.create(
        case=case,
        order=order,
        kind=kind,
        status=RemedyStatus.EXECUTED if executed_at else RemedyStatus.APPROVED,
        amount=amount,
        currency=order.currency,
        decided_by=decided_by,
        decision=decision,
        idempotency_key=f"demo:{key}",
        executed_at=executed_at,
    )


def mark_refunded(order: Order, *, amount: Decimal) -> None:
    refunded = order.refunded_total + amount
    status = OrderStatus.REFUNDED if refunded >= order.total else OrderStatus.PARTIALLY_REFUNDED
    Order.objects.filter(pk=order.pk).update(refunded_total=refunded, status=status)
    order.refunded_total, order.status = refunded, status


def euros(amount: Decimal, language: str) -> str:
    """``€ 25,90`` in Dutch, ``25,90 €`` in French, German and Spanish, ``€25.90`` in English."""
    text = f"{amount:.2f}"
    if language == "en":
        return f"€{text}"
    text = text.replace(".", ",")
    return f"€ {text}" if language == "nl" else f"{text} €"


def inbound_case(result: InboundResult) -> Case:
    """The case an inbound demo message landed on (the demo's own payloads never quarantine)."""
    case = result.case
    if case is None:
        raise RuntimeError(f"demo inbound message was quarantined: {result.inbound.reason}")
    return case


def contact_form(payload: dict[str, str]) -> Case:
    """Send ``payload`` through the web contact form's inbound path; return its case."""
    raw = json.dumps(payload, ensure_ascii=False).encode()
    return inbound_case(inbound_receive(channel=Channel.WEB, source="demo:contact-form", raw=raw))


def delivery_day(world: DemoWorld, brand: str, days_ago: int) -> int:
    """``days_ago``, or the Saturday before when that day is a Sunday (no parcel rounds then)."""
    tz = ZoneInfo(world.brands[brand].time_zone)
    day = world.now.astimezone(tz).date() - dt.timedelta(days=days_ago)
    return days_ago + 1 if day.weekday() == 6 else days_ago
