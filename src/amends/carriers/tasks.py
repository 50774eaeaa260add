"""Thin tasks for tracking: a polling run, and the worker's sweep that schedules it.

``tracking_poll`` is idempotent: shipments are claimed before they are asked about, an answer
already stored is not recorded again, and events are stored once. Running it twice at once
polls each due shipment once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from amends.carriers import polling
from amends.carriers.channel import carrier_pending_process, carrier_unknown_retry
from amends.core.worker import task_queued

logger = logging.getLogger(__name__)


@task()
def tracking_poll(*, carrier: str = "") -> list[dict[str, Any]]:
    """Poll ``carrier`` (a code), or every carrier that is polled when it is ""."""
    return [report.as_dict() for report in polling.tracking_poll_run(carrier=carrier or None)]


def tracking_poll_schedule() -> bool:
    """Enqueue one ``tracking_poll`` when shipments are due and none is queued; for the
    worker's periodic sweep (``core.worker``). Returns whether it enqueued one."""
    if task_queued(tracking_poll) or not polling.polling_due():
        return False
    transaction.on_commit(lambda: tracking_poll.enqueue())
    return True


def tracking_sweep() -> None:
    """The worker's periodic look at tracking (``core.worker.SWEEPS``): finish carrier payloads
    a stopped process left unprocessed, try again the events kept for parcels amends did not
    know yet, and enqueue a polling run when parcels are due."""
    carrier_pending_process()
    carrier_unknown_retry()
    tracking_poll_schedule()
