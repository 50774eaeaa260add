"""Deliver Shopify webhooks to the test client the way Shopify does: signed raw JSON bodies."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.test import Client

from amends.commerce.shopify.signature import sign

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SECRET = "shpss_test_secret_9f2c"
DOMAIN = "amends-nl.myshopify.com"
URL = "/hooks/shop/shopify/"
FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def body_of(data: Any) -> bytes:
    return json.dumps(data).encode()


def deliver(
    client: Client,
    body: bytes,
    *,
    topic: str,
    domain: str = DOMAIN,
    webhook_id: str | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    sent = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": domain,
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Api-Version": "2024-01",
        "X-Shopify-Triggered-At": "2024-03-12T09:28:08.123Z",
        "X-Shopify-Hmac-Sha256": sign(body, SECRET) if signature is None else signature,
        **(headers or {}),
    }
    sent = {k: v for k, v in sent.items() if v != ""}
    return client.post(URL, data=body, content_type="application/json", headers=sent)
