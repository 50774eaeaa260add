"""Colissimo / La Poste: the "Suivi" API v2 (polling), plus the older Colissimo tracking codes.

Sources: La Poste's developer portal (developer.laposte.fr), API "Suivi" v2: GET
``https://api.laposte.fr/suivi/v2/idships/{idShip}[,{idShip}…]?lang=fr_FR`` with header
``X-Okapi-Key``, up to ten numbers per request, answering ``{"lang", "scope", "returnCode",
"shipment": {"idShip", "product", "isFinal", "deliveryDate", "event": [{"code", "label",
"date"}], "timeline": [...]}}`` (a list of those for several numbers). Its event codes: DR1
déclaratif réceptionné, PC1/PC2 pris en charge, ET1-ET4 en cours de traitement, EP1 en attente
de présentation, DO1/DO2/DO3 douane (entrée, sortie, retenu), PB1/PB2 problème en cours / résolu,
MD2 mis en distribution, ND1 non distribuable, AG1 en attente d'être retiré au guichet, RE1
retourné à l'expéditeur, DI1 distribué, DI2 distribué à l'expéditeur.

The Colissimo tracking web service that came before it reports six-letter codes (COMCFM,
PCHCFM, DCHCFM, LIVCFM, RENAVI, …); shops still relay those, so they are mapped too
(:data:`LEGACY`), with the three-letter family (PCH prise en charge, DCH arrivée dans le pays de
destination, …) as the fallback for an undocumented variant of an informational family.

La Poste documents no push and no signing: pushes come from a relay, in the Suivi v2 shape,
authenticated with amends's own scheme. Times carry their offset; one without is French time.
An entry whose ``returnCode`` is not 200 (an unknown number) has no events and is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from amends.carriers.adapters import _common as c
from amends.carriers.adapters.base import CarrierEvent, PollRequest
from amends.carriers.taxonomy import TrackingStatus as S

URL = "https://api.laposte.fr/suivi/v2/idships/{ids}"
ZONE = ZoneInfo("Europe/Paris")

SUIVI: Mapping[str, S] = c.expand(
    {
        S.INFO_RECEIVED: "DR1",
        S.IN_TRANSIT: "PC1 PC2 ET1 ET2 ET3 ET4 EP1 DO1 DO2 PB2",
        S.OUT_FOR_DELIVERY: "MD2",
        S.ATTEMPT_FAILED: "ND1",
        S.AVAILABLE_FOR_PICKUP: "AG1",
        S.DELIVERED: "DI1",
        S.RETURNED_TO_SENDER: "RE1 DI2",
        S.EXCEPTION: "DO3 PB1",
    }
)

LEGACY: Mapping[str, S] = c.expand(
    {
        S.INFO_RECEIVED: "COMCFM PCHMQT EMLCFM",
        S.IN_TRANSIT: "PCHCFM PCHCEX PCHTAR AARDVY AARCFM CHGCFM DCHCFM DCHDDT EXPCFM RSTNCG "
        "RSTDIL RENLNA QDICFM ECHCFM MLVCFM",
        S.AVAILABLE_FOR_PICKUP: "DEPGUI RENAVI MLVARS RSTBRT",
        S.DELIVERED: "LIVCFM LIVGAR LIVRTI LIVVOI",
        S.ATTEMPT_FAILED: "RENNRV RENARV RENACP RSTFHB RSTFMA",
        S.RETURNED_TO_SENDER: "LIVREO RENAVA RENDIA RENDIV RENSNC RENSRB RENTAR SOLREO SOLREI",
        S.EXCEPTION: "RENAIN RENCAD ENEMQT CHGRCA DOUAGV DOUCOI DOUCOM DOUCRR DOUDDI DOUDDM "
        "DOUDOU DOUDVR DOUEXI DOUFCI DOUFCM DOUIDD DOUIIR DOUNIR DOUPRO DOURES",
    }
)

# Families that only ever say the parcel moved: an undocumented member is still in transit.
INFORMATIONAL_PREFIXES = ("PC", "ET", "PCH", "DCH", "AAR", "CHG", "EXP")


def status_for(code: str) -> S:
    found = SUIVI.get(code) or LEGACY.get(code)
    if found is not None:
        return found
    if code.startswith(INFORMATIONAL_PREFIXES):
        return S.IN_TRANSIT
    return S.EXCEPTION


class ColissimoAdapter(c.AdapterBase):
    code: str = "colissimo"
    name: str = "Colissimo"
    signs_webhooks: bool = False
    max_poll_batch: int = 10

    def _poll_request(self, tracking_numbers: Sequence[str], api_key: str) -> PollRequest:
        return PollRequest(
            method="GET",
            url=URL.format(ids=",".join(tracking_numbers)),
            headers={"X-Okapi-Key": api_key, "Accept": "application/json"},
            params={"lang": "fr_FR"},
        )

    def _events_from(self, payload: c.Json) -> list[CarrierEvent]:
        events: list[CarrierEvent] = []
        for i, raw in enumerate(c.arr(payload, "the body", optional=False)):
            answer = c.obj(raw, f"answer[{i}]")
            if str(answer.get("returnCode", 200)) != "200":
                continue
            shipment = c.obj(answer.get("shipment"), f"answer[{i}].shipment")
            events.extend(self._shipment(shipment, f"answer[{i}].shipment"))
        return events

    def _shipment(self, shipment: Mapping[str, c.Json], where: str) -> list[CarrierEvent]:
        number = c.tracking_number(shipment.get("idShip"), f"{where}.idShip")
        events = []
        for j, raw in enumerate(c.arr(shipment.get("event"), f"{where}.event")):
            event = c.obj(raw, f"{where}.event[{j}]")
            code = c.code(event.get("code"), f"{where}.event[{j}].code").upper()
            events.append(
                CarrierEvent(
                    tracking_number=number,
                    status=status_for(code).value,
                    carrier_code=code,
                    occurred_at=c.parse_iso(
                        event.get("date"), f"{where}.event[{j}].date", zone=ZONE
                    ),
                    description=c.text(event.get("label"), "label", limit=c.MAX_DESCRIPTION),
                    location=c.text(
                        event.get("location") or event.get("site"), "location", limit=c.MAX_LOCATION
                    ),
                )
            )
        return events
