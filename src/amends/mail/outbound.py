"""Mail out: the outbox row written with the reply, and its delivery, at most once.

``prepare`` runs inside the reply's transaction and writes an :class:`OutboundMail` with the
finished bytes and a Message-ID fixed once, so the reply and its mail commit together and every
attempt sends the very same mail. ``deliver`` (from the ``message_deliver`` task) sends it.

How a row moves (``OutboundMail.status``)::

    prepare ─► QUEUED ──claim (attempts+1, leased)──► connect, EHLO, TLS, AUTH, MAIL, RCPT
                 ▲                                      │ refused / 4xx / no connection
                 └──── backoff: 1 min, 5, 15, 1 h … ◄───┘ (known not sent)
                                                        │ all accepted
                        SENDING (committed before DATA) ◄┘
                           ├─ 250 after the final "." ─────────────────► SENT
                           ├─ 5xx ─────────────────────────────────────► FAILED
                           ├─ 4xx, or lost before the final "." left ──► QUEUED (backoff)
                           └─ lost after the final "." (no answer) ────► UNCERTAIN

    5xx to MAIL, RCPT or DATA, or the 10th attempt not sent ─► FAILED
    QUEUED whose recipient bounced before ─► FAILED ("address bounced before: …")
    SENDING whose lease ran out (the sender died) ─► UNCERTAIN, by the sweep or the next task
    prepare for a customer with no usable email address ─► FAILED at once, nothing to send

UNCERTAIN is never sent again by amends: the server may have the mail, and a customer who gets a
reply twice has seen the helpdesk lose track. A person decides (the status says "check before
sending again"). A late definite answer of the same attempt (250, 4xx, 5xx) still wins over it.

Concurrency: every step after the claim is a compare-and-set on ``(status, attempts)``, so two
tasks for one mail, or a task racing the sweep, cannot both reach DATA. The claim holds the row
with ``next_attempt_at`` set to the end of a lease; while QUEUED that column is "not before", while
SENDING it is "give up on the sender after". A task that finds the row not due returns without
re-enqueueing: whoever set the time enqueued a task for it, and :func:`outbox_sweep` (run by the
worker's maintenance thread) re-enqueues rows overdue by a few minutes whose task got lost.

The message itself follows: SENT, FAILED, and, until ``DeliveryStatus`` has a state of its own
for it, FAILED for UNCERTAIN (the agent is asked to look; ``last_error`` says why).
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.parser
import email.policy
import logging
import random
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import BooleanField, Q, Value
from django.utils import timezone

from amends.brands.models import Brand
from amends.cases import events
from amends.cases.models import Case
from amends.channels.registry import DeliveryError
from amends.conversations.models import DeliveryStatus, Message
from amends.customers.models import CustomerIdentity, IdentityKind
from amends.mail import tokens
from amends.mail.compose import (
    Draft,
    Party,
    UnusableAddress,
    ascii_address,
    compose,
    is_message_id,
    reply_subject,
)
from amends.mail.intake import MISSING_ID_DOMAIN
from amends.mail.loops import OWN_ID_PREFIX
from amends.mail.models import (
    AddressState,
    MailAddressStatus,
    MailKind,
    OutboundMail,
    OutboundStatus,
    ReceivedMail,
)
from amends.mail.smtp import NotSent, SmtpConfig, SmtpSession, Uncertain, smtp_config

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# The wait after attempt n (the last one repeats): ten attempts span about two days.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=6),
    dt.timedelta(hours=8),
    dt.timedelta(hours=12),
    dt.timedelta(hours=16),
)
JITTER = 0.1  # ± 10 %, so mail deferred together does not come back together
SWEEP_GRACE = dt.timedelta(minutes=3)  # a due row this late has lost its task
BACKEND_LEASE = dt.timedelta(minutes=10)
THREAD_IDS = 60

NO_ADDRESS = "the customer has no email address; reply in the portal"
UNCERTAIN_AFTER_CRASH = (
    "the sender stopped while the server was receiving the mail (or right after it answered): "
    "it may or may not have been delivered; check with the customer before sending again"
)


class DeliveryDeferred(DeliveryError):
    """Not sent this time; try again at ``retry_at`` (the task enqueues itself for then)."""

    def __init__(self, detail: str, *, retry_at: dt.datetime) -> None:
        super().__init__(detail, permanent=False, retry_at=retry_at)


def retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after attempt number ``attempt`` (1-based) was not sent."""
    base = BACKOFF[min(max(attempt, 1), len(BACKOFF)) - 1]
    return base * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - spacing, not a secret


def claim_lease(config: SmtpConfig | None) -> dt.timedelta:
    """Time for connect, greeting, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT to each time out."""
    if config is None:
        return BACKEND_LEASE
    return dt.timedelta(seconds=8 * config.timeout + 60)


def data_lease(config: SmtpConfig | None) -> dt.timedelta:
    """Time for DATA, the content and the final answer (RFC 5321 allows 10 minutes for it)."""
    if config is None:
        return BACKEND_LEASE
    return dt.timedelta(seconds=3 * config.timeout) + dt.timedelta(minutes=10)


# --- prepare: inside the reply's transaction --------------------------------------------------


def mail_domain(brand: Brand) -> str:
    """The right-hand side of our Message-IDs: AMENDS_MAIL_DOMAIN, else the sender's domain."""
    for candidate in (
        str(getattr(settings, "AMENDS_MAIL_DOMAIN", "") or ""),
        brand.sender_email.rpartition("@")[2],
    ):
        try:
            domain = candidate.strip().lower().encode("idna").decode("ascii")
        except UnicodeError:
            continue
        if domain and is_message_id(f"x@{domain}"):
            return domain
    return "amends.invalid"


def new_message_id(case: Case) -> str:
    """``amends.<random>.<case id>@<domain>``, without the angle brackets. The prefix tells our
    own mail from a customer's when both come from one domain (``loops.OWN_ID_PREFIX``)."""
    return f"{OWN_ID_PREFIX}{uuid.uuid4().hex}.{case.pk}@{mail_domain(case.brand)}"


@dataclass(frozen=True)
class Thread:
    """The mail already exchanged on a case, oldest first."""

    ids: list[str]
    latest_received: str  # the customer's latest mail, "" when they never wrote by mail


def thread_of(case: Case, *, excluding: Message | None = None) -> Thread:
    """One query: the customer's mails and our mails on the case, the newest ``THREAD_IDS``."""
    received = ReceivedMail.objects.filter(
        case_message__case_id=case.pk, kind=MailKind.MESSAGE
    ).values_list("message_id", "received_at", Value(True, output_field=BooleanField()))
    sent = (
        OutboundMail.objects.filter(reply__case_id=case.pk)
        .exclude(status=OutboundStatus.FAILED)
        .exclude(reply_id=excluding.pk if excluding else None)
        .values_list("message_id", "created_at", Value(False, output_field=BooleanField()))
    )
    rows = list(received.union(sent, all=True).order_by("-received_at")[:THREAD_IDS])
    rows.reverse()
    ids = [mid for mid, _at, _in in rows if not mid.endswith("@" + MISSING_ID_DOMAIN)]
    inbound = [mid for mid, _at, is_in in rows if is_in and mid in ids]
    return Thread(ids=ids, latest_received=inbound[-1] if inbound else "")


def outbound_prepare(*, message: Message) -> OutboundMail:
    """Write the outbox row for an email reply (call inside the reply's transaction).

    A customer without a usable address gets a FAILED row saying why, and the message is marked
    FAILED at once: there is nothing to send, and the agent sees it in the reply's answer.
    """
    case = message.case
    brand = case.brand
    identity = (
        CustomerIdentity.objects.filter(customer_id=case.customer_id, kind=IdentityKind.EMAIL)
        .select_related("customer")
        .order_by("id")
        .first()
    )
    thread = thread_of(case, excluding=message)
    message_id = new_message_id(case)
    reason, raw, recipients, sender = "", b"", [], brand.sender_email
    try:
        sender = ascii_address(brand.sender_email)
        if identity is None:
            reason = NO_ADDRESS
        else:
            recipients = [ascii_address(identity.value)]
            raw = compose(
                Draft(
                    message_id=message_id,
                    sender=Party(brand.name, sender),
                    recipient=Party(identity.customer.name, recipients[0]),
                    reply_to=Party(brand.name, tokens.reply_address(case)),
                    subject=reply_subject(
                        case.subject,
                        reference=case.reference,
                        answering=bool(thread.latest_received),
                    ),
                    body=message.body_text,
                    date=timezone.now(),
                    in_reply_to=thread.latest_received,
                    references=thread.ids,
                    automatic=message.author_user_id is None,
                    language=message.language,
                )
            )
    except UnusableAddress as exc:
        reason = f"cannot write to this address: {exc}; reply in the portal"
        recipients = []
    row = OutboundMail.objects.create(
        reply=message,
        message_id=message_id,
        sender=sender[:254],
        recipients=recipients,
        raw=raw,
        status=OutboundStatus.FAILED if reason else OutboundStatus.QUEUED,
        last_error=reason,
    )
    if reason:
        logger.warning("reply %s cannot be mailed: %s", message.pk, reason)
        Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.FAILED)
        message.delivery_status = DeliveryStatus.FAILED
    else:
        Message.objects.filter(pk=message.pk).update(external_id=message_id)
        message.external_id = message_id
    return row


# --- deliver: from the task, outside any transaction -------------------------------------------


def message_status_for(status: str) -> str:
    """What the reply shows for an outbox state."""
    if status == OutboundStatus.SENT:
        return DeliveryStatus.SENT
    if status in (OutboundStatus.QUEUED, OutboundStatus.SENDING):
        return DeliveryStatus.QUEUED
    if status == OutboundStatus.UNCERTAIN:
        return DeliveryStatus.UNCERTAIN
    return DeliveryStatus.FAILED  # FAILED and BOUNCED


_LIVE = (OutboundStatus.QUEUED, OutboundStatus.SENDING, OutboundStatus.UNCERTAIN)


def _settle(row: OutboundMail, attempt: int, status: str, **fields: object) -> bool:
    """Move this attempt's row to ``status`` and the reply with it; False if the row moved on."""
    with transaction.atomic():
        changed = OutboundMail.objects.filter(pk=row.pk, attempts=attempt, status__in=_LIVE).update(
            status=status, **fields
        )
        if changed:
            Message.objects.filter(pk=row.reply_id).update(
                delivery_status=message_status_for(status)
            )
    return bool(changed)


def _fail(row: OutboundMail, attempt: int, reason: str, *, status: str = "") -> str:
    """FAILED, on the reply too, and a line on the case's timeline."""
    with transaction.atomic():
        if _settle(row, attempt, OutboundStatus.FAILED, last_error=reason, next_attempt_at=None):
            logger.warning("mail %s failed: %s", row.message_id, reason)
            case = Case.objects.get(messages__pk=row.reply_id)
            events.delivery_reported(
                case=case,
                permanent=True,
                message_id=row.reply_id,
                address=", ".join(row.recipients),
                status=status,
                detail=reason,
            )
    return DeliveryStatus.FAILED


def _not_sent(row: OutboundMail, attempt: int, failure: NotSent | str) -> str:
    """The server does not have the mail: fail on 5xx or the last attempt, else back off."""
    reason = str(failure)
    if isinstance(failure, NotSent) and failure.permanent:
        return _fail(row, attempt, reason, status=failure.code)
    if attempt >= MAX_ATTEMPTS:
        return _fail(row, attempt, f"not sent after {attempt} attempts; the last: {reason}")
    retry_at = timezone.now() + retry_delay(attempt)
    if not _settle(
        row, attempt, OutboundStatus.QUEUED, last_error=reason, next_attempt_at=retry_at
    ):
        return DeliveryStatus.QUEUED
    logger.info("mail %s not sent (attempt %s), again at %s: %s", row.pk, attempt, retry_at, reason)
    raise DeliveryDeferred(reason, retry_at=retry_at)


def _mark_uncertain(row_id: int, attempt: int, reason: str) -> bool:
    with transaction.atomic():
        changed = OutboundMail.objects.filter(
            pk=row_id, attempts=attempt, status=OutboundStatus.SENDING
        ).update(status=OutboundStatus.UNCERTAIN, last_error=reason, next_attempt_at=None)
        if changed:
            reply_id = OutboundMail.objects.values_list("reply_id", flat=True).get(pk=row_id)
            Message.objects.filter(pk=reply_id).update(
                delivery_status=message_status_for(OutboundStatus.UNCERTAIN)
            )
            logger.warning("mail %s is uncertain: %s", row_id, reason)
    return bool(changed)


def _begin_data(row: OutboundMail, attempt: int, config: SmtpConfig | None) -> bool:
    """Commit SENDING before the mail leaves: from here on a crash means "perhaps sent"."""
    lease_end = timezone.now() + data_lease(config)
    return bool(
        OutboundMail.objects.filter(
            pk=row.pk, attempts=attempt, status=OutboundStatus.QUEUED
        ).update(status=OutboundStatus.SENDING, next_attempt_at=lease_end)
    )


def _sent(row: OutboundMail, attempt: int, answer: str) -> str:
    _settle(
        row,
        attempt,
        OutboundStatus.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    logger.debug("mail %s sent: %s", row.message_id, answer)
    return DeliveryStatus.SENT


def _send_smtp(row: OutboundMail, attempt: int, config: SmtpConfig) -> str:
    helo = row.message_id.rpartition("@")[2]
    with SmtpSession(config, local_hostname=helo) as session:
        try:
            session.open()
            session.envelope(row.sender, list(row.recipients))
        except NotSent as exc:
            return _not_sent(row, attempt, exc)
        if not _begin_data(row, attempt, config):
            return DeliveryStatus.QUEUED  # the sweep or another task moved the row meanwhile
        try:
            answer = session.data(bytes(row.raw))
        except NotSent as exc:
            return _not_sent(row, attempt, exc)
        except Uncertain as exc:
            _settle(row, attempt, OutboundStatus.UNCERTAIN, last_error=str(exc))
            logger.warning("mail %s is uncertain: %s", row.message_id, exc)
            return message_status_for(OutboundStatus.UNCERTAIN)
        return _sent(row, attempt, answer)


class StoredMail(DjangoEmailMessage):
    """The outbox's bytes, for Django's mail backends (console, file, locmem, smtp)."""

    def __init__(self, row: OutboundMail) -> None:
        super().__init__(from_email=row.sender, to=list(row.recipients))
        self.raw = bytes(row.raw)

    def message(self) -> email.message.EmailMessage:
        policy = email.policy.SMTP.clone(refold_source="none")  # ids stay as written
        return email.parser.BytesParser(policy=policy).parsebytes(self.raw)


def _send_with_backend(row: OutboundMail, attempt: int) -> str:
    """No SMTP relay configured (the embedded demo): hand the mail to
    ``AMENDS_MAIL_REPLY_BACKEND`` (files under ``EMAIL_FILE_PATH`` by default), else to
    ``EMAIL_BACKEND``."""
    if not _begin_data(row, attempt, None):
        return DeliveryStatus.QUEUED
    try:
        mail = StoredMail(row)
        mail.connection = get_connection(settings.AMENDS_MAIL_REPLY_BACKEND or None)
        count = mail.send()
    except Exception as exc:  # whatever the backend is, it may have sent part of the mail
        reason = f"the mail backend failed ({exc!r}); it may or may not have sent the mail"
        _settle(row, attempt, OutboundStatus.UNCERTAIN, last_error=reason)
        return message_status_for(OutboundStatus.UNCERTAIN)
    if count != 1:
        return _not_sent(row, attempt, "the mail backend sent nothing")
    return _sent(row, attempt, "handed to the mail backend")


def outbound_send(*, message: Message) -> str:
    """One delivery attempt for an email reply; safe to call again at any time.

    Returns the reply's delivery status; raises :class:`DeliveryDeferred` when the mail was not
    sent and will be tried again.
    """
    row = OutboundMail.objects.filter(reply_id=message.pk).first()
    if row is None:  # a reply written without prepare (before the outbox existed)
        with transaction.atomic():
            row = outbound_prepare(message=message)
    now = timezone.now()
    leased = row.next_attempt_at is not None and row.next_attempt_at > now
    if row.status == OutboundStatus.SENDING and not leased:
        _mark_uncertain(row.pk, row.attempts, UNCERTAIN_AFTER_CRASH)
        return message_status_for(OutboundStatus.UNCERTAIN)
    if row.status != OutboundStatus.QUEUED or leased:
        # Done, failed, uncertain, under way elsewhere, or not due: whoever set the time comes
        # back then, and the sweep catches what got lost.
        return message_status_for(row.status)
    bounced = MailAddressStatus.objects.filter(
        address__in=[r.lower() for r in row.recipients], state=AddressState.BOUNCING
    ).first()
    try:
        config = smtp_config()
        config_error = ""
    except ImproperlyConfigured as exc:
        config, config_error = None, str(exc)
    attempt = row.attempts + 1
    claimed = OutboundMail.objects.filter(
        pk=row.pk, status=OutboundStatus.QUEUED, attempts=row.attempts
    ).update(attempts=attempt, next_attempt_at=now + claim_lease(config))
    if not claimed:
        return DeliveryStatus.QUEUED
    if bounced is not None:
        detail = f": {bounced.detail}" if bounced.detail else ""
        return _fail(row, attempt, f"address bounced before: {bounced.address}{detail}")
    if config_error:
        return _not_sent(row, attempt, config_error)
    if config is None:
        return _send_with_backend(row, attempt)
    return _send_smtp(row, attempt, config)


def outbox_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The safety net behind the tasks, run by every worker at a fixed interval.

    * SENDING past its lease: the sender died during DATA; UNCERTAIN, never sent again.
    * QUEUED and due for longer than ``SWEEP_GRACE``: its task got lost (a crash between the
      claim and DATA, a purged queue); enqueue it again. The row's time is moved to now, so the
      next sweep waits another grace period before doing it again.
    """
    from amends.conversations.tasks import message_deliver

    now = now or timezone.now()
    counts = {"uncertain": 0, "requeued": 0}
    stale = OutboundMail.objects.filter(status=OutboundStatus.SENDING, next_attempt_at__lt=now)
    for pk, attempts in stale.values_list("pk", "attempts")[:500]:
        counts["uncertain"] += _mark_uncertain(pk, attempts, UNCERTAIN_AFTER_CRASH)
    overdue = now - SWEEP_GRACE
    lost = OutboundMail.objects.filter(
        Q(next_attempt_at__lte=overdue) | Q(next_attempt_at__isnull=True, created_at__lte=overdue),
        status=OutboundStatus.QUEUED,
        reply__delivery_status=DeliveryStatus.QUEUED,
    )
    for pk, reply_id in lost.values_list("pk", "reply_id")[:500]:
        if lost.filter(pk=pk).update(next_attempt_at=now):
            message_deliver.enqueue(message_id=reply_id)
            counts["requeued"] += 1
    return counts


class EmailAdapter:
    """The email channel: an outbox row with the reply, SMTP (or Django's backend) after it."""

    kind = "email"

    def prepare(self, message: Message) -> None:
        outbound_prepare(message=message)

    def deliver(self, message: Message) -> DeliveryStatus:
        return DeliveryStatus(outbound_send(message=message))
