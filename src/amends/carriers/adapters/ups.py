"""UPS: the Track API (polling) and Track Alert (webhooks).

Sources: UPS's OpenAPI documents published by UPS (github.com/UPS-API/api-documentation):
``Tracking.yaml`` (GET ``/api/track/v1/details/{inquiryNumber}``, OAuth bearer token, headers
``transId`` and ``transactionSrc``) and ``UPSTrackAlert.yaml`` (the ``TrackingEvent`` webhook).

Track Alert posts one event per request: ``{"trackingNumber", "localActivityDate" (YYYYMMDD),
"localActivityTime" (HHMMSS), "gmtActivityDate", "gmtActivityTime", "activityLocation": {"city",
"stateProvince", "postalCode", "country"}, "activityStatus": {"type", "code", "description",
"descriptionCode"}, "scheduledDeliveryDate", "actualDeliveryDate", …}``, authenticated by the
``credential`` header: "an opaque string meant for client authentication, shared in the
subscription request" (the subscription's ``destination.credential``; set it to the webhook
secret). The Track API answers ``{"trackResponse": {"shipment": [{"package": [{"trackingNumber",
"deliveryDate": [{"type", "date"}], "activity": [{"date", "time", "gmtDate", "gmtTime",
"gmtOffset", "location": {"address": {…}}, "status": {"type", "code", "description",
"statusCode"}}]}]}]}}``.

Codes: the activity status *type* is documented (D delivered, I in transit, M manifest / billing
information received, MV manifest void, P pickup, X exception, RS returned to shipper, O out for
delivery, U updated delivery date, DO/DD delivered to origin/destination CFS and W warehousing
for freight, NA not available). The two-character activity *codes* UPS documents only by
example; those examples (MP, OR, DP, YP, OT, FS) are in :data:`CODES` and win over the type.
An exception (X) is refined by its description (a missed delivery, damage, a return) because
UPS carries that detail only in words.

Time: Track Alert gives the GMT date and time, which are used; the Track API gives the local
date and time with ``gmtOffset``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence

from amends.carriers.adapters import _common as c
from amends.carriers.adapters.base import CarrierEvent, PollRequest
from amends.carriers.taxonomy import TrackingStatus

URL = "https://onlinetools.ups.com/api/track/v1/details/{number}"
CREDENTIAL_HEADER = "credential"
TRANSACTION_SOURCE = "amends"

TYPES: Mapping[str, TrackingStatus] = {
    "M": TrackingStatus.INFO_RECEIVED,
    "MV": TrackingStatus.EXCEPTION,
    "P": TrackingStatus.IN_TRANSIT,
    "I": TrackingStatus.IN_TRANSIT,
    "U": TrackingStatus.IN_TRANSIT,
    "W": TrackingStatus.IN_TRANSIT,
    "DO": TrackingStatus.IN_TRANSIT,
    "DD": TrackingStatus.IN_TRANSIT,
    "O": TrackingStatus.OUT_FOR_DELIVERY,
    "D": TrackingStatus.DELIVERED,
    "RS": TrackingStatus.RETURNED_TO_SENDER,
    "X": TrackingStatus.EXCEPTION,
    "NA": TrackingStatus.PENDING,
}
# Types that are informational: a code UPS did not document under them stays in transit.
INFORMATIONAL_TYPES = frozenset({"I", "P", "U", "W", "DO", "DD"})

CODES: Mapping[str, TrackingStatus] = {
    "MP": TrackingStatus.INFO_RECEIVED,  # "Shipment Ready for UPS"
    "OR": TrackingStatus.IN_TRANSIT,  # origin scan, "On the Way"
    "DP": TrackingStatus.IN_TRANSIT,  # departure scan, "On the Way"
    "YP": TrackingStatus.IN_TRANSIT,  # "Preparing for Delivery"
    "OT": TrackingStatus.OUT_FOR_DELIVERY,  # "Out for Delivery"
    "FS": TrackingStatus.DELIVERED,  # "Delivered"
}

EXCEPTION_PHRASES: Sequence[tuple[str, TrackingStatus]] = (
    ("damage", TrackingStatus.DAMAGED),
    ("returned to the sender", TrackingStatus.RETURNED_TO_SENDER),
    ("returning to the sender", TrackingStatus.RETURNED_TO_SENDER),
    ("return to sender", TrackingStatus.RETURNED_TO_SENDER),
    ("returned to shipper", TrackingStatus.RETURNED_TO_SENDER),
    ("not available for delivery", TrackingStatus.ATTEMPT_FAILED),
    ("receiver was not available", TrackingStatus.ATTEMPT_FAILED),
    ("delivery attempt", TrackingStatus.ATTEMPT_FAILED),
    ("attempted delivery", TrackingStatus.ATTEMPT_FAILED),
    ("ready for pickup", TrackingStatus.AVAILABLE_FOR_PICKUP),
    ("at the ups access point", TrackingStatus.AVAILABLE_FOR_PICKUP),
)

_DATE = re.compile(r"\d{8}")
_TIME = re.compile(r"\d{1,6}")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def status_for(type_: str, code: str, description: str) -> TrackingStatus:
    if code in CODES:
        return CODES[code]
    base = TYPES.get(type_)
    if base is None:
        return TrackingStatus.EXCEPTION
    if type_ == "X":
        return c.by_phrase(description, EXCEPTION_PHRASES) or base
    return base


def _moment(date: str, time: str, where: str, tz: dt.tzinfo | None) -> dt.datetime:
    if not _DATE.fullmatch(date) or not _TIME.fullmatch(time):
        raise c.reject("malformed", f"{where}: date {date[:12]!r} / time {time[:12]!r} unreadable")
    try:
        naive = dt.datetime.strptime(date + time.zfill(6), "%Y%m%d%H%M%S")  # noqa: DTZ007
    except ValueError as exc:
        raise c.reject("malformed", f"{where}: {date} {time} is not a time") from exc
    return c.aware(naive, tz, where)


def _offset(value: str) -> dt.tzinfo | None:
    match = _OFFSET.fullmatch(value.strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
    if delta > dt.timedelta(hours=14):
        return None
    return dt.timezone(-delta if sign == "-" else delta)


def _ups_date(value: c.Json) -> dt.date | None:
    return c.parse_date(value, ("%Y%m%d",))


class UpsAdapter(c.AdapterBase):
    code: str = "ups"
    name: str = "UPS"
    signs_webhooks: bool = True
    max_poll_batch: int = 1

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> None:
        given = c.header(headers, CREDENTIAL_HEADER)
        c.check_token(given=given, secret=secret, header_name=CREDENTIAL_HEADER)

    def _poll_request(self, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        return PollRequest(
            method="GET",
            url=URL.format(number=tracking_numbers[0]),
            headers={
                "Authorization": f"Bearer {api_key}",
                "transId": uuid.uuid4().hex,
                "transactionSrc": TRANSACTION_SOURCE,
                "Accept": "application/json",
            },
            params={"locale": "en_US", "returnSignature": "false"},
        )

    # --- Track Alert -------------------------------------------------------------------------

    def _events_from(self, payload: c.Json) -> list[CarrierEvent]:
        return [
            self._alert(c.obj(raw, f"event[{i}]"), f"event[{i}]")
            for i, raw in enumerate(c.arr(payload, "the body", optional=False))
        ]

    def _alert(self, event: Mapping[str, c.Json], where: str) -> CarrierEvent:
        number = c.tracking_number(event.get("trackingNumber"), f"{where}.trackingNumber")
        status = c.obj(event.get("activityStatus"), f"{where}.activityStatus")
        location = event.get("activityLocation")
        place = c.obj(location, f"{where}.activityLocation") if location is not None else {}
        country = c.text(place.get("country"), f"{where}.activityLocation.country")
        gmt_date = c.text(event.get("gmtActivityDate"), f"{where}.gmtActivityDate")
        if gmt_date:
            gmt_time = c.text(event.get("gmtActivityTime"), f"{where}.gmtActivityTime")
            occurred = _moment(gmt_date, gmt_time or "0", where, dt.UTC)
        else:
            occurred = _moment(
                c.text(event.get("localActivityDate"), f"{where}.localActivityDate"),
                c.text(event.get("localActivityTime"), f"{where}.localActivityTime") or "0",
                where,
                c.zone_for_country(country),
            )
        return self._event(
            number=number,
            status=status,
            where=where,
            occurred=occurred,
            location=c.join_location(
                c.text(place.get("city"), "city"),
                c.text(place.get("stateProvince"), "stateProvince"),
                country,
            ),
            estimate=_ups_date(event.get("scheduledDeliveryDate")),
        )

    def _event(
        self,
        *,
        number: str,
        status: Mapping[str, c.Json],
        where: str,
        occurred: dt.datetime,
        location: str,
        estimate: dt.date | None,
    ) -> CarrierEvent:
        type_ = c.code(status.get("type"), f"{where}.status.type", required=False).upper()
        activity = c.code(status.get("code"), f"{where}.status.code", required=False).upper()
        if not type_ and not activity:
            raise c.reject("malformed", f"{where} has neither a status type nor a code")
        description = c.text(status.get("description"), f"{where}.status.description")
        return CarrierEvent(
            tracking_number=number,
            status=status_for(type_, activity, description).value,
            carrier_code=activity or type_,
            occurred_at=occurred,
            description=description[: c.MAX_DESCRIPTION],
            location=location,
            estimated_delivery=estimate,
        )

    # --- Track API -----------------------------------------------------------------------------

    def _poll_events(self, payload: c.Json) -> list[CarrierEvent]:
        response = c.obj(c.obj(payload, "the body").get("trackResponse"), "trackResponse")
        events: list[CarrierEvent] = []
        for i, raw in enumerate(c.arr(response.get("shipment"), "trackResponse.shipment")):
            shipment = c.obj(raw, f"shipment[{i}]")
            for j, pkg in enumerate(c.arr(shipment.get("package"), f"shipment[{i}].package")):
                events.extend(
                    self._package(c.obj(pkg, f"shipment[{i}].package[{j}]"), f"package[{j}]")
                )
        return events

    def _package(self, package: Mapping[str, c.Json], where: str) -> list[CarrierEvent]:
        number = c.tracking_number(package.get("trackingNumber"), f"{where}.trackingNumber")
        estimate = None
        for entry in c.arr(package.get("deliveryDate"), f"{where}.deliveryDate"):
            item = c.obj(entry, f"{where}.deliveryDate[]")
            if c.text(item.get("type"), "type") in {"SDD", "RDD"}:
                estimate = _ups_date(item.get("date")) or estimate
        events = []
        for k, raw in enumerate(c.arr(package.get("activity"), f"{where}.activity")):
            activity = c.obj(raw, f"{where}.activity[{k}]")
            spot = f"{where}.activity[{k}]"
            # Activities come most recent first; only the newest carries the current estimate.
            events.append(self._activity(activity, spot, number, estimate if k == 0 else None))
        return events

    def _activity(
        self, activity: Mapping[str, c.Json], where: str, number: str, estimate: dt.date | None
    ) -> CarrierEvent:
        location = activity.get("location")
        place = c.obj(location, f"{where}.location") if location is not None else {}
        address_raw = place.get("address")
        address = c.obj(address_raw, f"{where}.location.address") if address_raw is not None else {}
        country = c.text(address.get("countryCode") or address.get("country"), "country")
        offset = _offset(c.text(activity.get("gmtOffset"), f"{where}.gmtOffset"))
        date = c.text(activity.get("date"), f"{where}.date")
        if date and offset is not None:
            occurred = _moment(date, c.text(activity.get("time"), "time") or "0", where, offset)
        elif c.text(activity.get("gmtDate"), "gmtDate"):
            gmt_time = c.text(activity.get("gmtTime"), "gmtTime") or "0"
            occurred = _moment(c.text(activity.get("gmtDate"), "gmtDate"), gmt_time, where, dt.UTC)
        else:
            time = c.text(activity.get("time"), "time") or "0"
            occurred = _moment(date, time, where, c.zone_for_country(country))
        return self._event(
            number=number,
            status=c.obj(activity.get("status"), f"{where}.status"),
            where=where,
            occurred=occurred,
            location=c.join_location(
                c.text(address.get("city"), "city"),
                c.text(address.get("stateProvince"), "stateProvince"),
                country,
            ),
            estimate=estimate,
        )
