"""The built-in demo shop: a small but honest order system living in amends' own database.

It is what ``amends demo`` and the tests run against (``AMENDS_COMMERCE`` in settings), and it
behaves like a real shop behind :class:`~amends.commerce.adapters.base.ShopBackend`:

* money goes through a payment ledger (``demo_books``): a refund or a price adjustment is
  refused when it is more than is still refundable, books a *pending* entry, changes the
  order's ``refunded_total`` and status, and is confirmed later, as a payment provider would,
  by the ``demo_shop_settle`` task (``demo_tasks``), which tells amends through
  ``commerce.confirmations.shop_confirmed``;
* a reship creates a new ``Shipment`` with the original parcel's carrier and a fresh tracking
  number in that carrier's format; a return label gets its own tracking number;
* a redelivery is booked for a parcel of the order that is still on its way;
* a goodwill credit adds to the customer's store-credit balance;
* a membership cancellation ends the membership today and refunds the pro-rated amount given.

Every operation runs once per idempotency key (``idempotency.run_once``); the work itself is in
``demo_books`` (money), ``demo_parcels`` and ``demo_accounts``. Refusals are
``ShopError(permanent=True)``: retrying cannot make them succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from django.db import transaction

from amends.carriers.numbers import normalise
from amends.commerce.adapters import demo_accounts as accounts
from amends.commerce.adapters import demo_books as books
from amends.commerce.adapters import demo_parcels as parcels
from amends.commerce.adapters.base import LineQuantity, Receipt, ShopError
from amends.commerce.adapters.demo_tasks import demo_settle_due, settle_enqueue
from amends.commerce.adapters.idempotency import run_once
from amends.commerce.models import DemoLedgerEntry, LedgerKind, ShopOperationKind


class DemoShop:
    """``AMENDS_COMMERCE = {"BACKEND": "amends.commerce.adapters.demo.DemoShop",
    "OPTIONS": {"SETTLE_AFTER_SECONDS": 60}}``: refunds settle that long after they commit."""

    name = "demo"

    def __init__(self, *, settle_after_seconds: float = 60) -> None:
        if settle_after_seconds < 0:
            raise ValueError("SETTLE_AFTER_SECONDS must not be negative")
        self.settle_after_seconds = settle_after_seconds

    def sweep(self) -> int:
        """Settle the refunds whose settlement task was lost (run by the worker's sweep)."""
        return demo_settle_due(older_than=dt.timedelta(seconds=self.settle_after_seconds))

    def _settle_later(self, reference: str) -> None:
        transaction.on_commit(
            partial(settle_enqueue, reference=reference, delay_seconds=self.settle_after_seconds)
        )

    # --- reads ----------------------------------------------------------------------------

    def order_sync(self, *, brand_code: str, number: str) -> None:
        with transaction.atomic():
            books.snapshot_refresh(books.order_locked(brand_code=brand_code, number=number))

    # --- money back -----------------------------------------------------------------------

    def _money_back(
        self, *, brand_code: str, number: str, amount: Decimal, reason: str, kind: str
    ) -> Receipt:
        order = books.order_locked(brand_code=brand_code, number=number)
        books.books_open(order)
        available = books.refundable(order)
        if amount > available:
            raise ShopError(
                f"{amount:.2f} {order.currency} is more than the {available:.2f} still refundable "
                f"on order {number}",
                permanent=True,
            )
        prefix = "RF" if kind == LedgerKind.REFUND else "PA"
        entry = DemoLedgerEntry.objects.create(
            order=order,
            kind=kind,
            amount=amount,
            currency=order.currency,
            reference=books.new_reference(prefix),
            reason=reason[:300],
        )
        books.snapshot_refresh(order)
        self._settle_later(entry.reference)
        return Receipt(
            reference=entry.reference,
            confirmed=False,
            amount=amount,
            currency=order.currency,
            expected_by=books.expected_by(order.brand),
            detail={
                "kind": kind,
                "order": order.number,
                "refunded_total": f"{order.refunded_total:.2f}",
                "order_status": order.status,
            },
        )

    def refund(
        self,
        *,
        order_number: str,
        brand_code: str,
        amount: Decimal,
        reason: str,
        idempotency_key: str,
    ) -> Receipt:
        amount = books.checked_amount(amount)
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.REFUND,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={"order": order_number, "amount": f"{amount:.2f}"},
            execute=lambda: self._money_back(
                brand_code=brand_code,
                number=order_number,
                amount=amount,
                reason=reason,
                kind=LedgerKind.REFUND,
            ),
        )

    def price_adjustment(
        self, *, order_number: str, brand_code: str, amount: Decimal, idempotency_key: str
    ) -> Receipt:
        amount = books.checked_amount(amount)
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.PRICE_ADJUSTMENT,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={"order": order_number, "amount": f"{amount:.2f}"},
            execute=lambda: self._money_back(
                brand_code=brand_code,
                number=order_number,
                amount=amount,
                reason="price adjustment",
                kind=LedgerKind.PRICE_ADJUSTMENT,
            ),
        )

    # --- parcels --------------------------------------------------------------------------

    def reship(
        self,
        *,
        order_number: str,
        brand_code: str,
        lines: Sequence[LineQuantity],
        reason: str,
        idempotency_key: str,
    ) -> Receipt:
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.RESHIP,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={"order": order_number, "lines": parcels.lines_text(lines)},
            execute=lambda: parcels.reship_execute(
                brand_code=brand_code, number=order_number, lines=lines
            ),
        )

    def return_label(
        self,
        *,
        order_number: str,
        brand_code: str,
        lines: Sequence[LineQuantity],
        idempotency_key: str,
    ) -> Receipt:
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.RETURN_LABEL,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={"order": order_number, "lines": parcels.lines_text(lines)},
            execute=lambda: parcels.return_label_execute(
                brand_code=brand_code, number=order_number, lines=lines
            ),
        )

    def redelivery(
        self,
        *,
        order_number: str,
        brand_code: str,
        tracking_number: str,
        on: dt.date | None,
        idempotency_key: str,
    ) -> Receipt:
        number = normalise(tracking_number)
        if not number or len(number) > 64:
            raise ShopError(f"{tracking_number!r} is not a tracking number", permanent=True)
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.REDELIVERY,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={
                "order": order_number,
                "tracking_number": number,
                "on": on.isoformat() if on else "",
            },
            execute=lambda: parcels.redelivery_execute(
                brand_code=brand_code, number=order_number, tracking_number=number, on=on
            ),
        )

    # --- the customer's account -----------------------------------------------------------

    def goodwill_credit(
        self,
        *,
        customer_email: str,
        brand_code: str,
        amount: Decimal,
        reason: str,
        idempotency_key: str,
    ) -> Receipt:
        amount = books.checked_amount(amount)
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.GOODWILL_CREDIT,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={"customer": customer_email.strip().lower(), "amount": f"{amount:.2f}"},
            execute=lambda: accounts.goodwill_credit_execute(
                email=customer_email, brand_code=brand_code, amount=amount
            ),
        )

    def membership_cancel(
        self, *, customer_email: str, brand_code: str, refund: Decimal, idempotency_key: str
    ) -> Receipt:
        if isinstance(refund, Decimal) and refund.is_finite() and refund <= 0:
            if refund < 0:
                raise ShopError(f"the refund must not be negative, not {refund}", permanent=True)
            refund = Decimal("0.00")
        else:
            refund = books.checked_amount(refund, what="refund")
        return run_once(
            backend=self.name,
            kind=ShopOperationKind.MEMBERSHIP_CANCEL,
            brand_code=brand_code,
            idempotency_key=idempotency_key,
            request={"customer": customer_email.strip().lower(), "refund": f"{refund:.2f}"},
            execute=lambda: accounts.membership_cancel_execute(
                email=customer_email,
                brand_code=brand_code,
                refund=refund,
                settle_later=self._settle_later,
            ),
        )
