"""Where a shop's confirmation enters amends — the one place.

A shop accepts some operations at once but carries them out later: a refund is on its way
until the payment provider settles it. Whatever tells amends that it happened — the demo
shop's settlement task, a real shop's webhook or poller — calls :func:`shop_confirmed` with the
reference of the shop's receipt (``Receipt.reference``), and nothing else records it.

It records the moment on the ``ShopOperation`` that carries that reference, then, in the same
transaction, on the remedy carried out with it (``commerce.remedies.remedy_confirmed``), which
keeps the commitment made to the customer ("your refund reaches your account within 3 business
days").
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from amends.commerce.models import ShopOperation


def shop_confirmed(*, reference: str, confirmed_at: dt.datetime) -> ShopOperation | None:
    """Record that the shop carried out the operation with this receipt ``reference``.

    Idempotent: a second confirmation keeps the first moment. Returns the operation, or None
    when amends never asked for it (a refund made in the shop's own back office).
    """
    if timezone.is_naive(confirmed_at):
        raise ValueError("confirmed_at must be timezone-aware")
    if not reference:
        return None
    with transaction.atomic():
        operation = ShopOperation.objects.select_for_update().filter(reference=reference).first()
        if operation is None:
            return None
        if operation.confirmed_at is None:
            operation.confirmed_at = confirmed_at
            operation.save(update_fields=["confirmed_at"])
        # The remedy carried out with it, and the promise made to the customer on it.
        from amends.commerce.remedies import remedy_confirmed

        remedy_confirmed(reference=reference, confirmed_at=operation.confirmed_at)
    return operation
