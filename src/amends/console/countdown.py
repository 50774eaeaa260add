"""How long until a promise is due, in words an agent reads at a glance.

"in 3 h 20 min", "in 2 d 4 h", "overdue by 2 h", "due now". Units are abbreviations, so no
language needs plural forms here; ``console.js`` redraws the same words every minute from the
patterns the page carries (``countdown_patterns``), so the server and the browser agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from django.utils.translation import pgettext

State = Literal["overdue", "soon", "later"]

# A promise due within this long is shown as "soon" (and the due-soon queue uses the same span).
SOON = dt.timedelta(hours=4)
_MINUTE, _HOUR, _DAY = 60, 3600, 86400


def countdown_patterns() -> dict[str, str]:
    """The translated patterns; ``{0}`` stands for the number or the duration."""
    return {
        "future": pgettext("countdown", "in {0}"),
        "past": pgettext("countdown", "overdue by {0}"),
        "now": pgettext("countdown", "due now"),
        "d": pgettext("countdown: days", "{0} d"),
        "h": pgettext("countdown: hours", "{0} h"),
        "min": pgettext("countdown: minutes", "{0} min"),
    }


def _fill(pattern: str, value: object) -> str:
    return pattern.replace("{0}", str(value))


def _duration(seconds: int, patterns: Mapping[str, str]) -> str:
    days, rest = divmod(seconds, _DAY)
    hours, rest = divmod(rest, _HOUR)
    minutes = rest // _MINUTE
    if days:
        parts = [_fill(patterns["d"], days)] + ([_fill(patterns["h"], hours)] if hours else [])
    elif hours:
        parts = [_fill(patterns["h"], hours)] + (
            [_fill(patterns["min"], minutes)] if minutes else []
        )
    else:
        parts = [_fill(patterns["min"], minutes)]
    return " ".join(parts)


def countdown_text(
    *, due_at: dt.datetime, now: dt.datetime, patterns: Mapping[str, str] | None = None
) -> str:
    """The time left (or overdue) in whole minutes, with at most two units. ``patterns``:
    ``countdown_patterns()`` looked up once for a page that shows many countdowns."""
    patterns = patterns or countdown_patterns()
    seconds = int((due_at - now).total_seconds())
    if abs(seconds) < _MINUTE:
        return patterns["now"]
    if seconds > 0:
        return _fill(patterns["future"], _duration(seconds, patterns))
    return _fill(patterns["past"], _duration(-seconds, patterns))


def countdown_state(*, due_at: dt.datetime, now: dt.datetime) -> State:
    if due_at <= now:
        return "overdue"
    if due_at - now <= SOON:
        return "soon"
    return "later"
