"""Commitment timers. Thin: each loads by id and calls an idempotent service."""

from __future__ import annotations

from django_tasks import task

from amends.commitments import services


@task(queue_name="timers")
def commitment_remind(*, commitment_id: int) -> bool:
    return services.commitment_send_reminder(commitment_id=commitment_id)


@task(queue_name="timers")
def commitment_escalate(*, commitment_id: int) -> bool:
    return services.commitment_send_escalation(commitment_id=commitment_id)


@task(queue_name="timers")
def commitment_expire(*, commitment_id: int) -> bool:
    return services.commitment_mark_broken(commitment_id=commitment_id)
