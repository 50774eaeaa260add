"""The six real carrier adapters behind ``POST /hooks/carriers/<code>/``: each carrier's own
documented body, authenticated the way that carrier authenticates, recorded once; the same body
unauthenticated is refused and never stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from amends.carriers import ingest
from amends.carriers.adapters import adapter_for
from amends.carriers.adapters._common import sign
from amends.carriers.adapters.base import SECRET_HEADER, SIGNATURE_HEADER
from amends.carriers.adapters.ups import CREDENTIAL_HEADER
from amends.carriers.models import Shipment, TrackingEvent
from amends.inbound.models import InboundMessage, InboundStatus
from tests.factories import CarrierFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "carrier-secret-for-tests"
# One pushed body per carrier, in its documented format (the adapters' own test fixtures).
PUSHES = [
    ("dhl", "dhl/push_failure.json"),
    ("dhl", "dhl/track_parcel_de.json"),
    ("ups", "ups/alert_out_for_delivery.json"),
    ("postnl", "postnl/damaged_return.json"),
    ("colissimo", "colissimo/suivi_delivered.json"),
    ("dpd", "dpd/plc_delivered.json"),
    ("seur", "seur/tracking.json"),
]


@pytest.fixture(autouse=True)
def changed(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    calls: list[list[int]] = []
    monkeypatch.setattr(
        ingest, "shipments_changed", lambda *, shipment_ids: calls.append(list(shipment_ids))
    )
    return calls


@pytest.fixture(autouse=True)
def _secrets() -> object:
    configured = {code: {"WEBHOOK_SECRET": SECRET} for code, _f in PUSHES}
    with override_settings(AMENDS_CARRIERS=configured):
        yield


def authenticated(code: str, body: bytes) -> dict[str, str]:
    """How each carrier proves a push is its own (see ``adapters/base.py``)."""
    if code == "dhl":
        return {SECRET_HEADER: SECRET}
    if code == "ups":
        return {CREDENTIAL_HEADER: SECRET}
    return {SIGNATURE_HEADER: sign(body, SECRET)}


def parcels_for(code: str, body: bytes) -> list[Shipment]:
    carrier = CarrierFactory(code=code, name=code.upper())
    numbers = sorted({e.tracking_number for e in adapter_for(code).parse_webhook(body)})
    return [ShipmentFactory(carrier=carrier, tracking_number=n) for n in numbers]


@pytest.mark.parametrize(("code", "name"), PUSHES, ids=[name for _c, name in PUSHES])
def test_a_carriers_own_push_is_recorded_once(
    client: Client, code: str, name: str, changed: list[list[int]]
) -> None:
    body = (FIXTURES / name).read_bytes()
    shipments = parcels_for(code, body)
    events = adapter_for(code).parse_webhook(body)
    url = f"/hooks/carriers/{code}/"
    headers = authenticated(code, body)
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == len(events)
    assert TrackingEvent.objects.count() == len(events)
    for shipment in shipments:
        shipment.refresh_from_db()
        own = [e for e in events if e.tracking_number == shipment.tracking_number]
        latest = max(own, key=lambda e: e.occurred_at)
        assert shipment.status == latest.status
        assert shipment.last_event_at == latest.occurred_at
    assert changed == [sorted(s.pk for s in shipments)]

    again = client.post(url, data=body, content_type="application/json", headers=headers)
    assert again.json()["status"] == "duplicate"
    assert TrackingEvent.objects.count() == len(events)
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED


@pytest.mark.parametrize(("code", "name"), PUSHES, ids=[name for _c, name in PUSHES])
def test_the_same_push_unauthenticated_is_refused(client: Client, code: str, name: str) -> None:
    body = (FIXTURES / name).read_bytes()
    parcels_for(code, body)
    response = client.post(f"/hooks/carriers/{code}/", data=body, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    forged = dict.fromkeys(authenticated(code, body), "forged")
    response = client.post(
        f"/hooks/carriers/{code}/", data=body, content_type="application/json", headers=forged
    )
    assert response.status_code == 401
    assert InboundMessage.objects.count() == 0
    assert TrackingEvent.objects.count() == 0


@pytest.mark.parametrize("code", sorted({code for code, _f in PUSHES}))
def test_a_broken_body_from_a_real_carrier_is_a_400_and_kept(client: Client, code: str) -> None:
    body = b'{"this": "is not what the carrier sends"'
    response = client.post(
        f"/hooks/carriers/{code}/",
        data=body,
        content_type="application/json",
        headers=authenticated(code, body),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED
