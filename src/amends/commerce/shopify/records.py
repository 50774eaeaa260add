"""The map of Shopify ids to what they were imported as, and the rules every import keeps.

* **One row per Shopify object** (``ShopifyRecord``, unique per shop, kind and id). The row is
  claimed — created, or locked if it exists — before anything is written about the object, so
  two webhooks about the same new order at once (``orders/create`` and ``orders/paid`` arrive
  together) import it one after the other instead of both creating it.
* **Never older over newer.** Shopify may deliver an ``orders/updated`` late; a body whose
  ``updated_at`` is older than the copy we hold is ignored, with the reason.
* **Refusals say why**, with a stable first word the webhook view answers on (``waiting:``,
  ``conflict:``, ``no customer:``).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from amends.commerce.models import ShopifyRecord, ShopifyShop
from amends.inbound.parsed import UnprocessableInbound


class Waiting(UnprocessableInbound):
    """About an order not imported yet: kept, and applied when the order arrives."""

    def __init__(self, order_id: int) -> None:
        super().__init__(
            f"waiting: Shopify order {order_id} has not been imported yet; "
            "this is applied when it arrives"
        )


class Refused(UnprocessableInbound):
    """Well-formed, but it cannot be imported as it is; ``str(exc)`` starts with the reason."""


def record_claim(*, shop: ShopifyShop, kind: str, shopify_id: int) -> tuple[ShopifyRecord, bool]:
    """The record of this Shopify object, locked until the transaction ends; created if new."""
    found = (
        ShopifyRecord.objects.select_for_update()
        .filter(shop=shop, kind=kind, shopify_id=shopify_id)
        .first()
    )
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return ShopifyRecord.objects.create(shop=shop, kind=kind, shopify_id=shopify_id), True
    except IntegrityError:
        # Created a moment ago by a concurrent import (on PostgreSQL the insert waited for it).
        record = ShopifyRecord.objects.select_for_update().get(
            shop=shop, kind=kind, shopify_id=shopify_id
        )
        return record, False


def is_stale(record: ShopifyRecord, updated_at: dt.datetime | None) -> bool:
    """Whether a body last updated at ``updated_at`` is older than the copy ``record`` holds."""
    held = record.remote_updated_at
    return held is not None and updated_at is not None and updated_at < held


def stale_note(what: str, updated_at: dt.datetime | None, record: ShopifyRecord) -> str:
    held = record.remote_updated_at
    return (
        f"ignored: {what} as of {updated_at.isoformat() if updated_at else '?'} is older than "
        f"the copy of {held.isoformat() if held else '?'}"
    )
