"""What a message names: order numbers, tracking numbers and carriers, amounts, dates.

* Order numbers have the shop's shapes: a country or brand prefix and digits, with optional
  dashed groups (``FR4471203``, ``FR-BT-118304``, ``NL-2026-004812``, ``ORD-100000``), or
  digits right after the word for "order" in one of the eight languages ("commande n° 4471203",
  "Bestellung 12345678"). Whether such a number is really one of the customer's orders is
  decided against the database when the message is linked (:mod:`amends.triage.services`).
* Tracking numbers come from :func:`amends.carriers.numbers.recognise`, which checks each
  format's check digit and wants the carrier named near the weak formats.
* Amounts carry a currency before or after, in the European and English number styles
  (``1.234,56 €``, ``€12.50``, ``12,50 EUR``, ``49,99 zł``), normalised to ``"1234.56 EUR"``.
* Dates: numeric (``24/11/2026``, ``24.11.``, ``2026-11-24``), a day and a month name in any of
  the eight languages (Babel's CLDR names: "24 listopada", "lapkričio 24 d.", "3 de marzo"),
  and the words for yesterday, today and tomorrow in the message's language, resolved against
  ``today``. A date without a
  year takes the year that puts it nearest ``today``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from amends.carriers.numbers import recognise
from amends.triage.result import Entity

MAX_ENTITIES = 40
AHEAD_DAYS = 60  # a date without a year at most this far ahead is this year's

CARRIERS: dict[str, tuple[str, str]] = {
    # pattern: (carrier code, name as the carrier writes it)
    r"dhl(?:\s?express|\s?parcel)?": ("dhl", "DHL"),
    r"post\s?nl": ("postnl", "PostNL"),
    r"dpd": ("dpd", "DPD"),
    r"ups": ("ups", "UPS"),
    r"seur": ("seur", "SEUR"),
    r"colissimo": ("colissimo", "Colissimo"),
    r"la\s?poste": ("colissimo", "La Poste"),
    r"chronopost": ("chronopost", "Chronopost"),
    r"correos(?:\s?express)?": ("correos", "Correos"),
    r"in\s?post": ("inpost", "InPost"),
    r"brt|bartolini": ("brt", "BRT"),
    r"poste\s?italiane": ("poste-italiane", "Poste Italiane"),
    r"omniva": ("omniva", "Omniva"),
    r"lp\s?express": ("lp-express", "LP Express"),
    r"gls": ("gls", "GLS"),
    r"mondial\s?relay": ("mondial-relay", "Mondial Relay"),
    r"bpost": ("bpost", "bpost"),
}
_CARRIER = re.compile(
    r"(?<!\w)(?:" + "|".join(f"({p})" for p in CARRIERS) + r")(?!\w)", re.IGNORECASE
)
_CARRIER_KEYS = list(CARRIERS.values())

_ORDER_SHAPE = re.compile(
    r"(?<![\w/.-])[A-Za-z]{2,4}-?(?:[A-Za-z]{2,4}-)?\d{4,12}(?:-\d{2,8})?(?![\w/-])"
)
_ORDER_WORD = re.compile(
    r"(?:order|bestelling|bestelnummer|ordernummer|commande|bestellung|bestellnummer|auftrag|"
    r"pedido|ordine|zam[oó]wieni[ae]|u[zž]sakym\w*)"
    r"\s*(?:n[or°º]?\.?|nr\.?|no\.?|num(?:ber|mer|[eé]ro)?\.?|#|:)?\s*#?\s*(\d{5,12})(?!\w)",
    re.IGNORECASE,
)

_NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCIES = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "zł": "PLN",
    "zl": "PLN",
    "pln": "PLN",
    "złotych": "PLN",
    "zlotych": "PLN",
    "£": "GBP",
    "gbp": "GBP",
    "$": "USD",
    "usd": "USD",
    "chf": "CHF",
}
_CUR = r"€|eur(?:os?)?|zł|zl|pln|złotych|zlotych|£|gbp|\$|usd|chf"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?P<c1>{_CUR})\s?(?P<n1>{_NUMBER})(?:,-)?"
    rf"|(?P<n2>{_NUMBER})(?:,-)?\s?(?P<c2>{_CUR}))(?![\w])",
    re.IGNORECASE,
)

_NUMERIC_DATE = re.compile(
    r"(?<![\w.,/-])(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})[./-](?P<m2>\d{1,2})(?:[./-](?P<y2>\d{4}|\d{2})|\.)?)(?![\w/-])"
)
# Yesterday, today and tomorrow, per language: only the message's own language's words count
# ("hier" is yesterday in French but "here" in Dutch and German).
_RELATIVE: dict[str, dict[str, int]] = {
    "en": {"yesterday": -1, "today": 0, "tomorrow": 1},
    "fr": {"hier": -1, "aujourd'hui": 0, "aujourd\u2019hui": 0, "aujourdhui": 0, "demain": 1},
    "nl": {"eergisteren": -2, "gisteren": -1, "vandaag": 0, "morgen": 1, "overmorgen": 2},
    "de": {"vorgestern": -2, "gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2},
    "es": {"anteayer": -2, "ayer": -1, "hoy": 0, "mañana": 1, "manana": 1},
    "it": {"ieri": -1, "oggi": 0, "domani": 1},
    "pl": {"przedwczoraj": -2, "wczoraj": -1, "dzisiaj": 0, "dziś": 0, "dzis": 0, "jutro": 1},
    "lt": {"užvakar": -2, "vakar": -1, "šiandien": 0, "siandien": 0, "rytoj": 1},
}
_RELATIVE_WORDS = {
    lang: re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    for lang, words in _RELATIVE.items()
}
# "esta mañana" is this morning, not tomorrow.
_MORNING = re.compile(r"(?:esta|la|por la)\s+$", re.IGNORECASE)
_LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")
# Abbreviations that are also common words somewhere ("set", "sie", "gen") are left out.
_AMBIGUOUS = {"set", "sie", "lis", "gen", "mag", "sty", "lip", "may"}


def _fold_char(char: str) -> str:
    low = char.lower()
    if len(low) != 1:
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    return base if len(base) == 1 else low


def _fold(text: str) -> str:
    """Lower case without accents, one character for one: positions stay those of ``text``."""
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for lang in _LANGUAGES:
        wide = [
            *get_month_names("wide", "format", locale=lang).items(),
            *get_month_names("wide", "stand-alone", locale=lang).items(),
        ]
        short = get_month_names("abbreviated", "format", locale=lang).items()
        for number, name in wide:
            names.setdefault(_fold(name), number)
        for number, name in short:
            key = _fold(name).rstrip(".")
            if len(key) >= 3 and key not in _AMBIGUOUS:
                names.setdefault(key, number)
    names["may"] = 5  # the English month, as a word of its own (not an abbreviation)
    return names


@lru_cache(maxsize=1)
def _textual_date() -> re.Pattern[str]:
    months = sorted(_month_names(), key=len, reverse=True)
    month = r"(?P<month>" + "|".join(re.escape(m) for m in months) + r")\.?"
    day = r"(?P<day>\d{1,2})(?:\.|st|nd|rd|th|er|e|º)?"
    year = r"(?:,?\s+(?:de\s+|del\s+|m\.\s*)?(?P<year>\d{4}))?"
    day_first = rf"{day}\s+(?:de\s+|d'|di\s+)?{month}{year}"
    month_first = rf"{month}\s+{day}(?:\s*d\.)?{year}"
    return re.compile(rf"(?<!\w)(?:{day_first}|{month_first.replace('?P<', '?P<mf_')})(?!\w)")


def _nearest_year(day: int, month: int, today: dt.date) -> dt.date | None:
    """The last time this day came round, unless it comes again within :data:`AHEAD_DAYS`:
    customers mostly write about what already happened ("delivered on 3 March")."""
    for year in (today.year + 1, today.year, today.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= today + dt.timedelta(days=AHEAD_DAYS):
            return candidate
    return None


def _date(day: int, month: int, year: int | None, today: dt.date) -> dt.date | None:
    if year is None:
        return _nearest_year(day, month, today)
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates(text: str, folded: str, today: dt.date, lang: str | None) -> list[tuple[int, Entity]]:
    found: list[tuple[int, Entity]] = []
    for m in _NUMERIC_DATE.finditer(text):
        if m.group("y"):
            date = _date(int(m.group("d")), int(m.group("m")), int(m.group("y")), today)
        else:
            year = int(m.group("y2")) if m.group("y2") else None
            if year is None and not m.group(0).rstrip().endswith(".") and "/" not in m.group(0):
                continue  # "12.50" or "3-4" without a year is not a date
            date = _date(int(m.group("d2")), int(m.group("m2")), year, today)
        if date is not None:
            found.append((m.start(), Entity("date", m.group(0), date.isoformat())))
    # Month names are matched on the folded text (same length: accents folded one for one).
    for m in _textual_date().finditer(folded):
        groups = {k.removeprefix("mf_"): v for k, v in m.groupdict().items() if v}
        month = _month_names()[groups["month"]]
        year = int(groups["year"]) if "year" in groups else None
        date = _date(int(groups["day"]), month, year, today)
        if date is not None:
            found.append((m.start(), Entity("date", text[m.start() : m.end()], date.isoformat())))
    pattern = _RELATIVE_WORDS.get(lang or "")
    for m in pattern.finditer(text) if pattern is not None else ():
        if lang == "es" and _MORNING.search(text[max(0, m.start() - 10) : m.start()]):
            continue
        date = today + dt.timedelta(days=_RELATIVE[str(lang)][m.group(1).lower()])
        found.append((m.start(), Entity("date", m.group(0), date.isoformat())))
    return found


def _amount_value(number: str) -> Decimal | None:
    digits = re.sub(r"[\u00a0\u202f' ]", "", number)
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0 and len(digits) - last - 1 in (1, 2):
        whole, cents = digits[:last], digits[last + 1 :]
    else:
        whole, cents = digits, "0"
    try:
        return Decimal(re.sub(r"[.,]", "", whole) or "0") + Decimal(f"0.{cents}")
    except InvalidOperation:
        return None


def _amounts(text: str) -> list[tuple[int, Entity]]:
    found: list[tuple[int, Entity]] = []
    for m in _AMOUNT.finditer(text):
        number = m.group("n1") or m.group("n2")
        currency = _CURRENCIES[(m.group("c1") or m.group("c2")).lower()]
        value = _amount_value(number)
        if value is not None:
            found.append(
                (m.start(), Entity("amount", m.group(0).strip(), f"{value:.2f} {currency}"))
            )
    return found


def _carriers(text: str) -> list[tuple[int, Entity]]:
    found: list[tuple[int, Entity]] = []
    for m in _CARRIER.finditer(text):
        index = next(i for i, g in enumerate(m.groups()) if g is not None)
        code, name = _CARRIER_KEYS[index]
        found.append((m.start(), Entity("carrier", m.group(0), name, carrier=code)))
    return found


def _orders(text: str, taken: set[str]) -> list[tuple[int, Entity]]:
    found: list[tuple[int, Entity]] = []
    for m in _ORDER_SHAPE.finditer(text):
        value = m.group(0).upper()
        if value.replace("-", "") in taken or _CARRIER.fullmatch(m.group(0)):
            continue
        found.append((m.start(), Entity("order_number", m.group(0), value)))
    for m in _ORDER_WORD.finditer(text):
        if m.group(1) not in taken:
            found.append((m.start(1), Entity("order_number", m.group(1), m.group(1))))
    return found


def extract(
    text: str, *, today: dt.date | None = None, lang: str | None = None
) -> tuple[Entity, ...]:
    """Every entity in ``text``, in order of appearance, each (kind, value) once; ``lang``
    (the message's language) lets words like "yesterday" count."""
    today = today or dt.datetime.now(tz=dt.UTC).date()
    parcels = recognise(text)
    taken = {c.number for c in parcels}
    found: list[tuple[int, Entity]] = []
    for candidate in parcels:
        at = text.upper().find(candidate.number[:6])
        found.append(
            (
                max(at, 0),
                Entity(
                    "tracking_number", candidate.number, candidate.number, carrier=candidate.carrier
                ),
            )
        )
    folded = _fold(text)
    found += _orders(text, taken)
    found += _carriers(text)
    found += _amounts(text)
    found += _dates(text, folded, today, lang)
    seen: set[tuple[str, str]] = set()
    result: list[Entity] = []
    for _at, entity in sorted(found, key=lambda item: item[0]):
        key = (entity.kind, entity.value)
        if key not in seen:
            seen.add(key)
            result.append(entity)
    return tuple(result[:MAX_ENTITIES])
