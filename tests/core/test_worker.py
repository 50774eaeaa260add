from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from amends.cases.events import EventKind
from amends.cases.models import CaseStatus
from amends.commitments.models import Commitment
from amends.commitments.services import Due, commitment_make
from amends.commitments.tasks import commitment_remind
from amends.core.models import WorkerHeartbeat
from amends.core.worker import heartbeat, recover_abandoned_tasks, run_pending
from amends.notifications.models import Notification
from tests.factories import CaseFactory, TeamFactory, make_agent

HERE = Path(__file__).parent


def _due_reminder() -> Commitment:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=agent, status=CaseStatus.OPEN)
    start = timezone.now() - dt.timedelta(hours=5)
    commitment = commitment_make(
        case=case,
        actor=agent,
        kind="callback",
        description="Call back about the desk",
        due=Due(at=timezone.now() + dt.timedelta(hours=2)),
        now=start,
    )
    Commitment.objects.filter(pk=commitment.pk).update(
        remind_at=timezone.now() - dt.timedelta(minutes=1)
    )
    DBTaskResult.objects.all().delete()
    commitment_remind.enqueue(commitment_id=commitment.pk)
    return commitment


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["before_commit", "after_commit"])
def test_worker_killed_while_a_reminder_runs_it_runs_again_once(mode: str) -> None:
    commitment = _due_reminder()
    db_name = connection.settings_dict["NAME"]
    child = subprocess.run(
        [sys.executable, str(HERE / "crashing_worker.py"), db_name, "doomed-worker", mode],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.RUNNING  # the dead worker still "holds" it
    sent_before = Notification.objects.filter(kind="commitment_reminder").count()
    assert sent_before == (0 if mode == "before_commit" else 1)

    # While the lease has not run out, nothing is taken back.
    assert recover_abandoned_tasks() == 0
    # The worker stopped sending heartbeats; once the lease is over the task is taken back.
    later = timezone.now() + dt.timedelta(minutes=10)
    assert recover_abandoned_tasks(now=later) == 1
    assert run_pending() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert Notification.objects.filter(kind="commitment_reminder").count() == 1
    assert commitment.case.events.filter(kind=EventKind.COMMITMENT_REMINDED).count() == 1


@pytest.mark.django_db
def test_tasks_of_a_live_worker_are_left_alone() -> None:
    _due_reminder()
    task = DBTaskResult.objects.get()
    task.claim("busy-worker")
    heartbeat("busy-worker")
    with override_settings(AMENDS_TASK_LEASE_SECONDS=60):
        assert recover_abandoned_tasks(now=timezone.now() + dt.timedelta(seconds=30)) == 0
        # silent for longer than the lease: taken back
        assert recover_abandoned_tasks(now=timezone.now() + dt.timedelta(seconds=120)) == 1
    assert WorkerHeartbeat.objects.filter(worker_id="busy-worker").exists()


@pytest.mark.django_db
def test_database_optimize_gathers_planner_statistics() -> None:
    from amends.core.maintenance import database_optimize

    assert database_optimize(full=True) == "analyze"
    assert database_optimize() in {"optimize", "analyze"}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_an_idle_worker_keeps_sending_heartbeats_and_sweeping() -> None:
    import threading
    import time

    from amends.commitments.models import CommitmentState
    from amends.core.worker import AmendsWorker

    commitment = _due_reminder()
    DBTaskResult.objects.all().delete()  # the timers are lost; only the sweep can notice
    Commitment.objects.filter(pk=commitment.pk).update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    worker = AmendsWorker(worker_id="idle-worker", interval=0.1, sweep_seconds=0.2)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if Commitment.objects.get(pk=commitment.pk).state == CommitmentState.BROKEN:
                break
            time.sleep(0.1)
        assert Commitment.objects.get(pk=commitment.pk).state == CommitmentState.BROKEN
        assert WorkerHeartbeat.objects.filter(worker_id="idle-worker").exists()
    finally:
        worker.stop()
        thread.join(timeout=15)
        connection.close()
    assert not thread.is_alive()


def test_sweeps_run_no_more_often_than_the_table_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parcels gone quiet are looked for every five minutes, contradictions every ten, lost
    work every round."""
    from amends.core import worker

    every = dict(worker.SWEEPS)
    assert every["amends.proactive.services.proactive_sweep"] == 300
    assert every["amends.commerce.contradictions.consistency_check"] == 600
    assert every["amends.mail.outbound.outbox_sweep"] == 0
    calls: list[str] = []
    monkeypatch.setattr(
        worker,
        "SWEEPS",
        (("tests.core.sweeps.every_round", 0), ("tests.core.sweeps.every_five_minutes", 300)),
    )
    monkeypatch.setattr(worker, "_swept", {})
    monkeypatch.setattr("tests.core.sweeps.CALLS", calls)
    worker.run_sweeps(now=1000.0)
    worker.run_sweeps(now=1100.0)  # too soon for the five-minute one
    worker.run_sweeps(now=1301.0)
    assert calls == ["round", "five", "round", "round", "five"]
