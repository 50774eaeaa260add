"""Business hours arithmetic in a storefront's time zone.

``BusinessCalendar`` answers "when is 3 business days from now?" and "when is 17:00 today?"
for a brand: its opening hours per weekday, its time zone and its country's public holidays
(from the ``holidays`` package) plus any extra closed dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holidays_lib

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_HOURS: dict[str, list[list[str]]] = {day: [["09:00", "18:00"]] for day in WEEKDAYS[:5]} | {
    "sat": [],
    "sun": [],
}


def parse_hours(
    raw: Mapping[str, Sequence[Sequence[str]]],
) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """Validate ``{"mon": [["09:00", "12:30"], ["13:30", "18:00"]], ...}``.

    Raises ``ValueError`` naming the day and the interval that is wrong.
    """
    unknown = set(raw) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekday(s): {', '.join(sorted(unknown))}")
    parsed: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for index, day in enumerate(WEEKDAYS):
        intervals: list[tuple[dt.time, dt.time]] = []
        for pair in raw.get(day, []):
            if len(pair) != 2:
                raise ValueError(f"{day}: each interval needs a start and an end, got {pair!r}")
            try:
                start, end = (dt.time.fromisoformat(p) for p in pair)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{day}: {pair!r} is not HH:MM-HH:MM") from exc
            if start >= end:
                raise ValueError(f"{day}: interval {pair[0]}-{pair[1]} ends before it starts")
            if intervals and start < intervals[-1][1]:
                raise ValueError(f"{day}: intervals overlap or are out of order")
            intervals.append((start, end))
        parsed[index] = intervals
    if not any(parsed.values()):
        raise ValueError("a storefront must be open at least one hour a week")
    return parsed


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str
    hours: Mapping[str, Sequence[Sequence[str]]] = field(default_factory=lambda: DEFAULT_HOURS)
    holiday_country: str = ""
    extra_closed_dates: Iterable[dt.date] = ()

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def _hours(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        return parse_hours(self.hours)

    @cached_property
    def _closed(self) -> frozenset[dt.date]:
        return frozenset(self.extra_closed_dates)

    @cached_property
    def _holidays(self) -> holidays_lib.HolidayBase | None:
        if not self.holiday_country:
            return None
        try:
            return holidays_lib.country_holidays(self.holiday_country.upper())
        except NotImplementedError:
            return None

    def is_business_day(self, day: dt.date) -> bool:
        if not self._hours[day.weekday()] or day in self._closed:
            return False
        return not (self._holidays is not None and day in self._holidays)

    def _intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_business_day(day):
            return []
        return [
            (
                dt.datetime.combine(day, start, tzinfo=self.tz),
                dt.datetime.combine(day, end, tzinfo=self.tz),
            )
            for start, end in self._hours[day.weekday()]
        ]

    def add_business_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment ``hours`` of opening time after ``start``."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = dt.timedelta(hours=hours)
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(3660):  # ten years of days is plenty; never loop forever
            for open_at, close_at in self._intervals(day):
                begin = max(open_at, local)
                if begin >= close_at:
                    continue
                available = close_at - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(dt.UTC)
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("no business hours found within ten years")

    def add_business_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the ``days``-th business day after ``start``'s day (closing time)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start.astimezone(self.tz).date()
        counted = 0
        for _ in range(3660):
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
                if counted >= days:
                    return self._intervals(day)[-1][1].astimezone(dt.UTC)
        raise ValueError("no business days found within ten years")

    def at_local_time(self, start: dt.datetime, when: dt.time) -> dt.datetime:
        """The next ``when`` (local wall-clock time) at or after ``start``: "by 17:00"."""
        local = start.astimezone(self.tz)
        candidate = dt.datetime.combine(local.date(), when, tzinfo=self.tz)
        if candidate <= local:
            candidate += dt.timedelta(days=1)
        return candidate.astimezone(dt.UTC)

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(a <= local < b for a, b in self._intervals(local.date()))
