"""Shipment problems noticed before the customer writes (issue 5): detection, the case, the notice.

``shipments_changed`` is called by the tracking ingestion (``carriers.ingest``) inside its
transaction with every shipment whose timeline, status or estimate changed; ``proactive_sweep``
(``tasks``) looks at the parcels whose trouble shows only by time passing. Both detect problems
(``rules.detect``) and, for each new one:

1. insert its :class:`ShipmentProblem` row — the unique ``(shipment, kind)`` lets exactly one of
   any number of concurrent transactions through, so a replayed event, a second failed attempt
   or two webhooks at once never open a second case or send a second notice;
2. open a case for it, or join the customer's open case about the order (the order row is
   locked first, so two problems of one order at once end in one case);
3. write the notice (``notices``) with the choices the policy allows (``offers``).

Steps 2 and 3 run in savepoints: whatever goes wrong there (no team to own the case, a faulty
policy rule) is kept on the problem row (``last_error``) and tried again by the sweep, and never
rolls back the tracking events being ingested.

**Which queue.** A proactive case goes to the storefront's deliveries queue when it has one: a
team of the storefront (or, failing that, one serving every storefront) whose slug is
``deliveries`` or ends in ``-deliveries`` (``fr-deliveries``); otherwise to the storefront's
default queue (``cases.services.default_team_for``). A problem that joins an open case leaves it
with its owner, who already knows the customer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from amends.accounts.models import Team
from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.cases.models import Case, CaseStatus, Channel, Priority
from amends.cases.reasons import CARRIER_REPORTED
from amends.cases.services import case_open, case_set_priority, case_set_status, default_team_for
from amends.commerce.models import Order
from amends.commitments.models import CommitmentState
from amends.commitments.services import commitment_keep
from amends.core.errors import DomainError
from amends.notifications.services import notify
from amends.policies.facts import facts_for_order
from amends.policies.ruleset import active_rules
from amends.policies.selectors import today_for_brand
from amends.proactive import events, selectors
from amends.proactive.models import ShipmentProblem
from amends.proactive.notices import case_subject, notice_language, notice_send
from amends.proactive.offers import REPORTED, Offers, offers_for
from amends.proactive.rules import RULES, DetectionRule, Problem, ProblemKind, detect
from amends.proactive.selectors import Parcel

logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 5
DELIVERIES = "deliveries"

PRIORITY: dict[ProblemKind, int] = {
    ProblemKind.FAILED_ATTEMPT: Priority.NORMAL,
    ProblemKind.LATE: Priority.NORMAL,
    ProblemKind.RETURNED_TO_SENDER: Priority.HIGH,
    ProblemKind.DAMAGED: Priority.HIGH,
    ProblemKind.LOST: Priority.HIGH,
}
INTENT: dict[ProblemKind, str] = {
    ProblemKind.FAILED_ATTEMPT: "delivery_failed",
    ProblemKind.RETURNED_TO_SENDER: "delivery_failed",
    ProblemKind.DAMAGED: "parcel_damaged",
    ProblemKind.LOST: "parcel_lost",
    ProblemKind.LATE: "late_delivery",
}
# Facts whose change is worth a line on the case (not the daily count of days late).
MATERIAL = ("attempts", "estimate", "promised")
# A problem only time can show (no scan, an expected day gone) may be gone by the time it is
# tried again: the parcel arrived. Those are not notified late.
TRANSIENT = frozenset({ProblemKind.FAILED_ATTEMPT, ProblemKind.LOST, ProblemKind.LATE})


def _batched(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def delivery_team_for(*, brand: Brand) -> Team:
    """The storefront's deliveries queue if it has one, else its default queue (see above)."""
    named = Q(slug=DELIVERIES) | Q(slug__endswith=f"-{DELIVERIES}")
    team = (
        Team.objects.filter(named, brand=brand, is_senior=False).order_by("id").first()
        or Team.objects.filter(named, brand__isnull=True, is_senior=False).order_by("id").first()
    )
    return team or default_team_for(brand=brand)


def _clean_ids(shipment_ids: Iterable[object]) -> list[int]:
    ids: set[int] = set()
    ignored: list[object] = []
    for value in shipment_ids:
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
            ids.add(value)
        else:
            ignored.append(value)
    if ignored:
        logger.warning(
            "shipments_changed: ignored %s values that are no shipment id, e.g. %r",
            len(ignored),
            ignored[:5],
        )
    return sorted(ids)


def shipments_changed(*, shipment_ids: Sequence[int]) -> None:
    """Called by the tracking ingestion inside its transaction, with the shipments whose
    timeline or estimate just changed. Never raises for a shipment's data or for a case or
    notice that cannot be written; those are logged and kept for the sweep."""
    examine(shipment_ids=_clean_ids(shipment_ids), now=timezone.now())


def examine(
    *, shipment_ids: Sequence[int], now: dt.datetime, rules: Sequence[DetectionRule] = RULES
) -> int:
    """Detect the problems of these shipments and act on the new ones; returns how many."""
    found = 0
    for chunk in _batched(shipment_ids, BATCH):
        existing = {
            (row.shipment_id, row.kind): row
            for row in ShipmentProblem.objects.filter(shipment_id__in=chunk).select_related("case")
        }
        batch = selectors.parcels(chunk)
        brands = selectors.brands_by_id(p.brand_id for p in batch)
        new: list[tuple[Parcel, Problem]] = []
        for parcel in batch:
            for problem in _detect(parcel, brands[parcel.brand_id], rules=rules, now=now):
                row = existing.get((parcel.id, problem.kind))
                if row is None:
                    new.append((parcel, problem))
                else:
                    _note_change(row, problem)
            promised = any((parcel.id, k) in existing for k in (ProblemKind.LATE, ProblemKind.LOST))
            if promised and parcel.status == TrackingStatus.DELIVERED:
                _keep_promises(shipment_id=parcel.id)
        if not new:
            continue
        shipments = selectors.shipments_for_cases(parcel.id for parcel, _problem in new)
        inserted = [
            (shipments[parcel.id], row)
            for parcel, problem in new
            if (row := _insert(shipment=shipments[parcel.id], problem=problem, now=now))
        ]
        # Orders are locked in one order by every transaction, so two cannot wait on each other.
        for shipment, row in sorted(inserted, key=lambda item: (item[0].order_id, item[0].pk)):
            problem_handle(problem=row, shipment=shipment, now=now)
        found += len(inserted)
    return found


def _detect(
    parcel: Parcel, brand: Brand, *, rules: Sequence[DetectionRule], now: dt.datetime
) -> list[Problem]:
    try:
        facts = selectors.parcel_facts(parcel, brand)
        return detect(facts, rules, today_for_brand(brand, now=now))
    except ValueError as exc:  # a naive time or an unknown zone in stored data
        logger.warning("shipment %s cannot be examined: %s", parcel.id, exc)
        return []


def _insert(*, shipment: Shipment, problem: Problem, now: dt.datetime) -> ShipmentProblem | None:
    """The problem's row, or None when another transaction has it (it then acts on it)."""
    try:
        with transaction.atomic():
            return ShipmentProblem.objects.create(
                shipment=shipment,
                kind=problem.kind,
                detected_at=now,
                rule=problem.rule_id[:40],
                detail=problem.detail(),
            )
    except IntegrityError:
        return None


def _note_change(row: ShipmentProblem, problem: Problem) -> None:
    """The same problem with new facts (a third attempt, a new estimate): a line on the case."""
    before = row.detail if isinstance(row.detail, dict) else {}
    after = problem.detail()
    if all(before.get(key) == after.get(key) for key in MATERIAL):
        return
    updated = ShipmentProblem.objects.filter(pk=row.pk, detail=row.detail).update(detail=after)
    row.detail = after
    if updated and row.case is not None:
        events.shipment_problem_changed(
            case=row.case, problem_id=row.pk, kind=row.kind, before=before, after=after
        )


def _keep_promises(*, shipment_id: int) -> None:
    """The parcel arrived: the notices' promises about it being late or lost are kept."""
    rows = ShipmentProblem.objects.filter(
        shipment_id=shipment_id,
        kind__in=[ProblemKind.LATE, ProblemKind.LOST],
        commitment__state=CommitmentState.OPEN,
    ).select_related("commitment__case")
    for row in rows:
        if row.commitment is None:
            continue
        try:
            commitment_keep(
                commitment=row.commitment, actor=None, fulfilled_by=f"shipment:{shipment_id}"
            )
        except DomainError:  # kept, waived or broken a moment ago by someone else
            continue


def problem_handle(*, problem: ShipmentProblem, shipment: Shipment, now: dt.datetime) -> None:
    """Open or join the case, then notify; each in a savepoint, a failure kept on the row."""
    ShipmentProblem.objects.filter(pk=problem.pk).update(attempts=F("attempts") + 1)
    if problem.case_id is None:
        try:
            with transaction.atomic():
                problem_case(problem=problem, shipment=shipment, now=now)
        except Exception as exc:  # kept for the sweep; the ingestion must go on
            _failed(problem, "case", exc)
            return
    try:
        with transaction.atomic():
            offers = _offers(problem=problem, shipment=shipment, now=now)
            notice_send(problem=problem, offers=offers, now=now)
    except Exception as exc:  # kept for the sweep; the ingestion must go on
        _failed(problem, "notice", exc)


def _failed(problem: ShipmentProblem, step: str, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        logger.warning("shipment problem %s: no %s yet: %s", problem.pk, step, exc)
    else:
        logger.exception("shipment problem %s: no %s yet", problem.pk, step)
    reason = f"{step}: {type(exc).__name__}: {exc}"[:500]
    ShipmentProblem.objects.filter(pk=problem.pk).update(last_error=reason)
    problem.last_error = reason


def _offers(*, problem: ShipmentProblem, shipment: Shipment, now: dt.datetime) -> Offers:
    """The engine's facts about the order and this parcel (``policies.facts``, as for an
    agent's request), what the carrier reported, and the rules in force."""
    kind = ProblemKind(problem.kind)
    facts = facts_for_order(
        order=shipment.order,
        shipment=shipment,
        reported_problem=REPORTED[kind],
        today=today_for_brand(shipment.order.brand, now=now),
    )
    return offers_for(kind=kind, facts=facts, rules=active_rules())


def problem_case(*, problem: ShipmentProblem, shipment: Shipment, now: dt.datetime) -> Case:
    """Open the problem's case, or join the customer's open case about the order."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("brand", "customer__brand")
        .get(pk=shipment.order_id)
    )
    kind = ProblemKind(problem.kind)
    case = selectors.open_case_about(order=order)
    opened = case is None
    if case is None:
        case = case_open(
            brand=order.brand,
            customer=order.customer,
            subject=case_subject(kind=kind, customer=order.customer, order_number=order.number),
            channel=Channel.CARRIER,
            team=delivery_team_for(brand=order.brand),
            priority=PRIORITY[kind],
            language=notice_language(customer=order.customer)[0],
            orders=[order],
            intents=[INTENT[kind]],
        )
    else:
        _join(case=case, kind=kind, problem_id=problem.pk)
    events.shipment_problem(
        case=case,
        problem_id=problem.pk,
        kind=kind,
        shipment_id=shipment.pk,
        tracking_number=shipment.tracking_number,
        carrier=shipment.carrier.code,
        opened=opened,
        detail=problem.detail if isinstance(problem.detail, dict) else {},
    )
    ShipmentProblem.objects.filter(pk=problem.pk).update(case=case, updated_at=now)
    problem.case = case
    return case


def _join(*, case: Case, kind: ProblemKind, problem_id: int) -> None:
    """A new problem on an open case: more urgent if need be, back to work if it was waiting,
    and its agent told."""
    intent = INTENT[kind]
    intents = case.intents if isinstance(case.intents, list) else []
    if intent not in intents:
        Case.objects.filter(pk=case.pk).update(intents=[*intents, intent])
        case.intents = [*intents, intent]
    if PRIORITY[kind] > case.priority:
        case_set_priority(case=case, actor=None, priority=PRIORITY[kind], reason=CARRIER_REPORTED)
    if case.status in {CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.WAITING_ON_THIRD_PARTY}:
        case_set_status(case=case, actor=None, status=CaseStatus.OPEN, reason=CARRIER_REPORTED)
    if case.assignee is not None:
        notify(
            recipient=case.assignee,
            kind="shipment_problem",
            case=case,
            text=f"{case.reference}: the carrier reported a new problem ({kind.value}); "
            "the customer is being told",
            dedupe_key=f"shipment_problem:{problem_id}",
        )


# Parcels one sweep looks at, at most (the next sweep starts again from the lowest id).
SWEEP_MAX = 20_000


def proactive_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What time alone shows (no scan for days, an expected day gone, a failed attempt with
    nothing after it), and the problems whose case or notice failed before. Idempotent: run it
    as often as you like, from any number of workers."""
    now = now or timezone.now()
    examined = found = 0
    after_id = 0
    while examined < SWEEP_MAX:
        ids = selectors.sweep_shipment_ids(now=now, after_id=after_id)
        if not ids:
            break
        for chunk in _batched(ids, 50):
            with transaction.atomic():
                found += examine(shipment_ids=chunk, now=now)
        examined += len(ids)
        after_id = ids[-1]
    retried = 0
    for problem in selectors.problems_to_retry(max_attempts=MAX_ATTEMPTS)[:100]:
        with transaction.atomic():
            retried += _retry(problem_id=problem.pk, now=now)
    return {"examined": examined, "found": found, "retried": retried}


def _retry(*, problem_id: int, now: dt.datetime) -> int:
    problem = (
        ShipmentProblem.objects.select_for_update(of=("self",))
        .filter(pk=problem_id, notified_at__isnull=True)
        .first()
    )
    if problem is None:
        return 0
    [parcel] = selectors.parcels([problem.shipment_id])
    brand = selectors.brands_by_id([parcel.brand_id])[parcel.brand_id]
    kind = ProblemKind(problem.kind)
    found = {p.kind for p in _detect(parcel, brand, rules=RULES, now=now)}
    if kind in TRANSIENT and kind not in found:
        ShipmentProblem.objects.filter(pk=problem.pk).update(
            attempts=MAX_ATTEMPTS, last_error="no longer a problem: not notified"
        )
        return 0
    shipment = selectors.shipments_for_cases([problem.shipment_id])[problem.shipment_id]
    problem_handle(problem=problem, shipment=shipment, now=now)
    return 1
