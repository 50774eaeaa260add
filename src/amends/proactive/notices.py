"""Telling the customer about a shipment problem before they write, once per problem.

The notice is an outbound email on the case written by amends itself (no author), so it leaves
through the normal path — the email adapter's outbox row in this transaction, ``message_deliver``
after commit — marked automatic (``Auto-Submitted: auto-generated``, which ``mail.compose``
writes for every message without an author). It is written in the customer's language and
register (``core.register.override``) from ``proactive/notice.txt``; it says what happened, how
to reach the carrier's own customer service in the customer's country
(``carriers.directory.carrier_contact_for``), and offers only the choices the policy allows
(``offers``). When it promises something by a date, that promise is a commitment with an owner.

``case_reply`` is not used: it needs a human author and would count the notice as the first
response to the customer. These are its steps, without those two.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, override

from amends.brands.models import Register
from amends.carriers.directory import Contact, carrier_contact_for
from amends.carriers.models import Shipment
from amends.cases.models import Case, Channel
from amends.conversations.models import DeliveryStatus, Direction, Message
from amends.core import register
from amends.customers.models import Customer
from amends.proactive import events
from amends.proactive.models import ShipmentProblem
from amends.proactive.offers import Choice, Offers
from amends.proactive.promises import Promise, promise_for, promise_make
from amends.proactive.rules import ProblemKind
from amends.web.templatetags.amends_format import money

SUBJECTS: dict[ProblemKind, str] = {
    ProblemKind.FAILED_ATTEMPT: gettext_noop(
        "Your parcel could not be delivered (order %(number)s)"
    ),
    ProblemKind.RETURNED_TO_SENDER: gettext_noop(
        "Your parcel is on its way back to us (order %(number)s)"
    ),
    ProblemKind.DAMAGED: gettext_noop("Your parcel was damaged in transit (order %(number)s)"),
    ProblemKind.LOST: gettext_noop("Your parcel seems to be lost (order %(number)s)"),
    ProblemKind.LATE: gettext_noop("Your parcel is late (order %(number)s)"),
}
CHOICES: dict[Choice, str] = {
    Choice.REDELIVER: gettext_noop("Deliver it again to your address"),
    Choice.PICKUP_POINT: gettext_noop("Take it to a pick-up point near you"),
    Choice.RESHIP: gettext_noop("Send you a new one, at no cost"),
    Choice.REFUND: gettext_noop("Refund the order"),
    Choice.GOODWILL: gettext_noop("Accept a goodwill credit"),
}
# The same choices with the amount the policy grants, when it names one.
AMOUNTED: dict[Choice, str] = {
    Choice.REFUND: gettext_noop("Refund %(amount)s"),
    Choice.GOODWILL: gettext_noop("Accept a goodwill credit of %(amount)s"),
}
_BLANK_LINES = re.compile(r"\n{3,}")


def notice_language(*, customer: Customer) -> tuple[str, str]:
    """The language and register to write to the customer in: theirs when amends speaks it,
    else their storefront's."""
    spoken = {code for code, _name in settings.LANGUAGES}
    brand = customer.brand
    language = next(
        (code for code in (customer.language, brand.default_language) if code in spoken),
        settings.LANGUAGE_CODE,
    )
    chosen = customer.register or brand.default_register
    return language, chosen if chosen in Register.values else Register.FORMAL


def case_subject(*, kind: ProblemKind, customer: Customer, order_number: str) -> str:
    """The case's subject, which the customer reads (portal, the mail's subject)."""
    language, address = notice_language(customer=customer)
    with register.override(language, address):
        return gettext(SUBJECTS[kind]) % {"number": order_number}


def _choice_labels(offers: Offers) -> list[str]:
    labels = []
    for offer in offers.offered:
        amount = offer.decision.amount
        if offer.choice in AMOUNTED and amount:
            text = gettext(AMOUNTED[offer.choice]) % {
                "amount": money(amount, offer.decision.currency)
            }
        else:
            text = gettext(CHOICES[offer.choice])
        labels.append(text)
    return labels


def render_notice(
    *,
    problem: ShipmentProblem,
    shipment: Shipment,
    offers: Offers,
    contact: Contact | None,
    promise: Promise | None,
    language: str,
    address: str,
) -> tuple[str, str]:
    """The notice's subject and text, in ``language`` and the register ``address``."""
    order = shipment.order
    brand = order.brand
    detail = problem.detail if isinstance(problem.detail, dict) else {}
    zone = ZoneInfo(brand.time_zone)

    def day(value: object) -> str:
        if not isinstance(value, str) or not value:
            return ""
        try:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return ""

    with register.override(language, address):
        context = {
            "name": order.customer.first_name,
            "kind": problem.kind,
            "carrier": shipment.carrier.name,
            "tracking": shipment.tracking_number,
            "order": order.number,
            "attempts": int(detail.get("attempts") or 1),
            "days_without_scan": detail.get("days_without_scan"),
            "estimate": day(detail.get("estimate")),
            "choices": _choice_labels(offers),
            "needs_approval": any(o.needs_approval for o in offers.offered),
            "promise_date": (
                date_format(promise.due_at.astimezone(zone), "DATE_FORMAT") if promise else ""
            ),
            "contact": contact,
            "shop": brand.name,
        }
        subject = gettext(SUBJECTS[ProblemKind(problem.kind)]) % {"number": order.number}
        text = render_to_string("proactive/notice.txt", context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return subject, _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


def _note(
    *,
    problem: ShipmentProblem,
    offers: Offers,
    contact: Contact | None,
    promise: Promise | None,
    emailed: bool,
    language: str,
) -> str:
    """What the agent reads beside the notice: why, what was offered by which rules, what not."""
    detail = problem.detail if isinstance(problem.detail, dict) else {}
    zone = ZoneInfo(problem.shipment.order.brand.time_zone)
    with override(language):
        lines = [
            gettext("Sent automatically before the customer wrote: %(why)s.")
            % {"why": detail.get("why") or problem.kind}
        ]
        for decision in offers.decisions:
            rules = ", ".join(f"{r.rule_id} v{r.version}" for r in decision.rules)
            values = {
                "remedy": decision.remedy.value,
                "outcome": decision.outcome.value,
                "rules": rules,
            }
            lines.append(gettext("%(remedy)s: %(outcome)s (%(rules)s)") % values)
            lines.extend(f"  {sentence}" for sentence in decision.explanation)
        for failure in offers.undecided:
            lines.append(
                gettext("Not offered, the policy could not decide: %(why)s") % {"why": failure}
            )
        if not offers.offered:
            lines.append(gettext("No choice was offered: the policy allows none for this problem."))
        if contact is None:
            lines.append(
                gettext("No contact of the carrier is known: contact the carrier for the customer.")
            )
        if promise is not None:
            lines.append(
                gettext("Promised a follow-up by %(due)s, owned by %(owner)s.")
                % {
                    "due": promise.due_at.astimezone(zone).isoformat(sep=" ", timespec="minutes"),
                    "owner": promise.owner,
                }
            )
        if not emailed:
            lines.append(
                gettext("The customer has no email address: the notice is only in the portal.")
            )
    return "\n".join(lines)


def notice_send(
    *, problem: ShipmentProblem, offers: Offers, now: dt.datetime | None = None
) -> Message | None:
    """Write the notice for ``problem`` on its case, once. Returns None when it was written
    before (by this process or a concurrent one: the problem row is locked first)."""
    now = now or timezone.now()
    locked = (
        ShipmentProblem.objects.select_for_update(of=("self",))
        .select_related(
            "case__team__lead",
            "case__assignee",
            "case__brand",
            "shipment__carrier",
            "shipment__order__brand",
            "shipment__order__customer__brand",
        )
        .get(pk=problem.pk)
    )
    case = locked.case
    if locked.notified_at is not None or case is None:
        return None
    shipment = locked.shipment
    customer = shipment.order.customer
    language, address = notice_language(customer=customer)
    contact = carrier_contact_for(
        carrier=shipment.carrier, countries=[customer.country, shipment.order.brand.country]
    )
    promise = promise_for(case=case, kind=ProblemKind(locked.kind), offers=offers, now=now)
    _subject, text = render_notice(
        problem=locked,
        shipment=shipment,
        offers=offers,
        contact=contact,
        promise=promise,
        language=language,
        address=address,
    )
    message = _outbound(case=case, text=text, language=language, now=now)
    emailed = message.delivery_status == DeliveryStatus.QUEUED
    events.customer_notified(
        case=case,
        problem_id=locked.pk,
        message_id=message.pk,
        language=language,
        register=address,
        offers=offers.choices,
        rules=offers.rule_names(),
        contact=(contact.phone or contact.web_url) if contact else "",
    )
    commitment = None
    if promise is not None:
        with register.override(language, address):
            description = gettext(promise.description) % {"number": shipment.order.number}
        commitment = promise_make(case=case, promise=promise, description=description, now=now)
    note = Message.objects.create(
        case=case,
        channel=case.origin_channel,
        direction=Direction.NOTE,
        body_text=_note(
            problem=locked,
            offers=offers,
            contact=contact,
            promise=promise,
            emailed=emailed,
            language=case.brand.default_language,
        ),
    )
    events.note_written(case=case, message_id=note.pk)
    ShipmentProblem.objects.filter(pk=locked.pk).update(
        notified_at=now,
        notice=message,
        commitment=commitment,
        last_error="",
        updated_at=now,
    )
    problem.notified_at, problem.notice, problem.commitment = now, message, commitment
    return message


def _outbound(*, case: Case, text: str, language: str, now: dt.datetime) -> Message:
    """An outbound email on the case with no author, prepared and queued like a reply."""
    from amends.channels.registry import adapter_for
    from amends.conversations.tasks import message_deliver

    message = Message.objects.create(
        case=case,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        author_user=None,
        body_text=text[: settings.AMENDS_MAX_MESSAGE_CHARS],
        language=language,
        delivery_status=DeliveryStatus.QUEUED,
    )
    Case.objects.filter(pk=case.pk).update(last_message_at=now)
    adapter_for(message.channel).prepare(message)
    message.refresh_from_db(fields=["delivery_status", "external_id"])
    if message.delivery_status == DeliveryStatus.QUEUED:
        transaction.on_commit(lambda: message_deliver.enqueue(message_id=message.pk))
    return message
