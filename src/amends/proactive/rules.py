"""When a parcel's timeline means trouble: the detection rules, as data, and a pure ``detect``.

The rules are a small table in code (:data:`RULES`), one row per carrier and storefront country
with ``"*"`` for "any", checked when the module is imported. A table in code rather than a model
because its numbers are few, change with the carriers' practice rather than day to day, and are
reviewed like code; a bad number fails at start-up instead of at three in the morning in the
middle of an ingestion batch; and tests pass their own table to :func:`detect`. The one number
that is already a shop policy, how many days without a scan make a parcel lost, is not in this
table: the caller reads it from the storefront's terms (``policies.selectors.terms_for_brand``)
and passes it in :class:`ShipmentFacts`, so the lost-parcel notice and the lost-parcel refund
rule can never disagree.

``detect`` reads no clock and no database: the caller gathers the facts and passes today's date
in the storefront's time zone. What it finds (a list of :class:`Problem`) is data; the case, the
notice and the words are elsewhere (``services``, ``notices``).

Decisions worth knowing:

* **Delivered to a neighbour is not a problem.** The carrier delivered and left a card saying
  where; writing to every such customer would be noise for them and work for the desk. A
  customer who cannot find the parcel writes, and that case is handled like any "not received".
* **Exception** on its own is not a problem: carriers use it for a customs hold or a storm, and
  normal scans usually follow. If none do, the parcel stalls and the lost rule catches it.
* **At a pick-up point** a parcel does not stall and is not late: it waits for the customer (who
  the carrier has told). If nobody collects it, it goes back, and returned-to-sender catches it.
* **One notice per trouble.** When a worse problem is found in the same timeline, the milder
  ones it explains are dropped: a parcel returned, damaged or lost is not also "late" or
  "attempt failed". A parcel with a failed attempt is never "late": its new date comes from the
  missed delivery, and the failed-attempt rule (a second attempt, or none rescheduled) decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from amends.carriers.taxonomy import TrackingStatus

ANY = "*"
MAX_DAYS = 60
_CARRIER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

# After these the parcel is no longer travelling: it cannot stall, be late or fail an attempt.
FINISHED = frozenset(
    {
        TrackingStatus.DELIVERED,
        TrackingStatus.RETURNED_TO_SENDER,
        TrackingStatus.DAMAGED,
        TrackingStatus.LOST,
        TrackingStatus.EXPIRED,
    }
)
# Waiting for the customer (a pick-up point) or not yet with the carrier: not stalled, not late.
WAITING = frozenset(
    {TrackingStatus.AVAILABLE_FOR_PICKUP, TrackingStatus.PENDING, TrackingStatus.INFO_RECEIVED}
)


# The statuses whose scans detection reads one by one; of the others only the latest matters.
TELLING = frozenset(
    {
        TrackingStatus.ATTEMPT_FAILED,
        TrackingStatus.RETURNED_TO_SENDER,
        TrackingStatus.DAMAGED,
        TrackingStatus.LOST,
        TrackingStatus.EXPIRED,
    }
)


class ProblemKind(StrEnum):
    FAILED_ATTEMPT = "failed_attempt"
    RETURNED_TO_SENDER = "returned_to_sender"
    DAMAGED = "damaged"
    LOST = "lost"
    LATE = "late"


# The worse problems first; a problem listed here drops the milder ones it explains.
SUPERSEDES: dict[ProblemKind, frozenset[ProblemKind]] = {
    ProblemKind.RETURNED_TO_SENDER: frozenset({ProblemKind.FAILED_ATTEMPT, ProblemKind.LATE}),
    ProblemKind.DAMAGED: frozenset({ProblemKind.FAILED_ATTEMPT, ProblemKind.LATE}),
    ProblemKind.LOST: frozenset({ProblemKind.FAILED_ATTEMPT, ProblemKind.LATE}),
    ProblemKind.FAILED_ATTEMPT: frozenset({ProblemKind.LATE}),
}


@dataclass(frozen=True)
class DetectionRule:
    """Thresholds for one carrier in one storefront country (``"*"``: any).

    * ``failed_attempts``: this many failed delivery attempts make a problem ...
    * ``no_reschedule_days``: ... and so does a single one after which, for this many days,
      nothing happened (no new scan, no new date given with the failure);
    * ``late_days``: the carrier's estimate is this many days later than the first one given;
    * ``overdue_days``: the estimate (or, without one, the promise) passed this many days ago
      and the parcel is still travelling.
    """

    rule_id: str
    carrier: str = ANY
    country: str = ANY
    failed_attempts: int = 2
    no_reschedule_days: int = 2
    late_days: int = 1
    overdue_days: int = 1

    def __post_init__(self) -> None:
        if not self.rule_id.strip() or len(self.rule_id) > 40:
            raise ValueError("a detection rule needs an id of at most 40 characters")
        if self.carrier != ANY and not _CARRIER.match(self.carrier):
            raise ValueError(f"{self.rule_id}: carrier {self.carrier!r} is not a carrier code")
        if self.country != ANY and not _COUNTRY.match(self.country):
            raise ValueError(f"{self.rule_id}: country {self.country!r} is not ISO 3166-1 alpha-2")
        for item in fields(self):
            value = getattr(self, item.name)
            if item.type != "int":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
                raise ValueError(
                    f"{self.rule_id}: {item.name} must be a whole number from 1 to {MAX_DAYS}"
                )

    @property
    def specificity(self) -> int:
        return (2 if self.carrier != ANY else 0) + (1 if self.country != ANY else 0)


def validated(rules: Sequence[DetectionRule]) -> tuple[DetectionRule, ...]:
    """The table, checked as a whole: one default row, no two rows for the same place."""
    seen: dict[tuple[str, str], str] = {}
    for rule in rules:
        key = (rule.carrier, rule.country)
        if key in seen:
            raise ValueError(f"rules {seen[key]} and {rule.rule_id} both cover {key}")
        seen[key] = rule.rule_id
    if (ANY, ANY) not in seen:
        raise ValueError("the detection rules need a default row (carrier '*', country '*')")
    if len({r.rule_id for r in rules}) != len(rules):
        raise ValueError("detection rule ids must be unique")
    return tuple(rules)


# Starting values from the carriers' published delivery practice; change them here.
RULES: tuple[DetectionRule, ...] = validated(
    (
        DetectionRule(rule_id="D1"),
        # One attempt, then the parcel goes to a service point the next working day: a failed
        # attempt with nothing after it for a day means the hand-over went wrong.
        DetectionRule(rule_id="D2-postnl", carrier="postnl", no_reschedule_days=1),
        DetectionRule(rule_id="D3-colissimo", carrier="colissimo", no_reschedule_days=1),
        # Up to three attempts before the parcel waits at an access point or depot.
        DetectionRule(rule_id="D4-ups", carrier="ups", failed_attempts=3),
        # Spanish islands: estimates move by a day routinely; two days is a real slip.
        DetectionRule(rule_id="D5-es", country="ES", late_days=2),
        DetectionRule(rule_id="D6-seur-es", carrier="seur", country="ES", late_days=2),
    )
)


def rule_for(
    *, carrier: str, country: str, rules: Sequence[DetectionRule] = RULES
) -> DetectionRule:
    """The most specific row for the carrier and storefront country (carrier before country)."""
    carrier, country = carrier.strip().lower(), country.strip().upper()
    matching = [r for r in rules if r.carrier in {ANY, carrier} and r.country in {ANY, country}]
    if not matching:
        raise ValueError("no detection rule applies; the table has no default row")
    return max(matching, key=lambda r: r.specificity)


@dataclass(frozen=True)
class Scan:
    status: str  # a TrackingStatus value
    occurred_at: dt.datetime  # aware
    estimated_delivery: dt.date | None = None  # a new estimate the scan carried


@dataclass(frozen=True)
class ShipmentFacts:
    """What detection needs to know about one shipment, and nothing else."""

    carrier: str
    country: str  # the storefront's
    time_zone: str  # the storefront's
    status: str  # the shipment's current status
    # Its timeline, in any order. Only the scans of ``TELLING`` statuses are read, so callers
    # may leave the others out: ``last_event_at`` stands for the latest scan of any kind.
    scans: tuple[Scan, ...]
    lost_after_days: int  # the storefront's terms for this carrier (policies.selectors)
    promised_delivery: dt.date | None = None  # the first estimate given
    estimated_delivery: dt.date | None = None  # the latest
    shipped_at: dt.datetime | None = None
    last_event_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        moments = [s.occurred_at for s in self.scans] + [
            m for m in (self.shipped_at, self.last_event_at) if m is not None
        ]
        if any(m.tzinfo is None for m in moments):
            raise ValueError("scan times must be aware datetimes")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        if not 1 <= self.lost_after_days <= 365:
            raise ValueError("lost_after_days must be from 1 to 365")

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(ZoneInfo(self.time_zone)).date()

    def timeline(self) -> list[Scan]:
        return sorted(self.scans, key=lambda s: s.occurred_at)

    def last_scan_at(self) -> dt.datetime | None:
        moments = [s.occurred_at for s in self.scans]
        moments += [m for m in (self.last_event_at, self.shipped_at) if m is not None]
        return max(moments, default=None)


@dataclass(frozen=True)
class Problem:
    """A trouble found in a timeline. ``why`` is for the agent (English, stored in the event)."""

    kind: ProblemKind
    rule_id: str
    why: str
    occurred_at: dt.datetime | None = None  # the scan that showed it, if one did
    attempts: int = 0
    days_without_scan: int | None = None
    promised: dt.date | None = None
    estimate: dt.date | None = None
    days_late: int = 0

    def detail(self) -> dict[str, object]:
        """The facts as JSON, for the problem row and the case's timeline."""
        return {
            "why": self.why,
            "rule": self.rule_id,
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "attempts": self.attempts,
            "days_without_scan": self.days_without_scan,
            "promised": self.promised.isoformat() if self.promised else None,
            "estimate": self.estimate.isoformat() if self.estimate else None,
            "days_late": self.days_late,
        }


def _first(scans: list[Scan], status: str) -> Scan | None:
    return next((s for s in scans if s.status == status), None)


def _failed_attempt(
    facts: ShipmentFacts, scans: list[Scan], rule: DetectionRule, today: dt.date
) -> Problem | None:
    if facts.status in FINISHED:
        return None
    failures = [s for s in scans if s.status == TrackingStatus.ATTEMPT_FAILED]
    if not failures:
        return None
    attempts = len(failures)
    last = failures[-1]
    if attempts >= rule.failed_attempts:
        return Problem(
            kind=ProblemKind.FAILED_ATTEMPT,
            rule_id=rule.rule_id,
            why=f"{attempts} failed delivery attempts ({rule.rule_id}: {rule.failed_attempts})",
            occurred_at=failures[rule.failed_attempts - 1].occurred_at,
            attempts=attempts,
        )
    rescheduled = last.estimated_delivery is not None and last.estimated_delivery >= today
    later = (facts.last_scan_at() or last.occurred_at) > last.occurred_at
    waited = (today - facts.local_date(last.occurred_at)).days
    if rescheduled or later or waited < rule.no_reschedule_days:
        return None
    return Problem(
        kind=ProblemKind.FAILED_ATTEMPT,
        rule_id=rule.rule_id,
        why=(
            f"a failed delivery attempt and nothing since for {waited} days "
            f"({rule.rule_id}: {rule.no_reschedule_days})"
        ),
        occurred_at=last.occurred_at,
        attempts=attempts,
    )


def _lost(facts: ShipmentFacts, scans: list[Scan], today: dt.date) -> Problem | None:
    reported = _first(scans, TrackingStatus.LOST) or _first(scans, TrackingStatus.EXPIRED)
    if reported is not None and facts.status != TrackingStatus.DELIVERED:
        return Problem(
            kind=ProblemKind.LOST,
            rule_id="carrier",
            why=f"the carrier reported the parcel {reported.status}",
            occurred_at=reported.occurred_at,
        )
    if facts.status in FINISHED or facts.status in WAITING:
        return None
    last = facts.last_scan_at()
    if last is None:
        return None
    days = (today - facts.local_date(last)).days
    # "More than N days", as the storefront's terms and the lost-parcel policy rule count them.
    if days <= facts.lost_after_days:
        return None
    return Problem(
        kind=ProblemKind.LOST,
        rule_id="terms",
        why=f"no scan for {days} days (the storefront's terms: lost after more than "
        f"{facts.lost_after_days})",
        days_without_scan=days,
    )


def _late(
    facts: ShipmentFacts, scans: list[Scan], rule: DetectionRule, today: dt.date
) -> Problem | None:
    if facts.status in FINISHED or facts.status == TrackingStatus.AVAILABLE_FOR_PICKUP:
        return None
    if any(s.status == TrackingStatus.ATTEMPT_FAILED for s in scans):
        return None  # moved by a missed delivery: the failed-attempt rule speaks for it
    promised, estimate = facts.promised_delivery, facts.estimated_delivery
    if (
        promised is not None
        and estimate is not None
        and (estimate - promised).days >= (rule.late_days)
    ):
        days = (estimate - promised).days
        return Problem(
            kind=ProblemKind.LATE,
            rule_id=rule.rule_id,
            why=f"the estimate moved {days} days past the first one ({rule.rule_id}: "
            f"{rule.late_days})",
            promised=promised,
            estimate=estimate,
            days_late=days,
        )
    due = estimate or promised
    if due is not None and (today - due).days >= rule.overdue_days:
        days = (today - due).days
        return Problem(
            kind=ProblemKind.LATE,
            rule_id=rule.rule_id,
            why=f"the expected delivery day passed {days} days ago ({rule.rule_id}: "
            f"{rule.overdue_days})",
            promised=promised,
            estimate=estimate,
            days_late=days,
        )
    return None


def detect(facts: ShipmentFacts, rules: Sequence[DetectionRule], today: dt.date) -> list[Problem]:
    """Every problem the timeline shows today, worst first, without the ones a worse one
    explains (see ``SUPERSEDES``). Pure: the same facts, rules and day give the same answer."""
    rule = rule_for(carrier=facts.carrier, country=facts.country, rules=rules)
    scans = facts.timeline()
    found: list[Problem] = []
    returned = _first(scans, TrackingStatus.RETURNED_TO_SENDER)
    if returned is not None:
        found.append(
            Problem(
                kind=ProblemKind.RETURNED_TO_SENDER,
                rule_id="carrier",
                why="the carrier is returning the parcel to the sender",
                occurred_at=returned.occurred_at,
            )
        )
    damaged = _first(scans, TrackingStatus.DAMAGED)
    if damaged is not None:
        found.append(
            Problem(
                kind=ProblemKind.DAMAGED,
                rule_id="carrier",
                why="the carrier reported the parcel damaged",
                occurred_at=damaged.occurred_at,
            )
        )
    for candidate in (
        _lost(facts, scans, today),
        _failed_attempt(facts, scans, rule, today),
        _late(facts, scans, rule, today),
    ):
        if candidate is not None:
            found.append(candidate)
    dropped = {k for p in found for k in SUPERSEDES.get(p.kind, frozenset())}
    return [p for p in found if p.kind not in dropped]
