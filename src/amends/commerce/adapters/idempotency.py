"""Carry out a shop operation once per idempotency key, even when two callers race.

A double click, a retried task or two workers can ask for the same refund at the same moment.
:func:`run_once` claims the key by inserting its ``ShopOperation`` row *before* the work, in the
same transaction: on PostgreSQL the second insert of the same key waits for the first
transaction and then fails on the unique constraint, and the loser returns the winner's receipt
without doing anything. If the work fails (a refusal, a crash) the claim rolls back with it, so
the key stays free for a later attempt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction

from amends.commerce.adapters.base import Receipt, ShopError
from amends.commerce.models import ShopOperation

MAX_KEY = 120  # ShopOperation.idempotency_key's max_length


def receipt_of(operation: ShopOperation) -> Receipt:
    """The receipt as the shop first gave it (``confirmed_at`` says what happened since)."""
    return Receipt(
        reference=operation.reference,
        confirmed=operation.confirmed,
        amount=operation.amount,
        currency=operation.currency,
        expected_by=operation.expected_by,
        detail={str(k): str(v) for k, v in operation.detail.items()},
    )


def run_once(
    *,
    backend: str,
    kind: str,
    brand_code: str,
    idempotency_key: str,
    request: Mapping[str, str],
    execute: Callable[[], Receipt],
) -> Receipt:
    """Run ``execute`` unless ``idempotency_key`` was used before; return the receipt.

    ``request`` describes what is asked (order, amount...): the same key sent again with a
    different request is refused (a permanent ``ShopError``), never silently answered with the
    receipt of something else.
    """
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY:
        raise ShopError(
            f"an idempotency key of 1 to {MAX_KEY} characters is required", permanent=True
        )
    wanted = {"kind": kind, "brand_code": brand_code, **{k: str(v) for k, v in request.items()}}
    with transaction.atomic():
        try:
            with transaction.atomic():
                operation = ShopOperation.objects.create(
                    idempotency_key=key,
                    backend=backend,
                    kind=kind,
                    brand_code=brand_code,
                    request=wanted,
                )
        except IntegrityError:
            earlier = ShopOperation.objects.get(idempotency_key=key)
            if earlier.request != wanted:
                raise ShopError(
                    f"idempotency key {key!r} was already used for another operation",
                    permanent=True,
                ) from None
            return receipt_of(earlier)
        receipt = execute()
        operation.reference = receipt.reference
        operation.confirmed = receipt.confirmed
        operation.amount = receipt.amount
        operation.currency = receipt.currency
        operation.expected_by = receipt.expected_by
        operation.detail = dict(receipt.detail)
        if receipt.confirmed:
            operation.confirmed_at = operation.created_at
        operation.save()
    return receipt


def money_text(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def date_text(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()
