"""Carrier adapters on payloads in each carrier's documented format: what the carrier says
happened becomes one of amends's statuses, at the right moment, with the carrier's code kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from amends.carriers.adapters import ADAPTERS, adapter_for
from amends.carriers.adapters._common import sign
from amends.carriers.adapters.base import (
    SECRET_HEADER,
    SIGNATURE_HEADER,
    CarrierAdapter,
    CarrierEvent,
    WebhookRejected,
)
from amends.carriers.directory import INTERNATIONAL_PAGES
from amends.carriers.taxonomy import TrackingStatus as S

FIXTURES = Path(__file__).parent / "fixtures"
UTC = dt.UTC


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def summary(events: Any) -> list[tuple[str, str, str, dt.datetime]]:
    return [(e.tracking_number, e.status, e.carrier_code, e.occurred_at) for e in events]


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_the_registry_has_the_six_carriers_each_with_an_international_page() -> None:
    assert set(ADAPTERS) == {"dhl", "postnl", "seur", "colissimo", "dpd", "ups"}
    for code, adapter in ADAPTERS.items():
        assert adapter.code == code
        assert adapter.name
        assert adapter.max_poll_batch >= 1
        assert code in INTERNATIONAL_PAGES
    assert adapter_for(" UPS ") is ADAPTERS["ups"]
    with pytest.raises(LookupError):
        adapter_for("pigeon-post")


def test_recognises_uses_the_carriers_number_formats() -> None:
    assert adapter_for("ups").recognises("1Z 204W 4R03 0807 1865")
    assert not adapter_for("dhl").recognises("1Z204W4R0308071865")
    assert adapter_for("postnl").recognises("3SDEVC172649258")
    assert adapter_for("colissimo").recognises("6A12345678901")


# --- DHL ---------------------------------------------------------------------------------------


def test_dhl_tracking_answer_with_local_times_and_an_estimate() -> None:
    events = adapter_for("dhl").parse_poll(fixture("dhl/track_parcel_de.json"))
    number = "00340434161094022115"
    assert summary(events) == [
        (number, S.OUT_FOR_DELIVERY, "transit", utc(2023, 10, 26, 7, 16)),  # Venlo, CEST
        (number, S.IN_TRANSIT, "transit", utc(2023, 10, 25, 19, 2)),
        (number, S.INFO_RECEIVED, "pre-transit", utc(2023, 10, 25, 6, 40)),  # destination NL
    ]
    assert events[0].estimated_delivery == dt.date(2023, 10, 26)
    assert events[0].location == "Venlo, NL"
    assert [e.estimated_delivery for e in events[1:]] == [None, None]


def test_dhl_push_of_a_failed_attempt() -> None:
    (event,) = adapter_for("dhl").parse_webhook(fixture("dhl/push_failure.json"))
    assert event.status == S.ATTEMPT_FAILED
    assert event.carrier_code == "failure"
    assert event.occurred_at == utc(2024, 3, 12, 13, 5)


def test_dhl_return_shipment_delivered_back_is_returned_to_sender() -> None:
    (event,) = adapter_for("dhl").parse_webhook(fixture("dhl/return_shipment.json"))
    assert event.status == S.RETURNED_TO_SENDER
    assert event.carrier_code == "delivered"
    assert event.occurred_at == utc(2023, 10, 26, 10, 8)


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("failure", "The shipment has been damaged", S.DAMAGED),
        ("failure", "The shipment is being returned to the sender", S.RETURNED_TO_SENDER),
        ("failure", "The storage period has expired", S.EXPIRED),
        ("failure", "Customs clearance problem", S.EXCEPTION),
        ("transit", "The shipment is ready for pick-up at the PACKSTATION", S.AVAILABLE_FOR_PICKUP),
        ("transit", "A text nobody has seen before", S.IN_TRANSIT),
        ("delivered", "The shipment has been damaged", S.DELIVERED),  # text never undoes success
        ("unknown", "The shipment has been delivered", S.EXCEPTION),
        ("teleported", "", S.EXCEPTION),
    ],
)
def test_dhl_texts_refine_but_never_contradict_the_code(code: str, text: str, expected: S) -> None:
    from amends.carriers.adapters.dhl import status_for

    assert status_for(code, text) == expected


# --- UPS ---------------------------------------------------------------------------------------


def test_ups_track_alert_examples_from_the_openapi_document() -> None:
    ups = adapter_for("ups")
    (manifest,) = ups.parse_webhook(fixture("ups/alert_manifest.json"))
    assert (manifest.tracking_number, manifest.status) == ("1ZABCXYZ0112346789", S.INFO_RECEIVED)
    assert manifest.occurred_at == utc(2024, 4, 22, 4, 12, 30)  # the GMT time, not the local
    (out,) = ups.parse_webhook(fixture("ups/alert_out_for_delivery.json"))
    assert (out.status, out.carrier_code) == (S.OUT_FOR_DELIVERY, "OT")
    assert out.estimated_delivery == dt.date(2024, 4, 23)
    assert out.location == "Charlotte, NC, US"
    (delivered,) = ups.parse_webhook(fixture("ups/alert_delivered.json"))
    assert (delivered.status, delivered.carrier_code) == (S.DELIVERED, "FS")
    assert delivered.occurred_at == utc(2024, 4, 23, 13, 50, 4)


def test_ups_track_api_answer() -> None:
    events = adapter_for("ups").parse_poll(fixture("ups/track_response.json"))
    number = "1Z023E2X0214323462"
    assert summary(events) == [
        (number, S.ATTEMPT_FAILED, "X", utc(2024, 3, 11, 13, 30)),
        (number, S.OUT_FOR_DELIVERY, "OT", utc(2024, 3, 11, 7, 12)),
        (number, S.IN_TRANSIT, "DP", utc(2024, 3, 10, 21, 15)),
        (number, S.INFO_RECEIVED, "MP", utc(2024, 3, 9, 9, 10, 10)),
    ]
    assert events[0].estimated_delivery == dt.date(2024, 3, 12)


@pytest.mark.parametrize(
    ("type_", "code", "text", "expected"),
    [
        ("RS", "", "Returned to shipper", S.RETURNED_TO_SENDER),
        ("X", "", "Package damaged. Contents are being evaluated", S.DAMAGED),
        ("X", "", "Severe weather conditions have delayed delivery", S.EXCEPTION),
        ("I", "ZZ", "A scan UPS never documented", S.IN_TRANSIT),
        ("MV", "", "Billing information voided", S.EXCEPTION),
        ("Q", "", "", S.EXCEPTION),
    ],
)
def test_ups_status_types(type_: str, code: str, text: str, expected: S) -> None:
    from amends.carriers.adapters.ups import status_for

    assert status_for(type_, code, text) == expected


# --- PostNL ------------------------------------------------------------------------------------


def test_postnl_complete_status() -> None:
    events = adapter_for("postnl").parse_poll(fixture("postnl/complete_status.json"))
    number = "3SDEVC172649258"
    assert summary(events) == [
        (number, S.OUT_FOR_DELIVERY, "J05", utc(2022, 11, 9, 9, 2, 11)),
        (number, S.IN_TRANSIT, "J01", utc(2022, 11, 9, 1, 41, 35)),
        (number, S.IN_TRANSIT, "B01", utc(2022, 11, 8, 18, 55, 2)),
        (number, S.INFO_RECEIVED, "A01", utc(2022, 11, 7, 18, 10, 28)),
    ]
    assert events[0].estimated_delivery == dt.date(2022, 11, 9)


def test_postnl_damage_missed_delivery_and_neighbour() -> None:
    events = adapter_for("postnl").parse_webhook(fixture("postnl/damaged_return.json"))
    assert [(e.tracking_number, e.status, e.carrier_code) for e in events] == [
        ("3SDEVC6659149", S.DAMAGED, "H04"),
        ("3SDEVC6659149", S.ATTEMPT_FAILED, "J08"),
        ("3SMYPA0683437", S.DELIVERED, "I10"),
    ]


def test_postnl_current_status_without_events() -> None:
    (event,) = adapter_for("postnl").parse_poll(fixture("postnl/current_status.json"))
    assert (event.status, event.carrier_code) == (S.DELIVERED, "11")
    assert event.occurred_at == utc(2022, 11, 10, 13, 23)


def test_postnl_every_documented_event_code_has_a_status() -> None:
    from amends.carriers.adapters.postnl import EVENT_OVERRIDES, EVENTS, STATUSES, status_for_event

    assert set(EVENTS) <= set(STATUSES)
    codes = {code for listed in EVENTS.values() for code in listed.split()}
    assert len(codes) > 250
    assert set(EVENT_OVERRIDES) <= codes
    assert status_for_event("Y71") == S.LOST
    assert status_for_event("I08") == S.AVAILABLE_FOR_PICKUP
    assert status_for_event("Q99") == S.EXCEPTION  # undocumented: a person looks


# --- Colissimo ---------------------------------------------------------------------------------


def test_colissimo_suivi_v2() -> None:
    events = adapter_for("colissimo").parse_poll(fixture("colissimo/suivi_delivered.json"))
    assert [(e.status, e.carrier_code) for e in events] == [
        (S.DELIVERED, "DI1"),
        (S.OUT_FOR_DELIVERY, "MD2"),
        (S.IN_TRANSIT, "ET1"),
        (S.IN_TRANSIT, "PC1"),
        (S.INFO_RECEIVED, "DR1"),
    ]
    assert events[0].occurred_at == utc(2024, 3, 11, 10, 42)


def test_colissimo_several_numbers_legacy_codes_and_an_unknown_number() -> None:
    events = adapter_for("colissimo").parse_poll(fixture("colissimo/suivi_several.json"))
    assert [(e.tracking_number, e.status, e.carrier_code) for e in events] == [
        ("CB123456785FR", S.AVAILABLE_FOR_PICKUP, "AG1"),
        ("CB123456785FR", S.AVAILABLE_FOR_PICKUP, "RENAVI"),
        ("CB123456785FR", S.ATTEMPT_FAILED, "RENNRV"),
    ]
    assert events[2].occurred_at == utc(2024, 5, 1, 11, 20)  # no offset: French summer time


def test_colissimo_undocumented_codes() -> None:
    from amends.carriers.adapters.colissimo import status_for

    assert status_for("PCHXYZ") == S.IN_TRANSIT  # an informational family
    assert status_for("RE1") == S.RETURNED_TO_SENDER
    assert status_for("ZZ9") == S.EXCEPTION


# --- DPD and SEUR ------------------------------------------------------------------------------


def test_dpd_parcel_life_cycle() -> None:
    events = adapter_for("dpd").parse_poll(fixture("dpd/plc_delivered.json"))
    assert [(e.status, e.carrier_code) for e in events] == [
        (S.INFO_RECEIVED, "ACCEPTED"),
        (S.IN_TRANSIT, "AT_SENDING_DEPOT"),
        (S.IN_TRANSIT, "AT_DELIVERY_DEPOT"),
        (S.DELIVERED, "DELIVERED"),
    ]
    assert events[-1].occurred_at == utc(2024, 3, 12, 12, 22)
    assert events[-1].location == "Venlo (NL)"


def test_dpd_forecast_entries_are_not_events() -> None:
    events = adapter_for("dpd").parse_poll(fixture("dpd/plc_on_the_road.json"))
    assert [e.carrier_code for e in events] == ["ACCEPTED", "ON_THE_ROAD"]
    assert events[1].occurred_at == utc(2024, 3, 11, 20, 30)  # no location: DPD Germany's time


def test_seur_situations() -> None:
    events = adapter_for("seur").parse_poll(fixture("seur/tracking.json"))
    assert [e.status for e in events] == [
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.ATTEMPT_FAILED,
        S.DELIVERED,
    ]
    assert events[2].carrier_code == "DESTINATARIO AUSENTE"
    assert events[3].occurred_at == utc(2024, 4, 12, 10, 30)


# --- polling requests --------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(ADAPTERS))
def test_poll_requests_carry_the_key_and_the_number(code: str) -> None:
    adapter = adapter_for(code)
    number = {"colissimo": "6A12345678901", "postnl": "3SDEVC172649258"}.get(
        code, "1Z204W4R0308071865"
    )
    request = adapter.poll_request(tracking_numbers=[number], api_key="k-123")
    assert request.method == "GET"
    assert request.url.startswith("https://")
    assert number in request.url or number in request.params.values()
    if code != "dpd":
        assert any("k-123" in value for value in request.headers.values())
    with pytest.raises(ValueError, match="at most"):
        adapter.poll_request(tracking_numbers=[number] * (adapter.max_poll_batch + 1), api_key="k")
    with pytest.raises(ValueError, match="no tracking numbers"):
        adapter.poll_request(tracking_numbers=[" "], api_key="k")


def test_colissimo_polls_ten_numbers_at_once() -> None:
    request = adapter_for("colissimo").poll_request(
        tracking_numbers=["6A12345678901", "CB123456785FR"], api_key="okapi"
    )
    assert request.url.endswith("/idships/6A12345678901,CB123456785FR")
    assert request.headers["X-Okapi-Key"] == "okapi"


def test_a_poll_request_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="not tracking numbers"):
        adapter_for("ups").poll_request(tracking_numbers=["1Z/../../admin"], api_key="k")


# --- verification ------------------------------------------------------------------------------

BODY = b'{"shipments": []}'


def _rejects(adapter: CarrierAdapter, headers: dict[str, str], secret: str = "s3cret") -> str:  # noqa: S107
    with pytest.raises(WebhookRejected) as caught:
        adapter.verify(body=BODY, headers=headers, secret=secret)
    assert caught.value.reason == "signature"
    return caught.value.detail


def test_dhl_checks_the_token_of_its_subscription_header() -> None:
    dhl = adapter_for("dhl")
    dhl.verify(body=BODY, headers={SECRET_HEADER.lower(): "s3cret"}, secret="s3cret")
    dhl.verify(body=BODY, headers={"HTTP_X_AMENDS_WEBHOOK_SECRET": "s3cret"}, secret="s3cret")
    assert "does not match" in _rejects(dhl, {SECRET_HEADER: "s3cret!"})
    assert "missing" in _rejects(dhl, {})
    # Our HMAC scheme is not DHL's: DHL cannot sign, so a signature alone is not accepted.
    _rejects(dhl, {SIGNATURE_HEADER: sign(BODY, "s3cret")})


def test_ups_checks_the_credential_header() -> None:
    ups = adapter_for("ups")
    ups.verify(body=BODY, headers={"Credential": "s3cret"}, secret="s3cret")
    assert "credential" in _rejects(ups, {"credential": "wrong"})
    _rejects(ups, {SECRET_HEADER: "s3cret"})


@pytest.mark.parametrize("code", ["postnl", "seur", "colissimo", "dpd"])
def test_carriers_without_signing_use_our_hmac_or_secret_header(code: str) -> None:
    adapter = adapter_for(code)
    assert not adapter.signs_webhooks
    adapter.verify(body=BODY, headers={SIGNATURE_HEADER: sign(BODY, "s3cret")}, secret="s3cret")
    adapter.verify(body=BODY, headers={SECRET_HEADER: "s3cret"}, secret="s3cret")
    assert "does not match the body" in _rejects(
        adapter, {SIGNATURE_HEADER: sign(BODY + b" ", "s3cret")}
    )
    # A wrong signature is not rescued by a right secret header next to it.
    _rejects(adapter, {SIGNATURE_HEADER: "sha256=00", SECRET_HEADER: "s3cret"})
    assert "neither" in _rejects(adapter, {})


@pytest.mark.parametrize("code", sorted(ADAPTERS))
def test_no_configured_secret_accepts_nothing(code: str) -> None:
    detail = _rejects(adapter_for(code), {SECRET_HEADER: "", "credential": ""}, secret="")
    assert "no webhook secret" in detail


@pytest.mark.parametrize(
    "name", sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.json"))
)
def test_a_replayed_body_gives_the_same_events(name: str) -> None:
    adapter = adapter_for(name.split("/")[0])
    # UPS pushes (Track Alert) and answers (Track API) in different shapes; the others do not.
    parse = adapter.parse_poll if name.startswith("ups/track") else adapter.parse_webhook
    first: list[CarrierEvent] = list(parse(fixture(name)))
    assert first
    assert list(parse(fixture(name))) == first
    for event in first:
        assert event.occurred_at.utcoffset() is not None
        assert S(event.status) in S
