"""PostNL: the Shipping Status API (``/shipment/v2/status``).

Sources: PostNL's developer portal, "Shippingstatus" API and its reference data "T&T status
codes" (status codes 1-99 with their phases, and every event code with the status it belongs
to), as published with PostNL's own SDK (github.com/postnl/postnl-ecommerce-sdk-python,
``doc/models``).

Polling: GET ``https://api.postnl.nl/shipment/v2/status/barcode/{barcode}?detail=true&
language=EN`` with header ``apikey``. The answer is ``{"CurrentStatus": {"Shipment": …}}`` or,
with ``detail=true``, ``{"CompleteStatus": {"Shipment": [{"Barcode", "MainBarcode", "Event":
[{"Code", "Description", "LocationCode", "TimeStamp"}], "Status": {"StatusCode", "PhaseCode",
"TimeStamp", …}, "OldStatus": [...], "DeliveryDate", "Expectation": {"ETAFrom", "ETATo"}}]}}``.
A single shipment or event may come unwrapped instead of in a list.

PostNL documents no push for this API and no signing: pushes come from a relay the shop runs,
in the same shape, authenticated with amends's own scheme (``base.SIGNATURE_HEADER`` /
``base.SECRET_HEADER``).

Codes: every documented event code is in :data:`EVENTS` under the status PostNL lists it with;
:data:`STATUSES` maps those statuses, and :data:`EVENT_OVERRIDES` the events whose meaning is
finer than their status (a damaged parcel, a missed delivery, a return, a neighbour). An event
code PostNL does not document is an exception (its code kept) for a person to look at.

Time: "dd-MM-yyyy HH:mm:ss", Dutch local time (Europe/Amsterdam).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from amends.carriers.adapters import _common as c
from amends.carriers.adapters.base import CarrierEvent, PollRequest
from amends.carriers.taxonomy import TrackingStatus as S

URL = "https://api.postnl.nl/shipment/v2/status/barcode/{barcode}"
ZONE = ZoneInfo("Europe/Amsterdam")
TIME_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M")

# PostNL status code -> taxonomy.
STATUSES: Mapping[str, S] = {
    "1": S.INFO_RECEIVED,  # Zending voorgemeld
    "2": S.IN_TRANSIT,  # Zending in ontvangst genomen
    "3": S.IN_TRANSIT,  # Zending afgehaald
    "4": S.EXCEPTION,  # Zending niet afgehaald
    "5": S.IN_TRANSIT,  # Zending gesorteerd
    "6": S.EXCEPTION,  # Zending niet gesorteerd
    "7": S.OUT_FOR_DELIVERY,  # Zending in distributieproces
    "8": S.ATTEMPT_FAILED,  # Zending niet afgeleverd
    "9": S.IN_TRANSIT,  # Zending bij douane
    "11": S.DELIVERED,  # Zending afgeleverd
    "12": S.AVAILABLE_FOR_PICKUP,  # Zending beschikbaar op afhaallocatie
    "13": S.INFO_RECEIVED,  # Voorgemeld: nog niet aangenomen
    "14": S.EXCEPTION,  # Voorgemeld: definitief niet aangenomen
    "15": S.EXCEPTION,  # Manco collectie
    "16": S.EXCEPTION,  # Manco sortering
    "17": S.EXCEPTION,  # Manco distributie
    "18": S.LOST,  # Definitief manco
    "19": S.EXCEPTION,  # Zending afgekeurd
    "20": S.IN_TRANSIT,  # Zending in inklaringsproces
    "21": S.IN_TRANSIT,  # Zending in voorraad
    "22": S.DELIVERED,  # Zending afgehaald van Postkantoor
    "23": S.IN_TRANSIT,  # Afhaalopdracht gecollecteerd
    "27": S.RETURNED_TO_SENDER,  # Retour onbestelbaar
    "28": S.RETURNED_TO_SENDER,  # Retour foutieve aflevercode
    "31": S.IN_TRANSIT,  # Zending klaar voor transport naar land van bestemming
    "99": S.IN_TRANSIT,  # Niet van toepassing (informational events)
}

# Every documented event code, by the status PostNL lists it under.
EVENTS: Mapping[str, str] = {
    "1": "A01 A10 A71 F01 J93 M03 X80 X81",
    "2": "B01 X40",
    "3": "B04 Z80",
    "4": "D02 D03 D04 D05 D06 D07 D09 D40 D41 H31 X42 X43 Y80 Y81",
    "5": "A08 A09 A11 A12 A13 A27 A28 A29 A30 A31 A32 A34 A35 A42 A43 A99 J01 J06 J07 J09 J10 "
    "J14 J16 J17 J22 J24 J26 J27 J28 J33 J36 J61 J90 Q12 Q13 R01 R06 X01 X02 X07 X08 X11 X14 "
    "X17 X20 X21 X22 X50 X51 X68 Y23 Y24 Y33 Y35 Y60 Y61 Y62",
    "6": "D08 H10 K01 K02 K03 K30 K92 V01 V06 Y07",
    "7": "H32 H35 J05 J08 J29 J39 J41 J42 J45 J47 J48 J55 J94 J95 K14 K15 K70 Q15 S05 T02 X04 "
    "X06 X19 X55 Y05",
    "8": "H01 H02 H03 H04 H05 H07 H08 H09 H12 H20 H22 H24 H34 H36 H38 H51 H52 J92 K16 K41 K43 "
    "Y01 Y02 Y03 Y04 Y08 Y09 Y10 Y11 Y12 Y13 Y14 Y15 Y16 Y17 Y18 Y19 Y20 Y21 Y22 Y30 Y31 Y32 "
    "Y36 Y38 Y39 Y40 Y41 Y42 Y43 Y44 Y50 Y71",
    "9": "J59 X30 X60 X61 X62 X63 X64 X65 X66 Y25 Y29",
    "11": "I01 I03 I05 I06 I07 I09 I10 I11 I12 I22 I23 J63 J91 K91 X24 Y26 Z01 Z02 Z03 Z04 Z05 "
    "Z06 Z08 Z09",
    "12": "I08 J02 J12 J23 J52 X05",  # J23 is listed under 11 as well; a locker is a pick-up
    "13": "A20 A21 A22 Q02 X03",
    "14": "M01",
    "15": "G03",
    "16": "G01 G02 G05",
    "17": "H23 K90",
    "19": "F03 F04 F05 F06 F07 F08 F10",
    "20": "A76 X10 X67",
    "21": "V02 V03 V04 V11 V12 V13 V21 V22 V23 V31 V50",
    "22": "I02",
    "23": "C01",
    "27": "H16 H25",
    "28": "Y37",
    "31": "A72 A74 A75 X15",
    "99": "A41 A46 A73 A94 B06 C02 H15 H17 H18 H30 J56 J80 K25 K71 P20 P21 P22 P23 P24 Q14 Q16 "
    "Q17 Q18 Q19 X16 X52 Y45 Y46 Y47 Y48 Y64 Y65 Y66",
}

# Events whose own description says more than their status.
EVENT_OVERRIDES: Mapping[str, S] = c.expand(
    {
        S.DAMAGED: "H04 H35 Y04 Y11 Y14 Y18 Y44",
        S.LOST: "Y71",
        S.RETURNED_TO_SENDER: "H01 H02 H03 H05 H07 H08 H09 H10 H12 H15 H17 H18 H20 H22 H24 H38 "
        "H51 H52 I07 J63 K43 X22 X24 Y16 Y19 Y20 Y21 Y40 Y47",
        S.ATTEMPT_FAILED: "D08 J08 J16 J29 J41 J42 J48 J94 K14 K70 K71",
        S.OUT_FOR_DELIVERY: "J59",
        S.AVAILABLE_FOR_PICKUP: "J23 Y26",
        S.PENDING: "K90",
        S.IN_TRANSIT: "G01 G02 G03 G05 J92 Y08 K01 V01 Y07 K02 K03 H32 T02 J39 J45 J47 J55 J95 "
        "Q15 S05 X04 X19 X03 A21 A20",
        S.EXCEPTION: "K15 K30 K91 K92 R06 Y29 A22 H30 Q14 Y45 Y48 Y09 Y12 Y13 Y15 Y39",
    }
)

# No estimate is shown once a parcel is delivered or on its way back.
FINAL = frozenset({S.DELIVERED.value, S.RETURNED_TO_SENDER.value})

_EVENT_STATUS: Mapping[str, str] = {
    event: status for status, codes in EVENTS.items() for event in codes.split()
}


def status_for_event(code: str) -> S:
    """The taxonomy status of a PostNL event code; an undocumented code is an exception."""
    if code in EVENT_OVERRIDES:
        return EVENT_OVERRIDES[code]
    return STATUSES.get(_EVENT_STATUS.get(code, ""), S.EXCEPTION)


def _moment(value: c.Json, where: str) -> dt.datetime:
    return c.parse_format(value, where, TIME_FORMATS, zone=ZONE)


class PostnlAdapter(c.AdapterBase):
    code: str = "postnl"
    name: str = "PostNL"
    signs_webhooks: bool = False
    max_poll_batch: int = 1

    def _poll_request(self, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        return PollRequest(
            method="GET",
            url=URL.format(barcode=tracking_numbers[0]),
            headers={"apikey": api_key, "Accept": "application/json"},
            params={"detail": "true", "language": "EN"},
        )

    def _events_from(self, payload: c.Json) -> list[CarrierEvent]:
        body = c.obj(payload, "the body")
        envelope = body.get("CompleteStatus") or body.get("CurrentStatus")
        if envelope is None:
            raise c.reject("malformed", "neither CompleteStatus nor CurrentStatus is present")
        shipments = c.arr(c.obj(envelope, "the status").get("Shipment"), "Shipment")
        events: list[CarrierEvent] = []
        for i, raw in enumerate(shipments):
            events.extend(self._shipment(c.obj(raw, f"Shipment[{i}]"), f"Shipment[{i}]"))
        return events

    def _shipment(self, shipment: Mapping[str, c.Json], where: str) -> list[CarrierEvent]:
        number = c.tracking_number(shipment.get("Barcode"), f"{where}.Barcode")
        expectation = shipment.get("Expectation")
        eta = expectation.get("ETAFrom") if isinstance(expectation, dict) else None
        estimate = c.parse_date(eta, ("%d-%m-%Y %H:%M:%S",)) or c.parse_date(
            shipment.get("DeliveryDate"), ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y", "%Y-%m-%d")
        )
        current = shipment.get("Status")
        raw_events = c.arr(shipment.get("Event"), f"{where}.Event")
        events = [
            self._event(c.obj(raw, f"{where}.Event[{j}]"), f"{where}.Event[{j}]", number)
            for j, raw in enumerate(raw_events)
        ]
        if not events:
            # A CurrentStatus answer has no events: its current (and old) statuses are the news.
            statuses = [current, *c.arr(shipment.get("OldStatus"), f"{where}.OldStatus")]
            events = [
                self._status(c.obj(raw, f"{where}.Status"), f"{where}.Status", number)
                for raw in statuses
                if raw is not None
            ]
        return c.with_newest_estimate(events, estimate, unless=FINAL)

    def _event(self, event: Mapping[str, c.Json], where: str, number: str) -> CarrierEvent:
        code = c.code(event.get("Code"), f"{where}.Code").upper()
        return CarrierEvent(
            tracking_number=number,
            status=status_for_event(code).value,
            carrier_code=code,
            occurred_at=_moment(event.get("TimeStamp"), f"{where}.TimeStamp"),
            description=c.text(
                event.get("Description"), f"{where}.Description", limit=c.MAX_DESCRIPTION
            ),
            location=c.text(
                event.get("LocationCode"), f"{where}.LocationCode", limit=c.MAX_LOCATION
            ),
        )

    def _status(self, status: Mapping[str, c.Json], where: str, number: str) -> CarrierEvent:
        code = c.code(status.get("StatusCode"), f"{where}.StatusCode").lstrip("0") or "0"
        return CarrierEvent(
            tracking_number=number,
            status=STATUSES.get(code, S.EXCEPTION).value,
            carrier_code=code,
            occurred_at=_moment(status.get("TimeStamp"), f"{where}.TimeStamp"),
            description=c.text(
                status.get("StatusDescription"),
                f"{where}.StatusDescription",
                limit=c.MAX_DESCRIPTION,
            ),
        )
