"""The one safe way to process a stored mail, and a thin task that polls a mailbox.

Mail reaches amends by IMAP, LMTP/SMTP delivery or import; each path commits the raw bytes first
(``intake.mail_store``) and processes them afterwards. Two paths may reach the same stored row at
once — a poller catching up on ``intake.pending()`` while the delivery that stored it is still
processing — so processing holds the row locked while it runs, and a row no longer *received*
is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task

from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.services import inbound_process
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
