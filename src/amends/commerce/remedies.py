"""Remedies: decided by the policy engine, carried out by the shop once, promised and kept.

The steps, each its own transaction so that a crash anywhere leaves a state that the next step
picks up and never a remedy carried out twice:

1. :func:`remedy_grant` — an agent (or a customer, self-service) asks for a remedy on an order.
   The engine decides on the order's facts (``policies.facts``) and the active rules; the
   decision is stored on a :class:`~amends.commerce.models.Remedy` with its rules and the event
   ``remedy_decided``. The request carries an idempotency key: the same key again (a double
   click, a retried request) returns the first remedy and decides nothing again.
2. :func:`remedy_approve` — a remedy that needs approval is decided again with the approver's
   authority; allowed, it goes on.
3. :func:`remedy_execute` (a task, after commit) — the shop carries it out through the commerce
   adapter with the remedy's own idempotency key, so a retried task or a second worker gets the
   shop's first receipt back and nothing happens twice at the shop either. The order's snapshot
   is refreshed, ``remedy_executed`` appended, and the promise the customer is told becomes a
   commitment ("your refund reaches your account within 3 business days").
4. :func:`remedy_confirmed` — called from ``commerce.confirmations.shop_confirmed`` when the shop
   says it happened (the payment provider settled the refund): the commitment is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_tasks import task

from amends.accounts.models import Role, User
from amends.cases import events
from amends.cases.events import EventKind
from amends.cases.models import Case
from amends.commerce.adapters.base import LineQuantity, Receipt, ShopError
from amends.commerce.backend import shop
from amends.commerce.contradictions import check_orders
from amends.commerce.models import Order, Remedy, RemedyKind, RemedyStatus
from amends.commerce.sellers import seller_charge_record
from amends.commitments.models import Commitment, CommitmentKind, CommitmentState
from amends.commitments.services import Due, commitment_keep, commitment_make
from amends.core import register
from amends.core.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound
from amends.customers.models import IdentityKind
from amends.policies.decisions import Decision, Outcome, RemedyRequest
from amends.policies.decisions import Remedy as RemedyChoice
from amends.policies.engine import evaluate
from amends.policies.facts import facts_for_order
from amends.policies.ruleset import active_rules
from amends.web.templatetags.amends_format import money

logger = logging.getLogger(__name__)

MAX_KEY = 80
# What the customer is told once the shop has the remedy, by kind; the commitment's words.
PROMISES: dict[str, tuple[str, str]] = {
    RemedyKind.REFUND_FULL: (
        CommitmentKind.REFUND,
        gettext_noop("Your refund of %(amount)s reaches your account"),
    ),
    RemedyKind.REFUND_PARTIAL: (
        CommitmentKind.REFUND,
        gettext_noop("Your refund of %(amount)s reaches your account"),
    ),
    RemedyKind.PRICE_ADJUSTMENT: (
        CommitmentKind.REFUND,
        gettext_noop("The price difference of %(amount)s reaches your account"),
    ),
    RemedyKind.MEMBERSHIP_CANCELLATION: (
        CommitmentKind.REFUND,
        gettext_noop("Your membership ends and %(amount)s reaches your account"),
    ),
    RemedyKind.GOODWILL_CREDIT: (
        CommitmentKind.REFUND,
        gettext_noop("A credit of %(amount)s is added to your account"),
    ),
    RemedyKind.RESHIP: (
        CommitmentKind.REPLACEMENT,
        gettext_noop("A replacement reaches you"),
    ),
    RemedyKind.REDELIVERY: (
        CommitmentKind.DELIVERY_ESTIMATE,
        gettext_noop("Your parcel is delivered again"),
    ),
    RemedyKind.RETURN_LABEL: (
        CommitmentKind.OTHER,
        gettext_noop("Your return label is sent to you"),
    ),
}
DEFAULT_PROMISE_DAYS = 3  # business days, when the shop names no date
_STATUS_BY_OUTCOME = {
    Outcome.ALLOWED: RemedyStatus.APPROVED,
    Outcome.NEEDS_APPROVAL: RemedyStatus.NEEDS_APPROVAL,
    Outcome.DENIED: RemedyStatus.DENIED,
}
_APPROVERS: dict[str, str] = {
    Role.SUPERVISOR: "supervisor",
    Role.ADMIN: "supervisor",
    Role.AGENT: "agent",
}


def _role_of(actor: User | None) -> str:
    if actor is None or actor.role == Role.CUSTOMER:
        return "customer"
    return _APPROVERS.get(actor.role, "customer")


def decision_data(decision: Decision) -> dict[str, Any]:
    """The decision as stored on the remedy and in its event (JSON)."""
    return decision.as_data()


def remedy_decide(
    *,
    order: Order,
    request: RemedyRequest,
    reported_problem: str | None = None,
    today: dt.date | None = None,
    current_price: Decimal | None = None,
) -> Decision:
    """What the policy allows for this order, without changing anything (the console's
    preview, the portal's offer)."""
    facts = facts_for_order(
        order=order, reported_problem=reported_problem, today=today, current_price=current_price
    )
    return evaluate(facts=facts, request=request, rules=active_rules())


def _check_key(idempotency_key: str) -> str:
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            f"an idempotency key of 1 to {MAX_KEY} characters is required",
            errors={"idempotency_key": "required, at most 80 characters"},
        )
    return key


def remedy_grant(
    *,
    case: Case,
    order: Order,
    remedy: str,
    actor: User | None,
    idempotency_key: str,
    amount: Decimal | None = None,
    reported_problem: str | None = None,
    current_price: Decimal | None = None,
) -> Remedy:
    """Ask for a remedy on an order of a case; the policy decides. Idempotent by key."""
    key = _check_key(idempotency_key)
    existing = Remedy.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_request(existing, case=case, remedy=remedy)
    if remedy not in RemedyKind.values:
        raise InvalidInput(f"unknown remedy {remedy!r}", errors={"remedy": "unknown"})
    if not case.orders.filter(pk=order.pk).exists():
        raise InvalidInput(
            f"order {order.number} is not linked to case {case.reference}",
            errors={"order_id": "not on this case"},
        )
    if amount is not None and (not amount.is_finite() or amount <= 0):
        raise InvalidInput("the amount must be above zero", errors={"amount": "above zero"})
    request = RemedyRequest(remedy=RemedyChoice(remedy), amount=amount, role=_role_of(actor))
    decision = remedy_decide(
        order=order,
        request=request,
        reported_problem=reported_problem,
        current_price=current_price,
    )
    try:
        with transaction.atomic():
            granted = Remedy.objects.create(
                case=case,
                order=order,
                kind=remedy,
                status=_STATUS_BY_OUTCOME[decision.outcome],
                amount=decision.amount,
                currency=decision.currency or order.currency,
                decided_by=actor if actor is not None and actor.role != Role.CUSTOMER else None,
                decision={
                    **decision_data(decision),
                    # What the request said, so an approver decides on the same facts.
                    "reported_problem": reported_problem,
                    "current_price": None if current_price is None else str(current_price),
                },
                idempotency_key=key,
            )
            events.remedy_event(
                case=case,
                kind=EventKind.REMEDY_DECIDED,
                actor=actor,
                remedy_id=granted.pk,
                remedy=remedy,
                outcome=str(decision.outcome),
                amount=None if decision.amount is None else str(decision.amount),
                currency=granted.currency,
                rules=decision_data(decision)["rules"],
                explanation=list(decision.explanation),
            )
            if granted.status == RemedyStatus.APPROVED:
                _execute_after_commit(granted)
    except IntegrityError:  # the same key, a moment ago, from a concurrent request
        existing = Remedy.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_request(existing, case=case, remedy=remedy)
    return granted


def _same_request(existing: Remedy, *, case: Case, remedy: str) -> Remedy:
    if existing.case_id != case.pk or existing.kind != remedy:
        raise Conflict(
            "this idempotency key was used for another request; use a new key",
            code=ErrorCode.CONFLICT,
        )
    return existing


def _execute_after_commit(remedy: Remedy) -> None:
    remedy_id = remedy.pk
    transaction.on_commit(lambda: remedy_execute.enqueue(remedy_id=remedy_id))


@transaction.atomic
def remedy_approve(*, remedy: Remedy, actor: User) -> Remedy:
    """An approver decides again with their own authority; allowed, the shop carries it out."""
    locked = (
        Remedy.objects.select_for_update(of=("self",))
        .select_related("case", "order")
        .get(pk=remedy.pk)
    )
    if locked.status != RemedyStatus.NEEDS_APPROVAL:
        raise Conflict(
            f"this remedy is {locked.status}, not waiting for approval", code=ErrorCode.CONFLICT
        )
    if locked.order is None:
        raise NotFound("the remedy's order no longer exists")
    role = _role_of(actor)
    if role == "customer":
        raise InvalidInput("only staff approve remedies", errors={"actor": "not staff"})
    # Administrators are the shop's managers: the approvers above every limit (the rules'
    # ``above_all``), so their authority covers the remedy whatever its amount.
    unlimited = actor.role == Role.ADMIN and locked.amount is not None
    request = RemedyRequest(
        remedy=RemedyChoice(locked.kind),
        amount=locked.amount,
        role=role,
        authority_limit=locked.amount if unlimited else None,
    )
    asked = locked.decision or {}
    price = asked.get("current_price")
    decision = remedy_decide(
        order=locked.order,
        request=request,
        reported_problem=asked.get("reported_problem"),
        current_price=Decimal(price) if price else None,
    )
    if decision.outcome != Outcome.ALLOWED:
        raise Conflict(
            f"your authority does not cover this remedy ({decision.outcome}); "
            + " ".join(decision.explanation),
            code=ErrorCode.CONFLICT,
        )
    locked.status = RemedyStatus.APPROVED
    locked.decided_by = actor
    locked.decision = {**locked.decision, "approval": decision_data(decision)}
    locked.save(update_fields=["status", "decided_by", "decision", "updated_at"])
    events.remedy_event(
        case=locked.case,
        kind=EventKind.REMEDY_APPROVED,
        actor=actor,
        remedy_id=locked.pk,
        remedy=locked.kind,
        rules=decision_data(decision)["rules"],
    )
    _execute_after_commit(locked)
    return locked


def _customer_email(order: Order) -> str:
    identity = order.customer.identities.filter(kind=IdentityKind.EMAIL).order_by("id").first()
    if identity is None:
        raise ShopError(f"customer of order {order.number} has no email address", permanent=True)
    return identity.value


def _carry_out(remedy: Remedy, order: Order) -> Receipt:
    backend = shop()
    key = remedy.idempotency_key
    brand = order.brand.code
    amount = remedy.amount or Decimal("0")
    reason = f"case {remedy.case.reference}"
    lines = [LineQuantity(sku=line.sku, quantity=line.quantity) for line in order.lines.all()]
    kind = remedy.kind
    if kind in {RemedyKind.REFUND_FULL, RemedyKind.REFUND_PARTIAL}:
        return backend.refund(
            order_number=order.number,
            brand_code=brand,
            amount=amount,
            reason=reason,
            idempotency_key=key,
        )
    if kind == RemedyKind.PRICE_ADJUSTMENT:
        return backend.price_adjustment(
            order_number=order.number, brand_code=brand, amount=amount, idempotency_key=key
        )
    if kind == RemedyKind.RESHIP:
        return backend.reship(
            order_number=order.number,
            brand_code=brand,
            lines=lines,
            reason=reason,
            idempotency_key=key,
        )
    if kind == RemedyKind.RETURN_LABEL:
        return backend.return_label(
            order_number=order.number, brand_code=brand, lines=lines, idempotency_key=key
        )
    if kind == RemedyKind.REDELIVERY:
        parcel = order.shipments.order_by("-id").first()
        if parcel is None:
            raise ShopError(f"order {order.number} has no parcel to deliver again", permanent=True)
        return backend.redelivery(
            order_number=order.number,
            brand_code=brand,
            tracking_number=parcel.tracking_number,
            on=None,
            idempotency_key=key,
        )
    if kind == RemedyKind.GOODWILL_CREDIT:
        return backend.goodwill_credit(
            customer_email=_customer_email(order),
            brand_code=brand,
            amount=amount,
            reason=reason,
            idempotency_key=key,
        )
    if kind == RemedyKind.MEMBERSHIP_CANCELLATION:
        return backend.membership_cancel(
            customer_email=_customer_email(order),
            brand_code=brand,
            refund=amount,
            idempotency_key=key,
        )
    raise ShopError(f"unknown remedy {kind!r}", permanent=True)


def _promise_owner(remedy: Remedy) -> User | None:
    """Who keeps the promise: who granted the remedy, else the case's agent, else its team's
    lead. None: nobody who could keep it; the remedy is carried out without a promise."""
    staff = {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}
    for user in (remedy.decided_by, remedy.case.assignee, remedy.case.team.lead):
        if user is not None and user.is_active and user.role in staff:
            return user
    return None


def _promise(remedy: Remedy, receipt: Receipt) -> Commitment | None:
    kind, words = PROMISES[remedy.kind]
    owner = _promise_owner(remedy)
    if owner is None or not remedy.case.is_open:
        return None
    amount = receipt.amount if receipt.amount is not None else remedy.amount
    # The promise in the customer's words: their language and register (the portal shows it).
    customer = remedy.case.customer
    language = customer.language or remedy.case.brand.default_language
    with register.override(language, customer.register):
        description = gettext(words) % {
            "amount": money(amount, receipt.currency or remedy.currency)
        }
    due = (
        Due(at=receipt.expected_by)
        if receipt.expected_by is not None and receipt.expected_by > timezone.now()
        else Due(business_days=DEFAULT_PROMISE_DAYS)
    )
    try:
        return commitment_make(
            case=remedy.case, actor=owner, kind=kind, description=description, due=due, owner=owner
        )
    except DomainError:  # carried out all the same; the event says so, the agent promises
        logger.warning("no promise could be made on remedy %s", remedy.pk, exc_info=True)
        return None


@task()
def remedy_execute(*, remedy_id: int) -> str:
    """Carry out an approved remedy at the shop. Safe to run twice: the shop sees the same
    idempotency key, and a remedy no longer approved is left alone."""
    with transaction.atomic():
        remedy = (
            Remedy.objects.select_for_update(of=("self",))
            .select_related("case__team", "case__assignee", "order__brand", "decided_by")
            .filter(pk=remedy_id)
            .first()
        )
        if remedy is None:
            return "missing"
        if remedy.status != RemedyStatus.APPROVED:
            return str(remedy.status)
        order = remedy.order
        if order is None:
            return _failed(remedy, "the order no longer exists")
        try:
            receipt = _carry_out(remedy, order)
        except ShopError as exc:
            if exc.permanent:
                return _failed(remedy, str(exc))
            raise  # the task is retried; the shop sees the same key again
        remedy.status = RemedyStatus.EXECUTED
        remedy.executed_at = timezone.now()
        remedy.shop_reference = receipt.reference[:80]
        remedy.decision = {
            **remedy.decision,
            "receipt": {
                "reference": receipt.reference,
                "confirmed": receipt.confirmed,
                "amount": None if receipt.amount is None else str(receipt.amount),
                "expected_by": receipt.expected_by.isoformat() if receipt.expected_by else None,
            },
        }
        if receipt.confirmed:
            remedy.confirmed_at = remedy.executed_at
        remedy.commitment = None if receipt.confirmed else _promise(remedy, receipt)
        remedy.save()
        shop().order_sync(brand_code=order.brand.code, number=order.number)
        seller_charge_record(remedy=remedy, order=order)
        # Everything the customer sees must agree after it (a refunded order's parcel still
        # travelling is a case of its own).
        transaction.on_commit(lambda: check_orders([order.pk]))
        events.remedy_event(
            case=remedy.case,
            kind=EventKind.REMEDY_EXECUTED,
            actor=None,
            remedy_id=remedy.pk,
            remedy=remedy.kind,
            reference=receipt.reference,
            confirmed=receipt.confirmed,
            amount=None if remedy.amount is None else str(remedy.amount),
            currency=remedy.currency,
        )
    return "executed"


def _failed(remedy: Remedy, detail: str) -> str:
    remedy.status = RemedyStatus.FAILED
    remedy.decision = {**remedy.decision, "failure": detail[:500]}
    remedy.save(update_fields=["status", "decision", "updated_at"])
    events.remedy_event(
        case=remedy.case,
        kind=EventKind.REMEDY_FAILED,
        actor=None,
        remedy_id=remedy.pk,
        remedy=remedy.kind,
        detail=detail[:300],
    )
    logger.warning("remedy %s failed at the shop: %s", remedy.pk, detail)
    return "failed"


def remedy_confirmed(*, reference: str, confirmed_at: dt.datetime) -> Remedy | None:
    """The shop carried out the remedy with this receipt reference: keep the promise made on
    it. Idempotent; None when no remedy of ours has that reference."""
    with transaction.atomic():
        remedy = (
            Remedy.objects.select_for_update(of=("self",))
            .select_related("case", "commitment")
            .filter(shop_reference=reference)
            .first()
        )
        if remedy is None or remedy.confirmed_at is not None:
            return remedy
        remedy.confirmed_at = confirmed_at
        remedy.save(update_fields=["confirmed_at", "updated_at"])
        events.remedy_event(
            case=remedy.case,
            kind=EventKind.REMEDY_CONFIRMED,
            actor=None,
            remedy_id=remedy.pk,
            reference=reference,
        )
        promise = remedy.commitment
        if promise is not None and promise.state == CommitmentState.OPEN:
            commitment_keep(commitment=promise, actor=None, fulfilled_by=f"remedy:{remedy.pk}")
    return remedy
