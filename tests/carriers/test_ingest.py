"""Tracking ingestion: what a customer would see go wrong if events were stored twice, read in
the order they arrived, or an estimate were rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from amends.carriers import ingest
from amends.carriers.adapters.base import CarrierEvent
from amends.carriers.ingest import InvalidEvent, tracking_events_record
from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus
from tests.factories import CarrierFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def changed(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Every call the ingestion makes to ``proactive.services.shipments_changed``."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        ingest, "shipments_changed", lambda *, shipment_ids: calls.append(list(shipment_ids))
    )
    return calls


def event(
    number: str,
    status: str,
    hours: float,
    *,
    code: str = "",
    estimate: dt.date | None = None,
    description: str = "",
) -> CarrierEvent:
    return CarrierEvent(
        tracking_number=number,
        status=status,
        carrier_code=code or status.upper(),
        occurred_at=T0 + dt.timedelta(hours=hours),
        description=description,
        estimated_delivery=estimate,
    )


def test_events_are_stored_and_the_shipment_follows_them(changed: list[list[int]]) -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000001")
    result = tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000001", TrackingStatus.INFO_RECEIVED, 0, estimate=dt.date(2026, 3, 4)),
            event("JVGL0000000001", TrackingStatus.IN_TRANSIT, 5),
            event("JVGL0000000001", TrackingStatus.OUT_FOR_DELIVERY, 26),
        ],
    )
    assert result.counts() == {"stored": 3, "duplicates": 0, "unknown": 0, "shipments_changed": 1}
    shipment.refresh_from_db()
    assert shipment.status == TrackingStatus.OUT_FOR_DELIVERY
    assert shipment.last_event_at == T0 + dt.timedelta(hours=26)
    assert shipment.shipped_at == T0 + dt.timedelta(hours=5)
    assert shipment.estimated_delivery == dt.date(2026, 3, 4)
    assert shipment.promised_delivery == dt.date(2026, 3, 4)
    assert changed == [[shipment.pk]]


def test_a_replayed_batch_is_stored_once_and_changes_nothing(changed: list[list[int]]) -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000002")
    batch = [
        event("JVGL0000000002", TrackingStatus.IN_TRANSIT, 1),
        event("JVGL0000000002", TrackingStatus.DELIVERED, 30),
    ]
    tracking_events_record(carrier="dhl", events=batch)
    again = tracking_events_record(carrier="dhl", events=batch)
    assert again.counts() == {"stored": 0, "duplicates": 2, "unknown": 0, "shipments_changed": 0}
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2
    assert changed == [[shipment.pk]]  # the replay told nobody anything


def test_the_same_event_twice_in_one_batch_is_stored_once() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000003")
    same = event("JVGL0000000003", TrackingStatus.IN_TRANSIT, 1)
    result = tracking_events_record(carrier="dhl", events=[same, same])
    assert (result.stored, result.duplicates) == (1, 1)
    assert shipment.events.count() == 1


def test_the_same_instant_in_another_time_zone_is_the_same_event() -> None:
    ShipmentFactory(tracking_number="JVGL0000000004")
    utc = event("JVGL0000000004", TrackingStatus.IN_TRANSIT, 1)
    paris = CarrierEvent(
        tracking_number="jvgl 0000 0000 04",  # as a carrier may print it
        status=utc.status,
        carrier_code=utc.carrier_code,
        occurred_at=utc.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=1))),
    )
    tracking_events_record(carrier="dhl", events=[utc])
    result = tracking_events_record(carrier="dhl", events=[paris])
    assert (result.stored, result.duplicates) == (0, 1)


def test_a_late_older_scan_never_moves_a_delivered_parcel_back() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000005")
    tracking_events_record(
        carrier="dhl", events=[event("JVGL0000000005", TrackingStatus.DELIVERED, 30)]
    )
    late = tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000005", TrackingStatus.IN_TRANSIT, 4),
            event("JVGL0000000005", TrackingStatus.OUT_FOR_DELIVERY, 25),
        ],
    )
    assert late.stored == 2
    shipment.refresh_from_db()
    assert shipment.status == TrackingStatus.DELIVERED
    assert shipment.delivered_at == T0 + dt.timedelta(hours=30)
    assert shipment.last_event_at == T0 + dt.timedelta(hours=30)
    assert shipment.shipped_at == T0 + dt.timedelta(hours=4)
    assert [e.status for e in shipment.events.all()] == [
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY,
        TrackingStatus.DELIVERED,
    ]


def test_a_batch_in_reverse_order_ends_on_its_latest_event() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000006")
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000006", TrackingStatus.ATTEMPT_FAILED, 28),
            event("JVGL0000000006", TrackingStatus.OUT_FOR_DELIVERY, 24),
            event("JVGL0000000006", TrackingStatus.IN_TRANSIT, 2),
        ],
    )
    shipment.refresh_from_db()
    assert shipment.status == TrackingStatus.ATTEMPT_FAILED


def test_at_the_same_instant_the_further_status_wins() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000007")
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000007", TrackingStatus.DELIVERED, 5),
            event("JVGL0000000007", TrackingStatus.OUT_FOR_DELIVERY, 5),
        ],
    )
    shipment.refresh_from_db()
    assert shipment.status == TrackingStatus.DELIVERED


def test_a_slipping_estimate_is_stored_and_the_promise_kept() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000008")
    first, later, latest = dt.date(2026, 3, 4), dt.date(2026, 3, 6), dt.date(2026, 3, 9)
    tracking_events_record(
        carrier="dhl",
        events=[event("JVGL0000000008", TrackingStatus.IN_TRANSIT, 1, estimate=first)],
    )
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000008", TrackingStatus.IN_TRANSIT, 30, code="DELAY", estimate=later)
        ],
    )
    shipment.refresh_from_db()
    assert (shipment.promised_delivery, shipment.estimated_delivery) == (first, later)
    # A late older event carrying an older estimate does not bring the old estimate back.
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000008", TrackingStatus.IN_TRANSIT, 10, code="HUB", estimate=first),
            event("JVGL0000000008", TrackingStatus.IN_TRANSIT, 50, code="DELAY2", estimate=latest),
        ],
    )
    shipment.refresh_from_db()
    assert (shipment.promised_delivery, shipment.estimated_delivery) == (first, latest)
    stored = TrackingEvent.objects.filter(shipment=shipment).order_by("occurred_at")
    assert [e.estimated_delivery for e in stored] == [first, first, later, latest]


def test_the_shops_own_estimate_is_the_promise_and_is_never_overwritten() -> None:
    promised = dt.date(2026, 3, 3)
    shipment = ShipmentFactory(tracking_number="JVGL0000000009", estimated_delivery=promised)
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000009", TrackingStatus.IN_TRANSIT, 1, estimate=dt.date(2026, 3, 5))
        ],
    )
    shipment.refresh_from_db()
    assert shipment.promised_delivery == promised
    assert shipment.estimated_delivery == dt.date(2026, 3, 5)
    Shipment.objects.filter(pk=shipment.pk).update(promised_delivery=dt.date(2026, 3, 1))
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000009", TrackingStatus.IN_TRANSIT, 9, estimate=dt.date(2026, 3, 8))
        ],
    )
    shipment.refresh_from_db()
    assert shipment.promised_delivery == dt.date(2026, 3, 1)


def test_a_parcel_that_will_not_arrive_shows_no_estimate() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000010")
    tracking_events_record(
        carrier="dhl",
        events=[
            event("JVGL0000000010", TrackingStatus.IN_TRANSIT, 1, estimate=dt.date(2026, 3, 4)),
            event("JVGL0000000010", TrackingStatus.RETURNED_TO_SENDER, 90),
        ],
    )
    shipment.refresh_from_db()
    assert shipment.status == TrackingStatus.RETURNED_TO_SENDER
    assert shipment.estimated_delivery is None
    assert shipment.promised_delivery == dt.date(2026, 3, 4)
    assert shipment.delivered_at is None


def test_unknown_tracking_numbers_are_counted_and_handed_back(
    changed: list[list[int]],
) -> None:
    known = ShipmentFactory(tracking_number="JVGL0000000011")
    stranger = event("JVGL9999999999", TrackingStatus.IN_TRANSIT, 1)
    result = tracking_events_record(
        carrier="dhl", events=[event("JVGL0000000011", TrackingStatus.IN_TRANSIT, 1), stranger]
    )
    assert result.counts() == {"stored": 1, "duplicates": 0, "unknown": 1, "shipments_changed": 1}
    assert result.unknown_events == (stranger,)
    assert changed == [[known.pk]]


def test_a_number_is_only_matched_within_its_carrier() -> None:
    ShipmentFactory(tracking_number="SAME0000001", carrier=CarrierFactory(code="ups", name="UPS"))
    result = tracking_events_record(
        carrier="dhl", events=[event("SAME0000001", TrackingStatus.IN_TRANSIT, 1)]
    )
    assert (result.stored, result.unknown) == (0, 1)
    everything_unknown = tracking_events_record(
        carrier="nobody", events=[event("SAME0000001", TrackingStatus.IN_TRANSIT, 1)]
    )
    assert everything_unknown.unknown == 1


def test_over_long_fields_are_cut_and_over_long_numbers_are_unknown() -> None:
    shipment = ShipmentFactory(tracking_number="JVGL0000000012")
    long_event = CarrierEvent(
        tracking_number="JVGL0000000012",
        status=TrackingStatus.IN_TRANSIT,
        carrier_code="C" * 200,
        occurred_at=T0,
        description="d" * 2000,
        location="l" * 900,
    )
    huge_number = event("9" * 500, TrackingStatus.IN_TRANSIT, 1)
    result = tracking_events_record(carrier="dhl", events=[long_event, huge_number])
    assert (result.stored, result.unknown) == (1, 1)
    stored = shipment.events.get()
    assert (len(stored.carrier_code), len(stored.description), len(stored.location)) == (
        64,
        500,
        200,
    )


@pytest.mark.parametrize(
    "bad",
    [
        CarrierEvent("JVGL0000000013", "teleported", "X", T0),
        CarrierEvent("JVGL0000000013", TrackingStatus.IN_TRANSIT, "X", T0.replace(tzinfo=None)),
    ],
    ids=["status outside the taxonomy", "naive time"],
)
def test_an_adapter_bug_is_refused_before_anything_is_written(bad: CarrierEvent) -> None:
    ShipmentFactory(tracking_number="JVGL0000000013")
    good = event("JVGL0000000013", TrackingStatus.IN_TRANSIT, 1)
    with pytest.raises(InvalidEvent):
        tracking_events_record(carrier="dhl", events=[good, bad])
    assert TrackingEvent.objects.count() == 0


def test_many_shipments_in_one_batch_take_a_bounded_number_of_queries(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    shipments = [ShipmentFactory(tracking_number=f"JVGL10000000{n:02d}") for n in range(30)]
    events = [
        event(s.tracking_number, status, hours)
        for s in shipments
        for status, hours in ((TrackingStatus.IN_TRANSIT, 1), (TrackingStatus.DELIVERED, 20))
    ]
    # carrier, shipments, timelines, one insert, one update per shipment (+ savepoints)
    with django_assert_max_num_queries(4 + len(shipments) + 4):
        result = tracking_events_record(carrier="dhl", events=events)
    assert (result.stored, result.shipments_changed) == (60, 30)
    assert set(Shipment.objects.values_list("status", flat=True)) == {TrackingStatus.DELIVERED}


def test_nothing_to_record_is_nothing() -> None:
    assert tracking_events_record(carrier="dhl", events=[]).counts() == {
        "stored": 0,
        "duplicates": 0,
        "unknown": 0,
        "shipments_changed": 0,
    }
