"""Triage on the task queue, so that taking a message in is never slowed by it.

``message_receive`` calls :func:`triage_later`: once the transaction commits, the messages it
received are enqueued together as :func:`triage_messages` (up to :data:`TRIAGE_TOGETHER` a
task), so an import of a thousand mails writes a few dozen task rows, not a thousand, and the
embedding runs on batches (about twice the messages a second of one at a time, bench/triage.py).
The tasks are thin and safe to run twice: a message already triaged is left alone (and not
routed again).
The triage is computed outside any transaction; storing it, carrying it to the case and routing
the case happen in one (:func:`amends.triage.services.message_triage_store`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from amends.conversations.models import Direction, Message
from amends.core.worker import task_queued
from amends.triage import services
from amends.triage.models import MessageTriage

logger = logging.getLogger(__name__)

# Messages triaged together in one task.
TRIAGE_TOGETHER = 32

_waiting = threading.local()


class _Batch:
    """The messages one transaction received, enqueued together when it commits."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        ids = list(dict.fromkeys(self.ids))
        self.ids.clear()
        for start in range(0, len(ids), TRIAGE_TOGETHER):
            triage_messages.enqueue(message_ids=ids[start : start + TRIAGE_TOGETHER])


def triage_later(message_id: int) -> None:
    """Triage ``message_id`` once the transaction that received it commits, in one task with
    the other messages that transaction received.

    The first message of a transaction registers a batch on commit; the next ones join it as
    long as that batch is still waiting for this connection's commit (Django keeps the
    callbacks of a rolled-back savepoint or transaction out of that list, so a batch never
    outlives its transaction). A message rolled back with a savepoint inside the transaction
    stays in its batch, and the task skips it as missing."""
    connection = transaction.get_connection()
    batch: _Batch | None = getattr(_waiting, "batch", None)
    waiting = batch is not None and any(
        func is batch for _savepoints, func, _robust in connection.run_on_commit
    )
    if batch is None or not waiting:
        batch = _waiting.batch = _Batch()
        batch.ids.append(message_id)
        transaction.on_commit(batch)
    else:
        batch.ids.append(message_id)


@task()
def triage_messages(*, message_ids: list[int]) -> str:
    """Triage inbound messages in one batch, then store each verdict, carry it to its case and
    route the case, one message per transaction. A message that fails is logged and left
    untriaged (the sweep enqueues it again), the others are stored; the task then fails so the
    failure shows."""
    messages = list(
        Message.objects.select_related("case", "case__brand", "case__customer")
        .filter(pk__in=message_ids, direction=Direction.INBOUND)
        .exclude(Exists(MessageTriage.objects.filter(message_id=OuterRef("pk"))))
        .order_by("id")
    )
    verdicts = services.message_triage_compute_many(messages=messages)
    stored, failed = 0, []
    for message, verdict in zip(messages, verdicts, strict=True):
        try:
            _row, created = services.message_triage_store(message=message, triage=verdict)
        except Exception:
            logger.exception("storing the triage of message %s failed", message.pk)
            failed.append(message.pk)
            continue
        stored += int(created)
    summary = f"{stored} of {len(message_ids)} triaged"
    if failed:
        raise RuntimeError(f"{summary}; storing failed for {failed} (the sweep tries again)")
    return summary


@task()
def triage_message(*, message_id: int) -> str:
    """Triage one inbound message, store the verdict on it and its case, then route the case
    (what intake enqueued before messages were triaged in batches; tests and replays)."""
    message = (
        Message.objects.select_related("case", "case__brand", "case__customer")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return "missing"
    if message.direction != Direction.INBOUND:
        return f"not inbound ({message.direction})"
    if MessageTriage.objects.filter(message_id=message_id).exists():
        return "already triaged"
    verdict = services.message_triage_compute(message=message)
    row, created = services.message_triage_store(message=message, triage=verdict)
    if not created:
        return "already triaged"
    intents = ",".join(row.intent_ids)
    return f"{row.lang} {intents} churn={row.churn_risk:.2f} ({row.model_version})"


# An inbound message not triaged this long after it arrived lost its task (a worker killed, a
# queue emptied): the sweep enqueues it again. Older than a week, it is left alone.
TRIAGE_LATE = dt.timedelta(minutes=2)
TRIAGE_GIVE_UP = dt.timedelta(days=7)


def triage_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The worker's sweep: enqueue again the inbound messages whose triage never ran. Returns
    how many were enqueued (the task itself skips a message triaged meanwhile)."""
    if task_queued(triage_messages) or task_queued(triage_message):
        return 0  # a backlog is being worked: what it holds would only be enqueued twice
    now = now or timezone.now()
    late = (
        Message.objects.filter(
            direction=Direction.INBOUND,
            created_at__lte=now - TRIAGE_LATE,
            created_at__gte=now - TRIAGE_GIVE_UP,
        )
        .exclude(Exists(MessageTriage.objects.filter(message_id=OuterRef("pk"))))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    ids = list(late)
    for start in range(0, len(ids), TRIAGE_TOGETHER):
        triage_messages.enqueue(message_ids=ids[start : start + TRIAGE_TOGETHER])
    return len(ids)
