"""Reads of orders and shipments, and who may see which.

* admin: every order;
* supervisor: orders of the brands they answer for;
* agent: orders of the customers they can see (``customers_visible_to``);
* customer: their own orders;
* seller: orders the seller fulfils (``Order.seller``).

A shipment is visible exactly when its order is. Objects that exist but are not visible are
reported exactly like ones that do not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from amends.accounts.models import Role, User
from amends.carriers.models import Shipment, TrackingEvent
from amends.cases.models import Case
from amends.cases.selectors import is_admin
from amends.commerce.consistency import OrderState, ParcelState
from amends.commerce.models import Order, OrderLine
from amends.core.errors import NotFound
from amends.customers.selectors import customers_visible_to, valid_id


def orders_visible_to(user: User) -> QuerySet[Order]:
    qs = Order.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    if user.role == Role.SUPERVISOR:
        return qs.filter(brand__in=user.brands.all())
    if user.role == Role.AGENT:
        # EXISTS, not IN: SQLite would build the whole list of the agent's customers (tens of
        # thousands) even to check two orders.
        return qs.filter(Exists(customers_visible_to(user).filter(pk=OuterRef("customer_id"))))
    if user.role == Role.CUSTOMER:
        return qs.filter(customer__user=user)
    if user.role == Role.SELLER and user.seller_id is not None:
        return qs.filter(seller_id=user.seller_id)
    return qs.none()


def orders_of_case(*, case: Case, viewer: User) -> QuerySet[Order]:
    """The orders of a case the viewer may already see; a seller sees only its own of them.

    Cheaper than ``orders_visible_to(viewer).filter(cases=case)``: the case is authorised, so its
    orders are too, except that a case can be about several sellers' orders.
    """
    qs = Order.objects.filter(cases=case)
    if viewer.role == Role.SELLER:
        return qs.filter(seller_id=viewer.seller_id) if viewer.seller_id else qs.none()
    return qs


def shipments_visible_to(user: User) -> QuerySet[Shipment]:
    return Shipment.objects.filter(Exists(orders_visible_to(user).filter(pk=OuterRef("order_id"))))


def order_get(*, user: User, order_id: int) -> Order:
    if not valid_id(order_id):
        raise NotFound(f"order {order_id} not found")
    try:
        return (
            orders_visible_to(user)
            .select_related("brand", "customer", "seller")
            .prefetch_related(
                Prefetch(
                    "lines", queryset=OrderLine.objects.select_related("seller").order_by("id")
                ),
                Prefetch(
                    "shipments",
                    queryset=Shipment.objects.select_related("carrier")
                    .prefetch_related(
                        Prefetch(
                            "events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")
                        )
                    )
                    .order_by("id"),
                ),
            )
            .get(pk=order_id)
        )
    except Order.DoesNotExist as exc:
        raise NotFound(f"order {order_id} not found") from exc


def order_list(
    *,
    user: User,
    customer_id: int | None = None,
    status: str | None = None,
    number: str | None = None,
    brand: str | None = None,
) -> QuerySet[Order]:
    """Visible orders, newest first, filtered. The caller slices (keyset pagination)."""
    qs = orders_visible_to(user).select_related("brand", "customer", "seller")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(number=number.strip())
    if brand:
        qs = qs.filter(brand__code=brand.lower())
    return qs.order_by("-id")


def shipment_get(*, user: User, shipment_id: int) -> Shipment:
    if not valid_id(shipment_id):
        raise NotFound(f"shipment {shipment_id} not found")
    try:
        return (
            shipments_visible_to(user)
            .select_related("carrier", "order")
            .prefetch_related(
                Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id"))
            )
            .get(pk=shipment_id)
        )
    except Shipment.DoesNotExist as exc:
        raise NotFound(f"shipment {shipment_id} not found") from exc


MAX_ORDER_NUMBER = 40  # Order.number's max_length


def _order_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    """Everything an order page shows: lines and sellers, parcels, carriers and their scans."""
    return qs.select_related("brand", "customer", "seller").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("seller").order_by("id")),
        Prefetch(
            "shipments",
            queryset=Shipment.objects.select_related("carrier")
            .prefetch_related(
                Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id"))
            )
            .order_by("id"),
        ),
    )


def orders_of_customer(*, user: User) -> QuerySet[Order]:
    """A signed-in customer's own orders, newest first, with everything their pages show.

    Only a customer has orders of their own: for anyone else this is empty (a seller's orders
    are other people's purchases, and staff read orders through ``orders_visible_to``).
    """
    if not user.is_authenticated or not user.is_active or user.role != Role.CUSTOMER:
        return Order.objects.none()
    return _order_details(Order.objects.filter(customer__user=user)).order_by("-placed_at", "-id")


def order_of_customer(*, user: User, number: str) -> Order:
    """One of the customer's own orders by its number.

    Someone else's order is reported exactly like a number that does not exist.
    """
    number = number.strip()
    if not number or len(number) > MAX_ORDER_NUMBER or "\x00" in number:
        raise NotFound("order not found")
    order = orders_of_customer(user=user).filter(number=number).first()
    if order is None:
        raise NotFound("order not found")
    return order


def parcel_state(shipment: Shipment, events: Iterable[TrackingEvent] | None = None) -> ParcelState:
    """A shipment as ``commerce.consistency`` reads it; ``events`` when they are loaded already."""
    timeline = shipment.events.all() if events is None else events
    return ParcelState(
        id=shipment.pk,
        status=shipment.status,
        estimated_delivery=shipment.estimated_delivery,
        delivered_at=shipment.delivered_at,
        seen=frozenset({shipment.status, *(e.status for e in timeline)}),
    )


def order_state(order: Order, parcels: Iterable[ParcelState] | None = None) -> OrderState:
    """An order with its parcels, as ``commerce.consistency`` reads it."""
    if parcels is None:
        parcels = [parcel_state(s) for s in order.shipments.prefetch_related("events")]
    return OrderState(
        id=order.pk,
        status=order.status,
        total=order.total,
        refunded_total=order.refunded_total,
        parcels=tuple(parcels),
    )
