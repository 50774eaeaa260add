"""Thin tasks: load by id, call the channel adapter, record the result. Safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from amends.channels.registry import DeliveryError, adapter_for
from amends.conversations.models import DeliveryStatus, Message

logger = logging.getLogger(__name__)


@task()
def message_deliver(*, message_id: int) -> str:
    """Deliver a queued reply through its channel's adapter.

    The adapter runs outside any transaction: the email adapter commits its own steps (the mail
    is marked as being sent before it leaves), and each adapter makes a second call harmless.
    Retries do not rely on the task backend: an adapter that raises a non-permanent
    ``DeliveryError`` with a ``retry_at`` gets this task enqueued again for that time.
    """
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if message.delivery_status != DeliveryStatus.QUEUED:
        return f"already {message.delivery_status}"
    try:
        status = adapter_for(message.channel).deliver(message)
    except DeliveryError as exc:
        if not exc.permanent:
            retry_at = exc.retry_at
            if retry_at is None:
                raise
            _enqueue_retry(message_id=message_id, retry_at=retry_at)
            return f"deferred until {retry_at.isoformat()}: {exc}"
        logger.warning("message %s failed permanently: %s", message_id, exc)
        status = DeliveryStatus.FAILED
    Message.objects.filter(pk=message.pk, delivery_status=DeliveryStatus.QUEUED).update(
        delivery_status=status
    )
    return str(status)


def _enqueue_retry(*, message_id: int, retry_at: dt.datetime) -> None:
    # A backend that cannot defer (the immediate one) would run it at once, to no avail: the
    # adapter's own sweep enqueues it when it is due.
    if message_deliver.get_backend().supports_defer:
        message_deliver.using(run_after=retry_at).enqueue(message_id=message_id)
