"""Carrier payloads as an inbound channel: stored raw first, then parsed and recorded.

Every body a carrier pushes (``carriers.views``) and every answer its tracking API gives the
poller (``carriers.polling``) goes through ``inbound.services``: ``inbound_store`` keeps the raw
bytes first (channel ``"carrier"``, source = the carrier code; the same bytes twice are stored
once), then ``inbound_process`` runs :func:`carrier_payload_apply`, the processor registered
here. What cannot be used is quarantined with a reason that starts with a stable word:

* ``malformed: …`` / ``unsupported: …`` — the adapter could not read it (``WebhookRejected``);
* ``unknown tracking number: …`` — nothing in it is about a shipment amends knows (yet).

``amends inbound replay`` processes quarantined payloads again, so events that arrived before
their order are recorded once the order is there. When a payload mixes known and unknown
numbers, the known events are recorded at once and the others are kept as a payload of their own
(:data:`KEPT_EVENTS`, the events as JSON) in quarantine, to be replayed the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from django.utils import timezone
from pydantic import TypeAdapter, ValidationError

from amends.carriers.adapters.base import CarrierEvent, WebhookRejected
from amends.carriers.ingest import IngestResult, tracking_events_record
from amends.carriers.selectors import carrier_adapter
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import UnprocessableInbound
from amends.inbound.services import inbound_process, inbound_store, register_processor

logger = logging.getLogger(__name__)

CHANNEL: Final = "carrier"
# Content types that say how a stored payload is read (anything else is a pushed webhook body).
KEPT_EVENTS: Final = "application/vnd.amends.carrier-events+json"
POLL_ANSWER: Final = "application/vnd.amends.carrier-poll"
UNKNOWN_NUMBER: Final = "unknown tracking number"
MAX_NUMBERS_IN_REASON = 10
# A payload still *received* this long after it was stored was left by a process that stopped.
PENDING_AFTER = dt.timedelta(minutes=2)

_EVENTS = TypeAdapter(list[CarrierEvent])
# The processor's contract (``inbound.services.Processor``) returns a message, not counts; the
# counts of the payload being processed in this context are left here for the caller.
_last_result: ContextVar[IngestResult | None] = ContextVar("carrier_ingest", default=None)


class UnknownTrackingNumbers(UnprocessableInbound):
    """Well-formed, but about no shipment amends knows: kept in quarantine for a replay."""


def events_dump(events: Sequence[CarrierEvent]) -> bytes:
    return _EVENTS.dump_json(list(events))


def events_load(raw: bytes) -> list[CarrierEvent]:
    try:
        return _EVENTS.validate_json(raw)
    except ValidationError as exc:
        raise UnprocessableInbound(f"malformed: kept events unreadable: {exc}") from exc


def _unknown_reason(events: Sequence[CarrierEvent]) -> str:
    numbers = sorted({event.tracking_number for event in events})
    shown = ", ".join(numbers[:MAX_NUMBERS_IN_REASON])
    more = len(numbers) - MAX_NUMBERS_IN_REASON
    listed = f"{shown} and {more} more" if more > 0 else shown
    return f"{UNKNOWN_NUMBER}: {len(events)} event(s) for {listed}"


def _events_of(inbound: InboundMessage) -> list[CarrierEvent]:
    if inbound.content_type == KEPT_EVENTS:
        return events_load(bytes(inbound.raw))
    adapter = carrier_adapter(inbound.source)
    if adapter is None:
        raise UnprocessableInbound(f"unsupported: no adapter for carrier {inbound.source!r}")
    try:
        if inbound.content_type.startswith(POLL_ANSWER):
            return list(adapter.parse_poll(bytes(inbound.raw)))
        return list(adapter.parse_webhook(bytes(inbound.raw)))
    except WebhookRejected as exc:
        raise UnprocessableInbound(f"{exc.reason}: {exc.detail}") from exc


def _keep_unknown(*, carrier: str, events: Sequence[CarrierEvent]) -> InboundMessage:
    """The unknown events as a payload of their own, quarantined until their orders arrive."""
    kept = inbound_store(
        channel=CHANNEL, raw=events_dump(events), content_type=KEPT_EVENTS, source=carrier
    ).inbound
    if kept.status == InboundStatus.RECEIVED:
        reason = _unknown_reason(events)
        InboundMessage.objects.filter(pk=kept.pk).update(
            status=InboundStatus.QUARANTINED, reason=reason
        )
        kept.status, kept.reason = InboundStatus.QUARANTINED, reason
    return kept


def carrier_payload_apply(inbound: InboundMessage) -> None:
    """The carrier channel's processor: parse, record, keep what is about unknown numbers.

    Raises ``UnprocessableInbound`` (quarantine) for a body the adapter rejects and for one
    whose events are all about unknown tracking numbers (nothing else to do with it).
    """
    _last_result.set(None)
    events = _events_of(inbound)
    result = tracking_events_record(carrier=inbound.source, events=events)
    _last_result.set(result)
    if not result.unknown:
        return
    if result.unknown == len(events):
        raise UnknownTrackingNumbers(_unknown_reason(result.unknown_events))
    kept = _keep_unknown(carrier=inbound.source, events=result.unknown_events)
    inbound.reason = f"{_unknown_reason(result.unknown_events)}; kept as inbound {kept.pk}"


def register_carrier_channel() -> None:
    """Make ``inbound_process`` (and so ``amends inbound replay``) able to read carrier
    payloads. Idempotent."""
    register_processor(CHANNEL, carrier_payload_apply)


@dataclass(frozen=True)
class PayloadOutcome:
    """What became of one carrier payload.

    ``redelivered``: the same bytes were stored before, and nothing was done again. ``result``
    is None when nothing was recorded this time (a redelivery, or a body that was rejected).
    """

    inbound: InboundMessage
    redelivered: bool
    result: IngestResult | None

    @property
    def malformed(self) -> bool:
        return self.inbound.status == InboundStatus.QUARANTINED and not self.kept_for_replay

    @property
    def kept_for_replay(self) -> bool:
        """Quarantined because of unknown numbers (the usual wait for an order), or because of
        a failure on amends' side; both are replayed, neither is the sender's fault."""
        reason = self.inbound.reason
        return self.inbound.status == InboundStatus.QUARANTINED and (
            reason.startswith(UNKNOWN_NUMBER) or reason.startswith("internal error")
        )


def _process_stored(pk: int, *, redelivered: bool) -> PayloadOutcome:
    """Process the stored payload ``pk`` if it is still *received*, holding its row locked, so
    two deliveries of the same bytes at once (or a delivery and the sweep) record it once."""
    token = _last_result.set(None)
    try:
        with transaction.atomic():
            inbound = (
                InboundMessage.objects.select_for_update()
                .filter(pk=pk, status=InboundStatus.RECEIVED)
                .first()
            )
            if inbound is None:  # processed a moment ago by someone else
                done = InboundMessage.objects.get(pk=pk)
                return PayloadOutcome(inbound=done, redelivered=True, result=None)
            inbound_process(inbound=inbound)
        return PayloadOutcome(inbound=inbound, redelivered=redelivered, result=_last_result.get())
    finally:
        _last_result.reset(token)


def carrier_payload_receive(*, carrier: str, raw: bytes, content_type: str) -> PayloadOutcome:
    """Store ``raw`` from ``carrier``, then process it once.

    A payload stored before is not processed again unless it never was (a crash between the
    two steps; the carrier's retry, or :func:`carrier_pending_process`, finishes it).
    """
    register_carrier_channel()
    stored = inbound_store(channel=CHANNEL, raw=raw, content_type=content_type, source=carrier)
    if not stored.created and stored.inbound.status != InboundStatus.RECEIVED:
        return PayloadOutcome(inbound=stored.inbound, redelivered=True, result=None)
    return _process_stored(stored.inbound.pk, redelivered=not stored.created)


def carrier_pending_process(*, older_than: dt.timedelta = PENDING_AFTER, limit: int = 200) -> int:
    """Process carrier payloads stored but never processed (the process stopped between the
    two steps); for the worker's sweep. ``older_than`` leaves alone what a request is processing
    right now. Returns how many were processed."""
    register_carrier_channel()
    cutoff = timezone.now() - older_than
    ids = list(
        InboundMessage.objects.filter(
            channel=CHANNEL, status=InboundStatus.RECEIVED, received_at__lt=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        _process_stored(pk, redelivered=True)
    return len(ids)


RETRY_WITHIN = dt.timedelta(days=30)  # events this old about unknown parcels are let go
RETRY_MAX_WAIT = dt.timedelta(hours=24)


def _retry_due(*, attempts: int, last: dt.datetime | None, now: dt.datetime) -> bool:
    """Backoff between tries of the same payload: 2, 4, 8 … minutes, at most a day."""
    if last is None:
        return True
    wait = min(dt.timedelta(minutes=2 ** min(attempts, 11)), RETRY_MAX_WAIT)
    return now - last >= wait


def carrier_unknown_retry(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Try again the events kept for tracking numbers amends did not know: the order (and its
    parcel) may have arrived since — from the shop's webhook, an import, a reship. For the
    worker's sweep; each payload is tried with a growing wait, for a month. Returns how many
    were tried."""
    register_carrier_channel()
    now = now or timezone.now()
    candidates = (
        InboundMessage.objects.filter(
            channel=CHANNEL,
            status=InboundStatus.QUARANTINED,
            reason__startswith=UNKNOWN_NUMBER,
            received_at__gte=now - RETRY_WITHIN,
        )
        .order_by("processed_at", "pk")
        .values_list("pk", "attempts", "processed_at")[: limit * 5]
    )
    due = [
        pk for pk, attempts, last in candidates if _retry_due(attempts=attempts, last=last, now=now)
    ][:limit]
    for pk in due:
        with transaction.atomic():
            inbound = (
                InboundMessage.objects.select_for_update()
                .filter(pk=pk, status=InboundStatus.QUARANTINED)
                .first()
            )
            if inbound is not None:
                inbound_process(inbound=inbound)
    return len(due)
