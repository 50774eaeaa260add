"""The ``amends`` command, run as a user runs it: in a child process, on a fresh data folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_django.fixtures import Settings

from tests.processes import child_env

pytestmark = pytest.mark.slow


def amends(
    data_dir: Path, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = child_env(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "amends", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"amends {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def last_json(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("amends-data")
    amends(path, "migrate")
    return path


def _django_shell(data_dir: Path, code: str) -> None:
    env = child_env(data_dir, DJANGO_SETTINGS_MODULE="amends.config.settings")
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        check=True,
        timeout=60,
    )


def test_check_reports_health_as_json(data_dir: Path) -> None:
    summary = last_json(amends(data_dir, "check"))
    assert summary["ok"] is True
    assert summary["health"]["database"]["vendor"] == "sqlite"  # type: ignore[index]


def test_check_fails_clearly_when_migrations_are_missing(tmp_path: Path) -> None:
    result = amends(tmp_path, "check", check=False)
    assert result.returncode == 1
    assert "amends migrate" in result.stderr


def test_token_create_prints_a_working_token_once(data_dir: Path) -> None:
    _django_shell(
        data_dir,
        "from amends.accounts.models import User\n"
        "User.objects.get_or_create(email='ana@shop.test', defaults={'role': 'agent'})",
    )
    result = amends(data_dir, "token", "create", "--user", "ANA@shop.test")
    token = result.stdout.strip().splitlines()[0]
    assert token.startswith("amd_")
    assert len(token) > 30
    assert last_json(result)["user"] == "ana@shop.test"
    missing = amends(data_dir, "token", "create", "--user", "nobody@shop.test", check=False)
    assert missing.returncode == 2
    assert "no user with the email" in missing.stderr


def test_inbound_replay_reports_what_is_still_quarantined(data_dir: Path) -> None:
    _django_shell(
        data_dir,
        "from amends.inbound.services import inbound_receive\n"
        "inbound_receive(channel='web', raw=b'{broken')",
    )
    listed = last_json(amends(data_dir, "inbound", "list", "--status", "quarantined"))
    assert listed["count"] == 1
    result = amends(data_dir, "inbound", "replay", check=False)
    assert result.returncode == 3
    summary = last_json(result)
    assert summary["replayed"] == 1
    assert summary["processed"] == []


def test_search_rebuild_reports_what_it_indexed(data_dir: Path) -> None:
    summary = last_json(amends(data_dir, "search", "rebuild"))
    assert isinstance(summary["indexed"], int)


def test_worker_batch_runs_ready_tasks_and_exits(data_dir: Path) -> None:
    summary = last_json(amends(data_dir, "worker", "--batch", "--interval", "0"))
    assert "tasks_run" in summary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = child_env(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "amends", "serve", "--port", str(port), "--with-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_answers_health_static_files_and_the_openapi_schema(server: str) -> None:
    health = httpx.get(server + "/healthz", timeout=10).json()
    assert health["ok"]
    assert health["channel_layer"]["backend"] == "InMemoryChannelLayer"
    # the in-process worker announces itself
    for _ in range(50):
        if httpx.get(server + "/healthz", timeout=10).json()["task_queue"]["workers_alive"] >= 1:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the in-process worker never sent a heartbeat")
    assert httpx.get(server + "/static/admin/css/base.css", timeout=10).status_code == 200
    schema = httpx.get(server + "/api/v1/openapi.json", timeout=10)
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "amends API"


def test_serve_with_several_processes_shares_one_port_and_stops_cleanly(data_dir: Path) -> None:
    port = _free_port()
    env = child_env(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "amends", "serve", "--port", str(port), "--processes", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    pids: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(pids) < 2:
            try:
                with httpx.Client(timeout=5) as client:  # a new connection each time
                    pids.add(client.get(url).json()["pid"])
            except httpx.TransportError:
                time.sleep(0.1)
        assert len(pids) == 2, f"only {pids} answered"
        assert proc.pid not in pids  # the parent only supervises
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(httpx.TransportError):
        httpx.get(url, timeout=2)


def test_forwarded_addresses_are_trusted_only_behind_a_proxy(settings: Settings) -> None:
    from amends.cli import _daphne_argv

    settings.AMENDS_TRUST_PROXY = False
    assert "--proxy-headers" not in _daphne_argv(access_log=False, endpoint=["-p", "1"])
    settings.AMENDS_TRUST_PROXY = True
    assert "--proxy-headers" in _daphne_argv(access_log=False, endpoint=["-p", "1"])
