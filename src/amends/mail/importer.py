"""``amends mail import PATH...``: .eml files, folders of them, and mbox files.

Each mail is committed raw first, then read within a time budget; whatever cannot be read is
quarantined with the reason. Old mail imported at once is not taken for a mail loop.
"""

from __future__ import annotations

import email.utils
import logging
import mailbox as mbox_format
import multiprocessing
import os
import re
import signal
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.db import DatabaseError, connections, transaction

from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import UnprocessableInbound
from amends.inbound.services import inbound_prepare, inbound_process
from amends.mail.intake import headers_of, mail_store
from amends.mail.models import Mailbox
from amends.mail.processing import without_rate_limit
from amends.search.indexing import deferred as deferred_indexing

DEFAULT_BUDGET_SECONDS = 20.0
# Search entries are written every so many mails, each changed case once (not once per change).
logger = logging.getLogger(__name__)

INDEX_EVERY = 200
# Mails stored together in one transaction, then processed together in another.
STORE_EVERY = 25


class OverBudget(UnprocessableInbound):
    pass


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Stop the work inside after ``seconds`` (main thread only; elsewhere a no-op)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise OverBudget(f"reading the mail took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_mbox(path: Path) -> bool:
    """An mbox file: named so, or (without an .eml name) starting with a ``From `` line and
    holding more than one mail. A single .eml that starts with ``From `` is kept whole."""
    suffix = path.suffix.lower()
    if suffix in {".mbox", ".mbx"}:
        return True
    if suffix == ".eml":
        return False
    with path.open("rb") as handle:
        if handle.read(5) != b"From ":
            return False
        for line in handle:
            if line.startswith(b"From "):
                return True
    return False


def mails_in(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(where, raw bytes) for every mail under the paths, in a stable order."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield from mails_in([Path(root) / name])
        elif _is_mbox(path):
            box = mbox_format.mbox(path, create=False)
            try:
                for key in box.iterkeys():
                    yield f"{path}#{key}", box.get_bytes(key)
            finally:
                box.close()
        else:
            yield str(path), path.read_bytes()


def reason_group(reason: str) -> str:
    """Reasons grouped for the summary: numbers and quoted names folded away."""
    reason = re.sub(r"'[^']*'|\"[^\"]*\"|<[^>]*>", "…", reason)
    return re.sub(r"\d+", "N", reason)[:100]


@dataclass
class ImportSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    held: int = 0
    # Stored, but not processed: the database failed (the next import or poll processes them).
    pending: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    # Where each quarantined mail came from, with its reason (the first few hundred).
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "held": self.held,
            "pending": self.pending,
            "quarantined": dict(self.quarantined.most_common()),
            "quarantined_examples": dict(list(self.examples.items())[:20]),
            "seconds": round(self.seconds, 2),
            "per_second": round(self.read / self.seconds, 1) if self.seconds else None,
        }


def sender_key(raw: bytes) -> str:
    """The sender's address as the From header gives it: what keeps one sender's mail in one
    process when an import runs in several."""
    headers = headers_of(raw, scan_bytes=65536)
    if headers is None:
        return ""
    return email.utils.parseaddr(str(headers.get("From", "")))[1].lower()


def _in_part(raw: bytes, part: tuple[int, int]) -> bool:
    index, parts = part
    return parts <= 1 or zlib.crc32(sender_key(raw).encode()) % parts == index


def import_mail(
    paths: list[Path],
    *,
    mailbox: Mailbox | None = None,
    budget: float = DEFAULT_BUDGET_SECONDS,
    progress: Callable[[ImportSummary], None] | None = None,
    jobs: int = 1,
    part: tuple[int, int] = (0, 1),
) -> ImportSummary:
    """Import the mail under ``paths``. With ``jobs`` > 1, that many processes share the work,
    each taking the mail of some senders (so a customer's mails keep their order)."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    if jobs > 1:
        return _import_in_processes(paths, mailbox=mailbox, budget=budget, jobs=jobs)
    summary = ImportSummary()
    started = time.monotonic()
    batch: list[tuple[str, bytes]] = []

    def flush_batch() -> None:
        _import_batch(batch, mailbox=mailbox, budget=budget, summary=summary)
        batch.clear()
        if summary.read % INDEX_EVERY < STORE_EVERY:
            index_now()
        if progress is not None:
            progress(summary)

    with without_rate_limit(), deferred_indexing() as index_now:
        for where, raw in mails_in(paths):
            if not _in_part(raw, part):
                continue
            summary.read += 1
            batch.append((where, raw))
            if len(batch) >= STORE_EVERY:
                flush_batch()
        if batch:
            flush_batch()
    summary.seconds = time.monotonic() - started
    return summary


def _import_batch(
    batch: list[tuple[str, bytes]],
    *,
    mailbox: Mailbox | None,
    budget: float,
    summary: ImportSummary,
) -> None:
    """Store a batch of mails in one transaction, then read and thread them in a second one,
    each in a savepoint of its own (one failing mail is quarantined alone). The raw bytes are
    committed before any of them is processed. Should the second transaction fail on the
    database, the mails are processed again one by one; should it be lost altogether (a crash),
    they stay stored and unprocessed, and importing them again processes them (a stored mail
    that was never processed is not counted as a duplicate)."""
    with transaction.atomic():
        stored = [(where, mail_store(raw, mailbox=mailbox)) for where, raw in batch]
    todo: list[tuple[str, InboundMessage]] = []
    taken: set[int] = set()
    for where, result in stored:
        first_time = result.inbound.pk not in taken  # the same mail twice in one batch: once
        if first_time and (result.created or result.inbound.status == InboundStatus.RECEIVED):
            todo.append((where, result.inbound))
            taken.add(result.inbound.pk)
        else:
            summary.duplicates += 1
    todo = [
        (where, inbound) for where, inbound in todo if _prepare(inbound, budget, summary, where)
    ]
    try:
        with transaction.atomic():
            outcomes = [(where, _process(inbound, budget)) for where, inbound in todo]
    except DatabaseError:
        logger.warning("processing %d mails together failed; one by one", len(todo))
        outcomes = []
        for where, inbound in todo:
            inbound.refresh_from_db()
            try:
                outcomes.append((where, _process(inbound, budget)))
            except DatabaseError:  # stays received: the next import or poll processes it
                logger.exception("processing mail %s failed; it stays stored", inbound.pk)
                outcomes.append((where, inbound))
    for where, inbound in outcomes:
        _count(summary, where, inbound)


def _prepare(inbound: InboundMessage, budget: float, summary: ImportSummary, where: str) -> bool:
    """Parse the mail before its group's transaction takes the write lock (another import
    process writes meanwhile); False when its time ran out, and it is quarantined for that."""
    try:
        with time_budget(budget):
            inbound_prepare(inbound)
    except OverBudget as exc:
        _over_budget(inbound, exc)
        _count(summary, where, inbound)
        return False
    return True


def _over_budget(inbound: InboundMessage, exc: OverBudget) -> None:
    InboundMessage.objects.filter(pk=inbound.pk).update(
        status=InboundStatus.QUARANTINED, reason=str(exc)
    )
    inbound.status, inbound.reason = InboundStatus.QUARANTINED, str(exc)


def _process(inbound: InboundMessage, budget: float) -> InboundMessage:
    try:
        with time_budget(budget):
            inbound_process(inbound=inbound)
    except OverBudget as exc:  # expired just outside the processing's own guard
        _over_budget(inbound, exc)
    return inbound


def _count(summary: ImportSummary, where: str, inbound: InboundMessage) -> None:
    if inbound.status == InboundStatus.QUARANTINED:
        summary.quarantined[reason_group(inbound.reason)] += 1
        if len(summary.examples) < 500:
            summary.examples[where] = inbound.reason
    elif inbound.status == InboundStatus.HELD:
        summary.held += 1
    elif inbound.status == InboundStatus.RECEIVED:
        summary.pending += 1
    else:
        summary.stored += 1


def _import_part(
    paths: list[Path], mailbox_id: int | None, budget: float, index: int, parts: int
) -> ImportSummary:
    mailbox = Mailbox.objects.select_related("brand").get(pk=mailbox_id) if mailbox_id else None
    try:
        return import_mail(paths, mailbox=mailbox, budget=budget, part=(index, parts))
    finally:
        connections.close_all()


def _import_in_processes(
    paths: list[Path], *, mailbox: Mailbox | None, budget: float, jobs: int
) -> ImportSummary:
    started = time.monotonic()
    # Forked children must not share the parent's database connections.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        parts = pool.starmap(
            _import_part,
            [(paths, mailbox.pk if mailbox else None, budget, i, jobs) for i in range(jobs)],
        )
    total = ImportSummary()
    for part in parts:
        total.read += part.read
        total.stored += part.stored
        total.duplicates += part.duplicates
        total.held += part.held
        total.pending += part.pending
        total.quarantined.update(part.quarantined)
        for where, reason in part.examples.items():
            if len(total.examples) < 500:
                total.examples[where] = reason
    total.seconds = time.monotonic() - started
    return total
