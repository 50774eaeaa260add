"""The contract every carrier adapter keeps: recognise, verify, parse, poll.

An adapter knows one carrier's public formats and nothing of the database. The ingestion
(``carriers.ingest``) stores what arrives raw first, asks the adapter to verify and parse it, and
records the :class:`CarrierEvent` values it returns against shipments.

Errors, in one place:

* :class:`WebhookRejected` — the request is not acceptable as sent (bad or missing signature,
  malformed or oversized body, unknown shape). ``reason`` is a short stable code
  (``"signature"``, ``"malformed"``, ``"too_large"``, ``"unsupported"``), ``detail`` says what
  was wrong in words an operator can act on. Never raised for a well-formed body about a tracking
  number we do not know: that is the ingestion's business, not the adapter's. ``parse_poll``
  raises it too, for an answer from the carrier's API that is not what the API documents.

How a push is authenticated (``signs_webhooks``):

* True — the carrier documents its own way of authenticating a push and the adapter checks
  exactly that (DHL's push API sends the token of the subscription's ``ApiKeyAuthentication`` in
  the header the subscriber chose, :data:`SECRET_HEADER` here; UPS Track Alert sends the
  subscription's opaque ``credential`` header).
* False — the carrier documents no push authentication (or no push at all: pushes then come from
  a relay the shop runs). ``verify`` accepts either :data:`SIGNATURE_HEADER` =
  ``sha256=<hex HMAC-SHA256 of the raw body with the secret>`` or :data:`SECRET_HEADER` = the
  secret itself; both are compared in constant time.

Every body is refused above :data:`MAX_BODY_BYTES` before it is parsed, and a JSON document
nested deeper than :data:`MAX_DEPTH` is refused as malformed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

# Bodies above this size are refused unread (reason "too_large").
MAX_BODY_BYTES = 1024 * 1024
# JSON nested deeper than this is refused (reason "malformed"): no carrier nests that deep.
MAX_DEPTH = 32
# Our own headers, for carriers that do not authenticate their pushes themselves.
SIGNATURE_HEADER = "X-Amends-Signature"
SECRET_HEADER = "X-Amends-Webhook-Secret"  # noqa: S105 - a header name, not a secret


class WebhookRejected(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class CarrierEvent:
    """One scan or status change, normalised to ``carriers.taxonomy.TrackingStatus``."""

    tracking_number: str
    status: str  # a TrackingStatus value
    carrier_code: str  # the carrier's own event code, kept verbatim
    occurred_at: dt.datetime  # aware
    description: str = ""
    location: str = ""
    # A (new) delivery estimate carried by this event, when the carrier sends one.
    estimated_delivery: dt.date | None = None


@dataclass(frozen=True)
class PollRequest:
    """An HTTP request the poller sends; built by the adapter, sent by the caller."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)


class CarrierAdapter(Protocol):
    code: str  # "dhl", "postnl", "seur", "colissimo", "dpd", "ups"
    name: str
    signs_webhooks: bool  # False: the carrier is polled, or its pushes carry no signature
    max_poll_batch: int  # how many tracking numbers one poll_request may ask about

    def recognises(self, tracking_number: str) -> bool:
        """Whether the number has this carrier's shape and a valid check digit."""

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> None:
        """Raise WebhookRejected("signature", ...) unless the request is signed with ``secret``."""

    def parse_webhook(self, body: bytes) -> Sequence[CarrierEvent]:
        """Events in a pushed body; raise WebhookRejected("malformed", ...) if it is not one."""

    def poll_request(self, *, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        """The request that asks the carrier's tracking API about these numbers.

        ``ValueError`` for no numbers, more than ``max_poll_batch``, or a value that is not a
        tracking number (it would end up in a URL)."""

    def parse_poll(self, body: bytes) -> Sequence[CarrierEvent]:
        """Events in the tracking API's answer to :meth:`poll_request`."""
