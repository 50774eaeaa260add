"""DHL: the Shipment Tracking - Unified API (polling) and its Push API (webhooks).

Sources (developer.dhl.com): "Shipment Tracking - Unified" (GET
``https://api-eu.dhl.com/track/shipments?trackingNumber=…``, header ``DHL-API-Key``) and
"Shipment Tracking - Unified - Push", plus DHL's developer support articles on the status codes
and on return shipments.

Shape: ``{"shipments": [{"id", "service", "origin", "destination", "status", "events": [...],
"estimatedTimeOfDelivery", ...}]}``; every status and event is ``{"timestamp", "statusCode",
"status", "description", "location": {"address": {"addressLocality", "countryCode"}}}``. The push
API sends the same document ("Default" format), so one parser reads both.

Codes: ``statusCode`` is one of ``pre-transit``, ``transit``, ``delivered``, ``failure``,
``unknown`` (DHL: "Failure: the shipment could not be delivered … no name on the doorbell,
recipient has moved … customs, expired, returned"). That is too coarse for amends (a failed
attempt and a return both arrive as ``failure``), so DHL's own English status texts refine it
(requested with ``language=en``): DHL documents that the text, not a finer code, carries the
detail, and that the structure varies by DHL division. ``unknown`` and an unknown code are an
exception, except that a ``transit`` text nobody recognises stays in transit. ``returnFlag`` on
a shipment marks a return shipment (DHL support: "How does the response body look for an
Undeliverable/Return shipment?").

Time: DHL sends local times without an offset for several divisions ("2023-10-26T12:08:00"),
made aware in the zone of the event's country, else the shipment's destination, else origin.

Push authentication: a subscription's ``hook.authentication`` is ``{"type":
"ApiKeyAuthentication", "header": <name>, "token": <token>}``; subscribe with ``header`` =
``X-Amends-Webhook-Secret`` and ``token`` = the webhook secret, and DHL sends it on every push.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from amends.carriers.adapters import _common as c
from amends.carriers.adapters.base import SECRET_HEADER, CarrierEvent, PollRequest
from amends.carriers.taxonomy import TrackingStatus

URL = "https://api-eu.dhl.com/track/shipments"

STATUS_CODES: Mapping[str, TrackingStatus] = {
    "pre-transit": TrackingStatus.INFO_RECEIVED,
    "transit": TrackingStatus.IN_TRANSIT,
    "delivered": TrackingStatus.DELIVERED,
    "failure": TrackingStatus.EXCEPTION,
    "unknown": TrackingStatus.EXCEPTION,
}

# DHL's English status texts (Parcel DE, eCommerce, Express), most specific first. A text refines
# the coarse code; it never turns a failure into a success (see ``_status``).
PHRASES: Sequence[tuple[str, TrackingStatus]] = (
    ("damaged", TrackingStatus.DAMAGED),
    ("lost", TrackingStatus.LOST),
    ("returned to the sender", TrackingStatus.RETURNED_TO_SENDER),
    ("return to sender", TrackingStatus.RETURNED_TO_SENDER),
    ("returned to shipper", TrackingStatus.RETURNED_TO_SENDER),
    ("being returned", TrackingStatus.RETURNED_TO_SENDER),
    ("return of the shipment has been initiated", TrackingStatus.RETURNED_TO_SENDER),
    ("storage period", TrackingStatus.EXPIRED),
    ("not picked up", TrackingStatus.EXPIRED),
    ("recipient has been notified of the attempted delivery", TrackingStatus.ATTEMPT_FAILED),
    ("could not be delivered", TrackingStatus.ATTEMPT_FAILED),
    ("delivery attempt", TrackingStatus.ATTEMPT_FAILED),
    ("recipient was not present", TrackingStatus.ATTEMPT_FAILED),
    ("ready for pick-up", TrackingStatus.AVAILABLE_FOR_PICKUP),
    ("ready for pickup", TrackingStatus.AVAILABLE_FOR_PICKUP),
    ("available for pick-up", TrackingStatus.AVAILABLE_FOR_PICKUP),
    ("loaded onto the delivery vehicle", TrackingStatus.OUT_FOR_DELIVERY),
    ("out for delivery", TrackingStatus.OUT_FOR_DELIVERY),
    ("with delivery courier", TrackingStatus.OUT_FOR_DELIVERY),
)

# What a text may turn each coarse code into.
_REFINABLE: Mapping[str, frozenset[TrackingStatus]] = {
    "transit": frozenset(
        {
            TrackingStatus.OUT_FOR_DELIVERY,
            TrackingStatus.AVAILABLE_FOR_PICKUP,
            TrackingStatus.ATTEMPT_FAILED,
            TrackingStatus.RETURNED_TO_SENDER,
            TrackingStatus.DAMAGED,
        }
    ),
    "failure": frozenset(
        {
            TrackingStatus.ATTEMPT_FAILED,
            TrackingStatus.RETURNED_TO_SENDER,
            TrackingStatus.DAMAGED,
            TrackingStatus.LOST,
            TrackingStatus.EXPIRED,
        }
    ),
    "delivered": frozenset({TrackingStatus.RETURNED_TO_SENDER}),
    "unknown": frozenset(),
    "pre-transit": frozenset(),
}


def status_for(code: str, text: str, *, return_shipment: bool = False) -> TrackingStatus:
    """The taxonomy status of one DHL status or event."""
    base = STATUS_CODES.get(code.lower())
    if base is None:
        return TrackingStatus.EXCEPTION
    refined = c.by_phrase(text, PHRASES)
    if refined is not None and refined in _REFINABLE.get(code.lower(), frozenset()):
        return refined
    if return_shipment and base is TrackingStatus.DELIVERED:
        # "the original sender ends up becoming the final recipient" (DHL support).
        return TrackingStatus.RETURNED_TO_SENDER
    return base


def _country(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    address = value.get("address")
    if not isinstance(address, dict):
        return ""
    found = address.get("countryCode")
    return found.upper() if isinstance(found, str) else ""


def _locality(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    address = value.get("address")
    if not isinstance(address, dict):
        return ""
    parts = [address.get("addressLocality"), address.get("countryCode")]
    return c.join_location(*(p.strip() for p in parts if isinstance(p, str)))


class DhlAdapter(c.AdapterBase):
    code: str = "dhl"
    name: str = "DHL"
    signs_webhooks: bool = True
    max_poll_batch: int = 1

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> None:
        c.check_token(
            given=c.header(headers, SECRET_HEADER), secret=secret, header_name=SECRET_HEADER
        )

    def _poll_request(self, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        return PollRequest(
            method="GET",
            url=URL,
            headers={"DHL-API-Key": api_key, "Accept": "application/json"},
            params={"trackingNumber": tracking_numbers[0], "language": "en"},
        )

    def _events_from(self, payload: c.Json) -> list[CarrierEvent]:
        shipments = c.arr(c.obj(payload, "the body").get("shipments"), "shipments", optional=False)
        events: list[CarrierEvent] = []
        for i, raw in enumerate(shipments):
            events.extend(self._shipment_events(c.obj(raw, f"shipments[{i}]"), f"shipments[{i}]"))
        return events

    def _shipment_events(self, shipment: Mapping[str, c.Json], where: str) -> list[CarrierEvent]:
        number = c.tracking_number(shipment.get("id"), f"{where}.id")
        fallback = _country(shipment.get("destination")) or _country(shipment.get("origin"))
        returning = shipment.get("returnFlag") is True
        estimate = c.parse_date(shipment.get("estimatedTimeOfDelivery"), ("%Y-%m-%dT%H:%M:%S",))
        raw_events = c.arr(shipment.get("events"), f"{where}.events")
        if not raw_events and shipment.get("status") is not None:
            raw_events = [shipment.get("status")]
        events = [
            self._event(
                c.obj(raw, f"{where}.events[{j}]"),
                f"{where}.events[{j}]",
                number,
                fallback,
                returning,
            )
            for j, raw in enumerate(raw_events)
        ]
        return c.with_newest_estimate(events, estimate)

    def _event(
        self, event: Mapping[str, c.Json], where: str, number: str, fallback: str, returning: bool
    ) -> CarrierEvent:
        status_code = (
            c.code(event.get("statusCode"), f"{where}.statusCode", required=False) or "unknown"
        )
        words = " ".join(
            c.text(event.get(key), f"{where}.{key}") for key in ("status", "description")
        )
        zone = c.zone_for_country(_country(event.get("location")) or fallback)
        occurred = c.parse_iso(event.get("timestamp"), f"{where}.timestamp", zone=zone)
        description = c.text(event.get("description"), f"{where}.description") or c.text(
            event.get("status"), f"{where}.status"
        )
        return CarrierEvent(
            tracking_number=number,
            status=status_for(status_code, words, return_shipment=returning).value,
            carrier_code=status_code,
            occurred_at=occurred,
            description=description[: c.MAX_DESCRIPTION],
            location=_locality(event.get("location")),
        )
