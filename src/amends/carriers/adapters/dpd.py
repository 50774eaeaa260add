"""DPD: the parcel life cycle (PLC) tracking service.

Sources: DPD's parcel life cycle service ("ParcelLifeCycleService", the same data as
tracking.dpd.de), whose JSON answer is ``{"parcellifecycleResponse": {"parcelLifeCycleData":
{"shipmentInfo": {"parcelLabelNumber", …}, "statusInfo": [{"status", "label", "description":
{"content": [...]}, "statusHasBeenReached", "isCurrentStatus", "location", "date"}],
"scanInfo": {"scan": [...]}}}}``. The life-cycle statuses DPD reports are ACCEPTED,
AT_SENDING_DEPOT, ON_THE_ROAD, AT_DELIVERY_DEPOT and DELIVERED; the entries not yet reached
are DPD's forecast of what comes next and are not events.

Polling: GET ``https://tracking.dpd.de/rest/plc/en_US/{parcelLabelNumber}``, one parcel per
request. DPD documents no push and no signing for it: pushes come from a relay in the same
shape, authenticated with amends's own scheme.

What DPD does not document for this service is not guessed: a status outside the five above is
an exception with its code kept, so a person looks. Scans are not read for that reason (their
codes are not published); the life cycle is enough for amends's taxonomy except for the detail
of a failed attempt, which DPD reports as a status the adapter does not know, i.e. an
exception.

Time: "dd.MM.yyyy, HH:mm" (or ISO 8601), local time at DPD Germany, which runs the service —
unless the location ends with a country in brackets ("Aschaffenburg (DE)"), whose zone is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from amends.carriers.adapters import _common as c
from amends.carriers.adapters.base import CarrierEvent, PollRequest
from amends.carriers.taxonomy import TrackingStatus as S

URL = "https://tracking.dpd.de/rest/plc/en_US/{number}"
SERVICE_COUNTRY = "DE"
TIME_FORMATS = ("%d.%m.%Y, %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M:%S", "%d-%m-%Y %H:%M")

STATUSES: Mapping[str, S] = {
    "ACCEPTED": S.INFO_RECEIVED,
    "AT_SENDING_DEPOT": S.IN_TRANSIT,
    "ON_THE_ROAD": S.IN_TRANSIT,
    "AT_DELIVERY_DEPOT": S.IN_TRANSIT,
    "DELIVERED": S.DELIVERED,
}

_COUNTRY_SUFFIX = re.compile(r"\(([A-Z]{2})\)\s*$")


def status_for(code: str) -> S:
    return STATUSES.get(code, S.EXCEPTION)


def _content(value: c.Json, where: str) -> str:
    """DPD wraps texts as ``{"content": ["line", …]}`` (or sends the string itself)."""
    if isinstance(value, dict):
        value = value.get("content")
    if isinstance(value, list):
        return " ".join(c.text(part, where) for part in value if part is not None)
    return c.text(value, where)


class DpdAdapter(c.AdapterBase):
    code: str = "dpd"
    name: str = "DPD"
    signs_webhooks: bool = False
    max_poll_batch: int = 1

    def _poll_request(self, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        return PollRequest(
            method="GET", url=URL.format(number=tracking_numbers[0]), headers=headers
        )

    def _events_from(self, payload: c.Json) -> list[CarrierEvent]:
        events: list[CarrierEvent] = []
        for i, raw in enumerate(c.arr(payload, "the body", optional=False)):
            response = c.obj(
                c.obj(raw, f"answer[{i}]").get("parcellifecycleResponse"), "parcellifecycleResponse"
            )
            data = response.get("parcelLifeCycleData")
            if data is None:  # DPD's answer for a number it does not know
                continue
            events.extend(self._parcel(c.obj(data, "parcelLifeCycleData"), f"answer[{i}]"))
        return events

    def _parcel(self, data: Mapping[str, c.Json], where: str) -> list[CarrierEvent]:
        info = c.obj(data.get("shipmentInfo"), f"{where}.shipmentInfo")
        number = c.tracking_number(info.get("parcelLabelNumber"), f"{where}.parcelLabelNumber")
        events = []
        for j, raw in enumerate(c.arr(data.get("statusInfo"), f"{where}.statusInfo")):
            entry = c.obj(raw, f"{where}.statusInfo[{j}]")
            if entry.get("statusHasBeenReached") is not True:
                continue
            events.append(self._status(entry, f"{where}.statusInfo[{j}]", number))
        return events

    def _status(self, entry: Mapping[str, c.Json], where: str, number: str) -> CarrierEvent:
        code = c.code(entry.get("status"), f"{where}.status").upper()
        location = _content(entry.get("location"), f"{where}.location")[: c.MAX_LOCATION]
        country = _COUNTRY_SUFFIX.search(location)
        zone = c.zone_for_country(country.group(1) if country else SERVICE_COUNTRY)
        date = _content(entry.get("date"), f"{where}.date")
        description = _content(entry.get("description"), f"{where}.description") or _content(
            entry.get("label"), f"{where}.label"
        )
        return CarrierEvent(
            tracking_number=number,
            status=status_for(code).value,
            carrier_code=code,
            occurred_at=c.parse_format(date, f"{where}.date", TIME_FORMATS, zone=zone),
            description=description[: c.MAX_DESCRIPTION],
            location=location,
        )
