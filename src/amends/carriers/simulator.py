"""A carrier that goes wrong on purpose: the demo's feed and the tests' source of timelines.

Each :class:`Script` is a real way a delivery fails, as the carrier would report it: the
events in order, each with the taxonomy status, the carrier's own event code (from
:data:`CARRIER_CODES`, so the codes look like what that carrier sends), a description and a
place, and the delivery estimates the carrier would give along the way.

* ``happy_path`` — announced, accepted, sorted, out for delivery, delivered.
* ``two_attempts_returned`` — two failed attempts, held at a pick-up point, not collected,
  returned to the sender.
* ``damaged_in_transit`` — damaged at the sorting centre.
* ``lost`` — sorted once, then no scan ever again (:attr:`Script.silent_after` says from when:
  "no scan for N days" is the clock running past it).
* ``estimate_slipping`` — delayed twice, each time with a later estimate, delivered late.
* ``delivered_to_neighbour`` — delivered, but to a neighbour.

:func:`simulate` turns a script into ``(time, CarrierEvent)`` pairs for one shipment from a
start time; :func:`simulation_play` records them through the ingestion up to a given time, as a
carrier's pushes would have by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from amends.carriers.adapters.base import CarrierEvent
from amends.carriers.ingest import IngestResult, tracking_events_record
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus as S

# The carriers' own event codes for each kind of step, taken from the code tables the adapters
# read (``carriers.adapters.<carrier>``), so a simulated event carries a code that adapter maps
# to the same status. Where a carrier has no code of its own for a step (Colissimo has none for
# "damaged", DPD none for a failed attempt) the closest documented code is used (Colissimo's
# "problem" PB1) or, when there is none at all, the kind in upper case. SEUR publishes no codes.
CARRIER_CODES: Mapping[str, Mapping[str, str]] = {
    "colissimo": {
        "announced": "DR1",
        "accepted": "PC1",
        "sorted": "ET1",
        "delayed": "ET3",
        "out_for_delivery": "MD2",
        "attempt_failed": "ND1",
        "pickup_point": "AG1",
        "delivered": "DI1",
        "delivered_neighbour": "DI1",
        "returned": "RE1",
        "damaged": "PB1",
    },
    "postnl": {
        "announced": "A01",
        "accepted": "B01",
        "sorted": "J01",
        "delayed": "J06",
        "out_for_delivery": "J05",
        "attempt_failed": "J08",
        "pickup_point": "J02",
        "delivered": "I01",
        "delivered_neighbour": "I03",
        "returned": "H16",
        "damaged": "H04",
    },
    # UPS: the activity's status code where UPS documents one, else its status type.
    "ups": {
        "announced": "MP",
        "accepted": "OR",
        "sorted": "DP",
        "delayed": "DP",
        "out_for_delivery": "OT",
        "attempt_failed": "X",
        "pickup_point": "X",
        "delivered": "FS",
        "delivered_neighbour": "FS",
        "returned": "RS",
        "damaged": "X",
    },
    # DHL's unified status codes are coarse; the description says the rest, as DHL's does.
    "dhl": {
        "announced": "pre-transit",
        "accepted": "transit",
        "sorted": "transit",
        "delayed": "transit",
        "out_for_delivery": "transit",
        "attempt_failed": "failure",
        "pickup_point": "transit",
        "delivered": "delivered",
        "delivered_neighbour": "delivered",
        "returned": "failure",
        "damaged": "failure",
    },
    "dpd": {
        "announced": "ACCEPTED",
        "accepted": "AT_SENDING_DEPOT",
        "sorted": "ON_THE_ROAD",
        "delayed": "ON_THE_ROAD",
        "delivered": "DELIVERED",
        "delivered_neighbour": "DELIVERED",
    },
}
# Descriptions a carrier words its own way (what its adapter reads the detail from).
CARRIER_DESCRIPTIONS: Mapping[str, Mapping[str, str]] = {
    "ups": {"pickup_point": "Ready for pickup at the UPS Access Point"},
}


@dataclass(frozen=True)
class Step:
    after: dt.timedelta  # from the script's start
    kind: str  # a key of CARRIER_CODES' tables
    status: str  # a TrackingStatus value
    description: str  # as the carrier writes it (carrier data, not amends' own wording)
    location: str = ""
    estimate_days: int | None = None  # the estimate this event gives: start's date + N days


@dataclass(frozen=True)
class Script:
    name: str
    steps: tuple[Step, ...]
    # For "lost": the time (from the start) after which the carrier goes silent for good.
    silent_after: dt.timedelta | None = None

    @property
    def duration(self) -> dt.timedelta:
        return self.steps[-1].after


def _h(hours: float) -> dt.timedelta:
    return dt.timedelta(hours=hours)


_ATTEMPT = "Delivery attempt failed: the recipient was not at home"
_ANNOUNCED = Step(_h(0), "announced", S.INFO_RECEIVED, "Shipment data received", "", 2)
_ACCEPTED = Step(_h(5), "accepted", S.IN_TRANSIT, "Parcel accepted by the carrier", "Depot", 2)
_SORTED = Step(_h(18), "sorted", S.IN_TRANSIT, "Parcel sorted at the hub", "Sorting centre", 2)

HAPPY_PATH = Script(
    "happy_path",
    (
        _ANNOUNCED,
        _ACCEPTED,
        _SORTED,
        Step(_h(32), "out_for_delivery", S.OUT_FOR_DELIVERY, "Out for delivery", "Delivery base"),
        Step(_h(37), "delivered", S.DELIVERED, "Delivered", "Recipient's address"),
    ),
)
TWO_ATTEMPTS_RETURNED = Script(
    "two_attempts_returned",
    (
        _ANNOUNCED,
        _ACCEPTED,
        _SORTED,
        Step(_h(32), "out_for_delivery", S.OUT_FOR_DELIVERY, "Out for delivery", "Delivery base"),
        Step(_h(36), "attempt_failed", S.ATTEMPT_FAILED, _ATTEMPT, "Recipient's address", 3),
        Step(_h(56), "out_for_delivery", S.OUT_FOR_DELIVERY, "Out for delivery", "Delivery base"),
        Step(_h(60), "attempt_failed", S.ATTEMPT_FAILED, _ATTEMPT, "Recipient's address"),
        Step(
            _h(66),
            "pickup_point",
            S.AVAILABLE_FOR_PICKUP,
            "Ready for pick-up at the pick-up point for 8 days",
            "Pick-up point",
        ),
        Step(
            _h(66 + 8 * 24),
            "returned",
            S.RETURNED_TO_SENDER,
            "Not collected: returned to the sender",
            "Pick-up point",
        ),
    ),
)
DAMAGED_IN_TRANSIT = Script(
    "damaged_in_transit",
    (
        _ANNOUNCED,
        _ACCEPTED,
        _SORTED,
        Step(_h(22), "damaged", S.DAMAGED, "Parcel damaged during sorting", "Sorting centre"),
    ),
)
LOST = Script("lost", (_ANNOUNCED, _ACCEPTED, _SORTED), silent_after=_SORTED.after)
ESTIMATE_SLIPPING = Script(
    "estimate_slipping",
    (
        _ANNOUNCED,
        _ACCEPTED,
        _SORTED,
        Step(_h(30), "delayed", S.IN_TRANSIT, "Delayed: backlog at the hub", "Sorting centre", 4),
        Step(_h(70), "delayed", S.IN_TRANSIT, "Delayed again: missed connection", "Hub", 6),
        Step(_h(128), "out_for_delivery", S.OUT_FOR_DELIVERY, "Out for delivery", "Base"),
        Step(_h(133), "delivered", S.DELIVERED, "Delivered", "Recipient's address"),
    ),
)
DELIVERED_TO_NEIGHBOUR = Script(
    "delivered_to_neighbour",
    (
        _ANNOUNCED,
        _ACCEPTED,
        _SORTED,
        Step(_h(32), "out_for_delivery", S.OUT_FOR_DELIVERY, "Out for delivery", "Delivery base"),
        Step(_h(36), "delivered_neighbour", S.DELIVERED, "Delivered to a neighbour", "Next door"),
    ),
)

SCRIPTS: Mapping[str, Script] = {
    script.name: script
    for script in (
        HAPPY_PATH,
        TWO_ATTEMPTS_RETURNED,
        DAMAGED_IN_TRANSIT,
        LOST,
        ESTIMATE_SLIPPING,
        DELIVERED_TO_NEIGHBOUR,
    )
}


def carrier_code(carrier: str, kind: str) -> str:
    """The code ``carrier`` sends for a step of this kind."""
    return CARRIER_CODES.get(carrier, {}).get(kind, kind.upper())


def carrier_description(carrier: str, step: Step) -> str:
    return CARRIER_DESCRIPTIONS.get(carrier, {}).get(step.kind, step.description)


def simulate(
    *,
    script: Script,
    shipment: Shipment,
    start: dt.datetime,
    clock: Callable[[], dt.datetime] | None = None,
) -> Iterator[tuple[dt.datetime, CarrierEvent]]:
    """The script's events for ``shipment`` from ``start`` (aware), in the order they happen.

    With ``clock`` (a function returning the current aware time), only what has happened by
    then: the feed of a demo that runs in real (or accelerated) time.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    carrier = shipment.carrier.code
    for step in script.steps:
        at = start + step.after
        if clock is not None and at > clock():
            return
        estimate = (
            (start + dt.timedelta(days=step.estimate_days)).date()
            if step.estimate_days is not None
            else None
        )
        yield (
            at,
            CarrierEvent(
                tracking_number=shipment.tracking_number,
                status=step.status,
                carrier_code=carrier_code(carrier, step.kind),
                occurred_at=at,
                description=carrier_description(carrier, step),
                location=step.location,
                estimated_delivery=estimate,
            ),
        )


def simulation_play(
    *, script: Script, shipment: Shipment, start: dt.datetime, until: dt.datetime
) -> IngestResult:
    """Record what the carrier would have reported for ``shipment`` by ``until``.

    Safe to call again with a later ``until``: what was recorded before is a duplicate.
    """
    played = simulate(script=script, shipment=shipment, start=start, clock=lambda: until)
    events = [event for _at, event in played]
    return tracking_events_record(carrier=shipment.carrier.code, events=events)
