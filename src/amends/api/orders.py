"""``/orders`` and ``/shipments``: a customer sees their own orders, a seller the orders it
fulfils, staff the orders of the customers they can see. A shipment is visible with its order."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from amends.accounts.models import User
from amends.api.pagination import page_by_id
from amends.api.permissions import current_user
from amends.api.refs import money
from amends.api.schemas.common import ERRORS_LIST, ERRORS_READ, Ref
from amends.api.schemas.orders import (
    CarrierOut,
    CaseRef,
    OrderDetail,
    OrderFilters,
    OrderLineOut,
    OrderListItem,
    OrderPage,
    ShipmentOut,
    TrackingEventOut,
)
from amends.carriers.models import Shipment
from amends.cases.selectors import cases_visible_to
from amends.commerce.models import Order, Seller
from amends.commerce.selectors import order_get, order_list, shipment_get

router = Router(tags=["orders"])


def _seller(seller: Seller | None) -> Ref | None:
    return Ref(id=seller.pk, name=seller.name) if seller is not None else None


def _item(order: Order) -> OrderListItem:
    return OrderListItem(
        id=order.pk,
        number=order.number,
        brand=order.brand.code,
        status=order.status,
        placed_at=order.placed_at,
        currency=order.currency,
        total=money(order.total),
        refunded_total=money(order.refunded_total),
        customer=Ref(id=order.customer.pk, name=order.customer.name),
        seller=_seller(order.seller),
    )


def shipment_out(shipment: Shipment, *, order: Order) -> ShipmentOut:
    return ShipmentOut(
        id=shipment.pk,
        order_id=order.pk,
        order_number=order.number,
        carrier=CarrierOut(code=shipment.carrier.code, name=shipment.carrier.name),
        tracking_number=shipment.tracking_number,
        status=shipment.status,
        estimated_delivery=shipment.estimated_delivery,
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
        events=[
            TrackingEventOut(
                status=e.status,
                description=e.description,
                location=e.location,
                occurred_at=e.occurred_at,
            )
            for e in shipment.events.all()
        ],
    )


@router.get("/orders", response={200: OrderPage, **ERRORS_LIST})
def orders_index(request: HttpRequest, filters: Query[OrderFilters]) -> OrderPage:
    user = current_user(request)
    qs = order_list(
        user=user,
        customer_id=filters.customer_id,
        status=filters.status,
        number=filters.number,
        brand=filters.brand,
    )
    rows, next_cursor = page_by_id(qs, cursor=filters.cursor, limit=filters.limit)
    return OrderPage(items=[_item(o) for o in rows], next_cursor=next_cursor)


def _cases_of(order: Order, *, user: User) -> list[CaseRef]:
    rows = cases_visible_to(user).filter(orders=order).order_by("id").values_list("pk", "status")
    return [CaseRef(id=pk, reference=f"AM-{pk:06d}", status=status) for pk, status in rows[:100]]


@router.get("/orders/{order_id}", response={200: OrderDetail, **ERRORS_READ})
def order_read(request: HttpRequest, order_id: int) -> OrderDetail:
    """The order with its lines, sellers, shipments and tracking, and the cases about it that
    you can see."""
    user = current_user(request)
    order = order_get(user=user, order_id=order_id)
    return OrderDetail(
        **_item(order).model_dump(),
        lines=[
            OrderLineOut(
                id=line.pk,
                sku=line.sku,
                title=line.title,
                quantity=line.quantity,
                unit_price=money(line.unit_price),
                amount=money(line.amount),
                seller=_seller(line.seller),
            )
            for line in order.lines.all()
        ],
        shipments=[shipment_out(s, order=order) for s in order.shipments.all()],
        cases=_cases_of(order, user=user),
    )


@router.get("/shipments/{shipment_id}", response={200: ShipmentOut, **ERRORS_READ})
def shipment_read(request: HttpRequest, shipment_id: int) -> ShipmentOut:
    user = current_user(request)
    shipment = shipment_get(user=user, shipment_id=shipment_id)
    return shipment_out(shipment, order=shipment.order)
