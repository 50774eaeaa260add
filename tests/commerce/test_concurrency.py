"""Two requests at the same moment (PostgreSQL, real threads): a double-clicked refund refunds
once, two refunds cannot together refund more than was paid, and two webhooks about the same
new order create it once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from amends.brands.models import Brand
from amends.commerce.adapters.base import ShopError
from amends.commerce.adapters.demo import DemoShop
from amends.commerce.models import DemoLedgerEntry, LedgerKind, Order, ShopifyShop, ShopOperation
from amends.customers.models import Customer
from tests.commerce.demo_helpers import demo_order
from tests.commerce.shopify_helpers import body_of, deliver, fixture

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on their own threads, released together; results or raised exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not t.is_alive() for t in threads)
    return results


def _refund(amount: str, key: str) -> Callable[[], Any]:
    return lambda: DemoShop(settle_after_seconds=0).refund(
        order_number="NL3100001",
        brand_code="nl",
        amount=Decimal(amount),
        reason="double click",
        idempotency_key=key,
    )


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_key_at_once_refunds_once(nl_brand: Brand, attempt: int) -> None:
    world = demo_order(nl_brand)

    first, second = _at_once(_refund("40.00", "click"), _refund("40.00", "click"))

    assert not isinstance(first, Exception), first
    assert first == second
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("40.00")
    assert DemoLedgerEntry.objects.filter(kind=LedgerKind.REFUND).count() == 1
    assert ShopOperation.objects.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_refunds_at_once_never_refund_more_than_was_paid(nl_brand: Brand, attempt: int) -> None:
    world = demo_order(nl_brand)

    results = _at_once(_refund("60.00", "agent-a"), _refund("60.00", "agent-b"))

    refused = [r for r in results if isinstance(r, ShopError)]
    assert len(refused) == 1, results
    assert refused[0].permanent
    world.order.refresh_from_db()
    assert world.order.refunded_total == Decimal("60.00")


@pytest.mark.parametrize("attempt", range(3))
def test_two_webhooks_about_a_new_order_create_it_once(shop: ShopifyShop, attempt: int) -> None:
    paid = fixture("orders_create")
    paid["updated_at"] = "2024-03-12T10:28:08+01:00"

    def send(body: bytes, topic: str) -> Callable[[], Any]:
        return lambda: deliver(Client(), body, topic=topic).status_code

    codes = _at_once(
        send(body_of(fixture("orders_create")), "orders/create"),
        send(body_of(paid), "orders/paid"),
    )

    assert codes == [200, 200]
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    assert Order.objects.get().lines.count() == 3
