"""A small carrier for the tracking tests: its own JSON format, an HMAC signature, a poll API.

It keeps the :class:`CarrierAdapter` contract as a real adapter does (malformed bodies raise
``WebhookRejected``), so the webhook endpoint, the channel and the poller are tested without
depending on any one carrier's format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pytest
from django.test import override_settings

from amends.carriers import adapters
from amends.carriers.adapters.base import CarrierEvent, PollRequest, WebhookRejected
from amends.carriers.models import Carrier
from amends.carriers.taxonomy import TrackingStatus
from tests.factories import CarrierFactory

CODE = "testpost"
SECRET = "s3cret-for-tests"
API_KEY = "key-for-tests"
HEADER = "X-Testpost-Signature"
POLL_URL = "https://api.testpost.example/v1/track"


class FakePost:
    code = CODE
    name = "Test Post"
    signs_webhooks = True
    max_poll_batch = 2

    def recognises(self, tracking_number: str) -> bool:
        return tracking_number.startswith("TP")

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> None:
        given = headers.get(HEADER, "")
        if not given:
            raise WebhookRejected("signature", f"the {HEADER} header is missing")
        if not hmac.compare_digest(given, sign(body, secret)):
            raise WebhookRejected("signature", f"the {HEADER} header does not match the body")

    def parse_webhook(self, body: bytes) -> Sequence[CarrierEvent]:
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WebhookRejected("malformed", f"the body is not JSON: {exc}") from exc
        items = data.get("events") if isinstance(data, dict) and "events" in data else [data]
        if not isinstance(items, list):
            raise WebhookRejected("malformed", "'events' is not a list")
        return [self._event(item) for item in items]

    def poll_request(self, *, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        return PollRequest(
            method="GET",
            url=POLL_URL,
            headers={"X-Api-Key": api_key},
            params={"numbers": ",".join(tracking_numbers)},
        )

    def parse_poll(self, body: bytes) -> Sequence[CarrierEvent]:
        return self.parse_webhook(body)

    def _event(self, item: Any) -> CarrierEvent:
        try:
            occurred = dt.datetime.fromisoformat(item["at"])
            if occurred.tzinfo is None:
                raise ValueError("no offset")
            estimate = item.get("eta")
            return CarrierEvent(
                tracking_number=str(item["number"]),
                status=STATUSES[item["code"]],
                carrier_code=str(item["code"]),
                occurred_at=occurred,
                description=str(item.get("text", "")),
                estimated_delivery=dt.date.fromisoformat(estimate) if estimate else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise WebhookRejected("malformed", f"an event is not readable: {exc!r}") from exc


STATUSES = {
    "ANN": TrackingStatus.INFO_RECEIVED,
    "TRN": TrackingStatus.IN_TRANSIT,
    "OFD": TrackingStatus.OUT_FOR_DELIVERY,
    "NOK": TrackingStatus.ATTEMPT_FAILED,
    "DMG": TrackingStatus.DAMAGED,
    "DLV": TrackingStatus.DELIVERED,
}


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def item(number: str, code: str, at: dt.datetime, *, eta: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"number": number, "code": code, "at": at.isoformat(), "text": code}
    if eta:
        data["eta"] = eta
    return data


def body_of(*items: dict[str, Any]) -> bytes:
    return json.dumps({"events": list(items)}).encode()


def register_testpost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Carrier]:
    """The fake carrier registered (adapter, settings, Carrier row) for one test; a test module
    yields from it in a fixture of its own."""
    monkeypatch.setattr(
        adapters, "ADAPTERS", MappingProxyType({**adapters.ADAPTERS, CODE: FakePost()})
    )
    configured = {CODE: {"WEBHOOK_SECRET": SECRET, "API_KEY": API_KEY, "POLL": "true"}}
    with override_settings(AMENDS_CARRIERS=configured):
        yield CarrierFactory(code=CODE, name="Test Post")
