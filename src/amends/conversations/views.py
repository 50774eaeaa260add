"""Attachment downloads: only for those who may see the message, and never rendered inline.

Whatever a file claims to be, the browser is told to save it, not to show it
(``Content-Disposition: attachment``), not to guess its type (``nosniff``), to run nothing
from it should it be opened anyway (``Content-Security-Policy: sandbox``) and to keep no copy
(``Cache-Control: private, no-store``). Only the types we accept are named; anything else goes
out as ``application/octet-stream``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from amends.accounts.models import User
from amends.conversations.selectors import attachment_get
from amends.conversations.uploads import ALLOWED_TYPES
from amends.core.errors import NotFound

SANDBOX = "sandbox"


def download_type(stored: str) -> str:
    base = stored.split(";", 1)[0].strip().lower()
    if base not in ALLOWED_TYPES:
        return "application/octet-stream"
    return "text/plain; charset=utf-8" if base == "text/plain" else base


@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    user = request.user
    if not isinstance(user, User):  # signed out: the same answer as for an unknown id
        raise Http404("attachment not found")
    try:
        attachment = attachment_get(user=user, attachment_id=attachment_id)
        handle = attachment.file.open("rb")
    except (NotFound, FileNotFoundError, ValueError) as exc:
        raise Http404("attachment not found") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=download_type(attachment.content_type),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Vary"] = "Cookie"
    return response
