"""Dates and times in a reply: "by Friday", "uiterlijk op 24 november", "binnen 3 werkdagen",
"morgen voor 17:00 uur", "2026 m. lapkričio 24 d.".

Month and weekday names come from Babel's CLDR data for the language (every form CLDR has:
format and stand-alone, wide and abbreviated — which gives the Polish and Lithuanian genitives
"listopada", "lapkričio"); the language modules add what CLDR does not (Polish "w środę", "do
piątku"; Lithuanian "iki penktadienio") and the relative words ("morgen", "dans 3 jours").
Everything is matched on the folded view (``replies.text``), so "miércoles" typed "miercoles"
counts too.

Numeric dates are read day first: amends' storefronts are European, and an English reply from
them writes 24/11 more often than 11/24 (a first number above 12 settles it either way).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from babel import Locale

from amends.core.businesstime import BusinessCalendar
from amends.replies.languages import data
from amends.replies.text import fold, fold_pattern

DATE_KINDS = ("date", "weekday", "relative", "within")


@dataclass(frozen=True)
class Moment:
    """A date or time expression at ``start:end`` of the folded text."""

    kind: str  # "date" | "weekday" | "relative" | "within" | "time"
    start: int
    end: int
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    weekday: int | None = None  # Monday 0
    days: int | None = None  # relative: days from today
    amount: int | None = None  # within: how many units
    unit: str | None = None  # within: "day" | "business_day" | "hour" | "week"
    time: dt.time | None = None


@dataclass(frozen=True)
class _Patterns:
    dates: tuple[re.Pattern[str], ...]
    months: dict[str, int]
    weekday: re.Pattern[str]
    weekdays: dict[str, int]
    relative: re.Pattern[str] | None
    relative_days: tuple[int, ...]
    within: re.Pattern[str] | None
    units: tuple[tuple[re.Pattern[str], str], ...]
    numbers: dict[str, int]
    times: tuple[re.Pattern[str], ...]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.cache
def _patterns(code: str) -> _Patterns | None:
    language = data(code)
    if language is None:
        return None
    locale = Locale.parse(code)
    months: dict[str, int] = {}
    abbreviations: list[str] = []
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                months[fold(name).rstrip(".")] = number
                if width == "abbreviated":
                    abbreviations.append(fold(name).rstrip("."))
    wide = {fold(n) for c in ("format", "stand-alone") for n in locale.months[c]["wide"].values()}
    abbreviations = [name for name in abbreviations if name not in wide]
    weekdays: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in locale.days[context]["wide"].items():
            weekdays[fold(name)] = number
    for number, forms in enumerate(language.weekday_forms):
        for form in forms:
            weekdays[fold(form)] = number
    full = [name for name in months if name not in abbreviations]
    month = rf"(?:{_alternation(full)})|(?:{_alternation(abbreviations)})\.?"
    dates = (
        re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b"),
        re.compile(r"\b(?P<d>\d{1,2})([./-])(?P<mo>\d{1,2})\2(?P<y>\d{4}|\d{2})\b"),
        re.compile(r"\b(?P<d>\d{1,2})/(?P<mo>\d{1,2})\b(?!/)"),
        re.compile(r"\b(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?!\d)"),
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:\.|er|e|st|nd|rd|th|º)?\s+(?:de\s+|of\s+)?"
            rf"(?P<month>{month})(?:,?\s+(?:de\s+)?(?P<y>\d{{4}}))?(?!\w)"
        ),
        re.compile(
            rf"(?:\b(?P<y0>\d{{4}})\s+m\.\s+)?\b(?P<month>{month})\s+(?P<d>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?(?:\s*d\.)?(?:,?\s+(?P<y>\d{{4}}))?(?!\w)"
        ),
    )
    relative = sorted(language.relative_days.items(), key=lambda item: -len(item[0]))
    numbers = {fold(word): value for word, value in language.numbers.items()}
    number = _alternation(list(numbers))
    units = "|".join(f"(?:{fold_pattern(u)})" for u in language.units)
    within = (
        re.compile(
            rf"\b(?:{fold_pattern(language.within)})\s+(?P<n>\d{{1,3}}|{number})\s*"
            rf"(?P<unit>{units})(?!\w)"
        )
        if language.within and units
        else None
    )
    return _Patterns(
        dates=dates,
        months=months,
        weekday=re.compile(rf"\b(?:{_alternation(list(weekdays))})\b"),
        weekdays=weekdays,
        relative=(
            re.compile(
                "|".join(f"(?P<r{i}>{fold_pattern(p)})" for i, (p, _d) in enumerate(relative))
            )
            if relative
            else None
        ),
        relative_days=tuple(days for _p, days in relative),
        within=within,
        units=tuple((re.compile(fold_pattern(u)), kind) for u, kind in language.units.items()),
        numbers=numbers,
        times=tuple(re.compile(fold_pattern(t)) for t in language.times),
    )


def moments(folded: str, code: str) -> list[Moment]:
    """The date and time expressions in ``folded`` text, left to right, none overlapping
    (the longest wins: "binnen 3 dagen" over "3 d")."""
    patterns = _patterns(code)
    if patterns is None:
        return []
    found: list[Moment] = []
    for pattern in patterns.dates:
        for match in pattern.finditer(folded):
            moment = _date(match, patterns)
            if moment is not None:
                found.append(moment)
    for match in patterns.weekday.finditer(folded):
        weekday = patterns.weekdays[match.group()]
        found.append(Moment("weekday", match.start(), match.end(), weekday=weekday))
    if patterns.relative is not None:
        for match in patterns.relative.finditer(folded):
            index = int((match.lastgroup or "r0")[1:])
            days = patterns.relative_days[index]
            found.append(Moment("relative", match.start(), match.end(), days=days))
    if patterns.within is not None:
        for match in patterns.within.finditer(folded):
            moment = _within(match, patterns)
            if moment is not None:
                found.append(moment)
    for pattern in patterns.times:
        for match in pattern.finditer(folded):
            moment = _time(match)
            if moment is not None:
                found.append(moment)
    kept: list[Moment] = []
    for moment in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if all(moment.end <= k.start or k.end <= moment.start for k in kept):
            kept.append(moment)
    return sorted(kept, key=lambda m: m.start)


def _date(match: re.Match[str], patterns: _Patterns) -> Moment | None:
    groups = match.groupdict()
    name = groups.get("month")
    month = patterns.months[name.rstrip(".")] if name else int(groups["mo"])
    day = int(groups["d"])
    if groups.get("month") is None and month > 12 >= day:
        day, month = month, day  # 11/24: an American writer
    year_text = groups.get("y") or groups.get("y0")
    year = int(year_text) if year_text else None
    if year is not None and year < 100:
        year += 2000
    try:
        dt.date(2000, month, day)  # a leap year: 29 February is a date, in some years
    except ValueError:
        return None
    return Moment("date", match.start(), match.end(), date=(year, month, day))


def _within(match: re.Match[str], patterns: _Patterns) -> Moment | None:
    text = match.group("n")
    amount = int(text) if text.isdigit() else patterns.numbers.get(text)
    unit = next((kind for p, kind in patterns.units if p.fullmatch(match.group("unit"))), None)
    if amount is None or unit is None or not 0 < amount <= 366:
        return None
    return Moment("within", match.start(), match.end(), amount=amount, unit=unit)


def _time(match: re.Match[str]) -> Moment | None:
    groups = match.groupdict()
    hour = int(groups["h"])
    minute = int(groups["m"]) if groups.get("m") else 0
    marker = (groups.get("pm") or "").replace(".", "")
    if marker:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return Moment("time", match.start(), match.end(), time=dt.time(hour, minute))


def resolve(
    when: Moment | None,
    at: dt.time | None,
    *,
    now: dt.datetime,
    calendar: BusinessCalendar,
) -> dt.datetime | None:
    """The moment a date expression (and a time of day) name, in UTC, or None.

    A day without a time is due at its end (23:59 local): "by Friday" is kept on Friday. "Within
    N working days" is due when the storefront closes on the N-th business day, as a commitment
    made with ``Due(business_days=N)`` would be. A date without a year is this year's, unless it
    is more than two months past: "5 January" written on 20 December is next year's.
    """
    tz = calendar.tz
    today = now.astimezone(tz).date()
    if when is None:
        return calendar.at_local_time(now, at) if at is not None else None
    if when.kind == "within" and when.amount is not None:
        if when.unit == "hour":
            return (now + dt.timedelta(hours=when.amount)).astimezone(dt.UTC)
        if when.unit == "business_day" and at is None:
            return calendar.add_business_days(now, when.amount)
        if when.unit == "business_day":
            day = calendar.add_business_days(now, when.amount).astimezone(tz).date()
        else:
            day = today + dt.timedelta(days=when.amount * (7 if when.unit == "week" else 1))
    elif when.kind == "relative" and when.days is not None:
        day = today + dt.timedelta(days=when.days)
    elif when.kind == "weekday" and when.weekday is not None:
        day = today + dt.timedelta(days=(when.weekday - today.weekday()) % 7 or 7)
    elif when.date is not None:
        year, month, number = when.date
        try:
            day = dt.date(year or today.year, month, number)
            if year is None and day < today - dt.timedelta(days=61):
                day = dt.date(today.year + 1, month, number)
        except ValueError:  # 29 February of a year without one
            return None
    else:
        return None
    moment = dt.datetime.combine(day, at or dt.time(23, 59), tzinfo=tz)
    return moment.astimezone(dt.UTC)
