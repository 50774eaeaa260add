"""Where a customer reaches a carrier's own customer service, by country.

``Carrier.contacts`` holds the carrier's published contacts per country, keyed by ISO 3166-1
alpha-2 code, plus an optional ``"INT"`` entry for the carrier's international page::

    {"NL": {"phone": "+31 88 ...", "web": "https://...", "hours": "Mon-Fri 08:00-18:00"},
     "INT": {"web": "https://www.example-carrier.com/"}}

The field is edited by hand in the admin, so everything read from it is checked here: only
``http``/``https`` addresses are kept (never ``javascript:``), a phone number with anything but
digits, spaces and ``+ ( ) - . /`` is dropped rather than guessed at, and an entry with neither
a phone nor an address counts as missing. These functions read the carrier they are given and
never the database.

A customer is never told to "contact the carrier" without being told how:
``carrier_contact_for`` tries the customer's country, then the storefront's, then the carrier's
international page (its ``"INT"`` entry, else the one known for its code below); only when all
of those are missing does it return ``None``, and the page then offers to contact the carrier
for the customer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

INTERNATIONAL = "INT"

# The carriers' own international pages, used when a carrier's directory has no "INT" entry.
INTERNATIONAL_PAGES: Mapping[str, str] = {
    "dhl": "https://www.dhl.com/",
    "postnl": "https://www.postnl.nl/en/",
    "seur": "https://www.seur.com/",
    "colissimo": "https://www.colissimo.fr/",
    "dpd": "https://www.dpd.com/",
    "ups": "https://www.ups.com/",
}

MAX_PHONE = 32
MAX_HOURS = 120
MAX_URL = 500
_NOT_PHONE = re.compile(r"[^0-9+()\-. /]")
_COUNTRY = re.compile(r"^[A-Za-z]{2,3}$")


class HasContacts(Protocol):
    """What the directory reads of a carrier (``carriers.models.Carrier`` has both)."""

    code: str
    contacts: Any


@dataclass(frozen=True)
class Contact:
    """One way to reach a carrier's customer service.

    ``country`` is the country the contact is published for, or ``"INT"`` for the carrier's
    international page. At least one of ``phone`` and ``web_url`` is set.
    """

    country: str
    phone: str = ""
    web_url: str = ""
    hours: str = ""

    @property
    def is_international(self) -> bool:
        return self.country == INTERNATIONAL

    @property
    def tel_url(self) -> str:
        """A ``tel:`` link for the phone number, or "" when there is none."""
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}" if digits.strip("+") else ""


def _clean_url(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if not url or len(url) > MAX_URL or any(ch.isspace() for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return ""
    return url


def _clean_phone(value: Any) -> str:
    """The number as written, or "" if it has anything a phone number does not have."""
    if not isinstance(value, str):
        return ""
    phone = " ".join(value.split())
    if len(phone) > MAX_PHONE or _NOT_PHONE.search(phone) or not any(c.isdigit() for c in phone):
        return ""
    return phone


def _clean_hours(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:MAX_HOURS]


def _entries(carrier: HasContacts) -> dict[str, Mapping[str, Any]]:
    contacts = carrier.contacts
    if not isinstance(contacts, Mapping):
        return {}
    return {
        key.strip().upper(): value
        for key, value in contacts.items()
        if isinstance(key, str) and isinstance(value, Mapping)
    }


def _contact(country: str, entry: Mapping[str, Any]) -> Contact | None:
    contact = Contact(
        country=country,
        phone=_clean_phone(entry.get("phone")),
        web_url=_clean_url(entry.get("web") or entry.get("web_url")),
        hours=_clean_hours(entry.get("hours")),
    )
    return contact if contact.phone or contact.web_url else None


def carrier_contact(*, carrier: HasContacts, country: str) -> Contact | None:
    """The carrier's customer-service contact published for ``country``, or None.

    ``country`` is an ISO 3166-1 alpha-2 code in any case; ``"INT"`` asks for the international
    entry of the directory itself (without the built-in fallback of ``carrier_contact_for``).
    """
    code = (country or "").strip().upper()
    if not _COUNTRY.match(code):
        return None
    entry = _entries(carrier).get(code)
    return _contact(code, entry) if entry is not None else None


def international_contact(*, carrier: HasContacts) -> Contact | None:
    """The carrier's international page: its directory's ``"INT"`` entry, else the known one."""
    own = carrier_contact(carrier=carrier, country=INTERNATIONAL)
    if own is not None:
        return own
    page = INTERNATIONAL_PAGES.get(str(carrier.code).lower(), "")
    return Contact(country=INTERNATIONAL, web_url=page) if page else None


def carrier_contact_for(*, carrier: HasContacts, countries: Iterable[str]) -> Contact | None:
    """The first contact found for ``countries`` (in order), else the international page.

    Pass the customer's country first, then the storefront's. None means the carrier has no
    usable contact at all; say so and offer to contact the carrier for the customer.
    """
    for country in countries:
        if (country or "").strip().upper() == INTERNATIONAL:
            continue
        contact = carrier_contact(carrier=carrier, country=country)
        if contact is not None:
            return contact
    return international_contact(carrier=carrier)
