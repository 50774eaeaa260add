"""Polling each real carrier's tracking API through ``httpx.MockTransport``: the request the
adapter builds is the one sent, the documented answer is recorded, and the API's errors back
the parcel off instead of losing it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from django.test import override_settings

from amends.carriers import ingest
from amends.carriers.adapters import adapter_for
from amends.carriers.models import Shipment
from amends.carriers.polling import BACKOFF_FIRST, POLL_EVERY, shipments_poll
from tests.factories import CarrierFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
API_KEY = "api-key-for-tests"
# One tracking-API answer per carrier, in its documented format.
ANSWERS = [
    ("dhl", "dhl/track_parcel_de.json"),
    ("ups", "ups/track_response.json"),
    ("postnl", "postnl/complete_status.json"),
    ("colissimo", "colissimo/suivi_delivered.json"),
    ("dpd", "dpd/plc_delivered.json"),
    ("seur", "seur/tracking.json"),
]


@pytest.fixture(autouse=True)
def _quiet_proactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "shipments_changed", lambda *, shipment_ids: None)


def parcel(code: str, answer: bytes) -> Shipment:
    """The shipment the answer is about, created recently enough to be polled."""
    (number,) = {e.tracking_number for e in adapter_for(code).parse_poll(answer)}
    carrier = CarrierFactory(code=code, name=code.upper())
    shipment = ShipmentFactory(carrier=carrier, tracking_number=number)
    Shipment.objects.filter(pk=shipment.pk).update(created_at=NOW - dt.timedelta(days=3))
    return shipment


@pytest.mark.parametrize(("code", "name"), ANSWERS, ids=[code for code, _n in ANSWERS])
def test_a_carriers_answer_is_recorded(code: str, name: str) -> None:
    answer = (FIXTURES / name).read_bytes()
    shipment = parcel(code, answer)
    expected = adapter_for(code).poll_request(
        tracking_numbers=[shipment.tracking_number], api_key=API_KEY
    )
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=answer, headers={"Content-Type": "application/json"})

    with override_settings(
        AMENDS_CARRIERS={code: {"API_KEY": API_KEY, "POLL": "true"}},
        AMENDS_CARRIER_HTTP={"TRANSPORT": httpx.MockTransport(api)},
    ):
        report = shipments_poll(carrier=code, now=NOW)
    [request] = seen
    assert request.method == expected.method
    assert str(request.url).split("?")[0] == expected.url.split("?")[0]
    for key, value in expected.params.items():
        assert request.url.params[key] == value
    for key, value in expected.headers.items():
        if key.lower() != "transid":  # UPS: a fresh id per request
            assert request.headers[key] == value
    events = adapter_for(code).parse_poll(answer)
    assert report.result.stored == len(events)
    shipment.refresh_from_db()
    latest = max(events, key=lambda e: e.occurred_at)
    assert shipment.status == latest.status
    assert (shipment.next_poll_at, shipment.poll_failures) == (NOW + POLL_EVERY, 0)


@pytest.mark.parametrize("code", [code for code, _n in ANSWERS])
def test_a_carrier_api_timing_out_backs_the_parcel_off(code: str) -> None:
    name = dict(ANSWERS)[code]
    shipment = parcel(code, (FIXTURES / name).read_bytes())

    def api(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with override_settings(
        AMENDS_CARRIERS={code: {"API_KEY": API_KEY, "POLL": "true"}},
        AMENDS_CARRIER_HTTP={"TRANSPORT": httpx.MockTransport(api)},
    ):
        report = shipments_poll(carrier=code, now=NOW)
    assert report.failed_requests == 1
    shipment.refresh_from_db()
    assert (shipment.next_poll_at, shipment.poll_failures) == (NOW + BACKOFF_FIRST, 1)
    assert shipment.events.count() == 0
