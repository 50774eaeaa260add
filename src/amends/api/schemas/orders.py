"""Orders, their lines, shipments and tracking events."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from amends.api.schemas.common import ObjectId, Out, Ref


class OrderListItem(Out):
    id: int
    number: str
    brand: str
    status: str
    placed_at: dt.datetime
    currency: str
    total: str
    refunded_total: str
    customer: Ref
    seller: Ref | None


class OrderPage(Out):
    items: list[OrderListItem]
    next_cursor: str | None


class OrderFilters(Schema):
    customer_id: ObjectId | None = None
    status: str | None = Field(None, max_length=20)
    number: str | None = Field(None, max_length=40)
    brand: str | None = Field(None, max_length=16, description="Storefront code")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class OrderLineOut(Out):
    id: int
    sku: str
    title: str
    quantity: int
    unit_price: str
    amount: str
    seller: Ref | None


class CarrierOut(Out):
    code: str
    name: str


class TrackingEventOut(Out):
    status: str
    description: str
    location: str
    occurred_at: dt.datetime


class ShipmentOut(Out):
    id: int
    order_id: int
    order_number: str
    carrier: CarrierOut
    tracking_number: str
    status: str
    estimated_delivery: dt.date | None
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    events: list[TrackingEventOut]


class CaseRef(Out):
    id: int
    reference: str
    status: str


class OrderDetail(OrderListItem):
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]
    cases: list[CaseRef]
