"""What a customer may be shown about an order, and the contradictions between its states.

An order has three states that must agree: the order's own (placed … delivered, cancelled),
its payment's (``total`` and ``refunded_total``) and each parcel's (the carrier's timeline). They
come from different systems at different times — a refund from the shop, a scan from the
carrier — so they can disagree: a refunded order whose parcel still shows "expected on
Tuesday", a parcel the carrier returned to the sender that a late scan puts back "in transit".

Two things here, both pure (plain values in, plain values out; ``consistency_check`` in
``commerce.services`` reads the database and opens the cases):

* :func:`parcel_shown` — what the customer sees for a parcel, whatever the raw states say: a
  parcel returned to sender is never shown as travelling; no delivery estimate is shown for a
  parcel that will not arrive, or for an order that was refunded or cancelled before it did.
* :func:`contradictions` — every disagreement that a person has to resolve, each with a stable
  code, so that the checker opens one case per contradiction and never two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

# Values of carriers.taxonomy.TrackingStatus and commerce.models.OrderStatus, as plain strings so
# this module needs nothing from the ORM side.
PENDING, INFO_RECEIVED, IN_TRANSIT = "pending", "info_received", "in_transit"
OUT_FOR_DELIVERY, ATTEMPT_FAILED = "out_for_delivery", "attempt_failed"
AVAILABLE_FOR_PICKUP, DELIVERED = "available_for_pickup", "delivered"
RETURNED_TO_SENDER, DAMAGED, LOST, EXPIRED = "returned_to_sender", "damaged", "lost", "expired"

# A parcel on its way to the customer (or waiting to be).
TRAVELLING = frozenset(
    {PENDING, INFO_RECEIVED, IN_TRANSIT, OUT_FOR_DELIVERY, ATTEMPT_FAILED, AVAILABLE_FOR_PICKUP}
)
# A parcel that will not reach the customer.
WILL_NOT_ARRIVE = frozenset({RETURNED_TO_SENDER, DAMAGED, LOST, EXPIRED})

ORDER_SHIPPED, ORDER_DELIVERED = "shipped", "delivered"
ORDER_CANCELLED, ORDER_REFUNDED = "cancelled", "refunded"
ORDER_PARTIALLY_REFUNDED = "partially_refunded"
MONEY_BACK = frozenset({ORDER_REFUNDED, ORDER_CANCELLED})


@dataclass(frozen=True)
class ParcelState:
    id: int
    status: str
    estimated_delivery: dt.date | None = None
    delivered_at: dt.datetime | None = None
    # Every status the carrier's timeline has reported for it, in any order.
    seen: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OrderState:
    id: int
    status: str
    total: Decimal
    refunded_total: Decimal = Decimal("0")
    parcels: tuple[ParcelState, ...] = ()


@dataclass(frozen=True)
class Shown:
    status: str
    estimate: dt.date | None


def _shown_status(parcel: ParcelState) -> str:
    if parcel.status in TRAVELLING and RETURNED_TO_SENDER in parcel.seen:
        # A scan that arrived late (or out of order) never undoes a return to the sender.
        return RETURNED_TO_SENDER
    return parcel.status


def parcel_shown(order: OrderState, parcel: ParcelState) -> Shown:
    """The status and the delivery estimate a customer sees for ``parcel`` of ``order``."""
    status = _shown_status(parcel)
    estimate = parcel.estimated_delivery
    if status not in TRAVELLING or order.status in MONEY_BACK:
        estimate = None
    return Shown(status=status, estimate=estimate)


class Code(StrEnum):
    REFUND_ABOVE_TOTAL = "refund_above_total"
    REFUNDED_BUT_UNPAID_BACK = "refunded_but_not_paid_back"  # status refunded, money not
    PAID_BACK_BUT_NOT_REFUNDED = "paid_back_but_not_refunded"  # money back, status says not
    CANCELLED_BUT_TRAVELLING = "cancelled_but_travelling"
    REFUNDED_BUT_TRAVELLING = "refunded_but_travelling"
    DELIVERED_BUT_NOT_ARRIVED = "delivered_but_not_arrived"  # order delivered, a parcel not
    ARRIVED_BUT_NOT_DELIVERED = "arrived_but_not_delivered"  # every parcel in, order says not
    RETURNED_BUT_TRAVELLING = "returned_but_travelling"
    DELIVERY_DATE_WITHOUT_DELIVERY = "delivery_date_without_delivery"


@dataclass(frozen=True)
class Contradiction:
    code: Code
    parcel_id: int | None  # None: about the order as a whole
    detail: str  # for the agent, in English; the case says it in the agent's words

    @property
    def key(self) -> str:
        """Stable across runs: one case per contradiction, never two."""
        return f"{self.code}:{self.parcel_id or 0}"


def _payment(order: OrderState) -> list[Contradiction]:
    found: list[Contradiction] = []
    if order.refunded_total > order.total:
        found.append(
            Contradiction(
                Code.REFUND_ABOVE_TOTAL,
                None,
                f"refunded {order.refunded_total} on an order of {order.total}",
            )
        )
    if order.status == ORDER_REFUNDED and order.refunded_total < order.total:
        found.append(
            Contradiction(
                Code.REFUNDED_BUT_UNPAID_BACK,
                None,
                f"the order says refunded, but {order.refunded_total} of {order.total} was paid "
                "back",
            )
        )
    refunded_states = {ORDER_REFUNDED, ORDER_PARTIALLY_REFUNDED, ORDER_CANCELLED}
    if order.refunded_total > 0 and order.status not in refunded_states:
        found.append(
            Contradiction(
                Code.PAID_BACK_BUT_NOT_REFUNDED,
                None,
                f"{order.refunded_total} was paid back, but the order says {order.status}",
            )
        )
    return found


def _parcels(order: OrderState) -> list[Contradiction]:
    found: list[Contradiction] = []
    for parcel in order.parcels:
        shown = _shown_status(parcel)
        if parcel.status in TRAVELLING and shown == RETURNED_TO_SENDER:
            found.append(
                Contradiction(
                    Code.RETURNED_BUT_TRAVELLING,
                    parcel.id,
                    f"the carrier returned the parcel to the sender, yet its status is "
                    f"{parcel.status}",
                )
            )
        if shown in TRAVELLING and order.status == ORDER_CANCELLED:
            found.append(
                Contradiction(
                    Code.CANCELLED_BUT_TRAVELLING,
                    parcel.id,
                    f"the order was cancelled, but its parcel is {parcel.status}: stop it or "
                    "tell the customer what to do with it",
                )
            )
        elif shown in TRAVELLING and order.status == ORDER_REFUNDED:
            found.append(
                Contradiction(
                    Code.REFUNDED_BUT_TRAVELLING,
                    parcel.id,
                    f"the order was refunded in full, but its parcel is {parcel.status}",
                )
            )
        if parcel.delivered_at is not None and parcel.status != DELIVERED:
            found.append(
                Contradiction(
                    Code.DELIVERY_DATE_WITHOUT_DELIVERY,
                    parcel.id,
                    f"the parcel has a delivery date but its status is {parcel.status}",
                )
            )
        if order.status == ORDER_DELIVERED and shown != DELIVERED:
            found.append(
                Contradiction(
                    Code.DELIVERED_BUT_NOT_ARRIVED,
                    parcel.id,
                    f"the order says delivered, but this parcel is {shown}",
                )
            )
    arrived = bool(order.parcels) and all(p.status == DELIVERED for p in order.parcels)
    if arrived and order.status == ORDER_SHIPPED:
        found.append(
            Contradiction(
                Code.ARRIVED_BUT_NOT_DELIVERED,
                None,
                "every parcel was delivered, but the order still says shipped",
            )
        )
    return found


def contradictions(order: OrderState) -> list[Contradiction]:
    """Every disagreement between the order's, the payment's and the parcels' states."""
    return [*_payment(order), *_parcels(order)]
