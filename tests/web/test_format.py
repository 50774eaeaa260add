"""Money reads the way each language writes it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from amends.web.templatetags.amends_format import money


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,234.50"),
        ("fr", "1\u202f234,50\xa0€"),
        ("nl", "€\xa01.234,50"),
        ("de", "1.234,50\xa0€"),
        ("es", "1.234,50\xa0€"),
        ("it", "1.234,50\xa0€"),
        ("pl", "1\xa0234,50\xa0€"),
        ("lt", "1\xa0234,50\xa0€"),
    ],
)
def test_money_is_written_for_the_locale(language: str, expected: str) -> None:
    with translation.override(language):
        assert money(Decimal("1234.50"), "EUR") == expected


def test_money_in_a_template_and_in_other_currencies() -> None:
    with translation.override("pl"):
        html = Template("{% load amends_format %}{{ v|money:'PLN' }}").render(
            Context({"v": Decimal("99")})
        )
    assert html == "99,00\xa0zł"


@pytest.mark.parametrize("bad", [None, "", "not a number"])
def test_no_amount_shows_nothing(bad: object) -> None:
    assert money(bad, "EUR") == ""  # type: ignore[arg-type]


def test_an_unknown_currency_is_shown_beside_the_number() -> None:
    with translation.override("fr"):
        assert "XYZ" in money(Decimal("5"), "XYZ")
