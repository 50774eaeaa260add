"""Faults around sending: a sender killed mid-way, a relay down for a while, workers racing.

Whatever happens, no reply reaches the server twice. A sender killed after the server took the
mail leaves it UNCERTAIN (never sent again by itself); one killed before DATA leaves it QUEUED,
and it goes out once later.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from amends.accounts.models import User
from amends.cases.models import Case, Channel
from amends.conversations.models import DeliveryStatus, Message
from amends.conversations.services import case_reply
from amends.conversations.tasks import message_deliver
from amends.core.worker import recover_abandoned_tasks, run_pending
from amends.mail import outbound
from amends.mail.models import OutboundMail, OutboundStatus
from amends.mail.smtp import smtp_config
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, make_agent
from tests.mail import smtp_peer as smtp_peer_module
from tests.mail.smtp_peer import SmtpPeer
from tests.processes import child_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
smtp_peer = smtp_peer_module.smtp_peer  # the fixture

# The real worker code in a child process, killed (SIGKILL) at one point of the sending.
CHILD = textwrap.dedent(
    """
    import os, signal, sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings_test")
    from django.conf import settings

    db_name, host, port, mode = sys.argv[1:5]
    settings.DATABASES["default"]["NAME"] = db_name
    settings.AMENDS_SMTP = {"host": host, "port": int(port), "security": "none", "timeout": 10}

    import django

    django.setup()

    from amends.core.worker import run_pending
    from amends.mail.smtp import SmtpSession

    step = {"after_data": "data", "before_data": "envelope"}[mode]
    real = getattr(SmtpSession, step)

    def then_die(self, *args):
        real(self, *args)
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(SmtpSession, step, then_die)
    run_pending(worker_id="doomed-worker")
    """
)


def _agent_and_case(n: int = 0) -> tuple[User, Case]:
    team = TeamFactory()
    agent = make_agent(team)
    customer = CustomerFactory(brand=team.brand, email=f"customer{n}@mail.test")
    case = CaseFactory(team=team, brand=team.brand, customer=customer, origin_channel=Channel.EMAIL)
    return agent, case


def _run_child(peer: SmtpPeer, mode: str) -> subprocess.CompletedProcess[bytes]:
    extra = {"DJANGO_SETTINGS_MODULE": "amends.config.settings_test"}
    if os.environ.get("DATABASE_URL"):  # the same server as this test's database
        extra["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(connection.settings_dict["NAME"]),
            peer.host,
            str(peer.port),
            mode,
        ],
        env=child_env(Path(django_settings.DATA_DIR), **extra),
        capture_output=True,
        timeout=120,
        check=False,
    )


def _time_passes(delta: dt.timedelta) -> None:
    """Move every stored time back by ``delta``: as if that much time had gone by."""
    for row in OutboundMail.objects.exclude(next_attempt_at=None):
        assert row.next_attempt_at is not None
        OutboundMail.objects.filter(pk=row.pk).update(
            next_attempt_at=row.next_attempt_at - delta, created_at=row.created_at - delta
        )
    past = timezone.now() - dt.timedelta(seconds=1)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=past)


def test_a_sender_killed_right_after_the_server_took_the_mail_never_sends_it_again(
    smtp_peer: SmtpPeer,
) -> None:
    agent, case = _agent_and_case()
    message = case_reply(case=case, actor=agent, text="Le remboursement est parti.")
    assert DBTaskResult.objects.count() == 1  # enqueued when the reply committed

    child = _run_child(smtp_peer, "after_data")
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    assert len(smtp_peer.received) == 1  # the server has it
    row = OutboundMail.objects.get(reply=message)
    assert row.status == OutboundStatus.SENDING  # what the dead sender left
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    # The worker's lease runs out: its task runs again, and leaves the mail alone while the
    # sending lease runs (the sender might be alive and slow).
    assert recover_abandoned_tasks(now=timezone.now() + dt.timedelta(minutes=10)) == 1
    assert run_pending() == 1
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENDING

    # The sending lease runs out too: perhaps sent, and never sent again by itself.
    _time_passes(outbound.data_lease(None) + dt.timedelta(minutes=5))
    assert outbound.outbox_sweep() == {"uncertain": 1, "requeued": 0}
    row.refresh_from_db()
    assert row.status == OutboundStatus.UNCERTAIN
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.UNCERTAIN  # the agent is asked to look

    message_deliver.enqueue(message_id=message.pk)
    run_pending()
    _time_passes(dt.timedelta(days=3))
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 0}
    run_pending()
    assert len(smtp_peer.received) == 1
    assert smtp_peer.received[0].message()["Message-ID"] == f"<{row.message_id}>"


def test_a_sender_killed_before_data_leaves_the_mail_to_go_out_once_later(
    smtp_peer: SmtpPeer,
) -> None:
    agent, case = _agent_and_case()
    message = case_reply(case=case, actor=agent, text="Le remboursement est parti.")

    child = _run_child(smtp_peer, "before_data")
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    assert smtp_peer.received == []
    row = OutboundMail.objects.get(reply=message)
    assert row.status == OutboundStatus.QUEUED  # known not sent
    assert row.attempts == 1

    # The abandoned task runs again while the claim's lease runs: it leaves the row alone.
    assert recover_abandoned_tasks(now=timezone.now() + dt.timedelta(minutes=10)) == 1
    assert run_pending() == 1
    assert smtp_peer.received == []

    # Past the lease and the grace, the sweep sees a due row with no task and enqueues it.
    _time_passes(outbound.claim_lease(None) + outbound.SWEEP_GRACE)
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 1}
    assert run_pending() == 1
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    assert row.attempts == 2
    assert len(smtp_peer.received) == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def _race(workers: int) -> None:
    """Run the ready tasks in several threads at once, each its own worker and connection."""
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work(worker_id: str) -> None:
        try:
            start.wait(timeout=30)
            run_pending(worker_id=worker_id)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"racer-{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)


def test_relay_down_then_back_each_reply_goes_out_exactly_once(
    smtp_peer: SmtpPeer, settings: Any
) -> None:
    smtp_peer.stop()
    replies: list[Message] = []
    for n in range(4):
        agent, case = _agent_and_case(n)
        replies.append(case_reply(case=case, actor=agent, text=f"Réponse {n}"))
    assert run_pending() == 4
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {OutboundStatus.QUEUED}
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 4

    # Duplicate tasks, as a sweep and a late task would make, and two workers racing for them.
    for message in replies:
        message_deliver.enqueue(message_id=message.pk)
    smtp_peer.start()
    _time_passes(dt.timedelta(minutes=5))
    _race(workers=2)
    _time_passes(outbound.SWEEP_GRACE + dt.timedelta(minutes=1))
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 0}
    run_pending()

    sent_ids = sorted(r.message()["Message-ID"] for r in smtp_peer.received)
    expected = sorted(f"<{OutboundMail.objects.get(reply=m).message_id}>" for m in replies)
    assert sent_ids == expected  # each once
    for message in replies:
        message.refresh_from_db()
        assert message.delivery_status == DeliveryStatus.SENT
    assert set(OutboundMail.objects.values_list("attempts", flat=True)) == {2}


def test_two_workers_that_both_find_the_mail_due_send_it_once(
    smtp_peer: SmtpPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent, case = _agent_and_case()
    message = case_reply(case=case, actor=agent, text="Bonjour")
    DBTaskResult.objects.all().delete()
    # Both have read the row as due before either claims it: the claim decides.
    both_read = threading.Barrier(2)
    real_config = smtp_config

    def config_after_both_read() -> Any:
        both_read.wait(timeout=30)
        return real_config()

    monkeypatch.setattr(outbound, "smtp_config", config_after_both_read)
    results: list[str] = []

    def send() -> None:
        try:
            results.append(message_deliver.call(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [DeliveryStatus.QUEUED, DeliveryStatus.SENT]
    assert len(smtp_peer.received) == 1
    row = OutboundMail.objects.get(reply=message)
    assert row.status == OutboundStatus.SENT
    assert row.attempts == 1
