"""Attachment files written during a unit of work that fails are removed again.

A file is written to storage inside the database transaction that records its ``Attachment``
row. When the transaction rolls back the row is gone, but the storage (a folder, an object
store) knows nothing of transactions. Wrap such work in :func:`discard_files_on_error` and every
file written through :func:`remember_written` inside it is deleted when the work raises.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.storage import Storage

logger = logging.getLogger(__name__)

_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "amends_attachment_files_written", default=None
)


def remember_written(storage: Storage, name: str) -> None:
    written = _written.get()
    if written is not None:
        written.append((storage, name))


@contextmanager
def discard_files_on_error() -> Iterator[None]:
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except Exception:  # the row is gone either way; a stray file is only clutter
                logger.warning("could not remove attachment file %s", name, exc_info=True)
        raise
    finally:
        _written.reset(token)
