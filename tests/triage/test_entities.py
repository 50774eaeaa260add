"""Entities: order and tracking numbers, carriers, amounts and dates in eight languages."""

from __future__ import annotations

import datetime as dt

import pytest

from amends.triage.entities import MAX_ENTITIES, extract
from amends.triage.result import Entity

TODAY = dt.date(2026, 11, 20)


def found(text: str, kind: str, lang: str | None = None) -> list[str]:
    return [e.value for e in extract(text, today=TODAY, lang=lang) if e.kind == kind]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Mijn bestelling NL-2026-004812 is nog niet bezorgd", ["NL-2026-004812"]),
        ("My Barista Pro 2 (order FR4471203) arrived", ["FR4471203"]),
        ("la ligne FR-BT-118304 ne marche pas", ["FR-BT-118304"]),
        ("commande n° 4471203 pas reçue", ["4471203"]),
        ("Bestellnummer: 12345678", ["12345678"]),
        ("zamówienie nr 123456 nie dotarło", ["123456"]),
        ("pedido es7730158", ["ES7730158"]),
        ("call me on 0612345678 please", []),
        ("model iPhone 15, 256GB", []),
    ],
)
def test_order_numbers(text: str, numbers: list[str]) -> None:
    assert found(text, "order_number") == numbers


def test_tracking_numbers_come_with_their_carrier_and_are_not_order_numbers() -> None:
    text = "UPS 1Z999AA10123456784 en PostNL 3SABCD1234567, Colissimo 6A24318877012"
    entities = extract(text, today=TODAY)
    parcels = [(e.value, e.carrier) for e in entities if e.kind == "tracking_number"]
    assert parcels == [
        ("1Z999AA10123456784", "ups"),
        ("3SABCD1234567", "postnl"),
        ("6A24318877012", "colissimo"),
    ]
    assert found(text, "order_number") == []


@pytest.mark.parametrize(
    ("text", "carriers"),
    [
        ("DHL heeft het teruggestuurd", ["dhl"]),
        ("via Poste Italiane e poi BRT", ["poste-italiane", "brt"]),
        ("LP Express ir Omniva", ["lp-express", "omniva"]),
        ("InPost paczkomat, a potem DPD", ["inpost", "dpd"]),
        ("La Poste / Chronopost / SEUR / Correos", ["colissimo", "chronopost", "seur", "correos"]),
        ("the groups were dhlx", []),
    ],
)
def test_carrier_names(text: str, carriers: list[str]) -> None:
    assert [e.carrier for e in extract(text, today=TODAY) if e.kind == "carrier"] == carriers


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("betaald € 1.234,56 voor de bank", "1234.56 EUR"),
        ("charged €39.90 twice", "39.90 EUR"),
        ("12,50 EUR de frais", "12.50 EUR"),
        ("zapłaciłem 49,99 zł", "49.99 PLN"),
        ("costava 1,234.50 € prima", "1234.50 EUR"),
        ("nur 99 Euro", "99.00 EUR"),
        ("€ 12,- korting", "12.00 EUR"),
    ],
)
def test_amounts(text: str, amount: str) -> None:
    assert found(text, "amount") == [amount]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("bezorgd op 12-11-2026", "2026-11-12"),
        ("am 24.11. zugestellt", "2026-11-24"),
        ("delivered 2026-11-03", "2026-11-03"),
        ("livré le 3 mars", "2026-03-03"),
        ("am 24. November 2026", "2026-11-24"),
        ("el 3 de marzo de 2026", "2026-03-03"),
        ("dostawa 24 listopada", "2026-11-24"),
        ("pristatyta lapkričio 18 d.", "2026-11-18"),
        ("arrives December 5", "2026-12-05"),
    ],
)
def test_dates(text: str, date: str) -> None:
    assert found(text, "date") == [date]


@pytest.mark.parametrize(
    ("text", "lang", "dates"),
    [
        ("arrivé hier", "fr", ["2026-11-19"]),
        ("komt morgen", "nl", ["2026-11-21"]),
        ("ich bin morgen nicht hier", "de", ["2026-11-21"]),  # "hier" is "here" in German
        ("llega mañana pero esta mañana nada", "es", ["2026-11-21"]),
        ("dostawa była wczoraj", "pl", ["2026-11-19"]),
        ("arrivé hier", None, []),  # the language unknown: no guessing
    ],
)
def test_yesterday_today_tomorrow_in_the_messages_language(
    text: str, lang: str | None, dates: list[str]
) -> None:
    assert found(text, "date", lang) == dates


def test_no_date_where_there_is_none() -> None:
    assert found("it cost 12.50 and the set has 3-4 pieces; 31/02 is no day", "date") == []


def test_each_entity_once_and_a_bounded_list() -> None:
    assert extract("FR4471203 FR4471203 fr4471203", today=TODAY) == (
        Entity("order_number", "FR4471203", "FR4471203"),
    )
    many = " ".join(f"FR{4400000 + i}" for i in range(200))
    assert len(extract(many, today=TODAY)) == MAX_ENTITIES
    assert extract("", today=TODAY) == ()
