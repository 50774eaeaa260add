"""Messages on a case: ``/cases/{id}/messages``, ``/reply`` and ``/notes``.

Customers and sellers see only what went between the customer and the shop (``in`` and
``out``), never internal notes or system messages. Staff reply (an outbound message, queued for
delivery on the case's channel, checked first by the reply linter: see ``case_reply_route``) and
write notes. A customer "replies" on their own case as an
*inbound* message, exactly as if they had written in (a solved case opens again); they cannot
set the status. Sellers do not write here.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Status

from amends.accounts.models import User
from amends.api.permissions import current_user, is_customer, require_staff, visible_case
from amends.api.refs import staff_name
from amends.api.schemas.common import ERRORS_READ, ERRORS_WRITE
from amends.api.schemas.messages import (
    AttachmentOut,
    AuthorOut,
    FindingOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    ReplyOut,
    ReplyRefusedOut,
    SpanOut,
)
from amends.cases.models import CaseStatus, Channel
from amends.cases.selectors import user_may_work_case
from amends.conversations.models import Attachment, Direction, Message
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.core.errors import Conflict, ErrorCode, Forbidden
from amends.replies.linter import ERROR, LintResult
from amends.replies.services import ReplyLintFailed, reply_check

router = Router(tags=["messages"])

PUBLIC_DIRECTIONS = (Direction.INBOUND, Direction.OUTBOUND)


def _author(message: Message, *, viewer: User) -> AuthorOut:
    if message.direction == Direction.INBOUND:
        customer = message.author_customer
        return AuthorOut(
            kind="customer",
            id=customer.pk if customer else None,
            name=customer.name if customer else "",
        )
    if message.author_user is not None:
        return AuthorOut(
            kind="staff",
            id=message.author_user.pk if user_may_work_case(viewer) else None,
            name=staff_name(message.author_user, viewer=viewer),
        )
    return AuthorOut(kind="system", id=None, name="")


def message_out(message: Message, *, viewer: User) -> MessageOut:
    return MessageOut(
        id=message.pk,
        case_id=message.case_id,
        direction=message.direction,
        channel=message.channel,
        author=_author(message, viewer=viewer),
        text=message.body_text,
        language=message.language,
        delivery_status=message.delivery_status,
        created_at=message.created_at,
        attachments=[
            AttachmentOut(id=a.pk, filename=a.filename, content_type=a.content_type, size=a.size)
            for a in message.attachments.all()
        ],
    )


@router.get("/cases/{case_id}/messages", response={200: list[MessageOut], **ERRORS_READ})
def case_messages(request: HttpRequest, case_id: int) -> list[MessageOut]:
    """The conversation, oldest first (staff also see notes and system messages)."""
    user = current_user(request)
    case = visible_case(user, case_id)
    qs = (
        Message.objects.filter(case=case)
        .select_related("author_user", "author_customer")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("id")
    )
    if not user_may_work_case(user):
        qs = qs.filter(direction__in=PUBLIC_DIRECTIONS)
    return [message_out(m, viewer=user) for m in qs]


def findings_out(result: LintResult) -> list[FindingOut]:
    """The linter's findings with the offsets of the words at fault."""
    return [
        FindingOut(
            code=str(finding.code),
            severity="error" if finding.severity == ERROR else "warning",
            message=finding.message,
            spans=[SpanOut(start=s.start, end=s.end, text=s.text) for s in finding.spans],
        )
        for finding in result.findings
    ]


def refused_out(exc: ReplyLintFailed) -> ReplyRefusedOut:
    """The 422 body of a reply the linter refused: the findings with their spans."""
    result = exc.result
    return ReplyRefusedOut(
        code=str(exc.code),
        detail=exc.detail,
        errors=exc.errors,
        reply_language=result.language,
        reply_register=result.register,
        findings=findings_out(result),
    )


@router.post(
    "/cases/{case_id}/reply",
    response={201: ReplyOut, **ERRORS_WRITE, 422: ReplyRefusedOut},
)
def case_reply_route(
    request: HttpRequest, case_id: int, body: ReplyIn
) -> Status[ReplyOut] | Status[ReplyRefusedOut]:
    """Staff: reply to the customer (optionally setting the status). The reply linter checks
    it: errors refuse it with 422 ``reply_lint_failed`` and the findings (the words at fault as
    offsets in ``text``), unless ``override_reason`` says why it should go anyway; a reply sent
    comes back with its warnings (and the errors it was sent past) in ``findings``, offsets in
    its stored ``text``. Customer: write on your own case (recorded as your message, never
    linted)."""
    user = current_user(request)
    case = visible_case(user, case_id)
    if user_may_work_case(user):
        try:
            message = case_reply(
                case=case,
                actor=user,
                text=body.text,
                status=body.status,
                override_reason=body.override_reason,
            )
        except ReplyLintFailed as exc:
            return Status(422, refused_out(exc))
    elif is_customer(user):
        if body.status is not None:
            raise Forbidden(
                "only the support team sets the status", errors={"status": "staff only"}
            )
        if body.override_reason:
            raise Forbidden(
                "only the support team's replies are checked, and overridden",
                errors={"override_reason": "staff only"},
            )
        if case.status == CaseStatus.CLOSED:
            raise Conflict(
                f"case {case.reference} is closed; write to us again to open a new one",
                code=ErrorCode.CASE_CLOSED,
            )
        message = message_receive(case=case, text=body.text, channel=Channel.API)
    else:
        raise Forbidden("only support staff and the customer write on a case")
    message = Message.objects.select_related("author_user", "author_customer").get(pk=message.pk)
    # The same pure check the gate ran, on the text as stored (a customer's comes back empty).
    checked = reply_check(case=case, text=message.body_text, actor=user)
    out = message_out(message, viewer=user)
    return Status(201, ReplyOut(**out.model_dump(), findings=findings_out(checked)))


@router.post("/cases/{case_id}/notes", response={201: MessageOut, **ERRORS_WRITE})
def case_note_route(request: HttpRequest, case_id: int, body: NoteIn) -> Status[MessageOut]:
    """An internal note: staff only, never shown to the customer or the seller."""
    user = current_user(request)
    case = visible_case(user, case_id)
    require_staff(user, action="write internal notes")
    message = case_add_note(case=case, actor=user, text=body.text)
    message = Message.objects.select_related("author_user", "author_customer").get(pk=message.pk)
    return Status(201, message_out(message, viewer=user))
