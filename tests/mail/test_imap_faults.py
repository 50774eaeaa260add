"""The IMAP poller killed or cut off at the worst moments: each mail ends up stored exactly once.

The poller runs as ``amends`` runs in production, in a child process on its own SQLite database,
and dies on purpose (``os._exit``, no cleanup) at a chosen step. The PostgreSQL case runs in this
process, where the test can see the poller's database connection and terminate it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from amends.inbound.models import InboundMessage, InboundStatus
from amends.inbound.services import InboundResult
from amends.mail import imap
from amends.mail.imap import STORED_KEYWORD, run_imap
from amends.mail.intake import mail_store
from amends.mail.models import Mailbox
from tests.factories import BrandFactory
from tests.mail.dovecot import Dovecot, append, dovecot, folder_state, message, new_folder
from tests.processes import child_env

__all__ = ["dovecot"]

pytestmark = pytest.mark.slow

KEYWORD = STORED_KEYWORD.encode()
COUNT = 120  # three batches: 50, 50, 20
KILLED = 70

# The poller's main program, with a step replaced by one that dies the Nth time it runs.
POLLER = """
import json, os, sys
import django
django.setup()
from amends.mail import imap

die_in, die_at = os.environ.get("DIE_IN", ""), int(os.environ.get("DIE_AT", "0"))
if die_in:
    real = getattr(imap, die_in)
    calls = []
    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == die_at:
            os._exit(int(os.environ["DIE_CODE"]))
        return real(*args, **kwargs)
    setattr(imap, die_in, dying)
mailbox_id, idle = int(sys.argv[1]), sys.argv[2] == "idle"
print(json.dumps(imap.run_imap([mailbox_id], idle=idle, once=not idle)), flush=True)
"""

SETUP = """
import json, sys
import django
django.setup()
from amends.brands.models import Brand
from amends.mail.models import Mailbox
brand, _ = Brand.objects.get_or_create(
    code="shop",
    defaults={"name": "Shop", "country": "FR", "languages": ["fr"], "default_language": "fr",
              "default_register": "formal", "sender_email": "support@shop.test"},
)
folder, host, port, user, password = sys.argv[1:6]
mailbox = Mailbox.objects.create(
    brand=brand, address=f"{folder}@shop.test", imap_host=host, imap_port=int(port),
    imap_security="none", imap_user=user, imap_password=password, imap_folder=folder,
)
print(json.dumps(mailbox.pk))
"""


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return child_env(data_dir, DJANGO_SETTINGS_MODULE="amends.config.settings", **extra)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "-m", "amends", "migrate"],
        env=child_env(path),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Path:
    """A database of its own for each test, copied from the migrated one."""
    target = tmp_path / "data"
    shutil.copytree(migrated, target)
    return target


class Poller:
    """Runs ``run_imap`` in a child process against the test's database and Dovecot folder."""

    def __init__(self, server: Dovecot, data_dir: Path, folder: str) -> None:
        self.data_dir = data_dir
        self.folder = folder
        server_args = [server.host, str(server.port), server.user, server.password]
        created = subprocess.run(
            [sys.executable, "-c", SETUP, folder, *server_args],
            env=_env(data_dir),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        self.mailbox_id = int(created.stdout.strip().splitlines()[-1])

    def command(self, mode: str = "once") -> list[str]:
        return [sys.executable, "-c", POLLER, str(self.mailbox_id), mode]

    def run(self, **dying: str) -> tuple[int, dict[str, Any]]:
        result = subprocess.run(
            self.command(),
            env=_env(self.data_dir, **dying),
            capture_output=True,
            text=True,
            timeout=300,
        )
        lines = result.stdout.strip().splitlines()
        summary = json.loads(lines[-1]) if result.returncode == 0 and lines else {}
        if result.returncode not in (0, KILLED):
            raise AssertionError(
                f"the poller failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return result.returncode, summary

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.data_dir / "amends.sqlite3", timeout=30)) as db:
            return list(db.execute(sql, params))

    def inbound(self) -> list[tuple[str, str]]:
        """(sha256, status) of every stored mail of this mailbox."""
        return [
            (sha, status)
            for sha, status in self.query(
                "SELECT sha256, status FROM inbound_inboundmessage WHERE source = ?",
                f"{self.folder}@shop.test",
            )
        ]

    def messages_per_inbound(self) -> list[int]:
        rows = self.query(
            "SELECT COUNT(*) FROM conversations_message WHERE inbound_id IS NOT NULL "
            "GROUP BY inbound_id"
        )
        return [count for (count,) in rows]

    def last_polled(self) -> bool:
        rows = self.query("SELECT last_polled_at FROM mail_mailbox WHERE id = ?", self.mailbox_id)
        return bool(rows and rows[0][0])


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _assert_each_once(poller: Poller, server: Dovecot, mails: list[bytes]) -> None:
    stored = poller.inbound()
    assert sorted(sha for sha, _status in stored) == sorted(_sha(m) for m in mails)
    assert not [sha for sha, status in stored if status == InboundStatus.RECEIVED]
    assert all(count == 1 for count in poller.messages_per_inbound())
    flags = folder_state(server, poller.folder)
    assert len(flags) == len(mails)
    assert all(KEYWORD in f for f in flags.values())


@pytest.fixture
def mails(dovecot: Dovecot) -> tuple[str, list[bytes]]:
    folder = new_folder()
    raws = [message(n, tag=folder) for n in range(COUNT)]
    append(dovecot, folder, raws)
    return folder, raws


def test_killed_between_fetch_and_commit(
    dovecot: Dovecot, data_dir: Path, mails: tuple[str, list[bytes]]
) -> None:
    folder, raws = mails
    poller = Poller(dovecot, data_dir, folder)

    code, _ = poller.run(DIE_IN="mail_store", DIE_AT="60", DIE_CODE=str(KILLED))

    assert code == KILLED
    # Batch one; batch two is stored in one transaction, which the kill cut short: none of it.
    assert len(poller.inbound()) == 50
    assert sum(KEYWORD in f for f in folder_state(dovecot, folder).values()) == 50

    code, summary = poller.run()

    assert code == 0
    assert (summary["stored"], summary["duplicates"]) == (COUNT - 50, 0)
    _assert_each_once(poller, dovecot, raws)


def test_killed_between_commit_and_flag(
    dovecot: Dovecot, data_dir: Path, mails: tuple[str, list[bytes]]
) -> None:
    folder, raws = mails
    poller = Poller(dovecot, data_dir, folder)

    code, _ = poller.run(DIE_IN="_acknowledge", DIE_AT="2", DIE_CODE=str(KILLED))

    assert code == KILLED
    stored = poller.inbound()
    assert len(stored) == 100  # batch two committed, never acknowledged, never processed
    assert sum(status == InboundStatus.RECEIVED for _sha, status in stored) == 50
    assert sum(KEYWORD in f for f in folder_state(dovecot, folder).values()) == 50

    code, summary = poller.run()

    assert code == 0
    assert summary["pending_processed"] == 50
    assert (summary["stored"], summary["duplicates"]) == (20, 50)
    _assert_each_once(poller, dovecot, raws)


def test_sigterm_stops_the_idle_loop_promptly(
    dovecot: Dovecot, data_dir: Path, mails: tuple[str, list[bytes]]
) -> None:
    folder, raws = mails
    poller = Poller(dovecot, data_dir, folder)
    child = subprocess.Popen(
        poller.command("idle"),
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not poller.last_polled():
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the poller never finished its first round"
            time.sleep(0.1)
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err[-3000:]
    assert json.loads(out.strip().splitlines()[-1])["stored"] == COUNT
    _assert_each_once(poller, dovecot, raws)


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_cut_mid_batch_loses_and_doubles_nothing(
    dovecot: Dovecot, mails: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL backend (run with DATABASE_URL=postgres://…)")
    folder, raws = mails
    mailbox = Mailbox.objects.create(
        brand=BrandFactory(code="shop"),
        address=f"{folder}@shop.test",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_security="none",
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        imap_folder=folder,
    )
    calls: list[int] = []
    terminated: list[int] = []

    def store_then_cut(raw: bytes, **kwargs: Any) -> InboundResult:
        calls.append(1)
        if len(calls) == 70:  # in the middle of the second batch
            connection.ensure_connection()
            terminated.append(_terminate(connection.connection.info.backend_pid))
        return mail_store(raw, **kwargs)

    monkeypatch.setattr(imap, "mail_store", store_then_cut)

    summary = run_imap([mailbox.pk], idle=False, once=True)

    assert terminated
    assert (summary["stored"], summary["errors"]) == (COUNT, 0)
    shas = list(
        InboundMessage.objects.filter(source=mailbox.address).values_list("sha256", flat=True)
    )
    assert sorted(shas) == sorted(_sha(m) for m in raws)
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""
    assert all(KEYWORD in f for f in folder_state(dovecot, folder).values())


def _terminate(pid: int) -> int:
    """Terminate a backend from another connection, and wait until it is gone."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 30
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend did not go away"
            time.sleep(0.05)
    return pid
