"""Polling carriers that do not push, against ``httpx.MockTransport`` answering in the carrier's
format: parcels asked about in bounded batches, answers recorded once, an unwell API left alone
for a while instead of hammered."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.test import override_settings
from django.utils import timezone

from amends.carriers import ingest, polling
from amends.carriers.models import Carrier, Shipment
from amends.carriers.polling import BACKOFF_FIRST, LEASE, POLL_EVERY, shipments_poll
from amends.carriers.tasks import tracking_poll, tracking_poll_schedule, tracking_sweep
from amends.carriers.taxonomy import TrackingStatus
from amends.inbound.models import InboundMessage, InboundStatus
from tests.carriers.tracking_fakes import (
    API_KEY,
    CODE,
    item,
    register_testpost,
)
from tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def testpost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Carrier]:
    yield from register_testpost(monkeypatch)


NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def _quiet_proactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "shipments_changed", lambda *, shipment_ids: None)


class Api:
    """The carrier's tracking API: delivered parcels, or whatever ``answer`` says."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answer: Handler | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            return self.answer(request)
        numbers = request.url.params["numbers"].split(",")
        at = NOW - dt.timedelta(hours=1)
        return httpx.Response(200, json={"events": [item(n, "DLV", at) for n in numbers]})

    def asked(self) -> list[list[str]]:
        return [r.url.params["numbers"].split(",") for r in self.requests]


@pytest.fixture
def api(testpost: Carrier) -> Iterator[Api]:
    api = Api()
    with override_settings(AMENDS_CARRIER_HTTP={"TRANSPORT": httpx.MockTransport(api)}):
        yield api


def parcels(carrier: Carrier, count: int, **fields: Any) -> list[Shipment]:
    made = [ShipmentFactory(carrier=carrier, tracking_number=f"TP{n:04d}") for n in range(count)]
    if fields:
        Shipment.objects.filter(pk__in=[s.pk for s in made]).update(**fields)
    return made


def state(shipment: Shipment) -> tuple[str, dt.datetime | None, int]:
    shipment.refresh_from_db()
    return shipment.status, shipment.next_poll_at, shipment.poll_failures


def test_due_parcels_are_asked_about_in_batches_and_recorded(testpost: Carrier, api: Api) -> None:
    shipments = parcels(testpost, 5)
    report = shipments_poll(carrier=CODE, now=NOW)
    assert api.asked() == [["TP0000", "TP0001"], ["TP0002", "TP0003"], ["TP0004"]]
    assert all(r.headers["X-Api-Key"] == API_KEY for r in api.requests)
    assert (report.shipments, report.requests, report.failed_requests) == (5, 3, 0)
    assert report.result.stored == 5
    for shipment in shipments:
        assert state(shipment) == (TrackingStatus.DELIVERED, NOW + POLL_EVERY, 0)
    assert InboundMessage.objects.filter(source=CODE, status=InboundStatus.PROCESSED).count() == 3


def test_only_travelling_parcels_that_are_due_are_asked_about(testpost: Carrier, api: Api) -> None:
    _due_never, due_past, later, delivered, ancient = parcels(testpost, 5)
    Shipment.objects.filter(pk=due_past.pk).update(next_poll_at=NOW - dt.timedelta(minutes=1))
    Shipment.objects.filter(pk=later.pk).update(next_poll_at=NOW + dt.timedelta(minutes=1))
    Shipment.objects.filter(pk=delivered.pk).update(status=TrackingStatus.DELIVERED)
    Shipment.objects.filter(pk=ancient.pk).update(created_at=NOW - dt.timedelta(days=90))
    shipments_poll(carrier=CODE, now=NOW)
    assert sorted(n for batch in api.asked() for n in batch) == ["TP0000", "TP0001"]


def test_a_run_is_bounded_and_the_next_run_takes_the_rest(testpost: Carrier, api: Api) -> None:
    parcels(testpost, 5)
    first = shipments_poll(carrier=CODE, now=NOW, limit=3)
    second = shipments_poll(carrier=CODE, now=NOW, limit=3)
    third = shipments_poll(carrier=CODE, now=NOW, limit=3)
    assert (first.shipments, second.shipments, third.shipments) == (3, 2, 0)


def test_a_claimed_parcel_is_not_polled_twice_by_runs_at_the_same_time(
    testpost: Carrier, api: Api
) -> None:
    [shipment] = parcels(testpost, 1)
    claimed = polling._claim(carrier_id=testpost.pk, now=NOW, limit=10)
    assert [c.pk for c in claimed] == [shipment.pk]
    assert state(shipment)[1] == NOW + LEASE
    assert shipments_poll(carrier=CODE, now=NOW).shipments == 0


@pytest.mark.parametrize(
    "failure",
    [
        lambda r: httpx.Response(503, text="Service Unavailable"),
        lambda r: httpx.Response(429, headers={"Retry-After": "60"}),
        lambda r: httpx.Response(401, json={"error": "invalid api key"}),
    ],
    ids=["503", "429", "401"],
)
def test_an_unwell_api_stops_the_run_and_every_claimed_parcel_backs_off(
    testpost: Carrier, api: Api, failure: Handler
) -> None:
    shipments = parcels(testpost, 5)
    api.answer = failure
    report = shipments_poll(carrier=CODE, now=NOW)
    assert (report.requests, report.failed_requests) == (1, 1)  # the first answer ended it
    assert report.stopped
    for shipment in shipments:
        assert state(shipment) == (TrackingStatus.PENDING, NOW + BACKOFF_FIRST, 1)
    # Still failing next time: twice as long.
    later = NOW + BACKOFF_FIRST
    shipments_poll(carrier=CODE, now=later)
    assert state(shipments[0])[1:] == (later + 2 * BACKOFF_FIRST, 2)
    # Back to health: recorded, and the failures forgotten.
    api.answer = None
    again = later + 2 * BACKOFF_FIRST
    shipments_poll(carrier=CODE, now=again)
    assert state(shipments[0]) == (TrackingStatus.DELIVERED, again + POLL_EVERY, 0)


@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("timed out"), httpx.ConnectError("connection refused")],
    ids=["timeout", "refused"],
)
def test_a_timeout_or_a_refused_connection_backs_off(
    testpost: Carrier, api: Api, error: httpx.HTTPError
) -> None:
    [shipment] = parcels(testpost, 1)

    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    api.answer = fail
    report = shipments_poll(carrier=CODE, now=NOW)
    assert report.failed_requests == 1
    assert state(shipment) == (TrackingStatus.PENDING, NOW + BACKOFF_FIRST, 1)
    assert InboundMessage.objects.count() == 0


def test_backoff_is_capped() -> None:
    assert polling.backoff(1) == BACKOFF_FIRST
    assert polling.backoff(3) == 4 * BACKOFF_FIRST
    assert polling.backoff(999) == polling.BACKOFF_MAX


def test_a_malformed_answer_is_kept_and_only_its_parcels_back_off(
    testpost: Carrier, api: Api
) -> None:
    shipments = parcels(testpost, 3)

    def answer(request: httpx.Request) -> httpx.Response:
        numbers = request.url.params["numbers"].split(",")
        if "TP0000" in numbers:
            return httpx.Response(200, content=b"<html>maintenance</html>")
        at = NOW - dt.timedelta(hours=1)
        return httpx.Response(200, json={"events": [item(n, "TRN", at) for n in numbers]})

    api.answer = answer
    report = shipments_poll(carrier=CODE, now=NOW)
    assert (report.requests, report.failed_requests) == (2, 1)
    assert state(shipments[0])[1:] == (NOW + BACKOFF_FIRST, 1)
    assert state(shipments[2]) == (TrackingStatus.IN_TRANSIT, NOW + POLL_EVERY, 0)
    kept = InboundMessage.objects.get(status=InboundStatus.QUARANTINED)
    assert kept.reason.startswith("malformed: ")
    assert bytes(kept.raw) == b"<html>maintenance</html>"


def test_not_found_is_no_news(testpost: Carrier, api: Api) -> None:
    [shipment] = parcels(testpost, 1)
    api.answer = lambda r: httpx.Response(404, json={"detail": "no such shipment"})
    report = shipments_poll(carrier=CODE, now=NOW)
    assert report.failed_requests == 0
    assert state(shipment) == (TrackingStatus.PENDING, NOW + POLL_EVERY, 0)


def test_the_same_answer_twice_is_stored_and_recorded_once(testpost: Carrier, api: Api) -> None:
    [shipment] = parcels(testpost, 1)
    at = NOW - dt.timedelta(hours=1)
    api.answer = lambda r: httpx.Response(200, json={"events": [item("TP0000", "TRN", at)]})
    shipments_poll(carrier=CODE, now=NOW)
    second = shipments_poll(carrier=CODE, now=NOW + POLL_EVERY)
    assert second.requests == 1
    assert second.result.stored == 0
    assert InboundMessage.objects.count() == 1
    assert shipment.events.count() == 1


def test_an_oversized_answer_is_refused(
    testpost: Carrier, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    [shipment] = parcels(testpost, 1)
    monkeypatch.setattr(polling, "MAX_ANSWER_BYTES", 100)
    api.answer = lambda r: httpx.Response(200, content=json.dumps({"pad": "x" * 500}).encode())
    report = shipments_poll(carrier=CODE, now=NOW)
    assert report.failed_requests == 1
    assert state(shipment)[2] == 1
    assert InboundMessage.objects.count() == 0


def test_which_carriers_are_polled(testpost: Carrier) -> None:
    configured = {
        CODE: {"POLL": "true"},
        "dhl": {"API_KEY": "k", "WEBHOOK_SECRET": ""},  # cannot push: polled
        "ups": {"API_KEY": "k", "WEBHOOK_SECRET": "s"},  # pushes: not polled
        "dpd": {"API_KEY": "k", "POLL": "false"},  # said so
        "colissimo": {"API_KEY": "k", "WEBHOOK_SECRET": "", "POLL": ""},  # unset: cannot push
        "pigeon": {"POLL": "true"},  # no adapter
    }
    with override_settings(AMENDS_CARRIERS=configured):
        assert polling.carriers_polled() == ["colissimo", "dhl", CODE]


def test_the_task_polls_and_reports(testpost: Carrier, api: Api) -> None:
    parcels(testpost, 2)
    reports = tracking_poll.call(carrier=CODE)
    assert [(r["carrier"], r["shipments"], r["stored"]) for r in reports] == [(CODE, 2, 2)]


def test_the_worker_enqueues_one_poll_when_parcels_are_due(
    testpost: Carrier,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from django_tasks_db.models import DBTaskResult

    assert tracking_poll_schedule() is False  # nothing to poll
    parcels(testpost, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tracking_poll_schedule() is True
    with django_capture_on_commit_callbacks(execute=True):
        assert tracking_poll_schedule() is False  # one is already waiting
    assert DBTaskResult.objects.filter(task_path=tracking_poll.module_path).count() == 1
    Shipment.objects.update(next_poll_at=timezone.now() + dt.timedelta(hours=1))
    DBTaskResult.objects.all().delete()
    assert tracking_poll_schedule() is False  # nothing due


def test_the_worker_sweep_schedules_polling(
    testpost: Carrier, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    parcels(testpost, 1)
    with django_capture_on_commit_callbacks(execute=True):
        tracking_sweep()
    assert DBTaskResult.objects.filter(task_path=tracking_poll.module_path).count() == 1
