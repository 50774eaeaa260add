"""Adding messages to cases: what customers sent, replies, internal notes."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from amends.accounts.models import User
from amends.cases import events, reasons
from amends.cases.models import Case, CaseStatus, Channel
from amends.cases.services import case_set_status
from amends.conversations.models import Attachment, DeliveryStatus, Direction, Message
from amends.conversations.storage import remember_written
from amends.conversations.uploads import (
    MAX_FILES,
    MAX_TOTAL_BYTES,
    RejectedFile,
    Upload,
    inspect_file,
    total_too_large,
)
from amends.core.errors import Conflict, ErrorCode, InvalidInput
from amends.inbound.models import InboundMessage


def _clean_text(text: str, *, field: str = "text") -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise InvalidInput("the message is empty", errors={field: "must not be empty"})
    limit = settings.AMENDS_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise InvalidInput(
            f"the message is {len(text)} characters long; the limit is {limit}",
            errors={field: f"at most {limit} characters"},
        )
    return text


@transaction.atomic
def message_receive(
    *,
    case: Case,
    text: str,
    channel: str,
    inbound: InboundMessage | None = None,
    external_id: str = "",
    language: str = "",
    attachments: Sequence[Upload] = (),
    full_text: str = "",
    html: str = "",
    labels: Sequence[str] = (),
) -> Message:
    """A customer's message lands on a case, with its attachments; a solved case opens again.

    ``text`` is what is shown; ``full_text`` the whole text when ``text`` shortens it (a mail's
    quoted history); ``html`` is already sanitised."""
    _check_attachments(attachments)
    body_text = _clean_text(text)
    full = full_text.replace("\x00", "").strip()
    message = Message.objects.create(
        case=case,
        channel=channel,
        direction=Direction.INBOUND,
        author_customer=case.customer,
        body_text=body_text,
        body_full=full if full and full != body_text else "",
        body_html=html,
        labels=list(labels),
        external_id=external_id[:300],
        language=language,
        inbound=inbound,
    )
    for upload in attachments:
        attachment_store(message=message, upload=upload)
    Case.objects.filter(pk=case.pk).update(last_message_at=message.created_at)
    events.message_received(case=case, message_id=message.pk, channel=channel)
    from amends.triage.tasks import triage_later

    triage_later(message.pk)
    if case.status in {CaseStatus.SOLVED, CaseStatus.WAITING_ON_CUSTOMER}:
        case_set_status(
            case=case, actor=None, status=CaseStatus.OPEN, reason=reasons.CUSTOMER_WROTE_AGAIN
        )
    return message


# Channels a case can start on that cannot carry an answer: amends itself opened the case.
_NOT_ANSWERABLE = frozenset({Channel.CARRIER, Channel.SYSTEM})


def reply_channel(case: Case) -> str:
    """Where a reply goes by default: the channel of the case's latest message to or from the
    customer (a customer who wrote by email is answered by email, even on a case that a carrier
    event opened), else the case's own channel, else email."""
    latest = (
        Message.objects.filter(case=case, direction__in=[Direction.INBOUND, Direction.OUTBOUND])
        .exclude(channel__in=_NOT_ANSWERABLE)
        .order_by("-id")
        .values_list("channel", flat=True)
        .first()
    )
    if latest:
        return latest
    return case.origin_channel if case.origin_channel not in _NOT_ANSWERABLE else Channel.EMAIL


@transaction.atomic
def case_reply(
    *,
    case: Case,
    actor: User,
    text: str,
    channel: str | None = None,
    status: str | None = None,
    override_reason: str = "",
) -> Message:
    """A reply to the customer, queued for delivery on the case's channel after commit.

    The reply linter checks it first (``replies.services.reply_gate``): errors refuse it with
    ``ReplyLintFailed`` unless ``override_reason`` says why it should go anyway, and an override
    is recorded on the timeline."""
    from amends.replies.services import reply_gate

    if case.status == CaseStatus.CLOSED:
        raise Conflict(
            f"case {case.reference} is closed; open a new case to write again",
            code=ErrorCode.CASE_CLOSED,
        )
    body_text = _clean_text(text)
    checked = reply_gate(case=case, text=body_text, actor=actor, override_reason=override_reason)
    message = Message.objects.create(
        case=case,
        channel=channel or reply_channel(case),
        direction=Direction.OUTBOUND,
        author_user=actor,
        body_text=body_text,
        language=case.language,
        delivery_status=DeliveryStatus.QUEUED,
    )
    now = timezone.now()
    updates: dict[str, object] = {"last_message_at": now}
    if case.first_response_at is None:
        updates["first_response_at"] = now
        case.first_response_at = now
    Case.objects.filter(pk=case.pk).update(**updates)
    events.reply_sent(case=case, actor=actor, message_id=message.pk, channel=message.channel)
    if checked.errors:
        events.reply_lint_overridden(
            case=case,
            actor=actor,
            message_id=message.pk,
            reason=override_reason.strip(),
            codes=[str(code) for code in dict.fromkeys(f.code for f in checked.errors)],
        )
    if status:
        case_set_status(case=case, actor=actor, status=status, reason=reasons.SET_WITH_REPLY)
    elif case.status == CaseStatus.NEW:
        case_set_status(case=case, actor=actor, status=CaseStatus.OPEN, reason=reasons.FIRST_REPLY)

    from amends.channels.registry import adapter_for
    from amends.conversations.tasks import message_deliver

    adapter_for(message.channel).prepare(message)
    transaction.on_commit(lambda: message_deliver.enqueue(message_id=message.pk))
    return message


@transaction.atomic
def case_add_note(*, case: Case, actor: User, text: str) -> Message:
    message = Message.objects.create(
        case=case,
        channel=case.origin_channel,
        direction=Direction.NOTE,
        author_user=actor,
        body_text=_clean_text(text),
    )
    events.note_added(case=case, actor=actor, message_id=message.pk)
    return message


def _check_attachments(uploads: Sequence[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            f"{len(uploads)} files attached; at most {MAX_FILES} are accepted",
            errors={"attachments": f"at most {MAX_FILES} files"},
        )
    if total_too_large([len(u.data) for u in uploads]):
        raise InvalidInput(
            f"the attachments are larger than {MAX_TOTAL_BYTES} bytes together",
            errors={"attachments": f"at most {MAX_TOTAL_BYTES} bytes together"},
        )


@transaction.atomic
def attachment_store(
    *, message: Message, upload: Upload, content_id: str = "", inline: bool = False
) -> Attachment:
    """Keep one file with a message: checked again (type, first bytes, size), stored under a
    generated key, shown under its cleaned name. Inside ``discard_files_on_error`` the file is
    removed again if the surrounding work fails."""
    try:
        checked = inspect_file(
            filename=upload.filename, declared_type=upload.content_type, data=upload.data
        )
    except RejectedFile as exc:
        raise InvalidInput(exc.reason, errors={"attachments": exc.reason}) from exc
    attachment = Attachment(
        message=message,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        content_id=content_id[:250],
        inline=inline,
    )
    attachment.file.save(checked.filename, ContentFile(upload.data), save=False)
    remember_written(attachment.file.storage, attachment.file.name or "")
    attachment.save()
    return attachment
