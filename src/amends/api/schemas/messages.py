"""Messages on a case."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from amends.api.schemas.cases import CaseStatusName
from amends.api.schemas.common import Out


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


class NoteIn(Schema):
    text: str
