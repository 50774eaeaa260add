"""The contract between amends and a shop's order system.

amends reads orders and customers from the shop and asks it to carry out remedies; it never
changes money or stock itself. A backend is chosen in settings::

    AMENDS_COMMERCE = {"BACKEND": "amends.commerce.adapters.demo.DemoShop", "OPTIONS": {}}

Every operation takes an ``idempotency_key``: the same key twice returns the first receipt and
does nothing more (a double click, a retried task). Errors: :class:`ShopError`, with
``permanent`` set when retrying cannot help (order unknown, amount above what is refundable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


class ShopError(Exception):
    def __init__(self, detail: str, *, permanent: bool = False) -> None:
        super().__init__(detail)
        self.permanent = permanent


@dataclass(frozen=True)
class Receipt:
    """What the shop answered. ``confirmed`` False means the shop accepted the request and will
    confirm later (a webhook, a poll); the commitment told to the customer stays open until then."""

    reference: str  # the shop's id for the refund, shipment, label, credit...
    confirmed: bool
    amount: Decimal | None = None
    currency: str = "EUR"
    # When the customer can expect the result (money on the account, the parcel at the door).
    expected_by: dt.datetime | None = None
    detail: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LineQuantity:
    sku: str
    quantity: int


class ShopBackend(Protocol):
    def order_sync(self, *, brand_code: str, number: str) -> None:
        """Refresh amends' snapshot of one order (``commerce.Order``) from the shop."""

    def refund(
        self,
        *,
        order_number: str,
        brand_code: str,
        amount: Decimal,
        reason: str,
        idempotency_key: str,
    ) -> Receipt: ...

    def reship(
        self,
        *,
        order_number: str,
        brand_code: str,
        lines: Sequence[LineQuantity],
        reason: str,
        idempotency_key: str,
    ) -> Receipt: ...

    def price_adjustment(
        self, *, order_number: str, brand_code: str, amount: Decimal, idempotency_key: str
    ) -> Receipt: ...

    def return_label(
        self,
        *,
        order_number: str,
        brand_code: str,
        lines: Sequence[LineQuantity],
        idempotency_key: str,
    ) -> Receipt: ...

    def redelivery(
        self,
        *,
        order_number: str,
        brand_code: str,
        tracking_number: str,
        on: dt.date | None,
        idempotency_key: str,
    ) -> Receipt: ...

    def goodwill_credit(
        self,
        *,
        customer_email: str,
        brand_code: str,
        amount: Decimal,
        reason: str,
        idempotency_key: str,
    ) -> Receipt: ...

    def membership_cancel(
        self, *, customer_email: str, brand_code: str, refund: Decimal, idempotency_key: str
    ) -> Receipt: ...
