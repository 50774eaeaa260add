"""Promises in replies: "we will … by …" found in real sentences, with the moment they are due,
so the console can make each a commitment in one click."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from amends.core.businesstime import BusinessCalendar
from amends.replies.promises import promises_in

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 23 November 2026, 10:00 in Amsterdam.
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
CALENDAR = BusinessCalendar(time_zone="Europe/Amsterdam", holiday_country="NL")


def local(day: int, hour: int = 23, minute: int = 59, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("language", "text", "when", "due"),
    [
        ("en", "We will refund you by Friday.", "Friday", local(27)),
        ("en", "I'll call you back tomorrow at 3 pm.", "tomorrow at 3 pm", local(24, 15, 0)),
        ("nl", "Wij bellen u morgen voor 17:00 terug.", "morgen voor 17:00", local(24, 17, 0)),
        (
            "nl",
            "We sturen je uiterlijk op 2 december een nieuw exemplaar.",
            "2 december",
            local(2, month=12),
        ),
        (
            "de",
            "Wir senden Ihnen bis zum 30. November 2026 ein neues Gerät.",
            "30. November 2026",
            local(30),
        ),
        ("de", "Du bekommst dein Geld übermorgen zurück.", "übermorgen", local(25)),
        (
            "fr",
            "Nous vous rappellerons demain avant 12h30.",
            "demain avant 12h30",
            local(24, 12, 30),
        ),
        ("fr", "Tu recevras le remboursement mercredi.", "mercredi", local(25)),
        ("es", "Te enviaremos el nuevo pedido el miércoles.", "miércoles", local(25)),
        ("es", "Le devolveremos el importe el 01/12/2026.", "01/12/2026", local(1, month=12)),
        ("it", "Provvederemo al rimborso entro il 2 dicembre.", "2 dicembre", local(2, month=12)),
        ("it", "Ti richiameremo oggi alle 16:30.", "oggi alle 16:30", local(23, 16, 30)),
        ("pl", "Zwrócimy pieniądze do piątku.", "piątku", local(27)),
        ("pl", "Oddzwonimy do Pani jutro o 9:00.", "jutro o 9:00", local(24, 9, 0)),
        (
            "lt",
            "Pinigus grąžinsime iki 2026 m. lapkričio 30 d.",
            "2026 m. lapkričio 30 d.",
            local(30),
        ),
        ("lt", "Mes paskambinsime Jums rytoj.", "rytoj", local(24)),
    ],
)
def test_a_dated_promise_is_found_with_its_due_moment(
    language: str, text: str, when: str, due: dt.datetime
) -> None:
    [promise] = promises_in(f"Bonjour,\n\n{text}\n\nSanne", language, now=NOW, calendar=CALENDAR)
    assert promise.sentence == text
    assert promise.when == when
    assert promise.due == due.astimezone(dt.UTC)


def test_within_business_days_is_due_when_the_shop_closes_on_the_last_one() -> None:
    text = "Nous vous rembourserons sous 3 jours ouvrés."
    [promise] = promises_in(text, "fr", now=NOW, calendar=CALENDAR)
    assert promise.when == "sous 3 jours ouvrés"
    assert promise.due == CALENDAR.add_business_days(NOW, 3)


def test_within_hours_counts_hours() -> None:
    [promise] = promises_in("Zwrócimy pieniądze w ciągu 48 godzin.", "pl", now=NOW)
    assert promise.due == NOW + dt.timedelta(hours=48)


def test_a_time_alone_is_today_or_else_tomorrow() -> None:
    [promise] = promises_in("I will call you back before 5 pm.", "en", now=NOW)
    assert promise.due == local(23, 17, 0)
    [promise] = promises_in("I will call you back at 9:00.", "en", now=NOW)
    assert promise.due == local(24, 9, 0)


def test_the_span_is_the_sentence_in_the_text() -> None:
    text = (
        "Beste meneer Smit,\n\nDank voor uw geduld. Wij storten het bedrag binnen 3 werkdagen "
        "terug! Daarna hoort u van ons.\n\n> jullie beloven altijd morgen\n\nGroet, Sanne"
    )
    [promise] = promises_in(text, "nl", now=NOW, calendar=CALENDAR)
    assert text[promise.start : promise.end] == promise.sentence
    assert promise.sentence == "Wij storten het bedrag binnen 3 werkdagen terug!"


def test_several_promises_come_in_order() -> None:
    text = "We will send a label today. We'll refund you within 5 days of receiving it."
    found = promises_in(text, "en", now=NOW)
    assert [p.when for p in found] == ["today", "within 5 days"]
    assert found[1].due == local(28)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "We will look into it."),  # no date
        ("en", "Your parcel left our warehouse on Friday."),  # no future action
        ("nl", "Wij hebben uw pakket op 20 november verstuurd."),
        ("en", "As we wrote on 3 November, we will refund you."),  # the date is past
        ("de", "Ihr Paket wurde am 20.11. zugestellt."),
        ("en", "> We will refund you tomorrow."),  # the customer's quoted words
    ],
)
def test_what_is_not_a_dated_promise(language: str, text: str) -> None:
    assert promises_in(text, language, now=NOW) == []


def test_the_date_after_the_action_is_the_due_one() -> None:
    text = "For your order of 3 November, we will send a new lamp on Thursday."
    [promise] = promises_in(text, "en", now=NOW)
    assert promise.when == "Thursday"
    assert promise.due == local(26)


def test_a_date_that_is_no_date_is_a_promise_without_a_due_moment() -> None:
    [promise] = promises_in("We will ship it on 29 February 2027.", "en", now=NOW)
    assert promise.when == "29 February 2027"
    assert promise.due is None


def test_a_date_without_a_year_early_next_year_is_next_years() -> None:
    december = dt.datetime(2026, 12, 20, 10, 0, tzinfo=AMSTERDAM)
    [promise] = promises_in("Wij sturen het op 5 januari.", "nl", now=december)
    assert promise.due == dt.datetime(2027, 1, 5, 23, 59, tzinfo=AMSTERDAM).astimezone(dt.UTC)


def test_an_american_date_is_read_when_it_cannot_be_european() -> None:
    [promise] = promises_in("We will refund you by 11/27/2026.", "en", now=NOW)
    assert promise.due == local(27)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="aware"):
        promises_in("We will refund you tomorrow.", "en", now=dt.datetime(2026, 11, 23))
    assert promises_in("Vi refunderer i morgen.", "da", now=NOW) == []
    assert promises_in("", "en", now=NOW) == []
    long = "We will refund you tomorrow. " * 2_000
    assert len(promises_in(long, "en", now=NOW)) < 2_000  # read only so far
