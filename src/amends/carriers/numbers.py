"""Tracking numbers: which carrier a number belongs to, and finding them in a customer's message.

A customer writes "my parcel 1Z 999 AA1 01 2345 6784 never came"; triage wants to know it is a
UPS parcel without asking. Two entry points:

* :func:`is_valid` — does ``number`` have ``carrier``'s shape *and* a correct check digit (where
  the carrier's format has one)? The adapters' ``recognises`` is this.
* :func:`recognise` — every tracking number in free text, normalised (spaces and dashes inside a
  number dropped, upper case), each with its carrier.

False positives cost more than misses here (a wrong number opens the wrong parcel's case), so a
format whose check digit is weak or absent is only recognised in free text when the carrier is
named near it: a 10-digit DHL Express waybill passes its mod-7 check one time in seven by chance,
and a bare 14-digit DPD number is just a long number. Those need "DHL" / "DPD" within
:data:`CONTEXT_CHARS` characters.

The check-digit algorithms, each with its source:

* UPU S10 (13 characters, ``AA123456785FR``): UPU standard S10 "Identification of postal items",
  section on the check digit: weights 8 6 4 2 3 5 9 7 over the 8-digit serial, ``11 - sum mod
  11``, where 10 becomes 0 and 11 becomes 5.
* UPS ``1Z`` (18 characters): UPS's published 1Z layout (1Z, 6-character shipper number, 2-digit
  service, 7-character package id, check digit); the check is mod 10 over the 15 characters
  after ``1Z``, odd positions weight 1, even positions weight 2, letters converted with
  ``(ord(c) - 63) % 10`` (A=2 … H=9, I=0 …), ``(10 - sum mod 10) mod 10``.
* DHL Express (10-digit waybill): the check digit is the first nine digits mod 7 (DHL Express
  air waybill rule, IATA-style mod 7).
* DHL Paket (12-digit Identcode): the Deutsche Post Identcode check, weights 4 and 9 alternating
  from the left, ``(10 - sum mod 10) mod 10``.
* DHL Paket / DHL eCommerce (20-digit ``00…`` piece code): ``00`` is the GS1 application
  identifier for an SSCC; the 18-digit SSCC carries the GS1 mod-10 check (weights 3 and 1
  alternating from the right, GS1 General Specifications §7.9).
* DPD (14-digit parcel number + check character): ISO/IEC 7064 MOD 37,36 over the 14 digits, as
  DPD's parcel label specification prescribes for the printed check character.

Formats without a published check digit are matched on their distinctive shape only: PostNL's
``3S`` barcodes (3S + 4-letter customer code + serial), DHL eCommerce ``JJD…`` numbers,
Colissimo's domestic 13-character numbers (digit + letter + 11 digits, e.g. ``6A12345678901``)
and its 11-character form (2 letters + 9 digits). SEUR publishes no format; a SEUR reference is
only taken from free text next to the word "SEUR".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

# How far (in characters) from a number its carrier's name must appear for the weak formats.
CONTEXT_CHARS = 60
# Free text beyond this many characters is not searched (a pasted log is not a message).
MAX_TEXT = 100_000

_SEPARATORS = re.compile(r"[\s\-]+")
_ALNUM = "0-9A-Za-z"


@dataclass(frozen=True)
class Candidate:
    """A tracking number found in text: the carrier code and the normalised number."""

    carrier: str
    number: str


def normalise(number: str) -> str:
    """Upper case, without spaces and dashes: the form stored and compared everywhere."""
    return _SEPARATORS.sub("", number or "").upper()


# --- check digits ------------------------------------------------------------------------------

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def ups_check_digit(body: str) -> int:
    """UPS 1Z check digit of the 15 characters between ``1Z`` and the check digit."""
    total = 0
    for i, ch in enumerate(body):
        value = int(ch) if ch.isdigit() else (ord(ch) - 63) % 10
        total += value * (2 if i % 2 else 1)
    return (10 - total % 10) % 10


def mod7_check_digit(body: str) -> int:
    """DHL Express waybill check digit: the number before it, mod 7."""
    return int(body) % 7


def identcode_check_digit(body: str) -> int:
    """Deutsche Post Identcode check digit (weights 4, 9, 4, 9 … from the left)."""
    total = sum(int(d) * (4 if i % 2 == 0 else 9) for i, d in enumerate(body))
    return (10 - total % 10) % 10


def gs1_check_digit(body: str) -> int:
    """GS1 mod-10 check digit (weights 3, 1, 3 … from the rightmost digit of ``body``)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


_MOD36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _mod_37_36_checksum(value: str) -> int:
    modulus = len(_MOD36)
    check = modulus // 2
    for ch in value:
        check = (((check or modulus) * 2) % (modulus + 1) + _MOD36.index(ch)) % modulus
    return check


def mod_37_36_check_char(body: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check character of ``body`` (digits and A-Z)."""
    modulus = len(_MOD36)
    return _MOD36[(1 - ((_mod_37_36_checksum(body) or modulus) * 2) % (modulus + 1)) % modulus]


def mod_37_36_valid(value: str) -> bool:
    """Whether ``value`` (body plus its check character) passes ISO/IEC 7064 MOD 37,36."""
    return bool(value) and all(c in _MOD36 for c in value) and _mod_37_36_checksum(value) == 1


# --- formats -----------------------------------------------------------------------------------


def _s10_ok(n: str) -> bool:
    return s10_check_digit(n[2:10]) == int(n[10])


def _ups_ok(n: str) -> bool:
    return ups_check_digit(n[2:17]) == int(n[17]) if n[17].isdigit() else False


def _mod7_ok(n: str) -> bool:
    return mod7_check_digit(n[:-1]) == int(n[-1])


def _identcode_ok(n: str) -> bool:
    return identcode_check_digit(n[:-1]) == int(n[-1])


def _sscc_ok(n: str) -> bool:
    return gs1_check_digit(n[2:-1]) == int(n[-1])


def _dpd_ok(n: str) -> bool:
    return len(n) == 14 or mod_37_36_valid(n)


def _always(n: str) -> bool:
    return True


@dataclass(frozen=True)
class _Format:
    """One number format: a carrier, the character classes of its shape, its check."""

    carrier: str
    name: str
    shape: tuple[tuple[str, int, int], ...]  # (character class, min, max) runs
    check: Callable[[str], bool]
    # Where a full number must end for the S10 country: the suffix decides the carrier.
    countries: frozenset[str] = frozenset()
    # True when the format is too weak to trust in free text without the carrier's name near.
    needs_context: bool = False

    @cached_property
    def full(self) -> re.Pattern[str]:
        return re.compile("".join(f"[{c}]{{{lo},{hi}}}" for c, lo, hi in self.shape))

    @cached_property
    def spaced(self) -> re.Pattern[str]:
        """The shape with an optional space or dash between any two characters."""
        parts = []
        for c, lo, hi in self.shape:
            parts.append(f"[{c}](?:[ \\-]?[{c}]){{{max(lo - 1, 0)},{hi - 1}}}")
        body = "[ \\-]?".join(parts)
        return re.compile(f"(?<![{_ALNUM}]){body}(?![{_ALNUM}])", re.IGNORECASE)


def _s10(carrier: str, countries: Iterable[str]) -> _Format:
    return _Format(
        carrier=carrier,
        name="upu-s10",
        shape=(("A-Z", 2, 2), ("0-9", 9, 9), ("A-Z", 2, 2)),
        check=_s10_ok,
        countries=frozenset(countries),
    )


FORMATS: tuple[_Format, ...] = (
    _Format(
        "ups", "ups-1z", (("1", 1, 1), ("Z", 1, 1), ("0-9A-Z", 15, 15), ("0-9", 1, 1)), _ups_ok
    ),
    _Format("dhl", "dhl-sscc", (("0", 2, 2), ("0-9", 18, 18)), _sscc_ok),
    _Format("dhl", "dhl-jjd", (("J", 2, 2), ("D", 1, 1), ("0-9", 10, 24)), _always),
    _Format("dhl", "dhl-identcode", (("0-9", 12, 12),), _identcode_ok, needs_context=True),
    _Format("dhl", "dhl-express", (("0-9", 10, 10),), _mod7_ok, needs_context=True),
    _Format(
        "postnl", "postnl-3s", (("3", 1, 1), ("S", 1, 1), ("A-Z", 4, 4), ("0-9", 5, 11)), _always
    ),
    _Format("colissimo", "colissimo-13", (("0-9", 1, 1), ("A-Z", 1, 1), ("0-9", 11, 11)), _always),
    _Format(
        "colissimo", "colissimo-11", (("A-Z", 2, 2), ("0-9", 9, 9)), _always, needs_context=True
    ),
    _Format("dpd", "dpd-15", (("0-9", 14, 14), ("0-9A-Z", 1, 1)), _dpd_ok),
    _Format("dpd", "dpd-14", (("0-9", 14, 14),), _dpd_ok, needs_context=True),
    _Format("seur", "seur", (("0-9", 8, 20),), _always, needs_context=True),
    _s10("colissimo", {"FR"}),
    _s10("postnl", {"NL"}),
    _s10("dhl", {"DE"}),
)

# The words that count as naming the carrier (case-insensitive, whole words).
CARRIER_WORDS: dict[str, re.Pattern[str]] = {
    "dhl": re.compile(r"\b(?:dhl|awb|air\s?waybill|luchtvrachtbrief)\b", re.IGNORECASE),
    "dpd": re.compile(r"\bdpd\b", re.IGNORECASE),
    "seur": re.compile(r"\bseur\b", re.IGNORECASE),
    "colissimo": re.compile(r"\b(?:colissimo|la\s?poste)\b", re.IGNORECASE),
}


def _matches(fmt: _Format, number: str) -> bool:
    if not fmt.full.fullmatch(number):
        return False
    if fmt.countries and number[-2:] not in fmt.countries:
        return False
    return fmt.check(number)


def is_valid(carrier: str, number: str) -> bool:
    """Whether ``number`` has one of ``carrier``'s formats and passes its check digit.

    Context-dependent formats count here: the caller already says whose number it is.
    """
    n = normalise(number)
    if not n or len(n) > 40:
        return False
    return any(f.carrier == carrier and _matches(f, n) for f in FORMATS)


def carriers_for(number: str) -> list[str]:
    """The carriers whose strong formats (no context needed) ``number`` fits."""
    n = normalise(number)
    found: list[str] = []
    for fmt in FORMATS:
        if not fmt.needs_context and fmt.carrier not in found and _matches(fmt, n):
            found.append(fmt.carrier)
    return found


def _named_near(carrier: str, text: str, start: int, end: int) -> bool:
    words = CARRIER_WORDS.get(carrier)
    if words is None:
        return False
    window = text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS]
    return bool(words.search(window))


def recognise(text: str) -> list[Candidate]:
    """Every tracking number in ``text``, in order of appearance, each once.

    A stretch of text is claimed by the first format (in :data:`FORMATS` order, strongest
    first) that accepts it, so a UPS number is not also read as a DPD one.
    """
    text = (text or "")[:MAX_TEXT]
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, Candidate]] = []
    for fmt in FORMATS:
        for match in fmt.spaced.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in claimed):
                continue
            number = normalise(match.group())
            if not _matches(fmt, number):
                continue
            if fmt.needs_context and not _named_near(fmt.carrier, text, start, end):
                continue
            claimed.append((start, end))
            found.append((start, Candidate(carrier=fmt.carrier, number=number)))
    result: list[Candidate] = []
    for _start, candidate in sorted(found, key=lambda item: item[0]):
        if candidate not in result:
            result.append(candidate)
    return result
