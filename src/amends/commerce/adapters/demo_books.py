"""The demo shop's books: its payment ledger, and the order snapshot amends reads from them.

The demo shop keeps money in a ledger (``DemoLedgerEntry``): a payment per order, and refunds
and price adjustments going back. amends' ``Order`` is only a *snapshot* of what the shop knows
(``refunded_total``, ``status``), refreshed by :func:`snapshot_refresh` after every change and by
``DemoShop.order_sync``.

Orders made before the demo shop first looked at them (the demo's seed, test factories) have no
ledger yet: :func:`books_open` adopts such an order by booking its payment (and any refund its
snapshot already shows) as settled history, once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.commerce.adapters.base import ShopError
from amends.commerce.models import (
    MONEY_BACK,
    DemoLedgerEntry,
    LedgerKind,
    Order,
    OrderStatus,
)

CENT = Decimal("0.01")
# What a ledger amount can hold (DecimalField(max_digits=12, decimal_places=2)).
MAX_AMOUNT = Decimal("9999999999.99")
# How long the demo payment provider takes, at most, to put a refund on the customer's account.
REFUND_BUSINESS_DAYS = 3


def new_reference(prefix: str) -> str:
    """``DS-RF-3F9A0C12B7E4``: the demo shop's id for a refund, label, credit..."""
    return f"DS-{prefix}-{secrets.token_hex(6).upper()}"


def checked_amount(amount: Decimal, *, what: str = "amount") -> Decimal:
    """A positive amount in cents; a permanent ``ShopError`` for anything else."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ShopError(f"the {what} must be a decimal number", permanent=True)
    if amount <= 0:
        raise ShopError(f"the {what} must be more than zero, not {amount}", permanent=True)
    if amount != amount.quantize(CENT) or amount > MAX_AMOUNT:
        raise ShopError(f"the {what} {amount} is not an amount in cents", permanent=True)
    return amount.quantize(CENT)


def order_locked(*, brand_code: str, number: str) -> Order:
    """The order, locked until the transaction ends so two refunds cannot both pass the check."""
    order = (
        Order.objects.select_for_update()
        .select_related("brand", "customer")
        .filter(brand__code=brand_code, number=number)
        .first()
    )
    if order is None:
        raise ShopError(f"order {number} is not known in storefront {brand_code}", permanent=True)
    return order


def books_open(order: Order) -> None:
    """Give an order its payment entry if it has none yet (see the module's docstring)."""
    if DemoLedgerEntry.objects.filter(order=order, kind=LedgerKind.PAYMENT).exists():
        return
    entries = [
        DemoLedgerEntry(
            order=order,
            kind=LedgerKind.PAYMENT,
            amount=order.total,
            currency=order.currency,
            reference=new_reference("PM"),
            reason="payment at checkout",
            created_at=order.placed_at,
            settled_at=order.placed_at,
        )
    ]
    if order.refunded_total > 0:
        entries.append(
            DemoLedgerEntry(
                order=order,
                kind=LedgerKind.REFUND,
                amount=order.refunded_total,
                currency=order.currency,
                reference=new_reference("RF"),
                reason="refunded before the demo shop kept books",
                created_at=order.placed_at,
                settled_at=order.placed_at,
            )
        )
    DemoLedgerEntry.objects.bulk_create([e for e in entries if e.amount > 0])


def _sum(order: Order, *kinds: str) -> Decimal:
    total = DemoLedgerEntry.objects.filter(order=order, kind__in=kinds).aggregate(s=Sum("amount"))
    return (total["s"] or Decimal("0")).quantize(CENT)


def paid(order: Order) -> Decimal:
    return _sum(order, LedgerKind.PAYMENT)


def given_back(order: Order) -> Decimal:
    """Refunds and price adjustments, settled or still on their way."""
    return _sum(order, *MONEY_BACK)


def refundable(order: Order) -> Decimal:
    return max(paid(order) - given_back(order), Decimal("0"))


def snapshot_refresh(order: Order) -> Order:
    """Bring amends' snapshot of the order in line with the demo shop's books and parcels.

    Money given back decides first (refunded in full, or partly); otherwise a cancelled order
    stays cancelled, and an order with parcels is shipped, or delivered when its newest parcel
    was.
    """
    books_open(order)
    total_paid, back = paid(order), given_back(order)
    status = order.status
    if back > 0:
        status = OrderStatus.REFUNDED if back >= total_paid else OrderStatus.PARTIALLY_REFUNDED
    elif order.status != OrderStatus.CANCELLED:
        newest = Shipment.objects.filter(order=order).order_by("-id").first()
        if newest is not None:
            delivered = newest.status == TrackingStatus.DELIVERED
            status = OrderStatus.DELIVERED if delivered else OrderStatus.SHIPPED
    if (order.status, order.refunded_total, order.total) != (status, back, total_paid):
        order.status, order.refunded_total, order.total = status, back, total_paid
        order.save(update_fields=["status", "refunded_total", "total", "updated_at"])
    return order


def local_today(brand: Brand) -> dt.date:
    """Today in the storefront's time zone."""
    return timezone.localtime(timezone.now(), ZoneInfo(brand.time_zone)).date()


def expected_by(brand: Brand, *, now: dt.datetime | None = None) -> dt.datetime:
    """When money sent back today is on the customer's account: three business days."""
    return brand.calendar().add_business_days(now or timezone.now(), REFUND_BUSINESS_DAYS)
