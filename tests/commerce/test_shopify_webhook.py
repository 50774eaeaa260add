"""Shopify webhooks: verified, stored once, imported into the snapshots — and every hostile or
out-of-order delivery answered with a clear error or kept with its reason, never twice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from amends.brands.models import Brand
from amends.carriers.models import Carrier, Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.commerce.models import Order, OrderStatus, ShopifyDelivery, ShopifyShop
from amends.commerce.shopify.receive import shopify_pending_process
from amends.commerce.shopify.signature import sign
from amends.customers.models import Customer, CustomerIdentity
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.services import inbound_replay
from tests.commerce.shopify_helpers import URL, body_of, deliver, fixture

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
ORDER = body_of(fixture("orders_create"))
LATE = "late.myshopify.com"


def _order() -> Order:
    return Order.objects.get(number="1001")


def _with(fixture_name: str, **changes: Any) -> bytes:
    data = fixture(fixture_name)
    data.update(changes)
    return body_of(data)


# --- the happy path -----------------------------------------------------------------------------


def test_an_order_is_imported_with_its_lines_and_customer(
    client: Client, shop: ShopifyShop
) -> None:
    response = deliver(client, ORDER, topic="orders/create", webhook_id="wh-1")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processed"
    order = _order()
    assert order.brand == shop.brand
    assert order.total == Decimal("598.94")
    assert order.currency == "EUR"
    assert order.status == OrderStatus.PAID
    assert order.placed_at == dt.datetime(2024, 3, 12, 9, 28, 6, tzinfo=dt.UTC)
    lines = sorted((x.sku, x.title, x.quantity, x.unit_price) for x in order.lines.all())
    assert lines == [
        ("IPOD2008BLACK", "IPod Nano - 8gb - black", 1, Decimal("199.00")),
        ("IPOD2008GREEN", "IPod Nano - 8gb - green", 1, Decimal("199.00")),
        ("IPOD2008RED", "IPod Nano - 8gb - red", 1, Decimal("199.00")),
    ]
    customer = order.customer
    assert (customer.name, customer.language, customer.country) == ("Bob Norman", "nl", "NL")
    assert customer.external_id == "shopify:207119551"
    identities = set(customer.identities.values_list("kind", "value"))
    assert identities == {("email", "bob.norman@mail.example.com"), ("phone", "+31612345678")}
    inbound = InboundMessage.objects.get()
    assert (inbound.channel, inbound.status) == ("shop", InboundStatus.PROCESSED)
    assert bytes(inbound.raw) == ORDER  # stored exactly as received
    delivery = ShopifyDelivery.objects.get()
    assert (delivery.topic, delivery.webhook_id, delivery.order_ref) == (
        "orders/create",
        "wh-1",
        450789469,
    )
    assert delivery.triggered_at == dt.datetime(2024, 3, 12, 9, 28, 8, 123000, tzinfo=dt.UTC)


def test_an_order_joins_the_customer_who_wrote_before(client: Client, shop: ShopifyShop) -> None:
    known = Customer.objects.create(brand=shop.brand, name="bob", language="en", country="NL")
    CustomerIdentity.objects.create(
        customer=known, kind="email", value="bob.norman@mail.example.com"
    )
    deliver(client, ORDER, topic="orders/create")
    order = _order()
    assert order.customer == known
    known.refresh_from_db()
    assert (known.name, known.language) == ("Bob Norman", "en")  # the chosen language stays
    assert Customer.objects.count() == 1


# --- signatures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "error"),
    [
        ("", "signature_missing"),
        (sign(ORDER, "someone-elses-secret"), "signature_invalid"),
        (sign(ORDER + b" ", "shpss_test_secret_9f2c"), "signature_invalid"),
        ("not base64 at all!", "signature_invalid"),
    ],
)
def test_a_body_not_signed_by_shopify_is_refused_and_not_stored(
    client: Client, shop: ShopifyShop, signature: str, error: str
) -> None:
    response = deliver(client, ORDER, topic="orders/create", signature=signature)
    assert response.status_code == 401
    assert response.json()["error"] == error
    assert not InboundMessage.objects.exists()
    assert not Order.objects.exists()


def test_without_a_secret_nothing_is_accepted(
    client: Client, shop: ShopifyShop, settings: Settings
) -> None:
    settings.AMENDS_SHOPIFY_WEBHOOK_SECRET = ""
    response = deliver(client, ORDER, topic="orders/create")
    assert response.status_code == 503
    assert response.json()["error"] == "not_configured"
    assert not InboundMessage.objects.exists()


def test_only_post_is_accepted(client: Client, shop: ShopifyShop) -> None:
    response = client.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# --- replays and order of arrival ----------------------------------------------------------------


def test_a_replayed_webhook_is_stored_and_imported_once(client: Client, shop: ShopifyShop) -> None:
    first = deliver(client, ORDER, topic="orders/create", webhook_id="wh-1")
    again = deliver(client, ORDER, topic="orders/create", webhook_id="wh-1")
    same_bytes = deliver(client, ORDER, topic="orders/create", webhook_id="wh-2")
    same_event = deliver(
        client,
        json.dumps(fixture("orders_create"), indent=1).encode(),
        topic="orders/create",
        webhook_id="wh-3",
        headers={"X-Shopify-Event-Id": "ev-1"},
    )
    same_event_again = deliver(
        client,
        json.dumps(fixture("orders_create"), indent=2).encode(),
        topic="orders/create",
        webhook_id="wh-4",
        headers={"X-Shopify-Event-Id": "ev-1"},
    )

    assert first.json()["status"] == "processed"
    assert [r.json()["status"] for r in (again, same_bytes, same_event_again)] == ["duplicate"] * 3
    assert same_event.json()["status"] == "processed"  # new bytes, not seen before: idempotent
    assert InboundMessage.objects.count() == 2
    assert Order.objects.count() == 1
    assert _order().lines.count() == 3


def test_an_older_update_never_overwrites_a_newer_one(client: Client, shop: ShopifyShop) -> None:
    newer = _with(
        "orders_create",
        updated_at="2024-03-15T12:00:00+01:00",
        cancelled_at="2024-03-15T12:00:00+01:00",
        financial_status="voided",
        total_price="0.00",
    )
    older = _with("orders_create", updated_at="2024-03-13T12:00:00+01:00", note="older")
    assert deliver(client, newer, topic="orders/cancelled").json()["status"] == "processed"

    response = deliver(client, older, topic="orders/updated")

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert "is older than the copy" in response.json()["reason"]
    order = _order()
    assert (order.status, order.total) == (OrderStatus.CANCELLED, Decimal("0.00"))


def test_a_later_update_changes_the_snapshot(client: Client, shop: ShopifyShop) -> None:
    deliver(client, ORDER, topic="orders/create")
    data = fixture("orders_create")
    data["updated_at"] = "2024-03-13T12:00:00+01:00"
    data["line_items"] = data["line_items"][:2]
    data["total_price"] = "398.00"
    deliver(client, body_of(data), topic="orders/updated")
    order = _order()
    assert order.total == Decimal("398.00")
    assert sorted(order.lines.values_list("sku", flat=True)) == ["IPOD2008GREEN", "IPOD2008RED"]


# --- malformed, oversized, unknown --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"[" * 100_000, "not JSON"),
        (_with("orders_create", total_price="lots"), "total_price"),
        (_with("orders_create", total_price="-5.00"), "total_price"),
        (_with("orders_create", created_at="2024-03-12T10:28:06"), "created_at"),
        (_with("orders_create", id="abc"), "id"),
        (_with("orders_create", name="#"), "holds no order number"),
    ],
)
def test_a_malformed_body_is_quarantined_with_the_reason(
    client: Client, shop: ShopifyShop, body: bytes, words: str
) -> None:
    response = deliver(client, body, topic="orders/create")

    assert response.status_code == 400
    assert response.json()["status"] == "quarantined"
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason.startswith("malformed: ")
    assert words in inbound.reason
    assert not Order.objects.exists()


def test_amounts_sent_as_json_numbers_are_read_exactly(client: Client, shop: ShopifyShop) -> None:
    body = ORDER.replace(b'"total_price": "598.94"', b'"total_price": 0.30000000000000004')
    deliver(client, body, topic="orders/create")
    assert _order().total == Decimal("0.30")


def test_an_oversized_body_is_refused_unread(client: Client, shop: ShopifyShop) -> None:
    body = b'{"id": 1, "padding": "' + b"x" * (1024 * 1024) + b'"}'
    response = deliver(client, body, topic="orders/create")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert not InboundMessage.objects.exists()


def test_a_missing_topic_is_quarantined(client: Client, shop: ShopifyShop) -> None:
    response = deliver(client, ORDER, topic="")
    assert response.status_code == 400
    assert "X-Shopify-Topic" in InboundMessage.objects.get().reason


def test_an_unknown_topic_is_stored_as_ignored(client: Client, shop: ShopifyShop) -> None:
    response = deliver(client, b'{"id": 632910392, "title": "IPod"}', topic="products/update")
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.PROCESSED
    assert inbound.reason == "ignored: topic 'products/update' is not imported"


def test_an_unknown_shop_is_kept_until_it_is_mapped(
    client: Client, shop: ShopifyShop, nl_brand: Brand
) -> None:
    response = deliver(client, ORDER, topic="orders/create", domain="other-shop.myshopify.com")

    assert response.status_code == 202
    assert response.json()["reason"].startswith("unknown shop: 'other-shop.myshopify.com'")
    assert not Order.objects.exists()

    ShopifyShop.objects.create(domain="other-shop.myshopify.com", brand=nl_brand)
    (replayed,) = inbound_replay()
    assert replayed.status == InboundStatus.PROCESSED
    assert _order().brand == nl_brand


def test_an_order_without_any_way_to_reach_its_buyer_is_kept(
    client: Client, shop: ShopifyShop
) -> None:
    data = fixture("orders_create")
    for key in ("customer", "email", "contact_email", "phone"):
        data[key] = None
    response = deliver(client, body_of(data), topic="orders/create")
    assert response.status_code == 202
    assert response.json()["reason"].startswith("no customer:")


# --- refunds ------------------------------------------------------------------------------------


def test_a_refund_changes_refunded_total_and_status(client: Client, shop: ShopifyShop) -> None:
    deliver(client, ORDER, topic="orders/create")
    refund = body_of(fixture("refunds_create"))

    response = deliver(client, refund, topic="refunds/create")

    assert response.status_code == 200
    order = _order()
    assert order.refunded_total == Decimal("202.98")
    assert order.status == OrderStatus.PARTIALLY_REFUNDED

    # The same refund listed again in a later orders/updated is not counted twice.
    data = fixture("orders_create")
    data["updated_at"] = "2024-03-14T09:27:00+01:00"
    data["financial_status"] = "partially_refunded"
    data["refunds"] = [fixture("refunds_create")]
    deliver(client, body_of(data), topic="orders/updated")
    assert _order().refunded_total == Decimal("202.98")

    rest = fixture("refunds_create")
    rest["id"] = 509562970
    rest["transactions"][0]["amount"] = "395.96"
    deliver(client, body_of(rest), topic="refunds/create")
    order = _order()
    assert (order.refunded_total, order.status) == (Decimal("598.94"), OrderStatus.REFUNDED)


def test_a_failed_refund_transaction_refunds_nothing(client: Client, shop: ShopifyShop) -> None:
    deliver(client, ORDER, topic="orders/create")
    refund = fixture("refunds_create")
    refund["transactions"][0]["status"] = "failure"
    deliver(client, body_of(refund), topic="refunds/create")
    order = _order()
    assert (order.refunded_total, order.status) == (Decimal("0.00"), OrderStatus.PAID)


def test_a_refund_ahead_of_its_order_waits_for_it(
    client: Client, shop: ShopifyShop, django_capture_on_commit_callbacks: Capture
) -> None:
    early = deliver(client, body_of(fixture("refunds_create")), topic="refunds/create")
    assert early.status_code == 202
    assert early.json()["reason"].startswith("waiting: Shopify order 450789469")

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, ORDER, topic="orders/create")

    order = _order()
    assert (order.refunded_total, order.status) == (
        Decimal("202.98"),
        OrderStatus.PARTIALLY_REFUNDED,
    )
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"processed"}


# --- fulfilments --------------------------------------------------------------------------------


def test_a_fulfilment_creates_its_parcel_once(client: Client, shop: ShopifyShop) -> None:
    deliver(client, ORDER, topic="orders/create")
    assert not Carrier.objects.exists()

    created = deliver(client, body_of(fixture("fulfillments_create")), topic="fulfillments/create")
    update = fixture("fulfillments_create")
    update["updated_at"] = "2024-03-14T08:00:00+01:00"
    update["shipment_status"] = "in_transit"
    updated = deliver(client, body_of(update), topic="fulfillments/update")
    data = fixture("orders_create")
    data["updated_at"] = "2024-03-13T08:02:00+01:00"
    data["fulfillment_status"] = "partial"
    data["fulfillments"] = [fixture("fulfillments_create")]  # older than the update above
    deliver(client, body_of(data), topic="orders/updated")

    assert created.status_code == updated.status_code == 200
    shipment = Shipment.objects.select_related("carrier").get()
    assert (shipment.carrier.code, shipment.carrier.name) == ("dhl", "DHL")
    assert shipment.tracking_number == "JJD000390007726184519"
    assert shipment.order == _order()
    assert shipment.status == TrackingStatus.IN_TRANSIT
    assert _order().status == OrderStatus.SHIPPED


def test_a_parcel_tracked_by_its_carrier_keeps_the_carrier_status(
    client: Client, shop: ShopifyShop
) -> None:
    deliver(client, ORDER, topic="orders/create")
    deliver(client, body_of(fixture("fulfillments_create")), topic="fulfillments/create")
    shipment = Shipment.objects.get()
    shipment.events.create(
        status=TrackingStatus.ATTEMPT_FAILED,
        occurred_at=dt.datetime(2024, 3, 14, 9, 0, tzinfo=dt.UTC),
    )
    Shipment.objects.filter(pk=shipment.pk).update(status=TrackingStatus.ATTEMPT_FAILED)
    update = fixture("fulfillments_create")
    update["updated_at"] = "2024-03-14T12:00:00+01:00"
    update["shipment_status"] = "in_transit"
    deliver(client, body_of(update), topic="fulfillments/update")
    shipment.refresh_from_db()
    assert shipment.status == TrackingStatus.ATTEMPT_FAILED


@pytest.mark.parametrize(
    ("company", "number", "code"),
    [
        ("PostNL International", "3SAMND000000001", "postnl"),
        ("Colissimo", "6A12345678901", "colissimo"),
        ("DPD UK", "15501234567890", "dpd"),
        ("SEUR", "8012345678", "seur"),
        (None, "1Z999AA10123456784", "ups"),
        ("Other", "1Z999AA10123456784", "ups"),
    ],
)
def test_tracking_companies_map_to_carrier_codes(
    client: Client, shop: ShopifyShop, company: str | None, number: str, code: str
) -> None:
    deliver(client, ORDER, topic="orders/create")
    data = fixture("fulfillments_create")
    data.update(tracking_company=company, tracking_number=number, tracking_numbers=[number])
    deliver(client, body_of(data), topic="fulfillments/create")
    assert Shipment.objects.get().carrier.code == code


def test_a_parcel_with_a_carrier_amends_does_not_track_is_noted(
    client: Client, shop: ShopifyShop
) -> None:
    deliver(client, ORDER, topic="orders/create")
    data = fixture("fulfillments_create")
    data.update(tracking_company="USPS", tracking_numbers=["9400100000000000000000"])
    data["tracking_number"] = "9400100000000000000000"
    response = deliver(client, body_of(data), topic="fulfillments/create")
    assert response.status_code == 200
    assert "USPS is not a carrier amends tracks" in response.json()["reason"]
    assert not Shipment.objects.exists()


def test_a_cancelled_fulfilment_adds_no_parcel(client: Client, shop: ShopifyShop) -> None:
    deliver(client, ORDER, topic="orders/create")
    deliver(client, _with("fulfillments_create", status="cancelled"), topic="fulfillments/create")
    assert not Shipment.objects.exists()
    assert _order().status == OrderStatus.PAID


# --- customers ----------------------------------------------------------------------------------


def test_a_customer_update_renames_and_an_older_one_is_ignored(
    client: Client, shop: ShopifyShop
) -> None:
    deliver(client, ORDER, topic="orders/create")
    update = body_of(fixture("customers_update"))
    assert deliver(client, update, topic="customers/update").json()["status"] == "processed"
    older = _with("customers_update", updated_at="2024-03-13T00:00:00+01:00", first_name="Old")
    response = deliver(client, older, topic="customers/update")
    assert response.json()["status"] == "ignored"
    customer = _order().customer
    assert customer.name == "Robert Norman"
    assert Customer.objects.count() == 1


def test_a_new_customer_gets_the_storefront_language(client: Client, shop: ShopifyShop) -> None:
    data = fixture("customers_update")
    data.update(id=1, email="Ines@Mail.Example.com", phone="not a phone")
    deliver(client, body_of(data), topic="customers/create")
    customer = Customer.objects.get()
    assert (customer.language, customer.brand) == ("nl", shop.brand)
    assert list(customer.identities.values_list("value", flat=True)) == ["ines@mail.example.com"]


def test_a_delivery_stored_but_never_processed_is_picked_up(shop: ShopifyShop) -> None:
    """A crash between storing and importing leaves the body received; the sweep imports it."""
    inbound = InboundMessage.objects.create(
        channel="shop", dedupe_key="k", raw=ORDER, sha256="0" * 64, source="shopify:x"
    )
    ShopifyDelivery.objects.create(
        inbound=inbound, shop_domain=shop.domain, topic="orders/create", order_ref=450789469
    )
    assert shopify_pending_process() == 1
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.PROCESSED
    assert _order().total == Decimal("598.94")
    assert shopify_pending_process() == 0


def test_a_quarantined_delivery_sent_again_is_processed_again(
    client: Client, shop: ShopifyShop, nl_brand: Brand
) -> None:
    """Shopify retries what it was not answered 2xx for: a retry is a replay."""
    first = deliver(
        client, ORDER, topic="orders/create", domain="late.myshopify.com", webhook_id="w"
    )
    assert first.status_code == 202
    ShopifyShop.objects.create(domain=LATE, brand=nl_brand)
    again = deliver(
        client, ORDER, topic="orders/create", domain="late.myshopify.com", webhook_id="w"
    )
    assert again.json()["status"] == "processed"
    assert InboundMessage.objects.count() == 1
    assert InboundMessage.objects.get().attempts == 2
