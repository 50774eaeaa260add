"""Run the real worker in a child process and kill it (SIGKILL) in the middle of a task.

Usage: python crashing_worker.py DB_NAME WORKER_ID {before_commit|after_commit}

``before_commit``: killed inside the reminder's transaction, after the notice was written.
``after_commit``: killed after the reminder committed, before the task was marked done.
"""

from __future__ import annotations

import os
import signal
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings_test")

from django.conf import settings

db_name, worker_id, mode = sys.argv[1:4]
settings.DATABASES["default"]["NAME"] = db_name

import django  # noqa: E402

django.setup()

from amends.commitments import services  # noqa: E402
from amends.core.worker import AmendsWorker, heartbeat  # noqa: E402

# Only the task itself may send the reminder here, not the periodic sweep.
AmendsWorker._maintain = lambda self: heartbeat(self.worker_id)  # type: ignore[method-assign]


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


if mode == "before_commit":
    real_notify = services.notify  # type: ignore[attr-defined]

    def notify_then_die(**kwargs: object) -> object:
        real_notify(**kwargs)  # type: ignore[arg-type]
        die()
        raise AssertionError("unreachable")

    services.notify = notify_then_die  # type: ignore[attr-defined,assignment]
else:
    real_send = services.commitment_send_reminder

    def send_then_die(**kwargs: object) -> bool:
        real_send(**kwargs)  # type: ignore[arg-type]
        die()
        raise AssertionError("unreachable")

    services.commitment_send_reminder = send_then_die

AmendsWorker(worker_id=worker_id, batch=True, interval=0).run()
