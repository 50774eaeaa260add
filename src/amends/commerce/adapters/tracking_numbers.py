"""New tracking numbers for the demo shop's parcels (reships, return labels).

A real shop gets its numbers from the carrier when it prints a label; the demo shop makes them
up, in each carrier's public format, so that everything downstream (recognition in messages,
the carrier simulator, the portal's tracking links) treats them as the real thing. Each number
is checked with ``carriers.numbers.is_valid``; where a format ends in a check digit, the digit
that makes it valid is chosen by trying each one, so the algorithm lives in one place only.

Formats (``n`` = random digits):

========== ====================================== ===================================
carrier    format                                 e.g.
========== ====================================== ===================================
dhl        ``JJD01`` + 16n (DHL eCommerce)        JJD010000004711000001
postnl     ``3SAMND`` + 9n (3S barcode)           3SAMND004711001
colissimo  ``6A`` + 11n (domestic Colissimo)      6A00004711001
seur       ``80`` + 10n                           800004711001
dpd        ``0`` + 13n (14-digit parcel number)   00000004711001
ups        ``1ZAM0123`` ``01`` + 7n + check digit 1ZAM0123010471100X
========== ====================================== ===================================
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from amends.carriers.numbers import is_valid

_DIGITS = "0123456789"


def _digits(count: int) -> str:
    return f"{secrets.randbelow(10**count):0{count}d}"


# Per carrier: the number without its check digit, and whether a check digit follows.
_TEMPLATES: dict[str, tuple[Callable[[], str], bool]] = {
    "dhl": (lambda: "JJD01" + _digits(16), False),
    "postnl": (lambda: "3SAMND" + _digits(9), False),
    "colissimo": (lambda: "6A" + _digits(11), False),
    "seur": (lambda: "80" + _digits(10), False),
    "dpd": (lambda: "0" + _digits(13), False),
    "ups": (lambda: "1ZAM012301" + _digits(7), True),
}

CARRIER_CODES = tuple(_TEMPLATES)


class UnknownCarrier(ValueError):
    pass


def new_tracking_number(carrier_code: str) -> str:
    """A fresh, valid tracking number for ``carrier_code`` (one of :data:`CARRIER_CODES`).

    Raises ``UnknownCarrier`` for a carrier the demo shop does not ship with. Uniqueness is
    the database's business (``Shipment``'s unique carrier and number); the odds of drawing the
    same random number twice are below one in ten million.
    """
    try:
        template, has_check = _TEMPLATES[carrier_code]
    except KeyError:
        raise UnknownCarrier(f"the demo shop does not ship with carrier {carrier_code!r}") from None
    for _attempt in range(20):
        body = template()
        candidates = [body + d for d in _DIGITS] if has_check else [body]
        for number in candidates:
            if is_valid(carrier_code, number):
                return number
    raise UnknownCarrier(f"no valid {carrier_code} tracking number could be made")
