"""Adding messages to cases: what customers sent, replies, internal notes."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amends.accounts.models import User
from amends.cases import events
from amends.cases.models import Case, CaseStatus
from amends.cases.services import case_set_status
from amends.conversations.models import DeliveryStatus, Direction, Message
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
) -> Message:
    """A customer's message lands on a case; a solved case opens again."""
    message = Message.objects.create(
        case=case,
        channel=channel,
        direction=Direction.INBOUND,
        author_customer=case.customer,
        body_text=_clean_text(text),
        external_id=external_id[:300],
        language=language,
        inbound=inbound,
    )
    Case.objects.filter(pk=case.pk).update(last_message_at=message.created_at)
    events.message_received(case=case, message_id=message.pk, channel=channel)
    if case.status in {CaseStatus.SOLVED, CaseStatus.WAITING_ON_CUSTOMER}:
        case_set_status(
            case=case, actor=None, status=CaseStatus.OPEN, reason="the customer wrote again"
        )
    return message


@transaction.atomic
def case_reply(
    *, case: Case, actor: User, text: str, channel: str | None = None, status: str | None = None
) -> Message:
    """A reply to the customer, queued for delivery on the case's channel after commit."""
    if case.status == CaseStatus.CLOSED:
        raise Conflict(
            f"case {case.reference} is closed; open a new case to write again",
            code=ErrorCode.CASE_CLOSED,
        )
    message = Message.objects.create(
        case=case,
        channel=channel or case.origin_channel,
        direction=Direction.OUTBOUND,
        author_user=actor,
        body_text=_clean_text(text),
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
    if status:
        case_set_status(case=case, actor=actor, status=status, reason="set with reply")
    elif case.status == CaseStatus.NEW:
        case_set_status(case=case, actor=actor, status=CaseStatus.OPEN, reason="first reply")

    from amends.conversations.tasks import message_deliver

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
