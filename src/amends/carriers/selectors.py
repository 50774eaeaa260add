"""Reads for tracking: the adapter of a carrier, shipments by number, timelines, polling due.

The ingestion (``carriers.ingest``) and the poller (``carriers.polling``) read through these so
that the queries that decide what a shipment looks like live in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db.models import F, Q, QuerySet

from amends.carriers.adapters import adapter_for
from amends.carriers.adapters.base import CarrierAdapter
from amends.carriers.models import Carrier, Shipment, TrackingEvent
from amends.carriers.taxonomy import TERMINAL

# Bound on the parameters of one ``IN (…)`` list (SQLite's default limit is far above it).
CHUNK = 500

T = TypeVar("T")


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def carrier_adapter(code: str) -> CarrierAdapter | None:
    """The adapter registered for ``code``, or None for a carrier amends does not know."""
    try:
        return adapter_for(code)
    except LookupError:
        return None


def carrier_settings(code: str) -> dict[str, str]:
    """``settings.AMENDS_CARRIERS[code]`` (``WEBHOOK_SECRET``, ``API_KEY``, ``POLL``), or {}."""
    configured = getattr(settings, "AMENDS_CARRIERS", {}) or {}
    entry = configured.get(code) or {}
    return {str(key): str(value) for key, value in entry.items()}


def carrier_id_for(code: str) -> int | None:
    return Carrier.objects.filter(code=code).values_list("pk", flat=True).first()


# The fields of a shipment the ingestion derives from its timeline, and how each is stored.
DERIVED: dict[str, str] = {
    "status": "str",
    "last_event_at": "dt",
    "estimated_delivery": "date",
    "delivered_at": "dt",
    "promised_delivery": "date",
    "shipped_at": "dt",
}


@dataclass(frozen=True)
class ShipmentState:
    """What the ingestion reads of a shipment (a row, not a model: a batch reads hundreds)."""

    pk: int
    tracking_number: str
    status: str
    last_event_at: dt.datetime | None
    estimated_delivery: dt.date | None
    delivered_at: dt.datetime | None
    promised_delivery: dt.date | None
    shipped_at: dt.datetime | None


def shipments_for_numbers(
    *, carrier_id: int, numbers: Sequence[str], lock: bool = False
) -> dict[str, ShipmentState]:
    """The carrier's shipments with these tracking numbers, by number.

    ``lock`` takes the rows for update (in primary-key order, so two batches touching the same
    shipments queue up instead of deadlocking); SQLite's write lock already serialises them.
    """
    found: dict[str, ShipmentState] = {}
    for chunk in chunked(sorted(set(numbers))):
        rows = Shipment.objects.filter(carrier_id=carrier_id, tracking_number__in=chunk)
        if lock:
            rows = rows.select_for_update().order_by("pk")
        names = ("pk", "tracking_number", *DERIVED)
        for row in rows.values_list(*names):
            state = ShipmentState(**dict(zip(names, row, strict=True)))
            found[state.tracking_number] = state
    return found


@dataclass(frozen=True)
class Scan:
    """One stored (or about to be stored) event, as much as the shipment's state needs."""

    occurred_at: dt.datetime
    carrier_code: str
    status: str
    estimated_delivery: dt.date | None


def timelines(shipment_ids: Iterable[int]) -> dict[int, list[Scan]]:
    """Every stored event of these shipments, by shipment, in no particular order."""
    found: dict[int, list[Scan]] = {}
    for chunk in chunked(sorted(set(shipment_ids))):
        rows = TrackingEvent.objects.filter(shipment_id__in=chunk).values_list(
            "shipment_id", "occurred_at", "carrier_code", "status", "estimated_delivery"
        )
        for shipment_id, occurred_at, carrier_code, status, estimate in rows:
            found.setdefault(shipment_id, []).append(
                Scan(occurred_at, carrier_code, status, estimate)
            )
    return found


def shipments_due_for_poll(
    *, carrier_id: int, now: dt.datetime, max_age: dt.timedelta
) -> QuerySet[Shipment]:
    """Shipments of the carrier still travelling, not polled recently, oldest due first.

    A shipment never polled (``next_poll_at`` empty) is due at once; one created longer ago than
    ``max_age`` is left alone (the carrier's API forgets old parcels too).
    """
    return (
        Shipment.objects.filter(carrier_id=carrier_id, created_at__gte=now - max_age)
        .exclude(status__in=TERMINAL)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by(F("next_poll_at").asc(nulls_first=True), "pk")
    )
