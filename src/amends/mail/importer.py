"""``amends mail import PATH...``: .eml files, folders of them, and mbox files.

Each mail is committed raw first, then read within a time budget; whatever cannot be read is
quarantined with the reason. Old mail imported at once is not taken for a mail loop.
"""

from __future__ import annotations

import mailbox as mbox_format
import os
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import UnprocessableInbound
from amends.inbound.services import inbound_process
from amends.mail.intake import mail_store
from amends.mail.models import Mailbox
from amends.mail.processing import without_rate_limit

DEFAULT_BUDGET_SECONDS = 20.0


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
            "quarantined": dict(self.quarantined.most_common()),
            "quarantined_examples": dict(list(self.examples.items())[:20]),
            "seconds": round(self.seconds, 2),
            "per_second": round(self.read / self.seconds, 1) if self.seconds else None,
        }


def import_mail(
    paths: list[Path],
    *,
    mailbox: Mailbox | None = None,
    budget: float = DEFAULT_BUDGET_SECONDS,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    summary = ImportSummary()
    started = time.monotonic()
    with without_rate_limit():
        for where, raw in mails_in(paths):
            summary.read += 1
            result = mail_store(raw, mailbox=mailbox)
            if not result.created:
                summary.duplicates += 1
            else:
                inbound = result.inbound
                try:
                    with time_budget(budget):
                        inbound_process(inbound=inbound)
                except OverBudget as exc:  # expired just outside the processing's own guard
                    InboundMessage.objects.filter(pk=inbound.pk).update(
                        status=InboundStatus.QUARANTINED, reason=str(exc)
                    )
                    inbound.status, inbound.reason = InboundStatus.QUARANTINED, str(exc)
                if inbound.status == InboundStatus.QUARANTINED:
                    summary.quarantined[reason_group(inbound.reason)] += 1
                    if len(summary.examples) < 500:
                        summary.examples[where] = inbound.reason
                elif inbound.status == InboundStatus.HELD:
                    summary.held += 1
                else:
                    summary.stored += 1
            if progress is not None:
                progress(summary)
    summary.seconds = time.monotonic() - started
    return summary
