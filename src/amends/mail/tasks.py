"""The one safe way to process a stored mail, and a thin task that polls a mailbox.

Mail reaches amends by IMAP, LMTP/SMTP delivery or import; each path commits the raw bytes first
(``intake.mail_store``) and processes them afterwards. Two paths may reach the same stored row at
once — a poller catching up on ``intake.pending()`` while the delivery that stored it is still
processing — so processing holds the row locked while it runs, and a row no longer *received*
is left alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task

from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.parsed import UnprocessableInbound
from amends.inbound.services import inbound_prepare, inbound_process
from amends.mail import intake

logger = logging.getLogger(__name__)


def stored_mail_process(*, inbound_id: int) -> str:
    """Process one stored mail unless it has been processed already; return its status.

    Never raises for the mail's content (``inbound_process`` quarantines). A database failure
    does raise, and leaves the mail *received*: the next ``stored_mail_process_pending`` takes
    it up again.
    """
    with transaction.atomic():
        inbound = (
            InboundMessage.objects.select_for_update()
            .filter(pk=inbound_id, channel=intake.CHANNEL, status=InboundStatus.RECEIVED)
            .first()
        )
        if inbound is None:
            return "done already"
        inbound_process(inbound=inbound)
        return str(inbound.status)


# Mails processed together in one transaction (each in a savepoint of its own).
PROCESS_TOGETHER = 25


def stored_mail_prepare(*, inbound_ids: Sequence[int]) -> None:
    """Parse stored mails before the transaction that processes them takes the write lock (on
    SQLite, deliveries and other processes write meanwhile); processing then finds them parsed.
    Reads only."""
    for inbound in InboundMessage.objects.filter(
        pk__in=inbound_ids, channel=intake.CHANNEL, status=InboundStatus.RECEIVED
    ):
        # A mail that cannot be read is met again, and quarantined, when it is processed.
        with contextlib.suppress(UnprocessableInbound):
            inbound_prepare(inbound)


def stored_mail_process_many(*, inbound_ids: Sequence[int], prepared: bool = False) -> None:
    """Process stored mails a group at a time, each group in one transaction (a mail that fails
    is quarantined alone: each has its own savepoint). Should a group's transaction fail on the
    database, its mails are processed again one by one; one that still fails stays *received*
    for the next ``stored_mail_process_pending``. ``prepared``: the caller ran
    :func:`stored_mail_prepare` on them already (outside its write turn)."""
    for start in range(0, len(inbound_ids), PROCESS_TOGETHER):
        group = inbound_ids[start : start + PROCESS_TOGETHER]
        if not prepared:
            stored_mail_prepare(inbound_ids=group)
        try:
            with transaction.atomic():
                for inbound_id in group:
                    stored_mail_process(inbound_id=inbound_id)
            continue
        except DatabaseError:
            logger.warning("processing %d mails together failed; one by one", len(group))
            connection.close()
        for inbound_id in group:
            try:
                stored_mail_process(inbound_id=inbound_id)
            except DatabaseError:  # stays received; the next run's pending() takes it
                logger.exception("processing mail %s failed; it stays pending", inbound_id)
                connection.close()


def stored_mail_process_pending(*, older_than: dt.timedelta | None = None) -> int:
    """Process the stored mail that a crash or a stop left unprocessed; return how many.

    ``older_than`` leaves alone the mail stored just now, which its own delivery is about to
    process (doing it twice is safe, only wasted). A database that fails ends the run early:
    what is left stays *received* for next time."""
    done = 0
    cutoff = timezone.now() - older_than if older_than is not None else None
    try:
        for inbound in intake.pending():
            if cutoff is not None and inbound.received_at > cutoff:
                continue
            stored_mail_process(inbound_id=inbound.pk)
            done += 1
    except DatabaseError:
        logger.exception("processing stored mail failed; the rest stays pending")
        connection.close()
    return done


@task()
def mailbox_poll(*, mailbox_id: int) -> dict[str, Any]:
    """One IMAP round for one mailbox, for a scheduler that prefers the task queue to a
    long-running ``amends mail poll``. Safe to run while a poller watches the same mailbox:
    what both fetch is stored once. The worker's own signal handling stays in place."""
    from amends.mail.imap import run_imap

    return run_imap([mailbox_id], idle=False, once=True, stop=threading.Event())
