"""Triage on the task queue, so that taking a message in is never slowed by it.

``message_receive`` enqueues :func:`triage_message` once the message is committed. The task is
thin and safe to run twice: a message already triaged is left alone (and not routed again).
The triage is computed outside any transaction; storing it, carrying it to the case and routing
the case happen in one (:func:`amends.triage.services.message_triage_store`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from amends.conversations.models import Direction, Message
from amends.core.worker import task_queued
from amends.triage import services
from amends.triage.models import MessageTriage


@task()
def triage_message(*, message_id: int) -> str:
    """Triage an inbound message, store the verdict on it and its case, then route the case."""
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
    if task_queued(triage_message):
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
    for message_id in ids:
        triage_message.enqueue(message_id=message_id)
    return len(ids)
