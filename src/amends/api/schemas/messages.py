"""Messages on a case."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from amends.api.schemas.cases import CaseStatusName
from amends.api.schemas.common import ErrorOut, Out


class AuthorOut(Out):
    kind: Literal["customer", "staff", "system"]
    id: int | None
    name: str


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Out):
    id: int
    case_id: int
    direction: str = Field(description="in, out, note (staff only) or system (staff only)")
    channel: str
    author: AuthorOut
    text: str
    language: str
    delivery_status: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class ReplyIn(Schema):
    text: str
    status: CaseStatusName | None = Field(None, description="Staff only: set with the reply")
    override_reason: str = Field(
        "",
        max_length=1000,
        description=(
            "Staff only: send the reply although the reply linter found errors in it, and say "
            "why (at least 10 characters; recorded on the case's timeline)"
        ),
    )


class SpanOut(Out):
    start: int = Field(description="Offset of the first character in the reply's text")
    end: int = Field(description="Offset after the last character")
    text: str


class FindingOut(Out):
    code: str = Field(description="Stable code, e.g. register.mixed, apology.missing")
    severity: Literal["error", "warning"]
    message: str
    spans: list[SpanOut] = Field(description="The words at fault, as offsets in the text")


class ReplyRefusedOut(ErrorOut):
    """A reply the linter refused (``code`` is ``reply_lint_failed``): every finding, errors
    and warnings, with the words at fault. Other refusals leave ``findings`` empty."""

    reply_language: str = Field("", description="The language the reply was checked in")
    reply_register: str = Field("", description="formal or informal: how the customer is addressed")
    findings: list[FindingOut] = []


class ReplyOut(MessageOut):
    """The reply as stored, with what the reply linter said about it: its warnings, and the
    errors an ``override_reason`` sent it past (empty for a customer's own message)."""

    findings: list[FindingOut] = []


class NoteIn(Schema):
    text: str
