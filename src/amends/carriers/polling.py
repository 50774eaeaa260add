"""Asking the tracking APIs of carriers that do not push.

A carrier is polled when ``settings.AMENDS_CARRIERS[code]["POLL"]`` says so ("true"/"false");
when that is unset or empty, when it has an ``API_KEY`` and no ``WEBHOOK_SECRET`` (it cannot
push to us, so we ask).

One run (:func:`tracking_poll_run`) per carrier:

1. **Claim** up to ``limit`` shipments that are still travelling and due (never polled, or
   their ``next_poll_at`` has passed): their ``next_poll_at`` is pushed forward by a lease in
   the same transaction (rows locked with ``SKIP LOCKED`` on PostgreSQL), so two workers never
   poll the same parcel at once, and a worker that dies only delays it by the lease.
2. **Ask** in requests of ``adapter.max_poll_batch`` numbers, with httpx through the transport
   that settings name (``AMENDS_CARRIER_HTTP["TRANSPORT"]``; tests pass an
   ``httpx.MockTransport``, so nothing here needs the network to be tested).
3. **Record** each answer like a pushed body: stored raw first, parsed by the adapter's
   ``parse_poll``, recorded by the ingestion (``carriers.channel``). The same answer twice is
   stored once and recorded once.
4. **Settle**: an answered shipment is due again after :data:`POLL_EVERY`; one whose request
   failed backs off exponentially (:data:`BACKOFF_FIRST` doubling up to :data:`BACKOFF_MAX`).
   A timeout, a refused connection, a 429 or a 5xx means the carrier's API is unwell: the run
   stops for that carrier and everything it claimed backs off, rather than hammering it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from amends.carriers.adapters.base import CarrierAdapter
from amends.carriers.channel import POLL_ANSWER, carrier_payload_receive
from amends.carriers.ingest import IngestResult
from amends.carriers.models import Shipment
from amends.carriers.selectors import (
    carrier_adapter,
    carrier_id_for,
    carrier_settings,
    chunked,
    shipments_due_for_poll,
)

logger = logging.getLogger(__name__)

POLL_EVERY = dt.timedelta(hours=2)
LEASE = dt.timedelta(minutes=15)
BACKOFF_FIRST = dt.timedelta(minutes=10)
BACKOFF_MAX = dt.timedelta(hours=12)
MAX_AGE = dt.timedelta(days=60)
BATCH = 200
TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 5 * 1024 * 1024
_TRUE = {"1", "true", "yes", "on"}


def carriers_polled() -> list[str]:
    """The codes of the carriers to poll (configured, with an adapter)."""
    codes = []
    for code in sorted(getattr(settings, "AMENDS_CARRIERS", {}) or {}):
        conf = carrier_settings(code)
        if conf.get("POLL", "").strip():
            wanted = conf["POLL"].strip().lower() in _TRUE
        else:
            wanted = bool(conf.get("API_KEY")) and not conf.get("WEBHOOK_SECRET")
        if wanted and carrier_adapter(code) is not None:
            codes.append(code)
    return codes


def http_client() -> httpx.Client:
    """The client polls go through. ``AMENDS_CARRIER_HTTP["TRANSPORT"]`` is an
    ``httpx.BaseTransport``, a dotted path to a callable returning one, or unset (the network)."""
    conf: dict[str, Any] = dict(getattr(settings, "AMENDS_CARRIER_HTTP", {}) or {})
    transport = conf.get("TRANSPORT")
    if isinstance(transport, str):
        transport = import_string(transport)()
    return httpx.Client(
        transport=transport,
        timeout=float(conf.get("TIMEOUT", TIMEOUT_SECONDS)),
        follow_redirects=False,
        headers={"User-Agent": "amends-tracking/1"},
    )


def backoff(failures: int) -> dt.timedelta:
    """How long a shipment waits after its ``failures``-th failed poll in a row."""
    doublings = max(0, min(failures - 1, 16))
    return min(BACKOFF_MAX, BACKOFF_FIRST * (1 << doublings))


@dataclass
class PollReport:
    carrier: str
    shipments: int = 0
    requests: int = 0
    failed_requests: int = 0
    stopped: str = ""  # why the run stopped early for this carrier, if it did
    result: IngestResult = field(default_factory=IngestResult)

    def as_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "shipments": self.shipments,
            "requests": self.requests,
            "failed_requests": self.failed_requests,
            "stopped": self.stopped,
            **self.result.counts(),
        }


@dataclass(frozen=True)
class _Claimed:
    pk: int
    number: str
    failures: int


def _claim(*, carrier_id: int, now: dt.datetime, limit: int) -> list[_Claimed]:
    with transaction.atomic():
        rows = list(
            shipments_due_for_poll(carrier_id=carrier_id, now=now, max_age=MAX_AGE)
            .select_for_update(skip_locked=True)
            .values_list("pk", "tracking_number", "poll_failures")[:limit]
        )
        Shipment.objects.filter(pk__in=[pk for pk, _n, _f in rows]).update(next_poll_at=now + LEASE)
    return [_Claimed(pk, number, failures) for pk, number, failures in rows]


def _settle(claimed: Sequence[_Claimed], *, ok: bool, now: dt.datetime) -> None:
    if not claimed:
        return
    if ok:
        Shipment.objects.filter(pk__in=[c.pk for c in claimed]).update(
            next_poll_at=now + POLL_EVERY, poll_failures=0
        )
        return
    by_failures: dict[int, list[int]] = {}
    for item in claimed:
        by_failures.setdefault(min(item.failures + 1, 1000), []).append(item.pk)
    for failures, ids in by_failures.items():
        Shipment.objects.filter(pk__in=ids).update(
            next_poll_at=now + backoff(failures), poll_failures=failures
        )


class _CarrierUnwell(Exception):
    pass


def _ask(
    client: httpx.Client, adapter: CarrierAdapter, numbers: list[str], api_key: str
) -> bytes | None:
    """The answer's body; None for "no news" (404); raises ``_CarrierUnwell`` or ValueError."""
    request = adapter.poll_request(tracking_numbers=numbers, api_key=api_key)
    try:
        response = client.request(
            request.method, request.url, headers=dict(request.headers), params=dict(request.params)
        )
    except httpx.HTTPError as exc:
        raise _CarrierUnwell(f"{type(exc).__name__}: {exc}") from exc
    status = response.status_code
    if status == 404:
        return None
    if status == 429 or status >= 500:
        raise _CarrierUnwell(f"HTTP {status}")
    if status in {401, 403}:
        raise _CarrierUnwell(f"HTTP {status}: the API key was refused")
    if status >= 400:
        raise ValueError(f"HTTP {status}")
    if len(response.content) > MAX_ANSWER_BYTES:
        raise ValueError(f"answer of {len(response.content)} bytes is over the limit")
    return response.content


def shipments_poll(
    *, carrier: str, limit: int = BATCH, now: dt.datetime | None = None
) -> PollReport:
    """One polling run for one carrier; see the module's docstring."""
    report = PollReport(carrier=carrier)
    adapter = carrier_adapter(carrier)
    carrier_id = carrier_id_for(carrier)
    if adapter is None or carrier_id is None:
        report.stopped = "unknown carrier"
        return report
    now = now or timezone.now()
    claimed = _claim(carrier_id=carrier_id, now=now, limit=limit)
    report.shipments = len(claimed)
    api_key = carrier_settings(carrier).get("API_KEY", "")
    per_request = max(1, int(getattr(adapter, "max_poll_batch", 1) or 1))
    chunks = list(chunked(claimed, per_request))
    with http_client() as client:
        for index, chunk in enumerate(chunks):
            report.requests += 1
            try:
                answer = _ask(client, adapter, [c.number for c in chunk], api_key)
            except _CarrierUnwell as exc:
                report.failed_requests += 1
                report.stopped = str(exc)
                logger.warning("polling %s stopped: %s", carrier, exc)
                for rest in chunks[index:]:
                    _settle(rest, ok=False, now=now)
                break
            except ValueError as exc:
                report.failed_requests += 1
                logger.warning("polling %s: %s", carrier, exc)
                _settle(chunk, ok=False, now=now)
                continue
            if answer is not None:
                outcome = carrier_payload_receive(
                    carrier=carrier, raw=answer, content_type=POLL_ANSWER
                )
                if outcome.malformed:
                    report.failed_requests += 1
                    logger.warning("polling %s: %s", carrier, outcome.inbound.reason)
                    _settle(chunk, ok=False, now=now)
                    continue
                if outcome.result is not None:
                    report.result = report.result + outcome.result
            _settle(chunk, ok=True, now=now)
    return report


def tracking_poll_run(*, carrier: str | None = None, limit: int = BATCH) -> list[PollReport]:
    """A polling run for ``carrier``, or for every carrier that is polled."""
    codes = [carrier] if carrier else carriers_polled()
    return [shipments_poll(carrier=code, limit=limit) for code in codes]


def polling_due(*, now: dt.datetime | None = None) -> bool:
    """Whether any polled carrier has a shipment due (cheap: one indexed query per carrier)."""
    now = now or timezone.now()
    for code in carriers_polled():
        carrier_id = carrier_id_for(code)
        if carrier_id is None:
            continue
        due = shipments_due_for_poll(carrier_id=carrier_id, now=now, max_age=MAX_AGE)
        if due.exists():
            return True
    return False
