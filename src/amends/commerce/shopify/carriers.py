"""Which of amends' carriers a Shopify fulfilment went with.

Shopify names the carrier in ``tracking_company`` as the merchant picked it from Shopify's
list of supported carriers ("DHL Express", "DHL eCommerce", "PostNL International", "DPD UK",
"La Poste", "Colissimo", "SEUR", "UPS"…) or typed it as free text. Names are matched on
whole words, case-insensitively; when the name says nothing we know (missing, "Other"), the
tracking number's own shape decides (``carriers.numbers.carriers_for``), if it fits exactly one.
"""

from __future__ import annotations

import re

from amends.carriers.models import Carrier
from amends.carriers.numbers import carriers_for

# Carrier code → its display name, for Carrier rows created on first sight.
NAMES = {
    "dhl": "DHL",
    "postnl": "PostNL",
    "seur": "SEUR",
    "colissimo": "Colissimo",
    "dpd": "DPD",
    "ups": "UPS",
}

# Checked in order; "Deutsche Post DHL" is DHL, "DPD (Chronopost)" is DPD.
_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("postnl", re.compile(r"\bpost\s?nl\b|\bposttnt\b", re.IGNORECASE)),
    ("dhl", re.compile(r"\bdhl\b|\bdeutsche\s+post\b", re.IGNORECASE)),
    ("seur", re.compile(r"\bseur\b", re.IGNORECASE)),
    ("colissimo", re.compile(r"\bcolissimo\b|\bla\s?poste\b", re.IGNORECASE)),
    ("dpd", re.compile(r"\bdpd\b", re.IGNORECASE)),
    ("ups", re.compile(r"\bups\b", re.IGNORECASE)),
)


def carrier_code(*, company: str | None, tracking_number: str) -> str | None:
    """The carrier code for a fulfilment's ``tracking_company`` and number, or None."""
    for code, words in _WORDS:
        if company and words.search(company):
            return code
    by_shape = carriers_for(tracking_number)
    return by_shape[0] if len(by_shape) == 1 else None


def carrier_get(code: str) -> Carrier:
    """The Carrier row for ``code``, created (with its usual name) if the database has none."""
    carrier, _created = Carrier.objects.get_or_create(
        code=code, defaults={"name": NAMES.get(code, code.upper())}
    )
    return carrier
