"""The console's queues: one function per queue, each a filter on what the agent may see.

Every queue starts from ``cases_visible_to(user)`` and keeps open cases only, so a queue can
never show or count a case its reader may not open. For speed at 100,000s of cases, counts and
lists read the visible cases in pieces that each start from an index (team/status,
assignee/status, brand/status, commitments' state/due time; see ``_pieces``): all the counts
are one pass per piece, and the rows of a page load what they show in a fixed number of
queries, however many rows there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amends.accounts.models import Role, User
from amends.carriers.models import Shipment
from amends.cases.events import EventKind
from amends.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus, Priority
from amends.cases.selectors import cases_visible_to, is_admin, teams_of, user_may_work_case
from amends.commerce.models import Order
from amends.commitments.models import Commitment, CommitmentState
from amends.console.countdown import SOON, countdown_patterns, countdown_state, countdown_text

CHURN_RISK_THRESHOLD = 0.5
PAGE_SIZE = 50
_AT_RISK = Q(churn_risk__gte=CHURN_RISK_THRESHOLD) | Q(priority=Priority.URGENT)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    description: str | Promise


QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        Queue("mine", _("Mine"), _("Open cases assigned to you.")),
        Queue("team", _("My teams"), _("Open cases of the teams you work in.")),
        Queue("unassigned", _("Unassigned"), _("Open cases waiting in a team queue.")),
        Queue("due_soon", _("Due soon"), _("Promises due within the next hours, or overdue.")),
        Queue("broken", _("Broken promises"), _("Open cases with a promise that was broken.")),
        Queue("at_risk", _("At risk"), _("Customers likely to leave, and urgent cases.")),
        Queue("waiting", _("Waiting on a third party"), _("Waiting on a carrier or a seller.")),
        Queue("all", _("Everything I can see"), _("Every open case you may open.")),
    )
}
DEFAULT_QUEUE = "mine"


def queue_key(raw: str | None) -> str:
    """A known queue name, or the default one for anything else (hostile input included)."""
    return raw if raw in QUEUES else DEFAULT_QUEUE


def _visible(user: User) -> QuerySet[Case]:
    """What the reader may see; queues are for staff only (a customer has none)."""
    if not user_may_work_case(user):
        return Case.objects.none()
    return cases_visible_to(user)


def _open_visible(user: User) -> QuerySet[Case]:
    return _visible(user).filter(status__in=OPEN_STATUSES)


def _open_commitments(**filters: object) -> QuerySet[Commitment]:
    return Commitment.objects.filter(case=OuterRef("pk"), state=CommitmentState.OPEN, **filters)


def _promised(**filters: object) -> QuerySet[Commitment, int]:
    """The ids of the cases with such promises (found through the state/due-time index)."""
    return Commitment.objects.filter(**filters).values_list("case_id", flat=True)


def queue_mine(*, user: User) -> QuerySet[Case]:
    return _open_visible(user).filter(assignee=user).order_by("-priority", "-id")


def queue_team(*, user: User) -> QuerySet[Case]:
    return (
        _open_visible(user)
        .filter(team_id__in=teams_of(user).values("id"))
        .order_by("-priority", "-id")
    )


def queue_unassigned(*, user: User) -> QuerySet[Case]:
    return _open_visible(user).filter(assignee__isnull=True).order_by("-priority", "-id")


def queue_due_soon(
    *, user: User, within: dt.timedelta = SOON, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """Cases with an open promise due within ``within`` (or already past due), soonest first."""
    horizon = (now or timezone.now()) + within
    first_due = _open_commitments().order_by("due_at", "id").values("due_at")[:1]
    return (
        _open_visible(user)
        .filter(pk__in=_promised(state=CommitmentState.OPEN, due_at__lte=horizon))
        .annotate(first_due=Subquery(first_due))
        .order_by("first_due", "-id")
    )


def queue_broken(*, user: User) -> QuerySet[Case]:
    broken = _promised(state=CommitmentState.BROKEN)
    return _open_visible(user).filter(pk__in=broken).order_by("-priority", "-id")


def queue_at_risk(*, user: User) -> QuerySet[Case]:
    """Churn signals first (highest risk first), then urgent cases."""
    return (
        _open_visible(user)
        .filter(_AT_RISK)
        .order_by(F("churn_risk").desc(nulls_last=True), "-priority", "-id")
    )


def queue_waiting(*, user: User) -> QuerySet[Case]:
    return (
        _visible(user).filter(status=CaseStatus.WAITING_ON_THIRD_PARTY).order_by("-priority", "-id")
    )


def queue_all(*, user: User) -> QuerySet[Case]:
    return _open_visible(user).order_by("-priority", "-id")


_SELECTORS: dict[str, Callable[..., QuerySet[Case]]] = {
    "mine": queue_mine,
    "team": queue_team,
    "unassigned": queue_unassigned,
    "due_soon": queue_due_soon,
    "broken": queue_broken,
    "at_risk": queue_at_risk,
    "waiting": queue_waiting,
    "all": queue_all,
}


def queue_cases(*, user: User, name: str) -> QuerySet[Case]:
    """The cases of queue ``name`` (an unknown name reads as the default queue), in its order."""
    return _SELECTORS[queue_key(name)](user=user)


def _pieces(user: User) -> list[Q]:
    """The reader's visible cases cut into disjoint pieces that each start from an index.

    ``cases_visible_to`` says "in one of my teams OR assigned to me"; a database cannot count
    an OR of two indexes quickly (SQLite scans the whole table). Each piece here is ANDed with
    ``cases_visible_to`` as well, so a piece can never add a case the reader may not see; the
    tests check that the pieces add up to exactly the visible cases for every role.
    """
    if is_admin(user):
        return [Q()]
    if user.role == Role.SUPERVISOR:
        return [Q(brand_id__in=list(user.brands.values_list("pk", flat=True)))]
    teams = _team_ids(user)
    return [Q(team_id__in=teams), Q(assignee=user) & ~Q(team_id__in=teams)]


def _team_ids(user: User) -> list[int]:
    return list(teams_of(user).order_by("pk").values_list("pk", flat=True))


def queue_counts(
    *, user: User, within: dt.timedelta = SOON, now: dt.datetime | None = None
) -> dict[str, int]:
    """How many cases each queue holds, for the tabs.

    One pass per piece of the reader's visible open cases (one for a supervisor or an
    administrator, two for an agent), every queue a ``COUNT(*) FILTER (…)`` of it; promises
    are looked up through their (state, due time) index.
    """
    counts = dict.fromkeys(QUEUES, 0)
    if not user_may_work_case(user):
        return counts
    horizon = (now or timezone.now()) + within
    conditions = {
        "mine": Q(assignee=user),
        "team": Q(team_id__in=_team_ids(user)),
        "unassigned": Q(assignee__isnull=True),
        "due_soon": Q(pk__in=_promised(state=CommitmentState.OPEN, due_at__lte=horizon)),
        "broken": Q(pk__in=_promised(state=CommitmentState.BROKEN)),
        "at_risk": _AT_RISK,
        "waiting": Q(status=CaseStatus.WAITING_ON_THIRD_PARTY),
    }
    aggregates = {key: Count("pk", filter=q) for key, q in conditions.items()}
    for piece in _pieces(user):
        totals = _open_visible(user).filter(piece).aggregate(all=Count("pk"), **aggregates)
        for key in counts:
            counts[key] += int(totals[key] or 0)
    return counts


@dataclass
class QueueRow:
    """One line of a queue page, with its words worked out once here rather than by template
    tags in every row (a page has 50 rows; per-row look-ups were most of its render time)."""

    case: Case
    next_due: dt.datetime | None = None
    waiting_on: Sequence[tuple[str, str]] = ()  # (party kind, name), e.g. ("carrier", "SEUR")
    url: str = ""
    status: str = ""  # the status's label in the reader's language
    priority: str = ""
    urgent: bool = False
    owner: str = ""
    due_text: str = ""  # "in 3 h 20 min", "overdue by 2 h"
    due_state: str = ""  # overdue / soon / later
    churn_percent: int | None = None


# How each queue is ordered, as the fields its order reads and a Python sort key over
# (pk, *fields) that gives the same order (to merge the pieces of an agent's queue).
def _by_priority(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, priority = row
    return (-priority, -pk)


def _by_due(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, first_due = row
    return (first_due is None, first_due or dt.datetime.max.replace(tzinfo=dt.UTC), -pk)


def _by_risk(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, churn, priority = row
    return (churn is None, -(churn or 0.0), -priority, -pk)


_ORDER: dict[str, tuple[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]]]] = {
    "due_soon": (("first_due",), _by_due),
    "at_risk": (("churn_risk", "priority"), _by_risk),
}
_DEFAULT_ORDER: tuple[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]]] = (
    ("priority",),
    _by_priority,
)


def queue_ids(*, user: User, name: str, limit: int = PAGE_SIZE) -> list[int]:
    """The ids of the first ``limit`` cases of a queue, in its order.

    Each piece of the reader's visible cases (see ``_pieces``) is read through its own index
    and the pieces are merged here, instead of one query on an OR that the database would
    answer by reading the whole table.
    """
    name = queue_key(name)
    fields, key = _ORDER.get(name, _DEFAULT_ORDER)
    pieces = _pieces(user)
    if len(pieces) == 1:
        qs = queue_cases(user=user, name=name).filter(pieces[0])
        return list(qs.values_list("pk", flat=True)[:limit])
    rows: list[tuple[Any, ...]] = []
    for piece in pieces:
        qs = queue_cases(user=user, name=name).filter(piece)
        rows.extend(qs.values_list("pk", *fields)[:limit])
    return [row[0] for row in sorted(rows, key=key)[:limit]]


def queue_rows(*, user: User, name: str, limit: int = PAGE_SIZE) -> list[QueueRow]:
    """The first ``limit`` rows of a queue and what the list shows, in a fixed number of queries."""
    name = queue_key(name)
    ids = queue_ids(user=user, name=name, limit=limit)
    loaded = (
        cases_visible_to(user)
        .filter(pk__in=ids)
        .select_related("brand", "customer", "team", "assignee")
        .only(*_ROW_FIELDS)
    )
    by_id = {c.pk: c for c in loaded}
    cases = [by_id[i] for i in ids if i in by_id]
    due = dict(
        Commitment.objects.filter(case_id__in=ids, state=CommitmentState.OPEN)
        .values("case_id")
        .annotate(first=Min("due_at"))
        .values_list("case_id", "first")
    )
    parties = waiting_parties(case_ids=ids) if name == "waiting" else {}
    words = _RowWords()
    return [words.row(c, next_due=due.get(c.pk), waiting_on=parties.get(c.pk, ())) for c in cases]


# What a row shows, and no more: the storefront's opening hours and languages, the case's
# intents and so on would be read and decoded 50 times for nothing.
_ROW_FIELDS = (
    "id",
    "subject",
    "status",
    "priority",
    "churn_risk",
    "bounces",
    "brand__code",
    "customer__name",
    "customer__is_premium",
    "team__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
)


class _RowWords:
    """The labels and countdown words of one page, each looked up once."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.patterns = countdown_patterns()
        self.statuses = {value: str(label) for value, label in CaseStatus.choices}
        self.priorities = {value: str(label) for value, label in Priority.choices}

    def row(
        self, case: Case, *, next_due: dt.datetime | None, waiting_on: Sequence[tuple[str, str]]
    ) -> QueueRow:
        row = QueueRow(
            case=case,
            next_due=next_due,
            waiting_on=waiting_on,
            url=reverse("console-case", args=[case.pk]),
            status=self.statuses.get(case.status, case.status),
            priority=self.priorities.get(case.priority, str(case.priority)),
            urgent=case.priority == Priority.URGENT,
            owner=case.owner_label(),
            churn_percent=None if case.churn_risk is None else round(case.churn_risk * 100),
        )
        if next_due is not None:
            row.due_text = countdown_text(due_at=next_due, now=self.now, patterns=self.patterns)
            row.due_state = countdown_state(due_at=next_due, now=self.now)
        return row


def next_case_after(*, user: User, name: str, case: Case) -> int | None:
    """The case an agent works next in this queue: the one after ``case`` in the list, or — if
    ``case`` is no longer in the queue (just taken, solved…) — the first other one."""
    ids = queue_ids(user=user, name=name, limit=PAGE_SIZE + 1)
    after = ids[ids.index(case.pk) + 1 :] if case.pk in ids else ids
    return next((i for i in after if i != case.pk), None)


_PARTY_KINDS = {"carrier", "seller"}


def waiting_parties(*, case_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Who each case waits on, as far as the timeline or the linked orders say.

    The last status change may name the party (``data["party"]`` = "carrier" or "seller", with
    ``data["party_name"]``); otherwise the sellers of the linked orders and the carriers of their
    parcels not yet delivered are the candidates.
    """
    ids = list(case_ids)
    found: dict[int, list[tuple[str, str]]] = {}
    if not ids:
        return found
    named: dict[int, tuple[str, str]] = {}
    for case_id, data in (
        CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.STATUS_CHANGED)
        .order_by("case_id", "-id")
        .values_list("case_id", "data")
    ):
        if case_id in named or not isinstance(data, dict):
            continue
        party = data.get("party")
        if data.get("to") == CaseStatus.WAITING_ON_THIRD_PARTY and party in _PARTY_KINDS:
            named[case_id] = (str(party), str(data.get("party_name") or ""))
        else:
            named.setdefault(case_id, ("", ""))
    for case_id, (kind, who) in named.items():
        if kind:
            found[case_id] = [(kind, who)]
    rest = [i for i in ids if i not in found]
    if not rest:
        return found
    sellers = (
        Order.objects.filter(cases__in=rest, seller__isnull=False)
        .values_list("cases", "seller__name")
        .distinct()
    )
    carriers = (
        Shipment.objects.filter(order__cases__in=rest, delivered_at__isnull=True)
        .values_list("order__cases", "carrier__name")
        .distinct()
    )
    for kind, pairs in (("seller", sellers), ("carrier", carriers)):
        for case_id, who in sorted(pairs):
            entry = (kind, who)
            if entry not in found.setdefault(case_id, []):
                found[case_id].append(entry)
    return found
