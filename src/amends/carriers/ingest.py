"""Tracking events in: each stored once, shipments brought up to date from their timelines.

Carriers push batches of hundreds of events, replay them when an answer was slow, and deliver
them out of order (a depot's scan uploaded hours after the courier's). So:

* **Batched.** One lookup of the shipments by tracking number, one read of their timelines, one
  ``bulk_create`` of the new events, one ``UPDATE`` per shipment that changed.
* **Stored once.** An event is known by (shipment, occurred_at, carrier code, status) — the
  database's ``tracking_event_once`` constraint. A replayed event is counted as a duplicate and
  changes nothing; a concurrent batch that inserts the same row first is absorbed by
  ``ignore_conflicts``.
* **In timeline order.** A shipment's status is the status of its latest event by
  ``occurred_at``, not of the last one received: a late older scan never moves a delivered parcel
  back to "in transit". At the same instant the further-along status wins.
* **Derived, not patched.** ``status``, ``estimated_delivery``, ``delivered_at``, ``shipped_at``
  and ``last_event_at`` are recomputed from the whole timeline each time, so the order events
  arrive in cannot leave them wrong. ``promised_delivery`` is the exception: the first estimate
  the customer was given (the shop's, else the carrier's first), set once and never overwritten,
  so that "the estimate slipped" can be told apart from "the estimate was always this".
* **Unknown numbers kept.** Events about a tracking number no shipment has are counted and
  returned to the caller, which keeps them (``carriers.channel``) for when the order arrives.

Everything that changed is handed to ``proactive.services.shipments_changed`` in the same
transaction, so a problem is noticed if and only if the events that show it are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from amends.carriers.adapters.base import CarrierEvent
from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.numbers import normalise
from amends.carriers.selectors import (
    DERIVED,
    Scan,
    ShipmentState,
    carrier_id_for,
    shipments_for_numbers,
    timelines,
)
from amends.carriers.taxonomy import TERMINAL, TrackingStatus
from amends.proactive.services import shipments_changed

MAX_NUMBER = 64  # Shipment.tracking_number
MAX_CODE = 64  # TrackingEvent.carrier_code
MAX_DESCRIPTION = 500
MAX_LOCATION = 200

# At the same instant, the status further along the journey wins (a "delivered" and an "out for
# delivery" scan stamped in the same second mean the parcel was delivered).
_PROGRESS: dict[str, int] = {
    TrackingStatus.PENDING: 0,
    TrackingStatus.INFO_RECEIVED: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.EXCEPTION: 3,
    TrackingStatus.OUT_FOR_DELIVERY: 4,
    TrackingStatus.ATTEMPT_FAILED: 5,
    TrackingStatus.AVAILABLE_FOR_PICKUP: 6,
    TrackingStatus.DELIVERED: 7,
    TrackingStatus.RETURNED_TO_SENDER: 7,
    TrackingStatus.DAMAGED: 7,
    TrackingStatus.LOST: 7,
    TrackingStatus.EXPIRED: 7,
}
# Statuses that do not mean the parcel has left the sender.
_NOT_SHIPPED = frozenset({TrackingStatus.PENDING, TrackingStatus.INFO_RECEIVED})


class InvalidEvent(ValueError):
    """An adapter produced an event the taxonomy cannot hold (a bug in the adapter, not bad
    input: adapters turn bad input into ``WebhookRejected``)."""


@dataclass(frozen=True)
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    unknown: int = 0
    shipments_changed: int = 0
    changed_ids: tuple[int, ...] = ()
    # The events whose tracking number no shipment of the carrier has, for the caller to keep.
    unknown_events: tuple[CarrierEvent, ...] = field(default=(), repr=False)

    def counts(self) -> dict[str, int]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "unknown": self.unknown,
            "shipments_changed": self.shipments_changed,
        }

    def __add__(self, other: IngestResult) -> IngestResult:
        return IngestResult(
            stored=self.stored + other.stored,
            duplicates=self.duplicates + other.duplicates,
            unknown=self.unknown + other.unknown,
            shipments_changed=self.shipments_changed + other.shipments_changed,
            changed_ids=tuple(sorted({*self.changed_ids, *other.changed_ids})),
            unknown_events=self.unknown_events + other.unknown_events,
        )


def _cleaned(event: CarrierEvent) -> CarrierEvent:
    if event.status not in _PROGRESS:
        raise InvalidEvent(f"status {event.status!r} is not in the tracking taxonomy")
    if timezone.is_naive(event.occurred_at):
        raise InvalidEvent(f"occurred_at {event.occurred_at!r} has no time zone")
    return CarrierEvent(
        tracking_number=normalise(event.tracking_number),
        status=event.status,
        carrier_code=(event.carrier_code or "").strip()[:MAX_CODE],
        occurred_at=event.occurred_at.astimezone(dt.UTC),
        description=(event.description or "").strip()[:MAX_DESCRIPTION],
        location=(event.location or "").strip()[:MAX_LOCATION],
        estimated_delivery=event.estimated_delivery,
    )


def _order(scan: Scan) -> tuple[dt.datetime, int]:
    return scan.occurred_at, _PROGRESS.get(scan.status, 0)


def _derived(shipment: ShipmentState, scans: list[Scan]) -> dict[str, Any]:
    """The shipment's fields as its whole timeline says they are (all of :data:`DERIVED`)."""
    ordered = sorted(scans, key=_order)  # stable: same instant and rank keep arrival order
    latest = ordered[-1]
    estimates = [scan for scan in ordered if scan.estimated_delivery is not None]
    estimate = estimates[-1].estimated_delivery if estimates else shipment.estimated_delivery
    moving = [scan.occurred_at for scan in ordered if scan.status not in _NOT_SHIPPED]
    shipped = shipment.shipped_at
    if moving:  # the earliest sign of it moving (a late older scan moves it earlier)
        shipped = moving[0] if shipped is None else min(shipped, moving[0])
    promised = shipment.promised_delivery
    if promised is None:  # the first estimate given, the shop's own if it gave one; kept after
        promised = shipment.estimated_delivery or (
            estimates[0].estimated_delivery if estimates else None
        )
    return {
        "status": latest.status,
        "last_event_at": latest.occurred_at,
        # No delivery estimate is shown for a parcel that will not be delivered (any more).
        "estimated_delivery": None if latest.status in TERMINAL else estimate,
        "delivered_at": latest.occurred_at if latest.status == TrackingStatus.DELIVERED else None,
        "promised_delivery": promised,
        "shipped_at": shipped,
    }


def _shipments_update(rows: list[tuple[int, dict[str, Any]]], now: dt.datetime) -> None:
    """One ``UPDATE`` per shipment, sent with ``executemany``: the ORM's ``update()`` compiles
    the same statement again for every row, which was most of a batch's time."""
    if not rows:
        return
    ops = connection.ops
    # The derived fields are plain columns named as the fields (no db_column anywhere).
    columns = ", ".join(f"{ops.quote_name(name)} = %s" for name in (*DERIVED, "updated_at"))
    table = ops.quote_name(Shipment._meta.db_table)
    sql = f"UPDATE {table} SET {columns} WHERE {ops.quote_name('id')} = %s"  # noqa: S608
    adapters: dict[str, Callable[[Any], Any]] = {
        "dt": ops.adapt_datetimefield_value,
        "date": ops.adapt_datefield_value,
        "str": str,
    }
    adapt = {name: adapters[kind] for name, kind in DERIVED.items()}
    params: list[list[Any]] = [
        [None if values[name] is None else adapt[name](values[name]) for name in DERIVED]
        + [ops.adapt_datetimefield_value(now), pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def tracking_events_record(*, carrier: str, events: Sequence[CarrierEvent]) -> IngestResult:
    """Store ``events`` of ``carrier`` (a carrier code) and update their shipments.

    Raises :class:`InvalidEvent` for an event outside the taxonomy or with a naive time, before
    anything is written. Returns the counts and the events about unknown tracking numbers.
    """
    cleaned = [_cleaned(event) for event in events]
    if not cleaned:
        return IngestResult()
    carrier_id = carrier_id_for(carrier)
    if carrier_id is None:
        return IngestResult(unknown=len(cleaned), unknown_events=tuple(cleaned))
    with transaction.atomic():
        shipments = shipments_for_numbers(
            carrier_id=carrier_id,
            numbers=[
                e.tracking_number for e in cleaned if 0 < len(e.tracking_number) <= MAX_NUMBER
            ],
            lock=True,
        )
        unknown = tuple(e for e in cleaned if e.tracking_number not in shipments)
        known = [e for e in cleaned if e.tracking_number in shipments]
        if not known:
            return IngestResult(unknown=len(unknown), unknown_events=unknown)
        by_shipment = timelines(shipment.pk for shipment in shipments.values())
        seen = {
            (shipment_id, scan.occurred_at, scan.carrier_code, scan.status)
            for shipment_id, scans in by_shipment.items()
            for scan in scans
        }
        new_rows: list[TrackingEvent] = []
        touched: dict[int, ShipmentState] = {}
        for event in known:
            shipment = shipments[event.tracking_number]
            key = (shipment.pk, event.occurred_at, event.carrier_code, event.status)
            if key in seen:
                continue
            seen.add(key)
            new_rows.append(
                TrackingEvent(
                    shipment_id=shipment.pk,
                    status=event.status,
                    carrier_code=event.carrier_code,
                    description=event.description,
                    location=event.location,
                    occurred_at=event.occurred_at,
                    estimated_delivery=event.estimated_delivery,
                )
            )
            by_shipment.setdefault(shipment.pk, []).append(
                Scan(event.occurred_at, event.carrier_code, event.status, event.estimated_delivery)
            )
            touched[shipment.pk] = shipment
        TrackingEvent.objects.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
        _shipments_update(
            [(pk, _derived(state, by_shipment[pk])) for pk, state in touched.items()],
            timezone.now(),
        )
        changed = tuple(sorted(touched))
        if changed:
            shipments_changed(shipment_ids=changed)
    return IngestResult(
        stored=len(new_rows),
        duplicates=len(known) - len(new_rows),
        unknown=len(unknown),
        shipments_changed=len(changed),
        changed_ids=changed,
        unknown_events=unknown,
    )
