"""The carrier simulator plays each failure the way a carrier would report it, and playing it
into the ingestion leaves each shipment as a customer (and the proactive rules) would see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from amends.carriers import ingest
from amends.carriers.adapters import colissimo, dhl, dpd, postnl, ups
from amends.carriers.models import Carrier, Shipment
from amends.carriers.simulator import (
    CARRIER_CODES,
    SCRIPTS,
    Script,
    carrier_code,
    carrier_description,
    simulate,
    simulation_play,
)
from amends.carriers.taxonomy import TrackingStatus
from tests.factories import CarrierFactory, ShipmentFactory

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _quiet_proactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "shipments_changed", lambda *, shipment_ids: None)


def parcel(carrier: str = "colissimo") -> Shipment:
    return ShipmentFactory(
        carrier=CarrierFactory(code=carrier, name=carrier.upper()), tracking_number="6A12345678901"
    )


def play(script: str, shipment: Shipment, hours: float) -> Shipment:
    simulation_play(
        script=SCRIPTS[script],
        shipment=shipment,
        start=START,
        until=START + dt.timedelta(hours=hours),
    )
    shipment.refresh_from_db()
    return shipment


def test_the_scripts_the_issue_asks_for() -> None:
    assert set(SCRIPTS) == {
        "happy_path",
        "two_attempts_returned",
        "damaged_in_transit",
        "lost",
        "estimate_slipping",
        "delivered_to_neighbour",
    }


@pytest.mark.parametrize("script", SCRIPTS.values(), ids=list(SCRIPTS))
def test_every_script_moves_forward_in_time(script: Script) -> None:
    times = [step.after for step in script.steps]
    assert times == sorted(times)
    assert len(set(times)) == len(times)
    assert script.steps[0].status == TrackingStatus.INFO_RECEIVED


@pytest.mark.django_db
def test_simulate_gives_the_shipments_events_in_order_and_only_the_past_with_a_clock() -> None:
    shipment = parcel()
    script = SCRIPTS["two_attempts_returned"]
    every = list(simulate(script=script, shipment=shipment, start=START))
    assert [at for at, _e in every] == [START + step.after for step in script.steps]
    assert all(e.tracking_number == "6A12345678901" for _at, e in every)
    assert [e.carrier_code for _at, e in every][:5] == ["DR1", "PC1", "ET1", "MD2", "ND1"]
    now = START + dt.timedelta(hours=40)
    so_far = list(simulate(script=script, shipment=shipment, start=START, clock=lambda: now))
    assert [e.status for _at, e in so_far][-1] == TrackingStatus.ATTEMPT_FAILED
    assert all(at <= now for at, _e in so_far)
    with pytest.raises(ValueError, match="aware"):
        next(simulate(script=script, shipment=shipment, start=START.replace(tzinfo=None)))


@pytest.mark.django_db
def test_happy_path() -> None:
    shipment = play("happy_path", parcel(), hours=24 * 7)
    assert shipment.status == TrackingStatus.DELIVERED
    assert shipment.delivered_at == START + dt.timedelta(hours=37)
    assert shipment.promised_delivery == (START + dt.timedelta(days=2)).date()
    assert shipment.estimated_delivery is None  # delivered: no estimate shown any more


@pytest.mark.django_db
def test_two_failed_attempts_then_returned_to_sender() -> None:
    shipment = parcel()
    assert play("two_attempts_returned", shipment, hours=61).status == (
        TrackingStatus.ATTEMPT_FAILED
    )
    assert shipment.events.filter(status=TrackingStatus.ATTEMPT_FAILED).count() == 2
    assert play("two_attempts_returned", shipment, hours=70).status == (
        TrackingStatus.AVAILABLE_FOR_PICKUP
    )
    returned = play("two_attempts_returned", shipment, hours=24 * 30)
    assert returned.status == TrackingStatus.RETURNED_TO_SENDER
    assert returned.delivered_at is None
    assert returned.events.count() == len(SCRIPTS["two_attempts_returned"].steps)


@pytest.mark.django_db
def test_damaged_in_transit() -> None:
    shipment = play("damaged_in_transit", parcel("postnl"), hours=48)
    assert shipment.status == TrackingStatus.DAMAGED
    assert shipment.events.last().carrier_code == "H04"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_lost_means_no_scan_for_days() -> None:
    shipment = play("lost", parcel(), hours=24 * 6)
    assert shipment.status == TrackingStatus.IN_TRANSIT
    last_scan = START + SCRIPTS["lost"].steps[-1].after
    assert shipment.last_event_at == last_scan
    assert SCRIPTS["lost"].silent_after == SCRIPTS["lost"].steps[-1].after
    again = simulation_play(
        script=SCRIPTS["lost"], shipment=shipment, start=START, until=START + dt.timedelta(days=9)
    )
    assert again.stored == 0
    shipment.refresh_from_db()
    assert shipment.last_event_at == last_scan


@pytest.mark.django_db
def test_the_estimate_slips_and_the_promise_stays() -> None:
    shipment = parcel("dhl")
    promised = (START + dt.timedelta(days=2)).date()
    assert play("estimate_slipping", shipment, hours=20).estimated_delivery == promised
    slipped = play("estimate_slipping", shipment, hours=75)
    assert slipped.promised_delivery == promised
    assert slipped.estimated_delivery == (START + dt.timedelta(days=6)).date()
    assert slipped.status == TrackingStatus.IN_TRANSIT
    delivered = play("estimate_slipping", shipment, hours=24 * 7)
    assert delivered.status == TrackingStatus.DELIVERED
    assert delivered.delivered_at is not None
    assert delivered.delivered_at.date() > promised


@pytest.mark.django_db
def test_delivered_to_a_neighbour() -> None:
    shipment = play("delivered_to_neighbour", parcel("ups"), hours=48)
    assert shipment.status == TrackingStatus.DELIVERED
    last = shipment.events.last()
    assert last is not None
    assert (last.carrier_code, last.description) == ("FS", "Delivered to a neighbour")


@pytest.mark.django_db
def test_playing_twice_stores_each_event_once() -> None:
    shipment = parcel()
    first = simulation_play(
        script=SCRIPTS["happy_path"],
        shipment=shipment,
        start=START,
        until=START + dt.timedelta(days=5),
    )
    second = simulation_play(
        script=SCRIPTS["happy_path"],
        shipment=shipment,
        start=START,
        until=START + dt.timedelta(days=5),
    )
    assert (first.stored, second.stored, second.duplicates) == (5, 0, 5)


def test_a_carrier_without_a_code_table_gets_readable_codes() -> None:
    assert carrier_code("seur", "attempt_failed") == "ATTEMPT_FAILED"
    assert carrier_code("dpd", "attempt_failed") == "ATTEMPT_FAILED"


# What each adapter reads a (code, description) as: the simulator must say what the adapter
# would understand. Colissimo has no code for "damaged"; its closest (PB1, a problem) reads as an
# exception, which is what a Colissimo feed would give amends for a damaged parcel.
READERS: dict[str, Callable[[str, str], str]] = {
    "colissimo": lambda code, text: colissimo.status_for(code),
    "postnl": lambda code, text: postnl.status_for_event(code),
    "dhl": lambda code, text: dhl.status_for(code, text),
    "ups": lambda code, text: ups.status_for(
        code if code in ups.TYPES else "", "" if code in ups.TYPES else code, text
    ),
    "dpd": lambda code, text: dpd.status_for(code),
}
KNOWN_GAPS = {("colissimo", "damaged"): TrackingStatus.EXCEPTION}


@pytest.mark.parametrize("carrier", sorted(READERS))
def test_the_simulated_codes_read_back_as_their_status_through_the_adapter(carrier: str) -> None:
    assert set(CARRIER_CODES) >= set(READERS)
    table = CARRIER_CODES[carrier]
    for script in SCRIPTS.values():
        for step in script.steps:
            if step.kind not in table:
                continue
            code = carrier_code(carrier, step.kind)
            read = READERS[carrier](code, carrier_description(carrier, step))
            expected = KNOWN_GAPS.get((carrier, step.kind), step.status)
            assert read == expected, (script.name, step.kind, code)


@pytest.mark.django_db
def test_a_carrier_row_is_all_the_simulator_needs() -> None:
    carrier: Carrier = CarrierFactory(code="seur", name="SEUR")
    shipment = ShipmentFactory(carrier=carrier, tracking_number="SEUR123")
    events = [
        e for _at, e in simulate(script=SCRIPTS["happy_path"], shipment=shipment, start=START)
    ]
    assert [e.carrier_code for e in events][-1] == "DELIVERED"
