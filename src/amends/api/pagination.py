"""Cursor pagination: ``?limit=`` (1-200, default 50) and an opaque ``?cursor=``.

A cursor is the base64url of a small JSON object holding the sort key of the last row
returned; the next page is "rows after that key", an index range scan. No page numbers and no
``COUNT(*)``: the cost of a page does not grow with the table. Rows added while a client walks
the pages do not shift the pages it has not read yet.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from amends.commitments.models import Commitment
from amends.core.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_CHARS = 200
MAX_ID = 2**63 - 1

M = TypeVar("M", bound=Model)


def encode_cursor(values: dict[str, Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _bad_cursor() -> InvalidInput:
    return InvalidInput(
        "the cursor is not one this API handed out; start again without it",
        errors={"cursor": "invalid cursor"},
    )


def decode_cursor(cursor: str) -> dict[str, Any]:
    if len(cursor) > MAX_CURSOR_CHARS:
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(data, dict):
        raise _bad_cursor()
    return data


def _cursor_id(data: dict[str, Any]) -> int:
    value = data.get("id")
    if type(value) is not int or not 0 < value <= MAX_ID:
        raise _bad_cursor()
    return value


def page_by_id(qs: QuerySet[M], *, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """Newest first (descending primary key)."""
    if cursor:
        qs = qs.filter(pk__lt=_cursor_id(decode_cursor(cursor)))
    rows = list(qs.order_by("-pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor({"id": rows[-1].pk})


def page_by_due(
    qs: QuerySet[Commitment], *, cursor: str | None, limit: int
) -> tuple[list[Commitment], str | None]:
    """Soonest due first, then by primary key."""
    if cursor:
        data = decode_cursor(cursor)
        last_id = _cursor_id(data)
        try:
            due = dt.datetime.fromisoformat(str(data.get("due")))
        except ValueError as exc:
            raise _bad_cursor() from exc
        if due.tzinfo is None:
            raise _bad_cursor()
        qs = qs.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=last_id))
    rows = list(qs.order_by("due_at", "pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor({"due": last.due_at.isoformat(), "id": last.pk})
