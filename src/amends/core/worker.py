"""The task worker: django-tasks-db's worker, plus what a queue on a database needs to be safe.

* **Heartbeats.** Each worker records that it is alive every few seconds.
* **Lease recovery.** A task left *running* by a worker that stopped sending heartbeats (killed,
  machine lost) is put back to *ready* and runs again. Tasks are idempotent, so it acts once.
* **Sweeps.** At a fixed interval the worker runs the commitment sweep, the safety net behind
  the timers.

Several workers on several machines can share one database: claiming a task is a locked
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and an exclusive transaction on SQLite.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from amends.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
SWEEP_SECONDS = 30.0
OPTIMIZE_SECONDS = 6 * 3600.0


def heartbeat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "seen_at": timezone.now(),
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
        },
    )


def recover_abandoned_tasks(*, now: dt.datetime | None = None) -> int:
    """Put back to *ready* the tasks whose worker has been silent longer than the lease."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.AMENDS_TASK_LEASE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - lease).values_list("worker_id", flat=True)
    )
    recovered = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for task_result in running:
            holder = task_result.worker_ids[-1] if task_result.worker_ids else ""
            started = task_result.started_at or task_result.enqueued_at
            if holder in alive or (started and started > now - lease):
                continue
            logger.warning(
                "task %s (%s) was abandoned by worker %s; running it again",
                task_result.id,
                task_result.task_path,
                holder or "?",
            )
            task_result.status = TaskResultStatus.READY
            task_result.save(update_fields=["status"])
            recovered += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=now - lease * 10).delete()
    return recovered


class AmendsWorker(Worker):
    """django-tasks-db's worker loop, with heartbeats, recovery and sweeps on a side thread."""

    def __init__(
        self,
        *,
        worker_id: str | None = None,
        interval: float = 1.0,
        sweep_seconds: float = SWEEP_SECONDS,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("queue_names", ["*"])
        kwargs.setdefault("batch", False)
        kwargs.setdefault("backend_name", "default")
        kwargs.setdefault("startup_delay", False)
        kwargs.setdefault("max_tasks", None)
        kwargs.setdefault("excluded_queue_names", [])
        super().__init__(worker_id=worker_id or get_random_string(32), interval=interval, **kwargs)
        self.sweep_seconds = sweep_seconds
        self._last_beat = 0.0
        self._last_sweep = 0.0
        self._last_optimize = time.monotonic()
        self._stop = threading.Event()

    def _maintain(self) -> None:
        now = time.monotonic()
        try:
            if now - self._last_beat >= HEARTBEAT_SECONDS:
                heartbeat(self.worker_id)
                self._last_beat = now
            if now - self._last_sweep >= self.sweep_seconds:
                recover_abandoned_tasks()
                run_sweeps()
                self._last_sweep = now
            if now - self._last_optimize >= OPTIMIZE_SECONDS:
                from amends.core.maintenance import database_optimize

                database_optimize()
                self._last_optimize = now
        except Exception:  # the loop must survive a hiccup (database restarting, …)
            logger.exception("worker maintenance failed")
            close_old_connections()

    def _maintenance_loop(self) -> None:
        """Heartbeats and sweeps on their own thread, so they go on while a long task runs and
        while the worker is idle."""
        from django.db import connection

        try:
            while not self._stop.is_set():
                self._maintain()
                self._stop.wait(min(1.0, self.sweep_seconds))
        finally:
            connection.close()

    def run(self) -> None:
        heartbeat(self.worker_id)
        self._last_beat = time.monotonic()
        maintenance = threading.Thread(
            target=self._maintenance_loop,
            name=f"amends-maintenance-{self.worker_id[:8]}",
            daemon=True,
        )
        maintenance.start()
        try:
            super().run()
        finally:
            self._stop.set()
            maintenance.join(timeout=10)

    def stop(self) -> None:
        self.running = False
        self._stop.set()


# What the worker looks over: work whose own task was lost or that no event starts (a promise
# come due, a parcel with no scan for days, a refund the shop settled). Each is idempotent and
# takes no arguments; one that fails is logged and the others still run. The number is the
# fewest seconds between two runs in one worker (0: every maintenance round): what only time
# shows changes by the hour, and need not be looked for every half minute.
SWEEPS: tuple[tuple[str, float], ...] = (
    ("amends.commitments.services.commitments_sweep", 0),
    ("amends.mail.outbound.outbox_sweep", 0),
    ("amends.commerce.backend.shop_sweep", 0),
    ("amends.commerce.shopify.receive.shopify_pending_process", 0),
    ("amends.commerce.contradictions.consistency_check", 600),
    ("amends.proactive.services.proactive_sweep", 300),
    ("amends.carriers.tasks.tracking_sweep", 0),
    ("amends.triage.tasks.triage_sweep", 0),
)
# path → when (time.monotonic) it last ran in this process.
_swept: dict[str, float] = {}


def run_sweeps(*, now: float | None = None) -> list[str]:
    """Run the sweeps that are due; returns the paths that ran."""
    from django.utils.module_loading import import_string

    now = time.monotonic() if now is None else now
    ran = []
    for path, every in SWEEPS:
        last = _swept.get(path)
        if every and last is not None and now - last < every:
            continue
        _swept[path] = now
        ran.append(path)
        try:
            import_string(path)()
        except Exception:
            logger.exception("sweep %s failed", path)
            close_old_connections()
    return ran


def task_queued(task: Any) -> bool:
    """Whether a run of ``task`` is waiting or running (database task backend only; with another
    backend a second run is harmless, only wasted): a sweep enqueues work only when none is."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return False
    return DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def run_pending(*, max_tasks: int = 1000, worker_id: str = "inline") -> int:
    """Run every task that is ready now, in this thread, and return how many ran.

    The same claim-and-run steps as the worker loop, without its sleeping and connection
    recycling, so it also works inside a test's transaction.
    """
    worker = AmendsWorker(worker_id=worker_id, batch=True, interval=0)
    ran = 0
    while ran < max_tasks:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is None:
                break
            task_result.claim(worker.worker_id)
        Worker.run_task(worker, task_result)
        ran += 1
    return ran


def start_in_thread(*, interval: float = 1.0) -> AmendsWorker:
    """The embedded profile's in-process worker."""
    worker = AmendsWorker(interval=interval)
    thread = threading.Thread(target=worker.run, name="amends-worker", daemon=True)
    thread.start()
    return worker
