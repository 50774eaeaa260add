"""Thin tasks: load by id, call the channel adapter, record the result. Safe to run twice."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from amends.channels.registry import DeliveryError, adapter_for
from amends.conversations.models import DeliveryStatus, Message

logger = logging.getLogger(__name__)


@task()
def message_deliver(*, message_id: int) -> str:
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return "missing"
        if message.delivery_status != DeliveryStatus.QUEUED:
            return f"already {message.delivery_status}"
        try:
            status = adapter_for(message.channel).deliver(message)
        except DeliveryError as exc:
            if not exc.permanent:
                raise
            logger.warning("message %s failed permanently: %s", message_id, exc)
            status = DeliveryStatus.FAILED
        Message.objects.filter(pk=message.pk).update(delivery_status=status)
        return str(status)
