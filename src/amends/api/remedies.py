"""Remedies: ``/cases/{id}/remedies`` and ``/remedies/{id}/approve``.

The policy decides, never the caller: ``POST /cases/{id}/remedies`` asks
``commerce.remedies.remedy_grant`` and answers 201 with whatever it decided (``approved`` and
on its way to the shop, ``needs_approval``, or ``denied`` with the reasons). A decision the
caller does not like is still a decision, stored with its event, not an error.

Retries are safe: the ``Idempotency-Key`` header is required. The same key again from the same
caller answers 200 with the first remedy and decides nothing again; the same key for a
different request (another case, remedy, order, problem, price or amount) is 409. Keys are the
caller's own: they are stored as ``api:<user id>:<digest>``, so one client's keys never meet
another's or the console's, and any 80-character key fits the stored 80.

Whoever can see a case sees its remedies (a seller only those on its own orders); customers and
sellers see what was decided and the reason in the customer's words, staff also the rules, the
explanation, who bears the cost and who approves. Only staff ask for and approve remedies; an
approver whose authority does not cover the remedy gets 409 (``remedy_approve``).
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from ninja import HeaderEx, P, Router, Status

from amends.accounts.models import Role, User
from amends.api.permissions import current_user, require_staff, visible_case
from amends.api.refs import money, user_ref
from amends.api.schemas.common import ERRORS_READ, ERRORS_WRITE
from amends.api.schemas.remedies import RemedyIn, RemedyOut
from amends.cases.models import Case
from amends.cases.selectors import cases_visible_to, user_may_work_case
from amends.commerce.models import Order, Remedy
from amends.commerce.remedies import MAX_KEY, remedy_approve, remedy_grant
from amends.commerce.selectors import orders_of_case
from amends.core import register
from amends.core.errors import Conflict, ErrorCode, InvalidInput, NotFound
from amends.customers.selectors import valid_id
from amends.replies.services import reply_language, reply_register

logger = logging.getLogger(__name__)

router = Router(tags=["remedies"])

_MONEY_VALUES = frozenset({"amount", "max_amount"})


# --- reads -----------------------------------------------------------------------------------


def _remedies_of(case: Case, *, viewer: User) -> QuerySet[Remedy]:
    """The case's remedies the viewer may see: a seller only those on its own orders."""
    qs = Remedy.objects.filter(case=case).select_related("decided_by")
    if viewer.role == Role.SELLER:
        qs = qs.filter(order__in=orders_of_case(case=case, viewer=viewer))
    return qs.order_by("-id")


def _remedy_get(*, user: User, remedy_id: int) -> Remedy:
    """A remedy on a case the user may see (a seller: on its own order), else 404 worded as
    if it did not exist."""
    if not valid_id(remedy_id):
        raise NotFound(f"remedy {remedy_id} not found")
    qs = Remedy.objects.filter(
        Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))
    ).select_related("case__customer", "case__brand", "decided_by")
    if user.role == Role.SELLER:
        qs = qs.filter(order__seller_id=user.seller_id) if user.seller_id else qs.none()
    remedy = qs.filter(pk=remedy_id).first()
    if remedy is None:
        raise NotFound(f"remedy {remedy_id} not found")
    return remedy


# --- output ----------------------------------------------------------------------------------


def _number(value: Any, locale: str) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(amount, format="#,##0.00", locale=locale)


def customer_reason(case: Case, decision: dict[str, Any]) -> str:
    """The decision's reason for the customer (a gettext message id with raw values), worded in
    the customer's language and register with the amounts in their locale, whoever reads it:
    it is what the customer is told, and what staff quote to them."""
    reason = decision.get("customer_reason") or ""
    if not isinstance(reason, str) or not reason:
        return ""
    raw = decision.get("customer_values") or {}
    values = raw if isinstance(raw, dict) else {}
    with register.override(reply_language(case), reply_register(case)):
        locale = translation.to_locale(translation.get_language() or "en")
        params = {
            key: _number(value, locale) if key in _MONEY_VALUES else str(value)
            for key, value in values.items()
        }
        text = gettext(reason)
        try:
            return text % params
        except (KeyError, ValueError, TypeError):
            # A catalogue whose placeholders do not match the values: the English wording,
            # which the rules validated, rather than a broken answer.
            logger.warning("customer reason %r does not take %s", reason, sorted(params))
            try:
                return reason % params
            except (KeyError, ValueError, TypeError):
                return text


def remedy_out(remedy: Remedy, *, case: Case, viewer: User) -> RemedyOut:
    """Customers and sellers: what was decided and why in the customer's words. Staff: also
    the decision that stands (the approval's, once approved) and who had to approve it."""
    asked: dict[str, Any] = remedy.decision if isinstance(remedy.decision, dict) else {}
    approval = asked.get("approval")
    standing: dict[str, Any] = approval if isinstance(approval, dict) else asked
    staff = user_may_work_case(viewer)
    return RemedyOut(
        id=remedy.pk,
        case_id=remedy.case_id,
        order_id=remedy.order_id,
        kind=remedy.kind,
        status=remedy.status,
        amount=None if remedy.amount is None else money(remedy.amount),
        currency=remedy.currency,
        created_at=remedy.created_at,
        executed_at=remedy.executed_at,
        confirmed_at=remedy.confirmed_at,
        customer_reason=customer_reason(case, standing),
        rules=[str(r) for r in standing.get("rules") or ()] if staff else [],
        explanation=[str(line) for line in standing.get("explanation") or ()] if staff else [],
        cost_bearer=standing.get("cost_bearer") if staff else None,
        approver=asked.get("approver") if staff else None,
        decided_by=user_ref(remedy.decided_by, viewer=viewer) if staff else None,
    )


# --- writes ----------------------------------------------------------------------------------


def scoped_key(user: User, key: str) -> str:
    """The caller's key as stored: theirs alone, and within the column's 80 characters."""
    # "api:" + at most 19 digits + ":" + 48 hex digits: 72 characters at most.
    return f"api:{user.pk}:{hashlib.sha256(key.encode()).hexdigest()[:48]}"


def _differs(remedy: Remedy, *, order: Order, body: RemedyIn) -> str | None:
    """The field in which a request sent again under a used key differs from the first one
    (``remedy_grant`` has already compared the case and the remedy), or None."""
    asked: dict[str, Any] = remedy.decision if isinstance(remedy.decision, dict) else {}
    if remedy.order_id != order.pk:
        return "order_id"
    if asked.get("reported_problem") != body.reported_problem:
        return "reported_problem"
    price = asked.get("current_price")
    if (None if price is None else Decimal(price)) != body.current_price:
        return "current_price"
    if remedy.amount is not None:
        # No amount asked means the most the policy allowed the first time.
        wanted = body.amount if body.amount is not None else asked.get("max_amount")
        if wanted is None or Decimal(str(wanted)) != remedy.amount:
            return "amount"
    return None


@router.get("/cases/{case_id}/remedies", response={200: list[RemedyOut], **ERRORS_READ})
def case_remedies(request: HttpRequest, case_id: int) -> list[RemedyOut]:
    """Every remedy asked for on the case, newest first, with what the policy decided."""
    user = current_user(request)
    case = visible_case(user, case_id)
    return [remedy_out(r, case=case, viewer=user) for r in _remedies_of(case, viewer=user)[:500]]


@router.post(
    "/cases/{case_id}/remedies",
    response={200: RemedyOut, 201: RemedyOut, **ERRORS_WRITE},
)
def case_remedy_grant(
    request: HttpRequest,
    case_id: int,
    body: RemedyIn,
    idempotency_key: HeaderEx[
        str,
        P(
            alias="Idempotency-Key",
            min_length=1,
            max_length=MAX_KEY,
            pattern=r"^[!-~]+$",
            description="1 to 80 visible ASCII characters, new for each remedy asked for",
        ),
    ],
) -> Status[RemedyOut]:
    """Ask the policy for a remedy on an order of the case (staff). 201 with the decision,
    whatever it is; 200 with the first remedy when the key was used before for the same
    request; 409 when it was used for another."""
    user = current_user(request)
    case = visible_case(user, case_id)
    require_staff(user, action="ask for remedies")
    order = orders_of_case(case=case, viewer=user).filter(pk=body.order_id).first()
    if order is None:
        raise InvalidInput(
            f"order {body.order_id} is not an order of case {case.reference}",
            errors={"order_id": "not on this case"},
        )
    key = scoped_key(user, idempotency_key)
    seen = Remedy.objects.filter(idempotency_key=key).exists()
    remedy = remedy_grant(
        case=case,
        order=order,
        remedy=body.remedy,
        actor=user,
        idempotency_key=key,
        amount=body.amount,
        reported_problem=body.reported_problem,
        current_price=body.current_price,
    )
    if not seen:
        return Status(201, remedy_out(remedy, case=case, viewer=user))
    field = _differs(remedy, order=order, body=body)
    if field is not None:
        raise Conflict(
            "this idempotency key was used for another request; use a new key",
            code=ErrorCode.CONFLICT,
            errors={field: "differs from the first request with this key"},
        )
    return Status(200, remedy_out(remedy, case=case, viewer=user))


@router.post("/remedies/{remedy_id}/approve", response={200: RemedyOut, **ERRORS_WRITE})
def remedy_approve_route(request: HttpRequest, remedy_id: int) -> RemedyOut:
    """Approve a remedy waiting for approval with your own authority (staff); 409 when it
    does not cover the remedy or the remedy is not waiting."""
    user = current_user(request)
    remedy = _remedy_get(user=user, remedy_id=remedy_id)
    require_staff(user, action="approve remedies")
    approved = remedy_approve(remedy=remedy, actor=user)
    return remedy_out(approved, case=remedy.case, viewer=user)
