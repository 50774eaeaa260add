"""The clock the demo's history is written with.

The demo builds every case through the real services, so its timeline is the one the product
would have recorded. Those services stamp rows with ``timezone.now()``; to make a history that
spans days (a case opened last Tuesday, answered two hours later) the seeder moves this clock
and the services read it. It never runs ahead of the real time, so nothing is dated in the
future and every due time the seeder computes is checked against the real "now".

The clock replaces ``django.utils.timezone.now`` only inside ``DemoClock.running()``, which the
seeder enters before the server or the worker start; nothing else runs in the process then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


class DemoClock:
    def __init__(self, *, real_now: dt.datetime | None = None) -> None:
        self.real_now = real_now or timezone.now()
        self._at = self.real_now

    def now(self) -> dt.datetime:
        return self._at

    def set(self, moment: dt.datetime) -> dt.datetime:
        """Move to ``moment`` (never past the real time); returns where the clock now is."""
        self._at = min(moment, self.real_now)
        return self._at

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        return self.set(self._at + delta)

    @contextmanager
    def running(self) -> Iterator[DemoClock]:
        with mock.patch.object(timezone, "now", self.now):
            yield self
