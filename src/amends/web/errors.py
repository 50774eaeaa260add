"""What a page says when a service refuses: the error's stable code, in the reader's language.

``DomainError.detail`` stays English (the API and the logs use it); pages show these instead.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amends.core.errors import DomainError, ErrorCode

MESSAGES: dict[ErrorCode, Promise] = {
    ErrorCode.NOT_FOUND: _("This could not be found."),
    ErrorCode.CONFLICT: _(
        "Someone else changed this in the meantime. Reload the page and try again."
    ),
    ErrorCode.INVALID: _("This could not be saved. Check what was entered and try again."),
    ErrorCode.FORBIDDEN: _("This action is not allowed."),
    ErrorCode.NOTE_REQUIRED: _("A transfer needs a hand-off note."),
    ErrorCode.SAME_OWNER: _("The case is already with them."),
    ErrorCode.DUE_IN_PAST: _("That deadline has already passed."),
    ErrorCode.NOT_OPEN: _("This promise is no longer open."),
    ErrorCode.CASE_CLOSED: _("This case is closed."),
    ErrorCode.BAD_TRANSITION: _("The case cannot move to that status from where it is now."),
}


def error_message(error: DomainError) -> str:
    """The translated sentence for a refused action."""
    return str(MESSAGES.get(error.code, MESSAGES[ErrorCode.INVALID]))
