"""Which case a mail belongs to — never decided by the subject alone.

In order:

1. the signed reply token in the address it was sent to (``support+c12x…@shop.fr``);
2. ``In-Reply-To`` and ``References``: Message-IDs of mail we sent or received on a case;
3. the case reference in the subject (``AM-123``), for a case of the same customer;
4. an order number of this customer's that an open case is about.

Steps 1 and 2 name a case whoever writes; when the sender is not that case's customer, the mail
is held for review instead of joining the case (someone replying with another person's headers
must not get into their case). Steps 3 and 4 only ever look at the sender's own cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from amends.cases.models import OPEN_STATUSES, Case, CaseStatus
from amends.commerce.models import Order
from amends.customers.models import Customer
from amends.mail.loops import OWN_ID_PREFIX
from amends.mail.models import OutboundMail, ReceivedMail
from amends.mail.parsed import ParsedMail

CASE_REFERENCE = re.compile(r"\bAM-(\d{1,12})\b", re.IGNORECASE)
# Tokens that could be order numbers: letters, digits and dashes with at least one digit.
_ORDER_TOKEN = re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,30}\b", re.IGNORECASE)
_MAX_REFERENCES = 50
_MAX_ORDER_TOKENS = 40


@dataclass(frozen=True)
class Threading:
    case: Case | None
    via: str  # "token", "headers", "reference", "order" or ""
    # The mail names a case by token or headers, but the sender is not its customer.
    foreign: bool = False


def order_candidates(*texts: str) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for match in _ORDER_TOKEN.finditer(text[:20_000]):
            seen.setdefault(match.group(0).upper(), None)
            if len(seen) >= _MAX_ORDER_TOKENS:
                return list(seen)
    return list(seen)


def _case_from_token(mail: ParsedMail) -> Case | None:
    from amends.mail.tokens import case_id_from_address

    for address in (*mail.delivered_to, *mail.to, *mail.cc):
        case_id = case_id_from_address(address)
        if case_id is not None:
            return Case.objects.select_related("customer").filter(pk=case_id).first()
    return None


def _case_from_headers(mail: ParsedMail) -> Case | None:
    # The newest reference first: In-Reply-To, then References from the end.
    ids = [*mail.in_reply_to, *reversed(mail.references)][:_MAX_REFERENCES]
    if not ids:
        return None
    found: dict[str, int] = {}
    # Every Message-ID we send starts with OWN_ID_PREFIX (outbound.new_message_id): a mail that
    # references none of those answers no reply of ours, and the look-up is skipped.
    ours = [i for i in ids if i.lower().startswith(OWN_ID_PREFIX)]
    for message_id, case_id in (
        OutboundMail.objects.filter(message_id__in=ours).values_list("message_id", "reply__case_id")
        if ours
        else ()
    ):
        found[message_id] = case_id
    for message_id, case_id in ReceivedMail.objects.filter(
        message_id__in=ids, case_message__isnull=False
    ).values_list("message_id", "case_message__case_id"):
        found.setdefault(message_id, case_id)
    for message_id in ids:
        if message_id in found:
            return Case.objects.select_related("customer").filter(pk=found[message_id]).first()
    return None


def _own_case(cases: Iterable[Case]) -> Case | None:
    return next(iter(cases), None)


def find_case(
    mail: ParsedMail,
    customer: Customer | None,
    orders: list[Order],
    *,
    trust_headers: bool = True,
) -> Threading:
    """The case this mail continues, if any. A closed case is never continued: the mail then
    opens a new case (the caller links the two through the subject and the orders).
    ``trust_headers=False`` skips the token and the headers (a reviewer decided so)."""
    named_cases = (
        (("token", _case_from_token(mail)), ("headers", _case_from_headers(mail)))
        if trust_headers
        else ()
    )
    for via, named in named_cases:
        if named is None:
            continue
        if customer is None or named.customer_id != customer.pk:
            return Threading(named, via, foreign=True)
        if named.status != CaseStatus.CLOSED:
            return Threading(named, via)
    if customer is None:
        return Threading(None, "")
    match = CASE_REFERENCE.search(mail.subject or "")
    if match:
        case = _own_case(
            Case.objects.filter(pk=int(match.group(1)), customer=customer).exclude(
                status=CaseStatus.CLOSED
            )
        )
        if case is not None:
            return Threading(case, "reference")
    if orders:
        case = _own_case(
            Case.objects.filter(
                customer=customer, orders__in=orders, status__in=OPEN_STATUSES
            ).order_by("-id")
        )
        if case is not None:
            return Threading(case, "order")
    return Threading(None, "")


def customer_orders(customer: Customer | None, mail: ParsedMail) -> list[Order]:
    if customer is None:
        return []
    candidates = order_candidates(mail.subject, mail.visible_text or mail.text)
    if not candidates:
        return []
    # An order named by its number, or by the tracking number of one of its parcels.
    named = Q(number__in=candidates) | Q(shipments__tracking_number__in=candidates)
    return list(Order.objects.filter(named, customer=customer).distinct().order_by("id"))
