"""How fast the REST API answers an agent's two most frequent reads, with N cases stored.

    .venv/bin/python bench/api.py                                  # 100,000 cases, both databases
    .venv/bin/python bench/api.py --database sqlite --cases 20000 --requests 500

For each database it seeds (or tops up) the cases with ``bench/seed.py``, starts the real
server (``amends serve``) on a free loopback port, creates an API token for an agent of the
France desk, and then measures with concurrent clients (threads, one HTTP connection each):

* the queue: ``GET /api/v1/cases?status=open&team_id=…&limit=50``, then the next page through
  ``next_cursor`` — the two are reported apart;
* the case: ``GET /api/v1/cases/{id}`` for cases of that queue, picked at random.

Every request counts; errors are reported, not hidden. Each measurement stops at ``--requests``
or ``--max-seconds``, whichever comes first. A human-readable table goes to stderr and one JSON
line to stdout. The goal (issue 2): p95 under 50 ms for both at 100,000 cases on 2 cores.
The clients run on the same machine as the server and take some of its CPU: the figures are
a floor for what the server alone would do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/amends_bench"
GOAL_P95_MS = 50.0


def say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


# --- the database and the server ------------------------------------------------------------


def ensure_postgres(url: str) -> None:
    """PostgreSQL is running and the benchmark database exists (created if missing)."""
    import psycopg

    parsed = httpx.URL(url.replace("postgres://", "http://", 1))
    dbname = parsed.path.lstrip("/") or "amends_bench"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for attempt in range(2):
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
                ).fetchone()
                if not exists:
                    say(f"  creating database {dbname}")
                    conn.execute(f'CREATE DATABASE "{dbname}"')
                return
        except psycopg.OperationalError:
            if attempt or not Path("/etc/postgresql").is_dir():
                raise
            version = sorted(os.listdir("/etc/postgresql"))[-1]
            say(f"  PostgreSQL is not answering; starting cluster {version}/main")
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
            )
            time.sleep(2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def amends_command() -> list[str]:
    found = BIN / "amends"
    if found.exists():
        return [str(found)]
    which = shutil.which("amends")
    if which:
        return [which]
    return [sys.executable, "-m", "amends.cli"]


def run_json(cmd: list[str], env: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Run a command that ends with a JSON line on stdout; its stderr goes to ours."""
    done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(cmd)} failed with exit code {done.returncode}")
    return json.loads(lines[-1]), lines[:-1]


def create_token(env: dict[str, str], data_dir: Path, email: str) -> str:
    _, lines = run_json(
        [
            *amends_command(),
            "token",
            "create",
            "--user",
            email,
            "--name",
            "bench",
            "--data-dir",
            str(data_dir),
        ],
        env,
    )
    tokens = [line.strip() for line in lines if line.strip().startswith("amd_")]
    if not tokens:
        raise RuntimeError("`amends token create` printed no token")
    return tokens[0]


class Server:
    """``amends serve`` in its own process group, stopped by its pid when we are done."""

    def __init__(
        self, env: dict[str, str], data_dir: Path, port: int, *, index: int = 0, processes: int = 1
    ) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = data_dir / f"bench-server-{index}.log"
        self.log = self.log_path.open("w")
        cmd = [
            *amends_command(),
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--processes",
            str(processes),
        ]
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log_path}")
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer within {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, status: int) -> None:
        with self.lock:
            if status == 200:
                self.latencies.append(seconds)
            else:
                self.errors += 1
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self, wall: float) -> dict[str, Any]:
        ms = sorted(x * 1000 for x in self.latencies)

        def pct(p: float) -> float | None:
            if not ms:
                return None
            return round(ms[min(len(ms) - 1, round(p / 100 * (len(ms) - 1)))], 2)

        return {
            "requests": len(ms) + self.errors,
            "errors": self.errors,
            "error_statuses": self.statuses,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "mean_ms": round(statistics.fmean(ms), 2) if ms else None,
            "max_ms": round(ms[-1], 2) if ms else None,
            "requests_per_second": round((len(ms) + self.errors) / wall, 1) if wall else None,
        }


def hammer(
    *,
    bases: list[str],
    token: str,
    concurrency: int,
    operations: int,
    max_seconds: float,
    operation: Callable[[httpx.Client, int], None],
) -> float:
    """Run ``operation`` ``operations`` times over ``concurrency`` threads; return wall time."""
    counter = iter(range(operations))
    counter_lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    failures: list[BaseException] = []

    def worker(base: str) -> None:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.monotonic() < deadline:
                with counter_lock:
                    n = next(counter, None)
                if n is None:
                    return
                try:
                    operation(client, n)
                except httpx.HTTPError as exc:  # a refused or dropped connection
                    failures.append(exc)

    # Client i talks to server i mod n, as a reverse proxy would spread connections.
    threads = [
        threading.Thread(target=worker, args=(bases[i % len(bases)],), daemon=True)
        for i in range(concurrency)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        say(f"    {len(failures)} requests failed at the connection level: {failures[0]!r}")
    return time.monotonic() - started


def timed_get(client: httpx.Client, url: str, series: Series) -> httpx.Response:
    started = time.perf_counter()
    response = client.get(url)
    series.record(time.perf_counter() - started, response.status_code)
    return response


def measure(
    *, bases: list[str], token: str, team_id: int, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    base = bases[0]
    queue = f"/api/v1/cases?status=open&team_id={team_id}&limit=50"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        first = client.get(queue)
        if first.status_code != 200:
            raise RuntimeError(f"GET {queue} answered {first.status_code}: {first.text[:300]}")
        # Cases of this queue for the detail requests: walk a few pages of all its statuses.
        ids: list[int] = []
        url: str | None = f"/api/v1/cases?team_id={team_id}&limit=200"
        while url and len(ids) < 2000:
            page = client.get(url).json()
            ids += [item["id"] for item in page["items"]]
            url = (
                f"/api/v1/cases?team_id={team_id}&limit=200&cursor={page['next_cursor']}"
                if page["next_cursor"]
                else None
            )
    if not ids:
        raise RuntimeError("the agent sees no cases in the queue; was the database seeded?")
    say(f"    queue has {len(first.json()['items'])} items on page 1; {len(ids)} ids for details")
    rng = random.Random(11)
    picks = [rng.choice(ids) for _ in range(args.requests + args.warmup)]

    first_page, next_page, detail = (
        Series("queue_first_page"),
        Series("queue_next_page"),
        Series("case_detail"),
    )
    warm = Series("warmup")

    def list_op(series_first: Series, series_next: Series) -> Callable[[httpx.Client, int], None]:
        def op(client: httpx.Client, n: int) -> None:
            response = timed_get(client, queue, series_first)
            if response.status_code == 200:
                cursor = response.json().get("next_cursor")
                if cursor:
                    timed_get(client, f"{queue}&cursor={cursor}", series_next)

        return op

    def detail_op(series: Series, offset: int) -> Callable[[httpx.Client, int], None]:
        def op(client: httpx.Client, n: int) -> None:
            timed_get(client, f"/api/v1/cases/{picks[offset + n]}", series)

        return op

    common = {"bases": bases, "token": token, "concurrency": args.concurrency}
    hammer(**common, operations=args.warmup, max_seconds=30, operation=list_op(warm, warm))
    hammer(**common, operations=args.warmup, max_seconds=30, operation=detail_op(warm, 0))
    wall = hammer(
        **common,
        operations=args.requests,
        max_seconds=args.max_seconds,
        operation=list_op(first_page, next_page),
    )
    results = {
        first_page.name: first_page.summary(wall),
        next_page.name: next_page.summary(wall),
    }
    wall = hammer(
        **common,
        operations=args.requests,
        max_seconds=args.max_seconds,
        operation=detail_op(detail, args.warmup),
    )
    results[detail.name] = detail.summary(wall)
    return results


def bench_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = (ROOT / args.data_dir / kind).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "AMENDS_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "amends.config.settings"
        ),
        "AMENDS_LOG_LEVEL": "WARNING",
    }
    if kind == "postgres":
        ensure_postgres(args.postgres_url)
        env["DATABASE_URL"] = args.postgres_url
    say(f"== {kind}: seeding {args.cases:,} cases")
    seed, _ = run_json(
        [
            sys.executable,
            str(HERE / "seed.py"),
            "--cases",
            str(args.cases),
            "--data-dir",
            str(data_dir),
        ],
        env,
    )
    token = create_token(env, data_dir, seed["agent"])
    servers = [Server(env, data_dir, args.port or free_port(), processes=args.servers)]
    say(f"== {kind}: `amends serve --processes {args.servers}` on {servers[0].base}")
    try:
        for server in servers:
            server.wait_ready()
        results = measure(
            bases=[s.base for s in servers], token=token, team_id=seed["team_id"], args=args
        )
    finally:
        for server in servers:
            server.stop()
    p95s = [r["p95_ms"] for r in results.values()]
    return {
        "seed": seed,
        **results,
        "goal_p95_ms": GOAL_P95_MS,
        "goal_met": all(p is not None and p < GOAL_P95_MS for p in p95s),
    }


def print_table(report: dict[str, Any]) -> None:
    say()
    head = f"{'database':<10} {'request':<18} {'n':>6} {'err':>4} {'p50 ms':>8} {'p95 ms':>8}"
    say(head + f" {'p99 ms':>8} {'mean ms':>8} {'req/s':>7}")
    for kind, result in report["results"].items():
        for name in ("queue_first_page", "queue_next_page", "case_detail"):
            r = result[name]
            say(
                f"{kind:<10} {name:<18} {r['requests']:>6} {r['errors']:>4} "
                f"{r['p50_ms'] or 0:>8.1f} {r['p95_ms'] or 0:>8.1f} {r['p99_ms'] or 0:>8.1f} "
                f"{r['mean_ms'] or 0:>8.1f} {r['requests_per_second'] or 0:>7.1f}"
            )
        seed = result["seed"]
        rate = f"{seed['cases_per_second']:,} cases/s" if seed["cases_per_second"] else "reused"
        say(
            f"{kind:<10} seeding: {seed['total_cases']:,} cases ({rate}); "
            f"goal p95 < {GOAL_P95_MS:.0f} ms {'met' if result['goal_met'] else 'NOT met'}"
        )
    say()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the queue and case detail API.")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--data-dir", default="var/bench", help="one folder per database here")
    parser.add_argument("--port", type=int, default=0, help="first port (default: free ports)")
    parser.add_argument(
        "--servers", type=int, default=2, help="amends serve --processes N (default 2)"
    )
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests first")
    parser.add_argument("--max-seconds", type=float, default=120, help="per measurement")
    args = parser.parse_args(argv)
    if min(args.cases, args.requests, args.concurrency, args.servers) < 1:
        parser.error("--cases, --requests, --concurrency and --servers must be positive")
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    report: dict[str, Any] = {
        "cases": args.cases,
        "concurrency": args.concurrency,
        "servers": args.servers,
        "requests": args.requests,
        "cpus": os.cpu_count(),
        "results": {},
    }
    for kind in kinds:
        report["results"][kind] = bench_database(kind, args)
    print_table(report)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
