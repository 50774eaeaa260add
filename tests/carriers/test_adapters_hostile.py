"""Hostile carrier payloads: whatever arrives, an adapter answers with events or with a
``WebhookRejected`` that says what was wrong — never another exception, never a guessed time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amends.carriers.adapters import ADAPTERS, adapter_for
from amends.carriers.adapters.base import MAX_BODY_BYTES, MAX_DEPTH, CarrierEvent, WebhookRejected

FIXTURES = Path(__file__).parent / "fixtures"
CODES = sorted(ADAPTERS)


def rejected(code: str, body: bytes, *, poll: bool = False) -> WebhookRejected:
    adapter = adapter_for(code)
    with pytest.raises(WebhookRejected) as caught:
        (adapter.parse_poll if poll else adapter.parse_webhook)(body)
    assert caught.value.detail
    return caught.value


def as_body(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"not json", b"{", b'{"a": 1', b"\xff\xfe\x00garbage", b"[1, 2,]", b"NaN"],
)
def test_what_is_not_json_is_malformed(code: str, body: bytes) -> None:
    assert rejected(code, body).reason == "malformed"
    assert rejected(code, body, poll=True).reason == "malformed"


@pytest.mark.parametrize("code", CODES)
def test_nan_and_infinity_are_not_json(code: str) -> None:
    assert "not JSON" in rejected(code, b'{"shipments": [NaN]}').detail
    assert rejected(code, b'{"x": Infinity}').reason == "malformed"


@pytest.mark.parametrize("code", CODES)
def test_a_body_over_the_cap_is_refused_unread(code: str) -> None:
    body = b'{"padding": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert rejected(code, body).reason == "too_large"
    assert rejected(code, body, poll=True).reason == "too_large"


@pytest.mark.parametrize("code", CODES)
def test_deep_nesting_is_refused(code: str) -> None:
    deep = b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5)
    assert "nested" in rejected(code, deep).detail
    very_deep = b"[" * 100_000 + b"]" * 100_000  # past the parser's recursion limit
    assert rejected(code, very_deep).reason == "malformed"


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("body", [[], {}, "text", 42, None, True, [[]], {"data": "x"}])
def test_wrong_shapes_are_malformed(code: str, body: Any) -> None:
    adapter = adapter_for(code)
    if body == [] and code in {"colissimo", "dpd", "ups"}:
        # An empty list of answers is a well-formed body with nothing in it.
        assert adapter.parse_webhook(as_body(body)) == []
        return
    assert rejected(code, as_body(body)).reason == "malformed"


def _dhl(**event: Any) -> bytes:
    shipment: dict[str, Any] = {"id": "00340434161094022115", "events": [event]}
    return as_body({"shipments": [shipment]})


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (_dhl(timestamp="2024-03-12T10:00:00", statusCode="transit"), "no time zone"),
        (_dhl(timestamp="2024-13-12T10:00:00+01:00", statusCode="transit"), "not an ISO 8601"),
        (_dhl(timestamp="1899-12-31T10:00:00+01:00", statusCode="transit"), "out of range"),
        (_dhl(timestamp="yesterday", statusCode="transit"), "not an ISO 8601"),
        (_dhl(timestamp=1710237600, statusCode="transit"), "not an ISO 8601"),
        (_dhl(timestamp=["2024"], statusCode="transit"), "should be text"),
        (_dhl(statusCode="transit"), "timestamp is missing"),
        (as_body({"shipments": [{"events": []}]}), "id is missing"),
        (as_body({"shipments": [{"id": "../../etc/passwd"}]}), "not a tracking number"),
        (as_body({"shipments": [{"id": "1" * 80}]}), "not a tracking number"),
        (as_body({"shipments": "all of them"}), "should be a list"),
        (as_body({"shipments": [{"id": "1Z1", "events": 7}]}), "should be a list"),
        (as_body({"shipments": [{"id": "1Z1", "events": ["x"]}]}), "should be an object"),
        (as_body({"nothing": []}), "shipments"),
    ],
)
def test_dhl_bad_fields_say_what_was_wrong(body: bytes, words: str) -> None:
    error = rejected("dhl", body)
    assert error.reason == "malformed"
    assert words in error.detail


def test_a_local_time_in_a_country_with_several_zones_is_not_guessed() -> None:
    alert = {
        "trackingNumber": "1Z204W4R0308071865",
        "localActivityDate": "20240423",
        "localActivityTime": "091519",
        "activityLocation": {"country": "US"},
        "activityStatus": {"type": "I", "code": "OT"},
    }
    assert "no time zone" in rejected("ups", as_body(alert)).detail
    alert["activityLocation"] = {"country": "NL"}
    (event,) = adapter_for("ups").parse_webhook(as_body(alert))
    assert event.occurred_at.isoformat() == "2024-04-23T09:15:19+02:00"


@pytest.mark.parametrize(
    ("date", "time"), [("20241323", "101010"), ("2024", "1"), ("20240423", "256161"), ("", "")]
)
def test_ups_nonsense_times(date: str, time: str) -> None:
    alert = {
        "trackingNumber": "1Z204W4R0308071865",
        "gmtActivityDate": date,
        "gmtActivityTime": time,
        "activityStatus": {"type": "D", "code": "FS"},
    }
    assert rejected("ups", as_body(alert)).reason == "malformed"


def test_ups_event_without_any_status_is_malformed() -> None:
    alert = {"trackingNumber": "1Z204W4R0308071865", "gmtActivityDate": "20240423"}
    assert "activityStatus" in rejected("ups", as_body(alert)).detail


@pytest.mark.parametrize("stamp", ["31-02-2024 10:00:00", "2024/03/01", "99-99-9999 99:99:99"])
def test_postnl_nonsense_timestamps(stamp: str) -> None:
    body = {
        "CurrentStatus": {
            "Shipment": {"Barcode": "3SDEVC1", "Status": {"StatusCode": "7", "TimeStamp": stamp}}
        }
    }
    assert rejected("postnl", as_body(body)).reason == "malformed"


def test_too_many_events_are_refused() -> None:
    event = {"code": "ET1", "date": "2024-03-09T22:10:00+01:00"}
    body = {"returnCode": 200, "shipment": {"idShip": "6A12345678901", "event": [event] * 10_001}}
    assert rejected("colissimo", as_body(body)).reason == "too_large"


def test_an_unknown_code_is_kept_and_marked_for_a_person() -> None:
    body = {
        "returnCode": 200,
        "shipment": {
            "idShip": "6A12345678901",
            "event": [
                {"code": "ZZ9", "label": "Something new", "date": "2024-03-09T22:10:00+01:00"}
            ],
        },
    }
    (event,) = adapter_for("colissimo").parse_webhook(as_body(body))
    assert (event.status, event.carrier_code) == ("exception", "ZZ9")


def test_long_texts_are_cut_to_the_columns() -> None:
    body = {
        "returnCode": 200,
        "shipment": {
            "idShip": "6A12345678901",
            "event": [
                {
                    "code": "ET1",
                    "label": "x" * 5000,
                    "location": "y" * 5000,
                    "date": "2024-03-09T22:10:00Z",
                }
            ],
        },
    }
    (event,) = adapter_for("colissimo").parse_webhook(as_body(body))
    assert len(event.description) == 500
    assert len(event.location) == 200


# --- property tests ----------------------------------------------------------------------------


def _check(code: str, body: bytes) -> None:
    adapter = adapter_for(code)
    for parse in (adapter.parse_webhook, adapter.parse_poll):
        try:
            events = parse(body)
        except WebhookRejected as exc:
            reason = exc.reason
            assert reason in {"malformed", "too_large", "unsupported"}, exc  # noqa: PT017
            continue
        for event in events:
            assert isinstance(event, CarrierEvent)
            assert event.occurred_at.utcoffset() is not None


@settings(max_examples=150)
@given(code=st.sampled_from(CODES), body=st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_webhook_rejected(code: str, body: bytes) -> None:
    _check(code, body)


KEYS = st.sampled_from(
    [
        "shipments",
        "events",
        "status",
        "id",
        "timestamp",
        "statusCode",
        "description",
        "location",
        "address",
        "countryCode",
        "destination",
        "returnFlag",
        "estimatedTimeOfDelivery",
        "trackingNumber",
        "activityStatus",
        "type",
        "code",
        "gmtActivityDate",
        "gmtActivityTime",
        "trackResponse",
        "shipment",
        "package",
        "activity",
        "date",
        "time",
        "gmtOffset",
        "CompleteStatus",
        "CurrentStatus",
        "Shipment",
        "Barcode",
        "Event",
        "Code",
        "TimeStamp",
        "Status",
        "StatusCode",
        "OldStatus",
        "Expectation",
        "returnCode",
        "idShip",
        "event",
        "parcellifecycleResponse",
        "parcelLifeCycleData",
        "shipmentInfo",
        "parcelLabelNumber",
        "statusInfo",
        "statusHasBeenReached",
        "data",
        "shipmentCode",
        "situations",
        "situationDate",
        "situationDescription",
    ]
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2024-03-12T10:00:00+01:00",
            "2024-03-12T10:00:00",
            "12-03-2024 10:00:00",
            "20240312",
            "101500",
            "+01:00",
            "1Z204W4R0308071865",
            "3SDEVC172649258",
            "transit",
            "failure",
            "DI1",
            "X",
            "D",
            "200",
            "11.03.2024, 17:05",
            "NL",
            "US",
            "DELIVERED",
        ]
    ),
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=300)
@given(code=st.sampled_from(CODES), value=JSON)
def test_arbitrary_carrier_shaped_json_raises_only_webhook_rejected(code: str, value: Any) -> None:
    _check(code, as_body(value))


@settings(max_examples=100)
@given(
    name=st.sampled_from(sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.json"))),
    cut=st.integers(min_value=0, max_value=4000),
)
def test_truncated_fixtures_are_refused_cleanly(name: str, cut: int) -> None:
    body = (FIXTURES / name).read_bytes()
    _check(name.split("/")[0], body[: cut % max(len(body), 1)])
