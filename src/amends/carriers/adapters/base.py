"""The contract every carrier adapter keeps: recognise, verify, parse, poll.

An adapter knows one carrier's public formats and nothing of the database. The ingestion
(``carriers.ingest``) stores what arrives raw first, asks the adapter to verify and parse it, and
records the :class:`CarrierEvent` values it returns against shipments.

Errors, in one place:

* :class:`WebhookRejected` — the request is not acceptable as sent (bad or missing signature,
  malformed or oversized body, unknown shape). ``reason`` is a short stable code
  (``"signature"``, ``"malformed"``, ``"too_large"``, ``"unsupported"``), ``detail`` says what
  was wrong in words an operator can act on. Never raised for a well-formed body about a tracking
  number we do not know: that is the ingestion's business, not the adapter's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


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

    def recognises(self, tracking_number: str) -> bool:
        """Whether the number has this carrier's shape and a valid check digit."""

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> None:
        """Raise WebhookRejected("signature", ...) unless the request is signed with ``secret``."""

    def parse_webhook(self, body: bytes) -> Sequence[CarrierEvent]:
        """Events in a pushed body; raise WebhookRejected("malformed", ...) if it is not one."""

    def poll_request(self, *, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        """The request that asks the carrier's tracking API about these numbers."""

    def parse_poll(self, body: bytes) -> Sequence[CarrierEvent]:
        """Events in the tracking API's answer to :meth:`poll_request`."""
