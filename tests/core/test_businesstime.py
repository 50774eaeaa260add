from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amends.core.businesstime import BusinessCalendar, parse_hours

PARIS = ZoneInfo("Europe/Paris")
cal = BusinessCalendar(time_zone="Europe/Paris", holiday_country="FR")


def paris(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def test_three_business_days_skip_the_weekend() -> None:
    # Thursday 2026-11-19 10:00 → Fri, Mon, Tue → Tuesday 18:00 Paris
    assert cal.add_business_days(paris(2026, 11, 19, 10, 0), 3) == paris(2026, 11, 24, 18, 0)


def test_public_holidays_are_not_business_days() -> None:
    # Armistice day, Wednesday 2026-11-11, is a French public holiday.
    assert not cal.is_business_day(dt.date(2026, 11, 11))
    assert cal.add_business_days(paris(2026, 11, 10, 12, 0), 1) == paris(2026, 11, 12, 18, 0)


def test_business_hours_roll_over_the_night_and_the_weekend() -> None:
    # Friday 17:00 + 2 business hours → Monday 10:00
    assert cal.add_business_hours(paris(2026, 11, 20, 17, 0), 2) == paris(2026, 11, 23, 10, 0)
    # Saturday request starts counting on Monday morning
    assert cal.add_business_hours(paris(2026, 11, 21, 11, 0), 1) == paris(2026, 11, 23, 10, 0)


def test_by_local_time_today_or_tomorrow() -> None:
    assert cal.at_local_time(paris(2026, 11, 20, 9, 0), dt.time(17, 0)) == paris(
        2026, 11, 20, 17, 0
    )
    assert cal.at_local_time(paris(2026, 11, 20, 18, 0), dt.time(17, 0)) == paris(
        2026, 11, 21, 17, 0
    )


def test_daylight_saving_change_is_respected() -> None:
    # Last Sunday of March 2026 is the 29th; Friday 27th 17:30 + 1h → Monday 30th 09:30 CEST
    result = cal.add_business_hours(paris(2026, 3, 27, 17, 30), 1)
    assert result == paris(2026, 3, 30, 9, 30)
    assert result.utcoffset() == dt.timedelta(0)  # returned in UTC


def test_extra_closed_dates() -> None:
    closed = BusinessCalendar(
        time_zone="Europe/Madrid", holiday_country="ES", extra_closed_dates=(dt.date(2026, 11, 23),)
    )
    assert not closed.is_business_day(dt.date(2026, 11, 23))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"mon": [["18:00", "09:00"]]}, "ends before it starts"),
        ({"mon": [["9h", "17h"]]}, "is not HH:MM"),
        ({"funday": [["09:00", "17:00"]]}, "unknown weekday"),
        ({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, "overlap"),
        ({"mon": [["09:00"]]}, "needs a start and an end"),
        ({}, "at least one hour"),
    ],
)
def test_bad_hours_are_rejected_with_a_reason(
    hours: dict[str, list[list[str]]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hours(hours)


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_business_days(paris(2026, 11, 20, 9, 0), -1)
    with pytest.raises(ValueError, match="negative"):
        cal.add_business_hours(paris(2026, 11, 20, 9, 0), -1)


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2028, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    hours=st.floats(min_value=0.1, max_value=200),
)
def test_business_hours_always_land_inside_opening_hours_and_after_start(
    start: dt.datetime, hours: float
) -> None:
    due = cal.add_business_hours(start, hours)
    assert due > start
    local = due.astimezone(PARIS)
    assert cal.is_business_day(local.date())
    assert dt.time(9, 0) < local.time() <= dt.time(18, 0)
