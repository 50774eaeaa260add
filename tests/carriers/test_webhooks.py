"""``POST /hooks/carriers/<code>/`` under hostile and clumsy senders: every body gets a clear
answer or is kept with a reason, nothing is stored twice, nothing crashes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from amends.carriers import ingest
from amends.carriers.channel import KEPT_EVENTS, carrier_pending_process
from amends.carriers.models import Carrier, Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.services import inbound_replay, inbound_store
from tests.carriers.tracking_fakes import (
    CODE,
    HEADER,
    FakePost,
    body_of,
    item,
    register_testpost,
    sign,
)
from tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def testpost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Carrier]:
    yield from register_testpost(monkeypatch)


URL = f"/hooks/carriers/{CODE}/"
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def changed(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    calls: list[list[int]] = []
    monkeypatch.setattr(
        ingest, "shipments_changed", lambda *, shipment_ids: calls.append(list(shipment_ids))
    )
    return calls


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def post(client: Client, body: bytes, *, signature: str | None = None, url: str = URL) -> Any:
    headers = {HEADER: sign(body) if signature is None else signature} if signature != "" else {}
    return client.post(url, data=body, content_type="application/json", headers=headers)


def shipment(testpost: Carrier, number: str = "TP0001") -> Shipment:
    return ShipmentFactory(carrier=testpost, tracking_number=number)


def error(response: Any) -> tuple[int, str]:
    data = response.json()
    assert set(data) == {"code", "detail", "errors"}, data
    assert data["detail"]
    return response.status_code, data["code"]


def test_a_signed_batch_is_stored_raw_and_recorded(
    client: Client, testpost: Carrier, changed: list[list[int]]
) -> None:
    parcel = shipment(testpost)
    body = body_of(
        item("TP0001", "ANN", at(0), eta="2026-03-04"),
        item("TP0001", "TRN", at(5)),
        item("TP0001", "OFD", at(26)),
    )
    response = post(client, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "processed"
    assert (data["stored"], data["duplicates"], data["unknown"]) == (3, 0, 0)
    inbound = InboundMessage.objects.get()
    assert (inbound.channel, inbound.source, inbound.status) == ("carrier", CODE, "processed")
    assert bytes(inbound.raw) == body
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.OUT_FOR_DELIVERY
    assert parcel.estimated_delivery == dt.date(2026, 3, 4)
    assert changed == [[parcel.pk]]


def test_a_single_event_body_is_accepted(client: Client, testpost: Carrier) -> None:
    parcel = shipment(testpost)
    response = post(client, json.dumps(item("TP0001", "DLV", at(30))).encode())
    assert response.status_code == 200
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.DELIVERED


@pytest.mark.parametrize(
    ("signature", "what"),
    [("", "missing"), ("0" * 64, "wrong"), (sign(b"another body"), "of another body")],
)
def test_an_unsigned_or_badly_signed_body_is_refused_and_not_stored(
    client: Client, testpost: Carrier, signature: str, what: str
) -> None:
    shipment(testpost)
    response = post(client, body_of(item("TP0001", "DLV", at(30))), signature=signature)
    assert error(response) == (401, "bad_signature"), what
    assert InboundMessage.objects.count() == 0
    assert TrackingEvent.objects.count() == 0


def test_a_body_signed_with_another_secret_is_refused(client: Client, testpost: Carrier) -> None:
    body = body_of(item("TP0001", "DLV", at(30)))
    response = post(client, body, signature=sign(body, "not-the-secret"))
    assert error(response) == (401, "bad_signature")


def test_without_a_configured_secret_nobody_gets_in(client: Client, testpost: Carrier) -> None:
    body = body_of(item("TP0001", "DLV", at(30)))
    with override_settings(AMENDS_CARRIERS={CODE: {"WEBHOOK_SECRET": ""}}):
        response = post(client, body, signature=sign(body, ""))
    assert error(response) == (403, "not_configured")
    assert InboundMessage.objects.count() == 0


def test_a_replayed_delivery_is_stored_once_and_recorded_once(
    client: Client, testpost: Carrier, changed: list[list[int]]
) -> None:
    parcel = shipment(testpost)
    body = body_of(item("TP0001", "TRN", at(1)), item("TP0001", "DLV", at(30)))
    assert post(client, body).status_code == 200
    again = post(client, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert InboundMessage.objects.count() == 1
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 2
    assert changed == [[parcel.pk]]


def test_the_same_events_in_another_envelope_are_duplicates(
    client: Client, testpost: Carrier
) -> None:
    shipment(testpost)
    events = [item("TP0001", "TRN", at(1)), item("TP0001", "DLV", at(30))]
    post(client, body_of(*events))
    response = post(client, json.dumps({"events": events, "sent": "again"}).encode())
    assert response.json()["duplicates"] == 2
    assert TrackingEvent.objects.count() == 2
    assert InboundMessage.objects.count() == 2  # two different bodies, each kept


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'"a string"',
        b'{"events": 5}',
        b'{"events": [{"number": "TP0001"}]}',
        b'{"events": [{"number": "TP0001", "code": "DLV", "at": "yesterday"}]}',
        b'{"events": [{"number": "TP0001", "code": "DLV", "at": "2026-03-02T08:00:00"}]}',
        b"",
    ],
    ids=[
        "broken",
        "binary",
        "list",
        "string",
        "not a list",
        "missing fields",
        "bad time",
        "no offset",
        "empty",
    ],
)
def test_a_malformed_body_is_refused_with_the_reason_and_kept_in_quarantine(
    client: Client, testpost: Carrier, body: bytes
) -> None:
    shipment(testpost)
    response = post(client, body)
    status, code = error(response)
    assert (status, code) == (400, "malformed")
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason.startswith("malformed: ")
    assert response.json()["detail"] == inbound.reason
    # Sent again: the same answer, still one stored body, nothing recorded.
    assert error(post(client, body)) == (400, "malformed")
    assert InboundMessage.objects.count() == 1
    assert TrackingEvent.objects.count() == 0


def test_an_oversized_body_is_refused_before_it_is_read(client: Client, testpost: Carrier) -> None:
    big = body_of(*[item("TP0001", "TRN", at(n)) for n in range(200)])
    with override_settings(AMENDS_CARRIER_WEBHOOK_MAX_BYTES=1000):
        response = post(client, big)
        small = post(client, body_of(item("TP0001", "TRN", at(1))))
    assert error(response) == (413, "too_large")
    assert small.status_code == 202  # under the limit: read (and kept: TP0001 is unknown)
    assert InboundMessage.objects.count() == 1


def test_a_body_longer_than_it_declares_is_read_no_further(
    client: Client, testpost: Carrier
) -> None:
    with override_settings(AMENDS_CARRIER_WEBHOOK_MAX_BYTES=1000):
        response = client.generic(
            "POST",
            URL,
            data=b"x" * 5000,
            content_type="application/json",
            headers={HEADER: sign(b"x" * 5000)},
            CONTENT_LENGTH="999",
        )
    assert error(response) == (401, "bad_signature")  # only the declared 999 bytes were read


def test_unknown_tracking_numbers_are_kept_and_recorded_once_the_order_arrives(
    client: Client, testpost: Carrier
) -> None:
    body = body_of(item("TP0404", "TRN", at(1)), item("TP0404", "OFD", at(20)))
    response = post(client, body)
    assert response.status_code == 202
    assert response.json()["status"] == "kept"
    assert response.json()["unknown"] == 2
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason.startswith("unknown tracking number: 2 event(s) for TP0404")
    assert post(client, body).status_code == 202  # the carrier retries: still kept, once
    assert [i.status for i in inbound_replay()] == [InboundStatus.QUARANTINED]  # no order yet
    assert TrackingEvent.objects.count() == 0

    parcel = shipment(testpost, "TP0404")
    [replayed] = inbound_replay()
    assert replayed.status == InboundStatus.PROCESSED
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.OUT_FOR_DELIVERY
    assert parcel.events.count() == 2
    assert inbound_replay() == []


def test_a_batch_mixing_known_and_unknown_numbers_records_the_known_at_once(
    client: Client, testpost: Carrier
) -> None:
    known = shipment(testpost, "TP0001")
    body = body_of(
        item("TP0001", "DLV", at(30)), item("TP0404", "TRN", at(2)), item("TP0405", "TRN", at(3))
    )
    response = post(client, body)
    assert response.status_code == 202
    assert (response.json()["stored"], response.json()["unknown"]) == (1, 2)
    known.refresh_from_db()
    assert known.status == TrackingStatus.DELIVERED
    original = InboundMessage.objects.get(content_type="application/json")
    kept = InboundMessage.objects.get(content_type=KEPT_EVENTS)
    assert original.status == InboundStatus.PROCESSED
    assert f"kept as inbound {kept.pk}" in original.reason
    assert kept.status == InboundStatus.QUARANTINED
    assert kept.reason.startswith("unknown tracking number: 2 event(s) for TP0404, TP0405")

    late = shipment(testpost, "TP0404")
    inbound_replay()
    late.refresh_from_db()
    assert late.status == TrackingStatus.IN_TRANSIT
    # TP0405 is still unknown: kept again, on its own, and the rest is done.
    kept.refresh_from_db()
    assert kept.status == InboundStatus.PROCESSED
    still = InboundMessage.objects.get(status=InboundStatus.QUARANTINED)
    assert still.reason.startswith("unknown tracking number: 1 event(s) for TP0405")
    assert TrackingEvent.objects.count() == 2


def test_events_out_of_order_across_deliveries(client: Client, testpost: Carrier) -> None:
    parcel = shipment(testpost)
    post(client, body_of(item("TP0001", "DLV", at(30))))
    post(client, body_of(item("TP0001", "OFD", at(25)), item("TP0001", "TRN", at(3))))
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.DELIVERED
    assert parcel.events.count() == 3


def test_an_unknown_carrier_is_a_json_404(client: Client, testpost: Carrier) -> None:
    body = body_of(item("TP0001", "DLV", at(30)))
    assert error(post(client, body, url="/hooks/carriers/pigeon-post/")) == (404, "not_found")
    assert InboundMessage.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_accepted(client: Client, testpost: Carrier, method: str) -> None:
    response = getattr(client, method)(URL)
    assert error(response) == (405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_no_csrf_token_is_needed(testpost: Carrier) -> None:
    shipment(testpost)
    response = post(Client(enforce_csrf_checks=True), body_of(item("TP0001", "TRN", at(1))))
    assert response.status_code == 200


def test_an_adapter_that_breaks_loses_nothing(
    client: Client, testpost: Carrier, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipment(testpost)

    def broken(self: FakePost, body: bytes) -> Any:
        raise RuntimeError("a bug in the adapter")

    fixed = FakePost.parse_webhook
    monkeypatch.setattr(FakePost, "parse_webhook", broken)
    body = body_of(item("TP0001", "DLV", at(30)))
    response = post(client, body)
    assert response.status_code == 202
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason.startswith("internal error: RuntimeError")
    monkeypatch.setattr(FakePost, "parse_webhook", fixed)  # fixed: the replay records it
    assert [i.status for i in inbound_replay()] == [InboundStatus.PROCESSED]
    assert TrackingEvent.objects.count() == 1


def test_a_body_stored_but_never_processed_is_processed_when_sent_again(
    client: Client, testpost: Carrier
) -> None:
    """A crash between storing and processing: the carrier's retry finishes the work."""
    parcel = shipment(testpost)
    body = body_of(item("TP0001", "DLV", at(30)))
    inbound_store(channel="carrier", raw=body, source=CODE)
    response = post(client, body)
    assert response.status_code == 200
    assert response.json()["status"] == "processed"
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.DELIVERED
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED


def test_the_sweep_finishes_bodies_stored_but_never_processed(testpost: Carrier) -> None:
    parcel = shipment(testpost)
    body = body_of(item("TP0001", "DLV", at(30)))
    stored = inbound_store(channel="carrier", raw=body, source=CODE).inbound
    assert carrier_pending_process() == 0  # stored just now: its own request is on it
    InboundMessage.objects.filter(pk=stored.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert carrier_pending_process() == 1
    assert carrier_pending_process() == 0
    parcel.refresh_from_db()
    assert parcel.status == TrackingStatus.DELIVERED
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED


def test_the_sweep_records_kept_events_once_their_parcel_exists(
    client: Client, testpost: Carrier
) -> None:
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from amends.carriers.channel import carrier_unknown_retry

    start = timezone.now()

    def retry_at(minutes: float) -> int:
        moment = start + dt.timedelta(minutes=minutes)
        with time_machine.travel(moment, tick=False):
            return carrier_unknown_retry(now=moment)

    with time_machine.travel(start, tick=False):
        body = body_of(item("TP0505", "TRN", at(1)), item("TP0505", "OFD", at(20)))
        assert post(client, body).status_code == 202
    assert retry_at(1) == 0  # just tried: it waits two minutes before the next try
    assert retry_at(3) == 1  # still no parcel: kept, and the wait doubles
    assert TrackingEvent.objects.count() == 0

    parcel = shipment(testpost, "TP0505")  # the shop's order (and its parcel) arrives
    assert retry_at(5) == 0  # backing off: four minutes since the last try
    assert retry_at(8) == 1
    parcel.refresh_from_db()
    assert parcel.events.count() == 2
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED
    assert retry_at(60 * 24) == 0
