"""The countdown helper: what an agent reads next to a promise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from amends.console.countdown import countdown_patterns, countdown_state, countdown_text

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def text(**delta: float) -> str:
    return countdown_text(due_at=NOW + dt.timedelta(**delta), now=NOW)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ({"minutes": 1}, "in 1 min"),
        ({"minutes": 59, "seconds": 59}, "in 59 min"),
        ({"hours": 3, "minutes": 20}, "in 3 h 20 min"),
        ({"hours": 3, "minutes": 20, "seconds": 59}, "in 3 h 20 min"),
        ({"hours": 5}, "in 5 h"),
        ({"days": 1}, "in 1 d"),
        ({"days": 2, "hours": 4, "minutes": 30}, "in 2 d 4 h"),
        ({"days": 40}, "in 40 d"),
    ],
)
def test_time_left(delta: dict[str, float], expected: str) -> None:
    assert text(**delta) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ({"minutes": -1}, "overdue by 1 min"),
        ({"minutes": -45}, "overdue by 45 min"),
        ({"hours": -2}, "overdue by 2 h"),
        ({"hours": -2, "minutes": -5}, "overdue by 2 h 5 min"),
        ({"days": -3, "hours": -1}, "overdue by 3 d 1 h"),
    ],
)
def test_overdue(delta: dict[str, float], expected: str) -> None:
    assert text(**delta) == expected


@pytest.mark.parametrize("seconds", [0, 30, -30, 59, -59])
def test_within_a_minute_is_due_now(seconds: int) -> None:
    assert text(seconds=seconds) == "due now"


def test_states_for_colour() -> None:
    assert countdown_state(due_at=NOW - dt.timedelta(seconds=1), now=NOW) == "overdue"
    assert countdown_state(due_at=NOW, now=NOW) == "overdue"
    assert countdown_state(due_at=NOW + dt.timedelta(hours=4), now=NOW) == "soon"
    assert countdown_state(due_at=NOW + dt.timedelta(hours=4, seconds=1), now=NOW) == "later"


def test_words_follow_the_active_language() -> None:
    with translation.override("en"):
        english = countdown_patterns()
    assert set(english) == {"future", "past", "now", "d", "h", "min"}
    assert all("{0}" in p for k, p in english.items() if k != "now")
