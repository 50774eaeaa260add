"""Reading a stored mail: what it is, whose it is, which case it continues.

Registered as the email channel's processor (``inbound.services.register_processor``), so it
runs inside ``inbound_process``: in one transaction, and whatever it raises leaves the raw mail
quarantined (or held for review) with the reason. See ``loops`` for the mail that is never
answered and ``threads`` for how a case is found.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from amends.brands.models import Brand
from amends.cases import events
from amends.cases.services import case_link_order, case_open
from amends.conversations.models import Attachment, DeliveryStatus, Message
from amends.conversations.services import attachment_store, message_receive
from amends.conversations.uploads import RejectedFile, inspect_file
from amends.customers.models import Customer, CustomerIdentity, IdentityKind
from amends.inbound.models import InboundMessage
from amends.inbound.parsed import UnprocessableInbound
from amends.inbound.services import HeldForReview
from amends.mail.directory import directory
from amends.mail.intake import headers_of, message_id_of
from amends.mail.loops import auto_reply_reason, over_rate, own_addresses, strip_tag
from amends.mail.models import (
    AddressState,
    MailAddressStatus,
    Mailbox,
    MailKind,
    OutboundMail,
    OutboundStatus,
    ReceivedMail,
)
from amends.mail.parsed import DeliveryReport, MailLimits, MailRejected, ParsedMail
from amends.mail.reports import message_id as normalise_message_id
from amends.mail.threads import customer_orders, find_case

logger = logging.getLogger(__name__)

_rate_limited: ContextVar[bool] = ContextVar("amends_mail_rate_limited", default=True)


# A person's decision on a mail held for review: "join" the case it answers, or open a
# "separate" case for its sender. See :func:`mail_release`.
_decision: ContextVar[str] = ContextVar("amends_mail_review_decision", default="")


@contextmanager
def without_rate_limit() -> Iterator[None]:
    """For imports of old mail: many mails from one sender at once are not a loop."""
    token = _rate_limited.set(False)
    try:
        yield
    finally:
        _rate_limited.reset(token)


def limits() -> MailLimits:
    configured = getattr(settings, "AMENDS_MAIL_MAX_BYTES", None)
    return MailLimits(max_bytes=int(configured)) if configured else MailLimits()


def mailbox_for(inbound: InboundMessage) -> Mailbox | None:
    if not inbound.source:
        return None
    return directory().mailboxes.get(inbound.source.lower())


def _brand_for(mailbox: Mailbox | None, mail: ParsedMail) -> Brand:
    if mailbox is not None:
        return mailbox.brand
    known = directory()
    recipients = [strip_tag(a) for a in (*mail.delivered_to, *mail.to, *mail.cc) if a]
    for address in recipients:
        if address in known.mailboxes:
            return known.mailboxes[address].brand
    for address in recipients:
        if address in known.senders:
            return known.senders[address]
    if known.only_brand is not None:
        return known.only_brand
    shown = ", ".join(recipients[:5]) or "no readable recipient"
    raise UnprocessableInbound(f"no storefront receives mail at {shown}")


def _existing_customer(address: str) -> Customer | None:
    identity = (
        CustomerIdentity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=address)
        .first()
    )
    return identity.customer if identity is not None else None


def _new_customer(brand: Brand, mail: ParsedMail) -> Customer:
    customer = Customer.objects.create(
        brand=brand,
        name=(mail.from_name or mail.from_address.split("@")[0])[:200],
        language=brand.default_language,
        register=brand.default_register,
        country=brand.country,
    )
    CustomerIdentity.objects.create(
        customer=customer, kind=IdentityKind.EMAIL, value=mail.from_address
    )
    return customer


def _subject(mail: ParsedMail) -> str:
    subject = " ".join(mail.subject.split())
    if subject:
        return subject
    for line in (mail.visible_text or mail.text).splitlines():
        if line.strip():
            return line.strip()[:120]
    return gettext("Mail without a subject")


# --- what is kept of the mail on the case ---------------------------------------------------


def _shown_text(mail: ParsedMail) -> str:
    text = (mail.visible_text or mail.text).strip()
    if text:
        return text
    if mail.security == "encrypted":
        return gettext("This mail is encrypted; amends cannot read it. It is kept as it came.")
    if mail.attachments:
        return gettext("This mail has no text, only attachments.")
    return gettext("This mail has no text.")


def _store_attachments(message: Message, mail: ParsedMail) -> list[str]:
    """Keep the files that pass the attachment check; name the others. The raw mail keeps all."""
    withheld: list[str] = []
    stored: dict[str, Attachment] = {}
    for item in mail.attachments:
        try:
            inspect_file(filename=item.filename, declared_type=item.content_type, data=item.data)
        except RejectedFile as exc:
            withheld.append(f"{item.filename or '?'}: {exc.reason}"[:200])
            continue
        attachment = attachment_store(
            message=message, upload=item.upload(), content_id=item.content_id, inline=item.inline
        )
        if item.content_id:
            stored[item.content_id] = attachment
    if stored and mail.html:
        html = re.sub(
            r"cid:([^\"'\s>]+)",
            lambda m: (
                reverse("attachment-download", args=[stored[m.group(1)].pk])
                if m.group(1) in stored
                else m.group(0)
            ),
            mail.html,
        )
        Message.objects.filter(pk=message.pk).update(body_html=html)
    return withheld


def _labels(mail: ParsedMail) -> list[str]:
    labels = [mail.security] if mail.security else []
    if mail.defects:
        labels.append("repaired")
    return labels


# --- delivery reports -----------------------------------------------------------------------


def _outbound_for(mail: ParsedMail, report: DeliveryReport) -> OutboundMail | None:
    ids = [i for i in (report.original_message_id, *mail.in_reply_to, *mail.references) if i]
    if not ids:
        return None
    return OutboundMail.objects.select_related("reply__case").filter(message_id__in=ids).first()


def _handle_report(received: ReceivedMail, mail: ParsedMail, report: DeliveryReport) -> str:
    outbound = _outbound_for(mail, report)
    received.kind = MailKind.BOUNCE if report.permanent else MailKind.DELAY
    received.answers = outbound
    for recipient in report.recipients:
        if not recipient.address or recipient.action not in {"failed", "delayed"}:
            continue
        address = recipient.address.lower()[:254]
        state = AddressState.BOUNCING if recipient.permanent else AddressState.DELAYED
        detail = f"{recipient.status} {recipient.diagnostic}".strip()[:1000]
        current = MailAddressStatus.objects.filter(address=address).first()
        if current is None:
            MailAddressStatus.objects.create(
                address=address, state=state, detail=detail, outbound=outbound
            )
        elif not (current.state == AddressState.BOUNCING and state == AddressState.DELAYED):
            current.state, current.detail, current.outbound = state, detail, outbound
            current.save()
        if outbound is not None:
            events.delivery_reported(
                case=outbound.reply.case,
                permanent=recipient.permanent,
                message_id=outbound.reply_id,
                address=address,
                status=recipient.status,
                detail=recipient.diagnostic,
            )
    if outbound is None:
        return "delivery report for no mail we sent"
    if report.permanent:
        OutboundMail.objects.filter(pk=outbound.pk).update(status=OutboundStatus.BOUNCED)
        Message.objects.filter(pk=outbound.reply_id).update(delivery_status=DeliveryStatus.FAILED)
    kind = "bounce" if report.permanent else "delay"
    return f"{kind} of our mail <{outbound.message_id}> on case {outbound.reply.case.reference}"


# --- the processor ----------------------------------------------------------------------------


# Mail parsed by ``prepare_mail`` before the transaction, by inbound id and hash; taken once.
_prepared: dict[tuple[int, str], ParsedMail | MailRejected] = {}
_PREPARED_MAX = 64


def prepare_mail(inbound: InboundMessage) -> None:
    """Parse outside the transaction (see ``inbound.services.register_processor``); a mail
    parsed ahead of its group (``inbound_prepare``) is not parsed again."""
    from amends.mail.parse import parse_mail

    key = (inbound.pk, inbound.sha256)
    if key in _prepared:
        return
    if len(_prepared) >= _PREPARED_MAX:  # left by processing that never ran; parse again then
        _prepared.clear()
    try:
        _prepared[key] = parse_mail(bytes(inbound.raw), limits())
    except MailRejected as exc:
        _prepared[key] = exc


def _parsed(inbound: InboundMessage) -> ParsedMail:
    from amends.mail.parse import parse_mail

    found = _prepared.pop((inbound.pk, inbound.sha256), None)
    if found is None:
        try:
            return parse_mail(bytes(inbound.raw), limits())
        except MailRejected as exc:
            found = exc
    if isinstance(found, MailRejected):
        raise UnprocessableInbound(found.reason) from found
    return found


def process_mail(inbound: InboundMessage) -> Message | None:
    raw = bytes(inbound.raw)
    mailbox = mailbox_for(inbound)
    mail = _parsed(inbound)
    received = ReceivedMail(
        inbound=inbound,
        mailbox=mailbox,
        message_id=(mail.message_id or message_id_of(raw))[:300],
        sender=mail.from_address[:254],
        subject=mail.subject[:300],
    )
    if own_addresses().sent_by_us(mail):
        received.kind = MailKind.OWN
        received.save()
        inbound.reason = "sent from our own address or Message-ID domain: opens no case"
        return None
    if mail.report is not None:
        inbound.reason = _handle_report(received, mail, mail.report)
        received.save()
        return None
    automatic = auto_reply_reason(mail)
    if automatic:
        _handle_auto_reply(inbound, received, mail, automatic)
        return None
    if _rate_limited.get():
        count = over_rate(received.sender, counting_this=True)
        if count:
            received.kind = MailKind.LOOP
            received.save()
            inbound.reason = (
                f"{received.sender} sent {count} mails in a short time: stored, not answered "
                "(a mail loop?)"
            )
            return None
    if not mail.from_address:
        raise UnprocessableInbound("the sender's address cannot be read from the From header")
    brand = _brand_for(mailbox, mail)
    customer = _existing_customer(mail.from_address)
    orders = customer_orders(customer, mail)
    decision = _decision.get()
    thread = find_case(mail, customer, orders, trust_headers=decision != "separate")
    if thread.foreign and thread.case is not None and decision == "join":
        customer = thread.case.customer
    elif thread.foreign and thread.case is not None:
        raise HeldForReview(
            f"the mail answers case {thread.case.reference} (by its {thread.via}), but "
            f"{mail.from_address} is not that case's customer"
        )
    if customer is None:
        customer = _new_customer(brand, mail)
    case = thread.case
    language = customer.language if customer.language in brand.languages else ""
    with translation.override(language or brand.default_language):
        if case is None:
            case = case_open(
                brand=brand,
                customer=customer,
                subject=_subject(mail),
                channel="email",
                language=customer.language,
            )
        shown = _shown_text(mail)
    for order in orders:
        case_link_order(case=case, order=order, actor=None)
    message = message_receive(
        case=case,
        text=shown[: settings.AMENDS_MAX_MESSAGE_CHARS],
        full_text=mail.text[: settings.AMENDS_MAX_MESSAGE_CHARS],
        html=mail.html,
        labels=_labels(mail),
        channel="email",
        inbound=inbound,
        external_id=received.message_id,
    )
    withheld = _store_attachments(message, mail)
    if withheld:
        labels = [*message.labels, *(f"withheld:{w}" for w in withheld)]
        Message.objects.filter(pk=message.pk).update(labels=labels)
    received.case_message = message
    received.save()  # once, now that its message is known
    inbound.case = case
    if thread.via:
        inbound.reason = f"threaded by {thread.via}"
    return message


def _handle_auto_reply(
    inbound: InboundMessage, received: ReceivedMail, mail: ParsedMail, why: str
) -> None:
    received.kind = MailKind.AUTO_REPLY
    received.save()
    customer = _existing_customer(mail.from_address) if mail.from_address else None
    thread = find_case(mail, customer, [])
    note = f"automatic reply ({why}): stored, not answered"
    if thread.case is not None and not thread.foreign and thread.via in {"token", "headers"}:
        events.auto_reply_received(
            case=thread.case, sender=mail.from_address, subject=mail.subject, why=why
        )
        note += f"; shown on case {thread.case.reference}"
    inbound.reason = note


# --- telling a sender once why their mail was refused ----------------------------------------


def sender_of(raw: bytes) -> tuple[str, bool]:
    """The sender of a mail the parser refused, and whether it may be answered at all
    (automatic mail, the null sender and our own addresses are never answered: the same rules
    as for mail that was read, ``loops.auto_reply_reason``)."""
    headers = headers_of(raw, scan_bytes=65536)
    if headers is None:
        return "", False
    try:
        address = email.utils.parseaddr(str(headers.get("From", "")))[1].strip().lower()
        return_path = headers.get("Return-Path")
        envelope = ParsedMail(
            message_id="",
            from_address=address,
            return_path=None if return_path is None else normalise_message_id(str(return_path)),
            headers=tuple((str(k).lower(), str(v)) for k, v in headers.items()),
        )
    except Exception:
        return "", False
    answerable = (
        "@" in address
        and not auto_reply_reason(envelope)
        and strip_tag(address) not in own_addresses().addresses
    )
    return address, answerable


def quarantined(inbound: InboundMessage, exc: Exception) -> None:
    """After a mail was quarantined: tell its sender once when the reason is theirs to fix."""
    cause = exc.__cause__
    if not isinstance(cause, MailRejected) or not cause.tell_sender:
        return
    address, answerable = sender_of(bytes(inbound.raw))
    if not answerable:
        return
    from amends.mail.notices import tell_sender_once

    transaction.on_commit(lambda: tell_sender_once(address=address, inbound_id=inbound.pk))


def mail_release(inbound: InboundMessage, *, join_case: bool) -> InboundMessage:
    """A person's decision on a mail held for review: add it to the case it answers after all,
    or open a separate case for its sender."""
    from amends.inbound.models import InboundStatus
    from amends.inbound.services import inbound_process

    if inbound.status != InboundStatus.HELD:
        raise ValueError(f"inbound {inbound.pk} is {inbound.status}, not held for review")
    InboundMessage.objects.filter(pk=inbound.pk).update(status=InboundStatus.RECEIVED)
    inbound.status = InboundStatus.RECEIVED
    token = _decision.set("join" if join_case else "separate")
    try:
        return inbound_process(inbound=inbound)
    finally:
        _decision.reset(token)
