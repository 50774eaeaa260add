"""Replies on a case: the linter's gate before a reply leaves, the suggested replies an agent
starts from, and a promise in a sent reply made into a commitment in one click.

The gate (:func:`reply_gate`) runs in ``conversations.services.case_reply`` for every staff reply,
whatever its channel: a finding of severity "error" (wrong or mixed register, a greeting of the
wrong register or language, no apology where the shop is at fault, an empty reply) refuses the
reply with :class:`ReplyLintFailed`, which carries the findings and the spans of the words at
fault. The agent fixes the text, or sends it anyway with a reason of at least
:data:`OVERRIDE_MIN_CHARS` characters; the override is audited on the timeline
(``reply_lint_overridden``). Warnings never block. Customers' own words and internal notes are
never linted: the linter checks what the shop says, not what it is told.

Language, register and fault come from the case: the case's language, else the customer's, else
the storefront's default; the customer's register (English has none, the linter ignores it
there); at fault when any of the case's intents is one the shop, its seller or its carrier
caused (``templates.AT_FAULT_INTENTS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from amends.accounts.models import User
from amends.brands.models import Brand
from amends.cases.models import Case
from amends.commitments.models import Commitment, CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.conversations.models import Direction, Message
from amends.core.errors import Conflict, ErrorCode, InvalidInput, NotFound
from amends.replies.languages import CODES, FORMAL, REGISTERS
from amends.replies.linter import LintResult, lint
from amends.replies.promises import PromiseSpan, promises_in
from amends.replies.templates import (
    AT_FAULT_INTENTS,
    CatalogueError,
    Suggestion,
    format_due_date,
    suggest,
)
from amends.triage.result import INTENTS

OVERRIDE_MIN_CHARS = 10
OVERRIDE_MAX_CHARS = 1000
DESCRIPTION_MAX_CHARS = 500  # Commitment.description


class ReplyLintFailed(InvalidInput):
    """The reply was not sent: the linter found errors. ``result`` holds every finding (warnings
    too), each with the spans of the words at fault in ``text``, so the console and the API can
    show them."""

    code = ErrorCode.REPLY_LINT_FAILED

    def __init__(self, result: LintResult, *, text: str, reason_too_short: bool = False) -> None:
        self.result = result
        self.text = text  # what was checked: the spans are offsets in it
        self.reason_too_short = reason_too_short  # a reason was given, but too short to audit
        problems = " ".join(finding.message for finding in result.errors)
        advice = (
            f"The reason to send it anyway must be at least {OVERRIDE_MIN_CHARS} characters."
            if reason_too_short
            else "Fix it, or send it anyway with a reason."
        )
        super().__init__(
            f"the reply was not sent: {problems} {advice}",
            errors={
                "text": "; ".join(str(finding.code) for finding in result.errors),
                "override_reason": f"at least {OVERRIDE_MIN_CHARS} characters to send anyway",
            },
        )


def _code(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def reply_language(case: Case) -> str:
    """The language a reply on ``case`` is written in: the case's, else the customer's, else the
    storefront's default (the first of them the linter knows)."""
    candidates = (case.language, case.customer.language, case.brand.default_language)
    for candidate in candidates:
        if candidate and _code(candidate) in CODES:
            return _code(candidate)
    return _code(case.brand.default_language or "en") or "en"


def reply_register(case: Case) -> str:
    """The customer's register, else the storefront's default, else formal."""
    for register in (case.customer.register, case.brand.default_register):
        if register in REGISTERS:
            return register
    return FORMAL


def _intent_ids(values: Iterable[Any]) -> list[str]:
    """Intent ids from ``Case.intents``: ``["parcel_lost", …]`` (or ``[["parcel_lost", 0.9]]``)."""
    found: list[str] = []
    for value in values or ():
        intent = value[0] if isinstance(value, list | tuple) and value else value
        if isinstance(intent, str) and intent in INTENTS and intent not in found:
            found.append(intent)
    return found


def case_at_fault(case: Case) -> bool:
    """The shop, its seller or its carrier caused the case's problem: a reply must apologise."""
    return any(intent in AT_FAULT_INTENTS for intent in _intent_ids(case.intents))


def reply_check(*, case: Case, text: str, actor: User) -> LintResult:
    """What the linter says about ``text`` as ``actor``'s reply on ``case``. Only staff replies
    are checked: a customer's own words come back with no findings."""
    language, register = reply_language(case), reply_register(case)
    if not actor.is_agent_like:
        return LintResult(language=language, register=register, findings=())
    return lint(
        text, language=language, register=register, at_fault=case_at_fault(case), needs_action=True
    )


def reply_gate(*, case: Case, text: str, actor: User, override_reason: str = "") -> LintResult:
    """Check a reply before it is stored; raise :class:`ReplyLintFailed` if it has errors and no
    reason to send it anyway. Returns the result, so the caller can audit an override."""
    reason = override_reason.strip()
    if len(reason) > OVERRIDE_MAX_CHARS:
        raise InvalidInput(
            f"the reason to send anyway is {len(reason)} characters long; "
            f"the limit is {OVERRIDE_MAX_CHARS}",
            errors={"override_reason": f"at most {OVERRIDE_MAX_CHARS} characters"},
        )
    result = reply_check(case=case, text=text, actor=actor)
    if result.ok:
        return result
    if len(reason) < OVERRIDE_MIN_CHARS:
        raise ReplyLintFailed(result, text=text, reason_too_short=bool(reason))
    return result


# --- suggested replies ----------------------------------------------------------------------


def _intent_scores(case: Case) -> list[tuple[str, float]]:
    """The case's intents with the highest score any of its messages' triage gave them; an
    intent the case has but no stored triage scored ranks by its place in the case's list."""
    from amends.triage.models import MessageTriage

    scores: dict[str, float] = {}
    rows = MessageTriage.objects.filter(message__case=case).values_list("intents", flat=True)
    for intents in rows:
        for item in intents or ():
            if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str):
                score = item[1] if isinstance(item[1], int | float) else 0.0
                scores[item[0]] = max(scores.get(item[0], 0.0), float(score))
    ordered = _intent_ids(case.intents)
    return [(intent, scores.get(intent, 0.5 - index / 100)) for index, intent in enumerate(ordered)]


def next_business_day(brand: Brand, *, now: dt.datetime | None = None) -> dt.date:
    """The storefront's next open day after today (its time zone, holidays and hours)."""
    calendar = brand.calendar()
    day = timezone.localtime(now or timezone.now(), calendar.tz).date()
    for _step in range(60):  # a storefront closed two months running has bigger problems
        day += dt.timedelta(days=1)
        if calendar.is_business_day(day):
            return day
    return day


def reply_context(
    *, case: Case, agent: User, language: str, now: dt.datetime | None = None
) -> dict[str, str]:
    """Placeholder values for a template on ``case``: the customer's first name, the order and
    the carrier and tracking number of its latest parcel, the agent, the shop, a due date."""
    from amends.carriers.models import Shipment

    shipment = (
        Shipment.objects.filter(order__cases=case)
        .select_related("carrier", "order")
        .order_by(F("shipped_at").desc(nulls_last=True), "-id")
        .first()
    )
    order = shipment.order if shipment is not None else case.orders.order_by("-id").first()
    remedy_values = _remedy_values(case=case, language=language)
    return {
        **remedy_values,
        "customer_name": case.customer.first_name or case.customer.name,
        "order_number": order.number if order is not None else "",
        "carrier": shipment.carrier.name if shipment is not None else "",
        "tracking_number": shipment.tracking_number if shipment is not None else "",
        "agent_name": agent.first_name or str(agent),
        "shop_name": case.brand.name,
        "due_date": format_due_date(next_business_day(case.brand, now=now), language),
    }


def _remedy_values(*, case: Case, language: str) -> dict[str, str]:
    """``$remedy`` and ``$amount`` from the case's latest remedy the policy did not refuse, in
    the customer's language and register; none when there is no such remedy (the template's
    neutral wording stands in)."""
    from amends.commerce.models import Remedy, RemedyKind, RemedyStatus
    from amends.core import register as registers
    from amends.web.templatetags.amends_format import money

    remedy = (
        Remedy.objects.filter(case=case)
        .exclude(status__in=[RemedyStatus.DENIED, RemedyStatus.FAILED])
        .order_by("-id")
        .first()
    )
    if remedy is None:
        return {}
    values: dict[str, str] = {}
    with registers.override(language, reply_register(case)):
        values["remedy"] = str(RemedyKind(remedy.kind).label)
        if remedy.amount is not None:
            values["amount"] = money(remedy.amount, remedy.currency)
    return values


def reply_suggestions(
    *, case: Case, agent: User, limit: int = 3, now: dt.datetime | None = None
) -> list[Suggestion]:
    """Up to ``limit`` replies for the case, best first, in its language and register (else the
    storefront's default language). A broken catalogue file means no suggestions, never a
    broken case page."""
    language = reply_language(case)
    try:
        return suggest(
            intents=_intent_scores(case),
            language=language,
            register=reply_register(case),
            context=reply_context(case=case, agent=agent, language=language, now=now),
            fallback_language=case.brand.default_language,
            limit=limit,
        )
    except CatalogueError:
        return []


# --- promises in a sent reply ---------------------------------------------------------------


def reply_promises(message: Message) -> list[PromiseSpan]:
    """The dated promises of a sent reply, read as of when it was sent (so "tomorrow" keeps
    meaning the day after the reply)."""
    if message.direction != Direction.OUTBOUND:
        return []
    language = message.language or reply_language(message.case)
    return promises_in(
        message.body_text,
        language,
        now=message.created_at,
        calendar=message.case.brand.calendar(),
    )


def promise_description(promise: PromiseSpan) -> str:
    """The promise's sentence as a commitment's description (one line, at most 500 chars)."""
    text = " ".join(promise.sentence.split())
    if len(text) > DESCRIPTION_MAX_CHARS:
        text = text[: DESCRIPTION_MAX_CHARS - 1].rstrip() + "…"
    return text


def promise_commitment(*, case: Case, promise: PromiseSpan) -> Commitment | None:
    """The commitment already made from this promise, if any."""
    if promise.due is None:
        return None
    return (
        Commitment.objects.filter(
            case=case, description=promise_description(promise), due_at=promise.due
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def reply_promise_commit(
    *, case: Case, message: Message, index: int, actor: User, kind: str = CommitmentKind.OTHER
) -> Commitment:
    """Make the ``index``-th dated promise of a sent reply a commitment: its sentence as the
    description, its moment as the due time. Clicking twice makes one commitment."""
    if message.case_id != case.pk or message.direction != Direction.OUTBOUND:
        raise NotFound(f"reply {message.pk} not found on case {case.reference}")
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one click at a time
    promises = reply_promises(message)
    if not 0 <= index < len(promises):
        raise NotFound(f"reply {message.pk} has no promise number {index + 1}")
    promise = promises[index]
    if promise.due is None:
        raise InvalidInput(
            f"“{promise.when}” names no moment; say when it is due in the promise form",
            errors={"due_at": "not a moment"},
        )
    existing = promise_commitment(case=case, promise=promise)
    if existing is not None:
        raise Conflict(f"this promise is already commitment {existing.pk}")
    return commitment_make(
        case=case,
        actor=actor,
        kind=kind,
        description=promise_description(promise),
        due=Due(at=promise.due),
    )
