"""Triage on the task queue, so that taking a message in is never slowed by it.

``message_receive`` enqueues :func:`triage_message` once the message is committed. The task is
thin and safe to run twice: a message already triaged is left alone (and not routed again).
The triage is computed outside any transaction; storing it, carrying it to the case and routing
the case happen in one (:func:`amends.triage.services.message_triage_store`).
"""

from __future__ import annotations

from django_tasks import task

from amends.conversations.models import Direction, Message
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
