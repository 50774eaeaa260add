"""Promises in a reply: sentences that say what we will do and by when.

"We will refund you by Friday", "wij bellen u morgen voor 17:00 terug", "nous vous rembourserons
sous 3 jours ouvrés": a future action (per language, ``LanguageData.actions``; Dutch and German
say the future in the present, so "we" and a verb do) and a date or time (``replies.dates``) in
the same sentence. The console offers each as a commitment in one click, with the due moment
already read when the words allow it; the linter uses the same reading to check that a reply
says what happens next and by when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from amends.core.businesstime import BusinessCalendar
from amends.replies import dates
from amends.replies.languages import Rules, rules
from amends.replies.text import Document, sentences

MAX_CHARS = 20_000  # a reply longer than this is read only this far


@dataclass(frozen=True)
class PromiseSpan:
    sentence: str  # as written
    start: int  # span of the sentence in the text
    end: int
    when: str  # the date and time words, as written ("morgen voor 17:00")
    due: dt.datetime | None  # UTC, when the words name a moment


@dataclass(frozen=True)
class Action:
    """A sentence with a future action, and the date and time expressions in it."""

    start: int  # folded span of the sentence
    end: int
    action: tuple[int, int]  # folded span of the action phrase
    moments: tuple[dates.Moment, ...]  # folded spans relative to the sentence


def actions(doc: Document, language_rules: Rules) -> Iterator[Action]:
    """The sentences of ``doc`` that say what will be done, dated or not."""
    if language_rules.action is None:
        return
    code = language_rules.data.code
    for start, end in sentences(doc):
        chunk = doc.folded[start:end]
        match = language_rules.action.search(chunk)
        if match is None:
            continue
        yield Action(
            start=start,
            end=end,
            action=(start + match.start(), start + match.end()),
            moments=tuple(dates.moments(chunk, code)),
        )


def promises_in(
    text: str,
    language: str,
    *,
    now: dt.datetime | None = None,
    calendar: BusinessCalendar | None = None,
) -> list[PromiseSpan]:
    """The dated promises in ``text``, in order; one whose moment has passed is not a promise.

    ``now`` must be timezone-aware; ``calendar`` (the storefront's, for business days and its
    time zone) defaults to ``now``'s time zone (else the current one) with Monday-to-Friday
    hours.
    """
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    if calendar is None:
        zone = now.tzinfo.key if isinstance(now.tzinfo, ZoneInfo) else None
        calendar = BusinessCalendar(time_zone=zone or timezone.get_current_timezone_name())
    language_rules = rules(language.lower().split("-")[0])
    if language_rules is None:
        return []
    doc = Document(text[:MAX_CHARS])
    found: list[PromiseSpan] = []
    for action in actions(doc, language_rules):
        chosen = _when(action, now=now, calendar=calendar)
        if chosen is None:
            continue  # undated, or "we sent it on 3 March": told, not promised
        (when_start, when_end), due = chosen
        start, end = doc.span(action.start, action.end)
        when_start, when_end = doc.span(action.start + when_start, action.start + when_end)
        found.append(
            PromiseSpan(
                sentence=text[start:end],
                start=start,
                end=end,
                when=text[when_start:when_end],
                due=due,
            )
        )
    return found


def _when(
    action: Action, *, now: dt.datetime, calendar: BusinessCalendar
) -> tuple[tuple[int, int], dt.datetime | None] | None:
    """The dates of a sentence that the action is due by: the first one after the action words
    that lies ahead (else the nearest before them), with the sentence's time of day. A date that
    names no moment (29 February of a common year) is still a promise, without a due time."""
    offset = action.action[0] - action.start
    days = [m for m in action.moments if m.kind in dates.DATE_KINDS]
    ordered: list[dates.Moment | None] = [m for m in days if m.start >= offset]
    ordered += [m for m in reversed(days) if m.start < offset]
    time = next((m for m in action.moments if m.kind == "time"), None)
    at = time.time if time is not None else None
    unreadable: dates.Moment | None = None
    for moment in ordered or [None]:
        due = dates.resolve(moment, at, now=now, calendar=calendar)
        if due is None:
            unreadable = unreadable or moment
            continue
        if due <= now:
            continue
        parts = [m for m in (moment, time) if m is not None]
        span = (min(m.start for m in parts), max(m.end for m in parts))
        if len(parts) == 2 and span[1] - span[0] > 40:
            span = (parts[0].start, parts[0].end)  # a time far from the date: name the date
        return span, due
    if unreadable is not None:
        return (unreadable.start, unreadable.end), None
    return None
