"""Shopify webhooks in: verified, stored raw once, then imported — or kept with the reason.

1. **Verified first.** A body not signed with ``AMENDS_SHOPIFY_WEBHOOK_SECRET`` is refused and
   *not stored*: it did not come from Shopify, storing it would let anyone fill the database,
   and nothing is lost — Shopify retries a delivery that was not answered with a 2xx.
2. **Stored once.** A signed body is stored (``inbound_store``, channel ``"shop"``) with its
   headers (``ShopifyDelivery``) before it is read. A replay — the same ``X-Shopify-Webhook-Id``,
   the same ``X-Shopify-Event-Id`` for the same topic (Shopify's own advice for duplicates), or
   the same bytes for the same topic — is not stored again.
3. **Imported** by the ``"shop"`` channel's processor (:func:`shopify_delivery_apply`, run by
   ``inbound_process``): unknown topics are kept as *processed* with the reason ``ignored: …``;
   what cannot be imported is quarantined with a reason that starts with a stable word:

   * ``malformed: …`` — not JSON, or not the documented resource (answered 400);
   * ``unknown shop: …`` — the shop domain is not mapped to a storefront (202; add it in the
     admin and replay);
   * ``waiting: …`` — a refund or fulfilment ahead of its order (202; applied when the order
     is imported);
   * ``conflict: …``, ``no customer: …`` — well-formed but not importable as it is (202).

   A quarantined delivery is processed again when Shopify delivers it again, when its order
   arrives (``waiting``), or by ``amends inbound replay``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from amends.commerce.models import ShopifyDelivery, ShopifyShop
from amends.commerce.shopify import payloads as p
from amends.commerce.shopify.customers import customer_import
from amends.commerce.shopify.importer import fulfilment_import, order_import, refund_import
from amends.commerce.shopify.signature import verify
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import UnprocessableInbound
from amends.inbound.services import inbound_process, inbound_store, register_processor

logger = logging.getLogger(__name__)

CHANNEL = "shop"

Handler = Callable[[ShopifyShop, bytes], list[str]]


def _orders(shop: ShopifyShop, raw: bytes) -> list[str]:
    return order_import(shop=shop, payload=p.parse(p.Order, raw))


def _refunds(shop: ShopifyShop, raw: bytes) -> list[str]:
    return refund_import(shop=shop, payload=p.parse(p.Refund, raw))


def _fulfilments(shop: ShopifyShop, raw: bytes) -> list[str]:
    return fulfilment_import(shop=shop, payload=p.parse(p.Fulfillment, raw))


def _customers(shop: ShopifyShop, raw: bytes) -> list[str]:
    return customer_import(shop=shop, payload=p.parse(p.Customer, raw))


HANDLERS: dict[str, Handler] = {
    "orders/create": _orders,
    "orders/updated": _orders,
    "orders/paid": _orders,
    "orders/cancelled": _orders,
    "refunds/create": _refunds,
    "fulfillments/create": _fulfilments,
    "fulfillments/update": _fulfilments,
    "customers/create": _customers,
    "customers/update": _customers,
}
ORDER_TOPICS = frozenset(t for t, h in HANDLERS.items() if h is _orders)


def shopify_delivery_apply(inbound: InboundMessage) -> None:
    """The ``"shop"`` channel's processor (see the module's docstring)."""
    delivery = ShopifyDelivery.objects.filter(inbound=inbound).first()
    if delivery is None:
        raise UnprocessableInbound("malformed: the delivery's headers were not stored with it")
    if not delivery.topic:
        raise UnprocessableInbound("malformed: the X-Shopify-Topic header is missing")
    handler = HANDLERS.get(delivery.topic)
    if handler is None:
        inbound.reason = f"ignored: topic {delivery.topic!r} is not imported"
        return
    shop = (
        ShopifyShop.objects.select_related("brand")
        .filter(domain=delivery.shop_domain, active=True)
        .first()
    )
    if shop is None:
        raise UnprocessableInbound(
            f"unknown shop: {delivery.shop_domain!r} is not mapped to a storefront "
            "(add it under Shopify shops in the admin, then replay)"
        )
    try:
        notes = handler(shop, bytes(inbound.raw))
    except p.MalformedPayload as exc:
        raise UnprocessableInbound(f"malformed: {exc}") from None
    inbound.reason = "; ".join(notes)[:2000]
    if delivery.topic in ORDER_TOPICS and delivery.order_ref is not None:
        transaction.on_commit(
            partial(_release_waiting, domain=delivery.shop_domain, order_ref=delivery.order_ref)
        )


def register_shop_channel() -> None:
    """Make ``inbound_process`` (and so ``amends inbound replay``) able to import Shopify
    deliveries. Idempotent."""
    register_processor(CHANNEL, shopify_delivery_apply)


register_shop_channel()


def _process(inbound_id: int) -> InboundMessage:
    """Process a stored delivery unless it is done; the row is locked meanwhile, so two
    deliveries of the same body at once import it once."""
    with transaction.atomic():
        inbound = (
            InboundMessage.objects.select_for_update()
            .filter(pk=inbound_id, status__in=[InboundStatus.RECEIVED, InboundStatus.QUARANTINED])
            .first()
        )
        if inbound is None:
            return InboundMessage.objects.get(pk=inbound_id)
        return inbound_process(inbound=inbound)


def _release_waiting(*, domain: str, order_ref: int) -> None:
    """Apply the refunds and fulfilments that arrived before their order did."""
    waiting = InboundMessage.objects.filter(
        channel=CHANNEL,
        status=InboundStatus.QUARANTINED,
        reason__startswith="waiting:",
        shopify_delivery__shop_domain=domain,
        shopify_delivery__order_ref=order_ref,
    ).order_by("id")
    for inbound_id in list(waiting.values_list("pk", flat=True)):
        _process(inbound_id)


def shopify_pending_process() -> int:
    """Process deliveries stored but never processed (a crash between the two steps)."""
    pending = InboundMessage.objects.filter(channel=CHANNEL, status=InboundStatus.RECEIVED)
    ids = list(pending.order_by("id").values_list("pk", flat=True)[:1000])
    for inbound_id in ids:
        _process(inbound_id)
    return len(ids)


# --- receiving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the webhook endpoint answers: ``status`` is processed, ignored, duplicate,
    quarantined or rejected."""

    http_status: int
    status: str
    reason: str = ""
    inbound_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status}
        if self.reason:
            body["reason"] = self.reason
        if self.inbound_id is not None:
            body["inbound"] = self.inbound_id
        return body


def _order_ref(topic: str, raw: bytes) -> int | None:
    """The Shopify order a body is about, read leniently (the import reads it strictly)."""
    key = "id" if topic in ORDER_TOPICS else "order_id"
    try:
        value = p.decode(raw).get(key)
    except (p.MalformedPayload, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _triggered_at(value: str) -> dt.datetime | None:
    try:
        moment = parse_datetime(value.strip()) if value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _replayed(*, domain: str, topic: str, webhook_id: str, event_id: str, sha256: str) -> Any:
    same = Q(topic=topic, inbound__sha256=sha256)
    if webhook_id:
        same |= Q(webhook_id=webhook_id)
    if event_id:
        same |= Q(topic=topic, event_id=event_id)
    found = ShopifyDelivery.objects.select_related("inbound").filter(same, shop_domain=domain)
    delivery = found.order_by("id").first()
    return delivery.inbound if delivery is not None else None


def _outcome(inbound: InboundMessage) -> Outcome:
    reason, pk = inbound.reason, inbound.pk
    if inbound.status == InboundStatus.PROCESSED:
        status = "ignored" if reason.startswith("ignored:") else "processed"
        return Outcome(200, status, reason, pk)
    if reason.startswith("malformed:"):
        return Outcome(400, "quarantined", reason, pk)
    if reason.startswith("internal error"):
        return Outcome(500, "quarantined", "internal error; kept and retried", pk)
    return Outcome(202, "quarantined", reason, pk)


def shopify_webhook_receive(*, body: bytes, headers: Mapping[str, str], secret: str) -> Outcome:
    """Verify, store once, import. Raises ``SignatureRejected`` for a body not signed by
    Shopify (nothing is stored then)."""
    verify(body=body, header=headers.get("X-Shopify-Hmac-Sha256"), secret=secret)
    topic = headers.get("X-Shopify-Topic", "").strip().lower()[:80]
    domain = headers.get("X-Shopify-Shop-Domain", "").strip().lower()[:255]
    webhook_id = headers.get("X-Shopify-Webhook-Id", "").strip()[:100]
    event_id = headers.get("X-Shopify-Event-Id", "").strip()[:100]
    sha256 = hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        earlier = _replayed(
            domain=domain, topic=topic, webhook_id=webhook_id, event_id=event_id, sha256=sha256
        )
        if earlier is None:
            stored = inbound_store(
                channel=CHANNEL,
                raw=body,
                source=f"shopify:{domain}"[:200],
                external_id=webhook_id or event_id,
            )
            inbound, created = stored.inbound, stored.created
            if created:
                ShopifyDelivery.objects.create(
                    inbound=inbound,
                    shop_domain=domain,
                    topic=topic,
                    webhook_id=webhook_id,
                    event_id=event_id,
                    api_version=headers.get("X-Shopify-API-Version", "").strip()[:20],
                    triggered_at=_triggered_at(headers.get("X-Shopify-Triggered-At", "")),
                    order_ref=_order_ref(topic, body),
                )
        else:
            inbound, created = earlier, False
    if not created and inbound.status in {InboundStatus.PROCESSED, InboundStatus.DUPLICATE}:
        return Outcome(200, "duplicate", "", inbound.pk)
    # New, or delivered again while quarantined or unprocessed: Shopify's retry is a replay.
    return _outcome(_process(inbound.pk))
