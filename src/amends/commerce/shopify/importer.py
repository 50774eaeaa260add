"""Shopify orders, refunds and fulfilments into amends' snapshots.

* An **order** body (``orders/create``, ``/updated``, ``/paid``, ``/cancelled`` — all carry the
  whole order) upserts the ``Order``, its lines and its customer, and the refunds and
  fulfilments it lists. What the order is *now* is worked out from the body, never from the
  topic, so the same body under two topics has the same effect.
* A **refund** (``refunds/create``) is recorded once by its Shopify id; the order's
  ``refunded_total`` is the sum of its refunds' successful refund transactions, and its status
  follows.
* A **fulfilment** (``fulfillments/create``, ``/update``) becomes one ``Shipment`` per tracking
  number — created once, whatever the number of deliveries — with the carrier its
  ``tracking_company`` names (``shopify.carriers``).

A refund or fulfilment about an order not imported yet raises ``Waiting``; it is applied when
the order arrives (``shopify.receive``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.numbers import normalise
from amends.carriers.taxonomy import TrackingStatus
from amends.commerce.models import Order, OrderLine, OrderStatus, ShopifyKind, ShopifyRecord
from amends.commerce.models import ShopifyShop as Shop
from amends.commerce.shopify import payloads as p
from amends.commerce.shopify.carriers import carrier_code, carrier_get
from amends.commerce.shopify.customers import customer_upsert, person_of_order
from amends.commerce.shopify.records import Refused, Waiting, is_stale, record_claim, stale_note
from amends.proactive.services import shipments_changed

MAX_TRACKING_NUMBER = 64  # Shipment.tracking_number

# Shopify's fulfilment ``shipment_status`` values (Fulfillment resource) in amends' taxonomy.
SHIPMENT_STATUS = {
    "label_printed": TrackingStatus.INFO_RECEIVED,
    "label_purchased": TrackingStatus.INFO_RECEIVED,
    "confirmed": TrackingStatus.INFO_RECEIVED,
    "in_transit": TrackingStatus.IN_TRANSIT,
    "out_for_delivery": TrackingStatus.OUT_FOR_DELIVERY,
    "attempted_delivery": TrackingStatus.ATTEMPT_FAILED,
    "ready_for_pickup": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "delivered": TrackingStatus.DELIVERED,
    "failure": TrackingStatus.EXCEPTION,
}
# Fulfilment ``status`` values that mean no parcel left (or it was called back).
VOID_FULFILMENT = frozenset({"cancelled", "error", "failure"})


def _status(
    *, facts: dict[str, object], refunded: Decimal, total: Decimal, parcels: list[str]
) -> str:
    """The order's status from what Shopify said of it, its refunds and its fulfilments."""
    financial = facts.get("financial_status")
    if facts.get("cancelled"):
        return OrderStatus.CANCELLED
    if financial == "refunded" or (total > 0 and refunded >= total):
        return OrderStatus.REFUNDED
    if financial == "partially_refunded" or refunded > 0:
        return OrderStatus.PARTIALLY_REFUNDED
    if parcels or facts.get("fulfillment_status") in {"fulfilled", "partial"}:
        delivered = bool(parcels) and all(s == "delivered" for s in parcels)
        return OrderStatus.DELIVERED if delivered else OrderStatus.SHIPPED
    return OrderStatus.PAID if financial == "paid" else OrderStatus.PLACED


def order_status_refresh(*, shop: Shop, order: Order) -> Order:
    """Work out ``refunded_total`` and ``status`` again from the records of this order."""
    records = ShopifyRecord.objects.filter(shop=shop, order=order)
    refunded = records.filter(kind=ShopifyKind.REFUND).aggregate(s=Sum("amount"))["s"]
    refunded = refunded or Decimal("0.00")
    main = records.filter(kind=ShopifyKind.ORDER).first()
    parcels = [
        str(r.facts.get("shipment_status") or "")
        for r in records.filter(kind=ShopifyKind.FULFILLMENT)
        if r.facts.get("status") not in VOID_FULFILMENT
    ]
    status = _status(
        facts=main.facts if main else {}, refunded=refunded, total=order.total, parcels=parcels
    )
    if (order.status, order.refunded_total) != (status, refunded):
        order.status, order.refunded_total = status, refunded
        order.save(update_fields=["status", "refunded_total", "updated_at"])
    return order


def _order_of(shop: Shop, order_id: int) -> Order:
    record = (
        ShopifyRecord.objects.select_related("order")
        .filter(shop=shop, kind=ShopifyKind.ORDER, shopify_id=order_id, order__isnull=False)
        .first()
    )
    if record is None or record.order is None:
        raise Waiting(order_id)
    return record.order


def _lines_sync(order: Order, items: list[p.LineItem]) -> None:
    wanted = [
        OrderLine(
            order=order,
            sku=(item.sku or "").strip() or f"shopify-{item.variant_id or item.id}",
            title=((item.name or item.title or "").strip() or (item.sku or str(item.id)))[:300],
            quantity=item.quantity,
            unit_price=item.price,
        )
        for item in items
        if item.quantity > 0
    ]
    held = [(x.sku, x.title, x.quantity, x.unit_price) for x in order.lines.order_by("id")]
    if held != [(x.sku, x.title, x.quantity, x.unit_price) for x in wanted]:
        order.lines.all().delete()
        OrderLine.objects.bulk_create(wanted)


def _order_row(shop: Shop, record: ShopifyRecord, payload: p.Order) -> Order:
    """The Order this Shopify order is: linked already, or adopted by its number, or new."""
    if record.order is not None:
        return record.order
    order = Order.objects.filter(brand=shop.brand, number=payload.number).first()
    if order is not None:
        other = ShopifyRecord.objects.filter(order=order, kind=ShopifyKind.ORDER).first()
        if other is not None:
            raise Refused(
                f"conflict: order number {payload.number} already belongs to Shopify order "
                f"{other.shopify_id}"
            )
        return order
    return Order(brand=shop.brand, number=payload.number)


def order_import(*, shop: Shop, payload: p.Order) -> list[str]:
    if not payload.number:
        raise Refused(f"malformed: order name {payload.name!r} holds no order number")
    record, _created = record_claim(shop=shop, kind=ShopifyKind.ORDER, shopify_id=payload.id)
    if is_stale(record, payload.updated_at):
        return [stale_note(f"order {payload.name}", payload.updated_at, record)]
    customer, _stale = customer_upsert(shop=shop, person=person_of_order(payload))
    order = _order_row(shop, record, payload)
    order.customer = customer
    order.placed_at = payload.processed_at or payload.created_at
    order.currency = payload.currency.upper()
    order.total = payload.total_price
    order.save()
    _lines_sync(order, payload.line_items)
    record.order = order
    record.remote_updated_at = payload.updated_at or record.remote_updated_at
    record.facts = {
        "financial_status": payload.financial_status or "",
        "fulfillment_status": payload.fulfillment_status or "",
        "cancelled": payload.cancelled_at is not None,
        "name": payload.name,
    }
    record.save()
    notes = [f"order {payload.name} is amends order {order.pk}"]
    for refund in payload.refunds:
        _refund_record(shop, order, refund)
    for fulfilment in payload.fulfillments:
        notes += _fulfilment_apply(shop, order, fulfilment)
    order_status_refresh(shop=shop, order=order)
    return notes


def _refund_record(shop: Shop, order: Order, refund: p.Refund) -> None:
    record, _created = record_claim(shop=shop, kind=ShopifyKind.REFUND, shopify_id=refund.id)
    record.order = order
    record.amount = refund.amount
    moment = refund.processed_at or refund.created_at
    record.facts = {"processed_at": moment.isoformat() if moment else ""}
    record.save()


def refund_import(*, shop: Shop, payload: p.Refund) -> list[str]:
    order = _order_of(shop, payload.order_id)
    _refund_record(shop, order, payload)
    order = order_status_refresh(shop=shop, order=order)
    return [
        f"refund {payload.id} of {payload.amount} on order {order.number}: "
        f"refunded {order.refunded_total} in all, {order.status}"
    ]


def _parcel(shop: Shop, order: Order, fulfilment: p.Fulfillment, raw_number: str) -> str:
    number = normalise(raw_number)
    if not number or len(number) > MAX_TRACKING_NUMBER:
        return f"skipped tracking number {raw_number[:70]!r}: not a tracking number"
    code = carrier_code(company=fulfilment.tracking_company, tracking_number=number)
    if code is None:
        company = fulfilment.tracking_company or "no carrier"
        return f"skipped {number}: {company[:60]} is not a carrier amends tracks"
    status = SHIPMENT_STATUS.get(fulfilment.shipment_status or "", TrackingStatus.INFO_RECEIVED)
    shipment, created = Shipment.objects.get_or_create(
        carrier=carrier_get(code),
        tracking_number=number,
        defaults={
            "order": order,
            "status": status,
            "shipped_at": fulfilment.created_at,
            "delivered_at": fulfilment.updated_at if status == TrackingStatus.DELIVERED else None,
        },
    )
    if shipment.order_id != order.pk:
        return f"conflict: {code} {number} is a parcel of another order"
    if created:
        # A problem the shop already reports (a failed attempt) is noticed like a carrier's.
        shipments_changed(shipment_ids=[shipment.pk])
        return f"parcel {code} {number} added"
    # The carrier's own events, once there are any, know better than the shop's summary.
    tracked = TrackingEvent.objects.filter(shipment=shipment).exists()
    if fulfilment.shipment_status and shipment.status != status and not tracked:
        shipment.status = status
        shipment.save(update_fields=["status", "updated_at"])
        shipments_changed(shipment_ids=[shipment.pk])
    return f"parcel {code} {number} known"


def _fulfilment_apply(shop: Shop, order: Order, fulfilment: p.Fulfillment) -> list[str]:
    record, _created = record_claim(
        shop=shop, kind=ShopifyKind.FULFILLMENT, shopify_id=fulfilment.id
    )
    if is_stale(record, fulfilment.updated_at):
        return [stale_note(f"fulfilment {fulfilment.id}", fulfilment.updated_at, record)]
    notes = []
    if (fulfilment.status or "") not in VOID_FULFILMENT:
        notes = [_parcel(shop, order, fulfilment, number) for number in fulfilment.numbers]
    record.order = order
    record.remote_updated_at = fulfilment.updated_at or record.remote_updated_at
    record.facts = {
        "status": fulfilment.status or "",
        "shipment_status": fulfilment.shipment_status or "",
        "tracking_company": fulfilment.tracking_company or "",
        "numbers": fulfilment.numbers,
    }
    record.save()
    return notes


def fulfilment_import(*, shop: Shop, payload: p.Fulfillment) -> list[str]:
    order = _order_of(shop, payload.order_id)
    notes = _fulfilment_apply(shop, order, payload)
    order_status_refresh(shop=shop, order=order)
    return notes or [f"fulfilment {payload.id} has no tracking number"]
