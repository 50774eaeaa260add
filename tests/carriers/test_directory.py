"""The carrier directory: a customer is told how to reach the carrier for their own country, and
never just "contact the carrier" (story 2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from amends.carriers.directory import (
    INTERNATIONAL,
    Contact,
    carrier_contact,
    carrier_contact_for,
    international_contact,
)
from amends.demo.reference import CARRIERS


@dataclass
class FakeCarrier:
    code: str
    contacts: Any


DHL = FakeCarrier(
    code="dhl",
    contacts={
        "NL": {"web": "https://www.dhlparcel.nl/en/consumer/faq"},
        "PL": {"phone": "+48 42 6 345 345", "web": "https://www.dhl.com/pl-pl/home.html"},
        "be": {"phone": "+32 2 123 45 67", "hours": "Mon-Fri 08:00-18:00"},
    },
)


def test_the_contact_for_the_customers_country() -> None:
    contact = carrier_contact(carrier=DHL, country="PL")
    assert contact == Contact(
        country="PL", phone="+48 42 6 345 345", web_url="https://www.dhl.com/pl-pl/home.html"
    )
    assert contact.tel_url == "tel:+48426345345"
    # Codes in any case, on either side.
    assert carrier_contact(carrier=DHL, country="pl") == contact
    be = carrier_contact(carrier=DHL, country="BE")
    assert be is not None
    assert be.hours == "Mon-Fri 08:00-18:00"
    assert be.web_url == ""


def test_a_country_the_directory_lacks_has_no_contact() -> None:
    assert carrier_contact(carrier=DHL, country="LT") is None
    assert carrier_contact(carrier=DHL, country="") is None


def test_falls_back_to_the_shops_country_then_the_international_page() -> None:
    # The customer lives in Lithuania; the shop is Dutch: the Dutch contact.
    dutch = carrier_contact_for(carrier=DHL, countries=["LT", "NL"])
    assert dutch is not None
    assert dutch.country == "NL"
    # Neither has one: the carrier's international page, never nothing.
    international = carrier_contact_for(carrier=DHL, countries=["LT", "IT"])
    assert international is not None
    assert international.is_international
    assert international.web_url == "https://www.dhl.com/"
    # A missing customer country is skipped, not matched against anything.
    assert carrier_contact_for(carrier=DHL, countries=["", "PL"]) == carrier_contact(
        carrier=DHL, country="PL"
    )


def test_the_directorys_own_international_entry_comes_before_the_known_page() -> None:
    carrier = FakeCarrier(code="dhl", contacts={"int": {"web": "https://example.test/intl"}})
    contact = international_contact(carrier=carrier)
    assert contact == Contact(country=INTERNATIONAL, web_url="https://example.test/intl")
    # "INT" is not a country a customer can come from.
    assert carrier_contact_for(carrier=carrier, countries=["INT"]) == contact


@pytest.mark.parametrize("contacts", [{}, None, [], "NL", {"NL": "call them"}, {"NL": {}}])
def test_a_carrier_without_contacts_has_none_unless_its_international_page_is_known(
    contacts: Any,
) -> None:
    unknown = FakeCarrier(code="tiny-courier", contacts=contacts)
    assert carrier_contact(carrier=unknown, country="NL") is None
    assert carrier_contact_for(carrier=unknown, countries=["NL", "FR"]) is None
    known = FakeCarrier(code="postnl", contacts=contacts)
    fallback = carrier_contact_for(carrier=known, countries=["NL"])
    assert fallback is not None
    assert fallback.is_international


@pytest.mark.parametrize(
    "web",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/path",
        "https://",
        "https://exa mple.test/",
        "ftp://files.example/",
        "https://example.test/" + "a" * 600,
        42,
        None,
    ],
)
def test_hostile_or_broken_web_addresses_are_dropped(web: Any) -> None:
    carrier = FakeCarrier(code="x", contacts={"NL": {"web": web}})
    assert carrier_contact(carrier=carrier, country="NL") is None


def test_phone_numbers_with_anything_else_are_dropped_not_guessed_at() -> None:
    carrier = FakeCarrier(
        code="x",
        contacts={
            "NL": {"phone": "  +31 (0)88-234  5678 ", "web": "https://example.test/nl"},
            "BE": {"phone": '<script>alert("1")</script>+32 2 123', "web": "https://example.test"},
            "FR": {"phone": "call us!"},
            "DE": {"phone": "3634" * 20},
        },
    )
    nl = carrier_contact(carrier=carrier, country="NL")
    assert nl is not None
    assert nl.phone == "+31 (0)88-234 5678"
    assert nl.tel_url == "tel:+310882345678"
    be = carrier_contact(carrier=carrier, country="BE")
    assert be is not None
    assert be.phone == ""  # the web address is still good
    assert be.tel_url == ""
    assert carrier_contact(carrier=carrier, country="FR") is None
    assert carrier_contact(carrier=carrier, country="DE") is None


@pytest.mark.parametrize("country", ["NL", "BE", "DE", "FR", "IT", "PL", "LT", "ES"])
def test_every_demo_carrier_gives_a_way_to_reach_it_from_every_storefront(country: str) -> None:
    for code, _name, contacts in CARRIERS:
        contact = carrier_contact_for(
            carrier=FakeCarrier(code=code, contacts=contacts), countries=[country]
        )
        assert contact is not None, (code, country)
        assert contact.phone or contact.web_url
