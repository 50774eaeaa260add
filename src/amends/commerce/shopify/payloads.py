"""Shopify's webhook bodies, as its Admin REST API documents the Order, Refund, Fulfillment
and Customer resources, read into typed values.

Only the fields amends uses are declared; everything else is ignored. A webhook body is the
resource itself, not wrapped in ``{"order": ...}``. Money: Shopify sends amounts as strings
("199.00"); the body is decoded with ``parse_float=Decimal`` so that no amount — not even one
sent as a JSON number, like a refund line's ``subtotal`` — ever passes through a float.
Timestamps carry their UTC offset ("2008-01-10T11:00:00-05:00"); one without is refused.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

MAX_AMOUNT = Decimal("9999999999.99")  # what the snapshot models' DecimalField(12, 2) hold


R = TypeVar("R", bound=BaseModel)


class MalformedPayload(ValueError):
    """The body is not JSON, or not the documented shape; ``str(exc)`` says where."""


def _money(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError("an amount must be a decimal string")
    try:
        amount = Decimal(value) if isinstance(value, str | int | Decimal) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValueError(f"{value!r} is out of range")
    return amount.quantize(Decimal("0.01"))


Money = Annotated[Decimal, BeforeValidator(_money)]
ShortText = Annotated[str, Field(max_length=300)]


class _Resource(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Address(_Resource):
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    name: ShortText | None = None
    country_code: Annotated[str, Field(max_length=2)] | None = None


class Customer(_Resource):
    id: int
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    updated_at: AwareDatetime | None = None
    default_address: Address | None = None


class LineItem(_Resource):
    id: int
    sku: Annotated[str, Field(max_length=64)] | None = None
    title: ShortText | None = None
    name: ShortText | None = None
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]
    price: Money
    variant_id: int | None = None


class Transaction(_Resource):
    kind: Annotated[str, Field(max_length=40)]
    status: Annotated[str, Field(max_length=40)]
    amount: Money
    currency: Annotated[str, Field(max_length=3)] | None = None


class Refund(_Resource):
    id: int
    order_id: int
    created_at: AwareDatetime | None = None
    processed_at: AwareDatetime | None = None
    transactions: list[Transaction] = Field(default_factory=list, max_length=500)

    @property
    def amount(self) -> Decimal:
        """Money actually sent back: the successful refund transactions."""
        return sum(
            (t.amount for t in self.transactions if t.kind == "refund" and t.status == "success"),
            Decimal("0.00"),
        )


class Fulfillment(_Resource):
    id: int
    order_id: int
    status: Annotated[str, Field(max_length=40)] | None = None
    tracking_company: ShortText | None = None
    tracking_number: Annotated[str, Field(max_length=100)] | None = None
    tracking_numbers: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=100
    )
    shipment_status: Annotated[str, Field(max_length=40)] | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None

    @property
    def numbers(self) -> list[str]:
        found = [n for n in [*self.tracking_numbers, self.tracking_number or ""] if n.strip()]
        return list(dict.fromkeys(found))


class Order(_Resource):
    id: int
    name: Annotated[str, Field(min_length=1, max_length=41)]
    email: Annotated[str, Field(max_length=254)] | None = None
    contact_email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime | None = None
    processed_at: AwareDatetime | None = None
    cancelled_at: AwareDatetime | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    total_price: Money
    financial_status: Annotated[str, Field(max_length=40)] | None = None
    fulfillment_status: Annotated[str, Field(max_length=40)] | None = None
    customer_locale: Annotated[str, Field(max_length=20)] | None = None
    customer: Customer | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    line_items: list[LineItem] = Field(default_factory=list, max_length=2000)
    refunds: list[Refund] = Field(default_factory=list, max_length=500)
    fulfillments: list[Fulfillment] = Field(default_factory=list, max_length=500)

    @property
    def number(self) -> str:
        """The number the customer sees, without Shopify's leading ``#``: "#1001" → "1001"."""
        return self.name.strip().lstrip("#").strip()[:40]


def decode(raw: bytes) -> Any:
    """The JSON value of a body, amounts as ``Decimal``; ``MalformedPayload`` if it is not."""
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MalformedPayload(f"the body is not JSON: {exc}") from None


def parse(model: type[R], raw: bytes) -> R:
    """``raw`` read as ``model``; ``MalformedPayload`` naming the first fields that are wrong."""
    data = decode(raw)
    if not isinstance(data, dict):
        raise MalformedPayload(f"the body is not a JSON object but {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()[:5]
        )
        raise MalformedPayload(f"not a Shopify {model.__name__.lower()}: {problems}") from None
