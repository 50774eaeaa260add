"""The errors services raise, each with a stable code.

``DomainError``
├── ``NotFound``          the object does not exist *or is not yours* (never tell them apart)
├── ``Conflict``          someone else changed it first; reload and try again
├── ``InvalidInput``      the request is well-formed but breaks a rule (field → message)
└── ``Forbidden``         you may see it but not do this to it

The API turns them into 404, 409, 422 and 403 with ``{"code": ..., "detail": ..., "errors": ...}``.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOTE_REQUIRED = "handoff_note_required"
    SAME_OWNER = "same_owner"
    DUE_IN_PAST = "due_in_past"
    NOT_OPEN = "not_open"
    CASE_CLOSED = "case_closed"
    BAD_TRANSITION = "bad_transition"
    REPLY_LINT_FAILED = "reply_lint_failed"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INVALID
    status: int = 400

    def __init__(
        self, detail: str, *, code: ErrorCode | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.errors = errors or {}


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    status = 404


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
    status = 409


class InvalidInput(DomainError):
    code = ErrorCode.INVALID
    status = 422


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN
    status = 403
