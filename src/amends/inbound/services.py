"""The channel-agnostic inbound entry point.

1. ``inbound_store`` commits the raw payload (status *received*) before anything else runs; a
   payload already stored (same channel, source and external id, or the same bytes) is stored
   once and reported as a duplicate.
2. ``inbound_process`` parses it, identifies the customer, threads it to an open case (by case
   reference, then by order number) or opens one, and appends the message. Whatever fails rolls
   back to the raw payload, which is quarantined with the reason.
3. ``inbound_replay`` runs step 2 again on quarantined payloads (``amends inbound replay``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from amends.brands.models import Brand
from amends.cases.models import OPEN_STATUSES, Case, CaseStatus
from amends.cases.services import case_link_order, case_open
from amends.commerce.models import Order
from amends.conversations.models import Message
from amends.conversations.services import message_receive
from amends.conversations.storage import discard_files_on_error
from amends.core.errors import DomainError
from amends.customers.models import Customer, CustomerIdentity, IdentityKind
from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import (
    OTHER_OUTCOME_LABELS,
    ParsedInbound,
    Problem,
    UnprocessableInbound,
    WantedOutcome,
    parser_for,
)

logger = logging.getLogger(__name__)

CASE_REFERENCE = re.compile(r"\bAM-(\d{1,12})\b", re.IGNORECASE)


@dataclass(frozen=True)
class InboundResult:
    inbound: InboundMessage
    created: bool

    @property
    def case(self) -> Case | None:
        return self.inbound.case


def _dedupe_key(*, channel: str, source: str, external_id: str, sha256: str) -> str:
    basis = f"{channel}\x1f{source}\x1f" + (f"id:{external_id}" if external_id else f"sha:{sha256}")
    return hashlib.sha256(basis.encode()).hexdigest()


def inbound_store(
    *,
    channel: str,
    raw: bytes,
    content_type: str = "application/json",
    source: str = "",
    external_id: str = "",
) -> InboundResult:
    sha256 = hashlib.sha256(raw).hexdigest()
    key = _dedupe_key(channel=channel, source=source, external_id=external_id, sha256=sha256)
    # Insert first: a new payload is the usual case, a duplicate the rare one (one statement
    # saved on every payload; the unique dedupe key decides).
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                channel=channel,
                source=source[:200],
                external_id=external_id[:300],
                dedupe_key=key,
                raw=raw,
                content_type=content_type[:100],
                sha256=sha256,
            )
    except IntegrityError:
        # Stored before (a redelivery), or a moment ago by a concurrent delivery.
        existing = InboundMessage.objects.filter(dedupe_key=key).first()
        if existing is None:  # the insert failed for another reason
            raise
        return InboundResult(existing, created=False)
    return InboundResult(inbound, created=True)


def _identify(parsed: ParsedInbound, brand: Brand) -> Customer:
    if parsed.sender_email:
        kind, value = IdentityKind.EMAIL, parsed.sender_email.strip().lower()
    elif parsed.sender_phone:
        kind, value = IdentityKind.PHONE, re.sub(r"[^\d+]", "", parsed.sender_phone)
    else:
        raise UnprocessableInbound("the sender left no email address or phone number")
    identity = CustomerIdentity.objects.select_related("customer").filter(kind=kind, value=value)
    found = identity.first()
    if found is not None:
        return found.customer
    language = parsed.language if parsed.language in brand.languages else brand.default_language
    customer = Customer.objects.create(
        brand=brand,
        name=parsed.sender_name or value.split("@")[0],
        language=language,
        register=brand.default_register,
        country=brand.country,
    )
    CustomerIdentity.objects.create(customer=customer, kind=kind, value=value)
    return customer


def _thread(parsed: ParsedInbound, customer: Customer, orders: list[Order]) -> Case | None:
    references = [parsed.case_reference, parsed.subject]
    for text in references:
        match = CASE_REFERENCE.search(text or "")
        if match:
            case = (
                Case.objects.filter(pk=int(match.group(1)), customer=customer)
                .exclude(status=CaseStatus.CLOSED)
                .first()
            )
            if case is not None:
                return case
    if orders:
        return (
            Case.objects.filter(customer=customer, orders__in=orders, status__in=OPEN_STATUSES)
            .order_by("-id")
            .first()
        )
    return None


class HeldForReview(Exception):
    """Stored and readable, but a person must decide where it belongs; ``str(exc)`` says why."""


Processor = Callable[[InboundMessage], "Message | None"]

# Channels whose payloads need more than a parser (email: threading by headers, loops, bounces)
# register a processor; it returns the message it added, or None when the payload was stored
# and handled without one (an auto-reply, a bounce). It sets ``inbound.case`` when it used one.
_PROCESSORS: dict[str, Processor] = {}


def register_processor(
    channel: str,
    processor: Processor,
    *,
    on_quarantine: Callable[[InboundMessage, Exception], None] | None = None,
    prepare: Callable[[InboundMessage], None] | None = None,
) -> None:
    """``on_quarantine`` runs after a payload of this channel was quarantined (outside the
    rolled-back work), e.g. to tell the sender once why. ``prepare`` runs before the
    transaction opens, for work that needs no database (parsing): on SQLite a transaction holds
    the one write lock, so what is done outside it can overlap with another process's writes."""
    _PROCESSORS[channel] = processor
    if on_quarantine is not None:
        _QUARANTINE_HOOKS[channel] = on_quarantine
    if prepare is not None:
        _PREPARERS[channel] = prepare


_PREPARERS: dict[str, Callable[[InboundMessage], None]] = {}


def inbound_prepare(inbound: InboundMessage) -> None:
    """Run the channel's ``prepare`` step (work that needs no database, such as parsing).
    ``inbound_process`` runs it first; grouped processing runs it ahead of the group's
    transaction, and ``inbound_process`` inside it then finds the work done. A failure here
    is met again, and reported, when the payload is processed; only ``UnprocessableInbound``
    (a time budget that ran out, say) reaches the caller."""
    preparer = _PREPARERS.get(inbound.channel)
    if preparer is None:
        return
    try:
        preparer(inbound)
    except UnprocessableInbound:
        raise
    except Exception:
        logger.exception("preparing inbound %s failed", inbound.pk)


_QUARANTINE_HOOKS: dict[str, Callable[[InboundMessage, Exception], None]] = {}


def _after_quarantine(inbound: InboundMessage, exc: Exception) -> None:
    hook = _QUARANTINE_HOOKS.get(inbound.channel)
    if hook is None:
        return
    try:
        hook(inbound, exc)
    except Exception:  # a failing notice never loses the payload or its quarantine
        logger.exception("after-quarantine step for inbound %s failed", inbound.pk)


def _apply(inbound: InboundMessage) -> Message | None:
    processor = _PROCESSORS.get(inbound.channel)
    if processor is not None:
        return processor(inbound)
    parsed = parser_for(inbound.channel)(bytes(inbound.raw), inbound.content_type)
    brand = Brand.objects.filter(code=parsed.brand_code).first()
    if brand is None:
        raise UnprocessableInbound(f"unknown storefront {parsed.brand_code!r}")
    customer = _identify(parsed, brand)
    orders = list(
        Order.objects.filter(customer=customer, number__in=[n for n in parsed.order_numbers if n])
    )
    case = _thread(parsed, customer, orders)
    # What the customer reads back and the agent reads first: in the customer's language.
    summary_language = _supported(customer.language) or _supported(brand.default_language)
    with translation.override(summary_language or settings.LANGUAGE_CODE):
        if case is None:
            case = case_open(
                brand=brand,
                customer=customer,
                subject=_subject(parsed, orders),
                channel=inbound.channel,
                language=parsed.language or customer.language,
                intents=[parsed.problem] if parsed.problem else [],
            )
        text = _summary(parsed, orders)
    for order in orders:
        case_link_order(case=case, order=order, actor=None)
    message = message_receive(
        case=case,
        text=text,
        channel=inbound.channel,
        inbound=inbound,
        external_id=parsed.external_id or inbound.external_id,
        language=parsed.language,
        attachments=parsed.attachments,
    )
    inbound.case = case
    return message


# --- the first message of a guided contact form, readable on its own ----------------------------


def _supported(language: str) -> str:
    return language if language in {code for code, _name in settings.LANGUAGES} else ""


def _problem_label(code: str) -> str:
    return str(Problem(code).label) if code in Problem.values else code


def _outcome_label(code: str) -> str:
    if code in WantedOutcome.values:
        return str(WantedOutcome(code).label)
    return str(OTHER_OUTCOME_LABELS.get(code, code))


def _subject(parsed: ParsedInbound, orders: list[Order]) -> str:
    """The sender's subject; else "Parcel damaged — order FR-1234"; else the first line."""
    if parsed.subject.strip():
        return parsed.subject
    if parsed.problem:
        if orders:
            return gettext("%(problem)s — order %(number)s") % {
                "problem": _problem_label(parsed.problem),
                "number": orders[0].number,
            }
        return _problem_label(parsed.problem)
    lines = parsed.text.strip().splitlines()
    return lines[0][:120] if lines else gettext("Message from the contact form")


def describe_order(order: Order) -> str:
    """``FR-1234 · 12 March 2025 · 2 x LED lamp``: the number, the day it was placed (in its
    storefront's time zone, in the active language) and what was in it."""
    placed = timezone.localtime(order.placed_at, ZoneInfo(order.brand.time_zone))
    lines = sorted(order.lines.all(), key=lambda line: line.pk)
    items = ", ".join(f"{line.quantity} \N{MULTIPLICATION SIGN} {line.title}" for line in lines)
    parts = [order.number, date_format(placed, "DATE_FORMAT")]
    return " · ".join([*parts, items] if items else parts)


def _summary(parsed: ParsedInbound, orders: list[Order]) -> str:
    """The message as an agent should read it: the order, what went wrong, what the customer
    wants, then their own words. A payload with none of those is its text, unchanged."""
    facts: list[str] = []
    if orders:
        facts.append(gettext("Order: %(order)s") % {"order": describe_order(orders[0])})
    elif any(parsed.order_numbers):
        # Not one of this customer's orders: quoted as given, never linked or described.
        facts.append(
            gettext("Order number given: %(number)s (not an order of this account)")
            % {"number": ", ".join(n for n in parsed.order_numbers if n)}
        )
    elif parsed.problem:
        facts.append(gettext("Order: not about an order"))
    if parsed.problem:
        facts.append(
            gettext("What went wrong: %(problem)s") % {"problem": _problem_label(parsed.problem)}
        )
    if parsed.wanted_outcome:
        facts.append(
            gettext("What I would like: %(outcome)s")
            % {"outcome": _outcome_label(parsed.wanted_outcome)}
        )
    if not facts:
        return parsed.text
    text = "\n".join([*facts, "", gettext("Details:"), parsed.text.strip()])
    # The customer's own words always fit; the summary gives way if together they do not.
    return text if len(text) <= settings.AMENDS_MAX_MESSAGE_CHARS else parsed.text


def inbound_process(*, inbound: InboundMessage) -> InboundMessage:
    """Process a stored payload once. Never raises for bad content: it quarantines."""
    if inbound.status in {InboundStatus.PROCESSED, InboundStatus.DUPLICATE}:
        return inbound
    attempts = inbound.attempts + 1
    inbound.reason = ""  # a processor may note what it did (an auto-reply stored, not answered)
    # Done already when a group was prepared ahead; else now. The processor does the work
    # itself when preparing failed, and reports what fails.
    with contextlib.suppress(UnprocessableInbound):
        inbound_prepare(inbound)
    try:
        with discard_files_on_error(), transaction.atomic():
            _apply(inbound)
            InboundMessage.objects.filter(pk=inbound.pk).update(
                status=InboundStatus.PROCESSED,
                case=inbound.case,
                reason=inbound.reason,
                attempts=attempts,
                processed_at=timezone.now(),
            )
            inbound.status = InboundStatus.PROCESSED
    except HeldForReview as exc:
        _quarantine(inbound, attempts=attempts, reason=str(exc), status=InboundStatus.HELD)
    except (UnprocessableInbound, DomainError) as exc:
        _quarantine(inbound, attempts=attempts, reason=str(exc))
        _after_quarantine(inbound, exc)
    except Exception as exc:  # anything else is a bug; the payload is still kept
        logger.exception("inbound %s failed", inbound.pk)
        _quarantine(
            inbound, attempts=attempts, reason=f"internal error: {type(exc).__name__}: {exc}"
        )
    inbound.attempts = attempts
    return inbound


def _quarantine(
    inbound: InboundMessage,
    *,
    attempts: int,
    reason: str,
    status: str = InboundStatus.QUARANTINED,
) -> None:
    inbound.case = None
    inbound.status = status
    inbound.reason = reason[:2000]
    InboundMessage.objects.filter(pk=inbound.pk).update(
        status=status,
        reason=inbound.reason,
        attempts=attempts,
        processed_at=timezone.now(),
    )


def inbound_receive(
    *,
    channel: str,
    raw: bytes,
    content_type: str = "application/json",
    source: str = "",
    external_id: str = "",
) -> InboundResult:
    """Store, then process. What every channel adapter calls."""
    result = inbound_store(
        channel=channel, raw=raw, content_type=content_type, source=source, external_id=external_id
    )
    if not result.created:
        return result
    inbound_process(inbound=result.inbound)
    result.inbound.refresh_from_db()
    return result


def inbound_replay(*, ids: list[int] | None = None) -> list[InboundMessage]:
    """Process quarantined payloads again (all of them, or the given ids)."""
    qs = InboundMessage.objects.filter(status=InboundStatus.QUARANTINED).order_by("id")
    if ids:
        qs = qs.filter(pk__in=ids)
    return [inbound_process(inbound=inbound) for inbound in qs]
