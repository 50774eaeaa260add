"""How fast mail goes in: the same mailbox imported, delivered by LMTP and fetched by IMAP.

    .venv/bin/python bench/mail.py                         # 10,000 mails, SQLite
    .venv/bin/python bench/mail.py --messages 1000 --ways import,lmtp --no-peer
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/mail.py
    .venv/bin/python bench/mail.py --profile 500 --ways "" --no-peer   # where the time goes

``bench/mailbox_gen.py`` writes the mailbox (``--messages``, default 10,000, the same for the
same ``--seed``) under ``--data-dir``; then each way of taking mail in runs against a fresh
database of its own (a new SQLite file, or with ``DATABASE_URL`` a new PostgreSQL database
``amends_bench_mail_<way>`` on that server), prepared in a process of its own (migrations, the
demo's storefronts, one mailbox per storefront address):

* ``import``: ``amends mail import`` of the folder, in process (``import_mail``);
* ``lmtp``: ``serve_lmtp`` in a child process, and ``--clients`` threads (default 2) delivering
  with ``smtplib.LMTP``, each customer's mails through one client in their order;
* ``imap``: a real Dovecot on loopback (started as the mail tests start it), every mail
  APPENDed into a folder per storefront first (not timed), then ``run_imap(once=True)``.

The clock stops when every mail is stored *and* processed (no inbound mail left *received*).
Then the rows are counted: one message per mail a person wrote, one case per thread (the
mailbox's manifest knows both), automatic replies and bounces stored without a case. Peak memory
is the maximum resident size of the process that ingested (for LMTP, the server's), read from
the kernel when it ends.

The peer: django-helpdesk's ``get_email`` over the same mail, copied into one local folder per
storefront queue, in a virtualenv of its own (``bench/mail_helpdesk.py``); it is skipped with the
reason when it cannot run. ``--profile N`` imports the first N mails once more under cProfile
and prints the 15 entries with the most cumulative time.

Progress goes to stderr with a table at the end; the last line on stdout is a JSON summary. The
goal from the issue: at least 300 mails a second on 2 cores, and 10 times django-helpdesk.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import smtplib
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (HERE, ROOT):  # bench/ for mailbox_gen; the repository for tests.mail.dovecot
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import mail_helpdesk  # noqa: E402
import mailbox_gen  # noqa: E402
from revision import code_version  # noqa: E402

WAYS = ("import", "lmtp", "imap")
GOAL_PER_S = 300.0
GOAL_RATIO = 10.0
DEFAULT_PG_ADMIN_DB = "postgres"
SERVER_READY = re.compile(r"receiving mail by LMTP on [^\s:]+:(\d+)")
DRAIN_TIMEOUT = 1800.0  # seconds the LMTP server may take to process what it stored


def say(text: str = "", *, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


def progress(text: str) -> None:
    """One line that rewrites itself on a terminal, a plain line in a log."""
    if sys.stderr.isatty():
        say(f"\r\033[K{text}", end="")
    else:
        say(text)


def progress_done() -> None:
    if sys.stderr.isatty():
        say("")


def peak_mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children so far (user and system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# --- inside a child process: Django on the database the environment names ---------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings")
    os.environ.setdefault("AMENDS_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def counts() -> dict[str, Any]:
    """What the database holds now (the demo's own rows included; the caller subtracts)."""
    from django.db.models import Count

    from amends.cases.models import Case
    from amends.conversations.models import Attachment, Message
    from amends.customers.models import Customer
    from amends.inbound.models import InboundMessage
    from amends.mail.models import ReceivedMail

    statuses = InboundMessage.objects.values_list("status").annotate(n=Count("id"))
    kinds = ReceivedMail.objects.values_list("kind").annotate(n=Count("id"))
    return {
        "messages": Message.objects.count(),
        "cases": Case.objects.count(),
        "customers": Customer.objects.count(),
        "attachments": Attachment.objects.count(),
        "inbound": dict(sorted(statuses)),
        "kinds": dict(sorted(kinds)),
    }


def prepare(imap: dict[str, Any] | None) -> dict[str, Any]:
    """A fresh database: the schema, the demo's storefronts, one mailbox per storefront."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    storefronts(imap)
    return counts()


def storefronts(imap: dict[str, Any] | None) -> None:
    """The demo's storefronts (and their teams, agents and stories), and a mailbox at each
    address the mailbox's mail goes to; polled by IMAP when ``imap`` says where."""
    from amends.brands.models import Brand
    from amends.demo.seed import load_demo
    from amends.mail.models import ImapSecurity, Mailbox

    load_demo(ordinary_cases=0)  # with a mailbox at each storefront's address, no IMAP
    for code, address in mailbox_gen.STOREFRONTS.items():
        fields: dict[str, Any] = {"brand": Brand.objects.get(code=code)}
        if imap is not None:
            fields |= {
                "imap_host": imap["host"],
                "imap_port": imap["port"],
                "imap_security": ImapSecurity.NONE,
                "imap_user": imap["user"],
                "imap_password": imap["password"],
                "imap_folder": code,
            }
        Mailbox.objects.update_or_create(address=address, defaults=fields)


def ingest_import(folder: Path, jobs: int = 1) -> dict[str, Any]:
    from amends.mail.importer import import_mail

    def report(summary: Any) -> None:
        if summary.read % 250 == 0:
            progress(f"  import: {summary.read:,} mails")

    started, cpu = time.perf_counter(), cpu_seconds()
    summary = import_mail([folder / mailbox_gen.MAIL], progress=report, jobs=jobs)
    seconds = time.perf_counter() - started
    progress_done()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu, "detail": summary.as_dict()}


def _start_lmtp_server() -> tuple[subprocess.Popen[str], int, list[str]]:
    """``serve_lmtp`` in a child process on a free port; the port read from its log line."""
    code = (
        "import django; django.setup(); "
        "from amends.mail.lmtp import serve_lmtp; serve_lmtp('127.0.0.1', 0)"
    )
    env = {**os.environ, "AMENDS_LOG_LEVEL": "INFO"}
    server = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True
    )
    assert server.stderr is not None
    ready = threading.Event()
    port: list[int] = []
    log: list[str] = []

    def read(stream: Any) -> None:
        for line in stream:
            if len(log) < 200:
                log.append(line.rstrip())
            found = SERVER_READY.search(line)
            if found and not ready.is_set():
                port.append(int(found.group(1)))
                ready.set()
        ready.set()  # the server ended before it was ready

    threading.Thread(target=read, args=(server.stderr,), daemon=True).start()
    ready.wait(timeout=120)
    if not port:
        server.kill()
        server.wait()
        raise RuntimeError("the LMTP server did not start:\n" + "\n".join(log[-30:]))
    return server, port[0], log


def _deliver(port: int, mails: list[tuple[Path, str, str]], errors: list[str]) -> None:
    """Deliver the mails in order on one connection, as an MTA does; what fails is recorded
    (and when the connection is lost, every mail not delivered yet)."""
    try:
        client = smtplib.LMTP("127.0.0.1", port, timeout=120)
    except OSError as exc:
        errors.extend(f"{path.name}: cannot connect: {exc}" for path, _, _ in mails)
        return
    try:
        for done, (path, sender, recipient) in enumerate(mails):
            try:
                refused = client.sendmail(sender, [recipient], path.read_bytes())
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                errors.extend(f"{p.name}: connection lost: {exc}" for p, _, _ in mails[done:])
                return
            except smtplib.SMTPException as exc:  # refused or failed: the next mail goes on
                errors.append(f"{path.name}: {exc}")
                client.rset()
                continue
            if refused:
                errors.append(f"{path.name}: {refused}")
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def ingest_lmtp(folder: Path, manifest: dict[str, Any], clients: int) -> dict[str, Any]:
    """Deliver every mail over LMTP from ``clients`` threads; done when all are processed."""
    from amends.inbound.models import InboundMessage, InboundStatus

    server, port, _log = _start_lmtp_server()
    lanes: list[list[tuple[Path, str, str]]] = [[] for _ in range(clients)]
    for row in manifest["mails"]:
        path, _kind, _lang, _store, sender, recipient = row[:6]
        key = sender or path  # each customer's mails through one client, in order
        lanes[zlib.crc32(key.encode()) % clients].append((folder / path, sender, recipient))
    errors: list[str] = []
    before = InboundMessage.objects.count()
    expected = before + len(manifest["mails"])
    try:
        started = time.perf_counter()
        threads = [
            threading.Thread(target=_deliver, args=(port, lane, errors), daemon=True)
            for lane in lanes
        ]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(timeout=1.0)
            stored = InboundMessage.objects.count() - before
            progress(f"  lmtp: {stored:,}/{len(manifest['mails']):,} stored")
        delivered_at = time.perf_counter() - started
        # Processing runs after the 250 on the server's own thread: wait until it caught up.
        deadline = time.monotonic() + DRAIN_TIMEOUT
        shown = 0.0
        while time.monotonic() < deadline and server.poll() is None:
            stored = InboundMessage.objects.count()
            pending = InboundMessage.objects.filter(status=InboundStatus.RECEIVED).count()
            if stored >= expected - len(errors) and pending == 0:
                break
            if time.monotonic() - shown >= 1.0:
                progress(f"  lmtp: {pending:,} stored mails still to process")
                shown = time.monotonic()
            time.sleep(0.1)  # another process does the work: nothing to wait on but the rows
        seconds = time.perf_counter() - started
        progress_done()
    finally:
        server.send_signal(signal.SIGTERM)
        _pid, status, usage = os.wait4(server.pid, 0)
        server.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "detail": {
            "clients": clients,
            "delivered_seconds": round(delivered_at, 2),
            "errors": len(errors),
            "error_examples": errors[:5],
            "server_exit": server.returncode,
        },
        "server_peak_rss_mb": peak_mb(usage.ru_maxrss),
        "client_peak_rss_mb": peak_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        # The server's whole life, its start-up included (about a second).
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


def ingest_imap() -> dict[str, Any]:
    from amends.mail.imap import run_imap

    started, cpu = time.perf_counter(), cpu_seconds()
    result = run_imap(None, idle=False, once=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu, "detail": result}


def child_main(argv: list[str]) -> int:
    """``mail.py _child prepare|import|lmtp|imap ...``: one step, its result as a JSON line."""
    parser = argparse.ArgumentParser(prog="mail.py _child")
    parser.add_argument("step", choices=["prepare", "import", "lmtp", "imap", "profile"])
    parser.add_argument("--folder", default="")
    parser.add_argument("--imap", default="", help="JSON: host, port, user, password")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--profile-out", default="")
    args = parser.parse_args(argv)
    setup_django()
    folder = Path(args.folder)
    result: dict[str, Any]
    if args.step == "prepare":
        result = prepare(json.loads(args.imap) if args.imap else None)
    elif args.step == "import":
        result = ingest_import(folder, jobs=args.jobs)
    elif args.step == "profile":
        import cProfile

        from django.db import connection

        statements = [0]

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements[0] += 1
            return execute(sql, params, many, context)

        profiler = cProfile.Profile()
        with connection.execute_wrapper(count):
            profiler.enable()
            result = ingest_import(folder)
            profiler.disable()
        profiler.dump_stats(args.profile_out)
        result["sql_statements"] = statements[0]
    elif args.step == "lmtp":
        manifest = json.loads((folder / "manifest.json").read_text())
        result = ingest_lmtp(folder, manifest, args.clients)
    else:
        result = ingest_imap()
    if args.step != "prepare":
        result["counts"] = counts()
    print(json.dumps(result, default=str), flush=True)
    return 0


# --- the orchestrating process: no Django here ---------------------------------------------------


def _pg_admin(database_url: str) -> Any:
    import psycopg

    base = database_url.rpartition("/")[0]
    return psycopg.connect(f"{base}/{DEFAULT_PG_ADMIN_DB}", autocommit=True, connect_timeout=10)


def _pg_name(way: str) -> str:
    return f"amends_bench_mail_{way}"


@contextmanager
def fresh_database(
    way: str, *, data_dir: Path, database_url: str, keep: bool
) -> Iterator[dict[str, str]]:
    """The environment of a new, empty database for ``way``; a PostgreSQL one is dropped
    afterwards unless ``keep`` (the SQLite file stays under ``data_dir`` until the next run)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AMENDS_DATA_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get(
        "DJANGO_SETTINGS_MODULE", "amends.config.settings"
    )
    env["AMENDS_LOG_LEVEL"] = os.environ.get("AMENDS_LOG_LEVEL", "WARNING")
    home = data_dir / f"db-{way}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env["AMENDS_DATA_DIR"] = str(home)  # files (attachments) live here with either database
    if not database_url:
        yield env
        return
    from psycopg import sql

    name = sql.Identifier(_pg_name(way))
    with _pg_admin(database_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    env["DATABASE_URL"] = f"{database_url.rpartition('/')[0]}/{_pg_name(way)}"
    try:
        yield env
    finally:
        if not keep:
            with _pg_admin(database_url) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def run_child(args: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """Run one step in a child process; its JSON result and its peak resident memory (MB)."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "_child", *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"step {args[0]} failed (exit {child.returncode})")
    return json.loads(lines[-1]), peak_mb(usage.ru_maxrss)


def outcome(
    before: dict[str, Any], after: dict[str, Any], summary: dict[str, Any]
) -> dict[str, Any]:
    """What the ingestion made of the mailbox, against what the manifest says it should."""
    new_inbound = sum(after["inbound"].values()) - sum(before["inbound"].values())
    messages = after["messages"] - before["messages"]
    cases = after["cases"] - before["cases"]
    quarantined = after["inbound"].get("quarantined", 0) - before["inbound"].get("quarantined", 0)
    held = after["inbound"].get("held", 0) - before["inbound"].get("held", 0)
    pending = after["inbound"].get("received", 0)
    return {
        "stored": new_inbound,
        "messages": messages,
        "expected_messages": summary["expected_messages"],
        "cases": cases,
        "expected_cases": summary["expected_cases"],
        "customers": after["customers"] - before["customers"],
        "attachments": after["attachments"] - before["attachments"],
        "quarantined": quarantined,
        "held": held,
        "pending": pending,
        "kinds": after["kinds"],
        # Every mail stored, every message a person wrote on a case, each thread one case
        # (a little slack: a reply processed before the mail it answers opens its own case).
        "plausible": new_inbound == summary["messages"]
        and messages == summary["expected_messages"]
        and pending == 0
        and summary["expected_cases"] <= cases <= summary["expected_cases"] * 1.02 + 1,
    }


def run_way(
    way: str,
    *,
    folder: Path,
    manifest: dict[str, Any],
    data_dir: Path,
    database_url: str,
    clients: int,
    jobs: int = 1,
    keep: bool = False,
) -> dict[str, Any]:
    count = len(manifest["mails"])
    imap_args: list[str] = []
    dovecot: Any = None
    try:
        with fresh_database(way, data_dir=data_dir, database_url=database_url, keep=keep) as env:
            if way == "imap":
                dovecot, imap = start_imap(folder, manifest)
                imap_args = ["--imap", json.dumps(imap)]
            say(f"{way}: preparing a fresh database")
            before, _ = run_child(["prepare", *imap_args], env)
            say(f"{way}: {count:,} mails")
            args = [way, "--folder", str(folder), "--clients", str(clients), "--jobs", str(jobs)]
            result, child_peak = run_child(args, env)
    finally:
        if dovecot is not None:
            dovecot.stop()
    seconds = float(result["seconds"])
    peak = result.get("server_peak_rss_mb", child_peak)
    row = {
        "way": way,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1) if seconds else None,
        "peak_rss_mb": peak,
        "cpu_seconds": round(float(result["cpu_seconds"]), 2),
        **outcome(before, result["counts"], manifest["summary"]),
        "detail": result["detail"],
    }
    if way == "lmtp":  # the kernel's figure for the client process counts the server in
        row["client_peak_rss_mb"] = result["client_peak_rss_mb"]
    say(
        f"{way}: {row['per_second']} mails/s, {row['messages']:,} messages in {row['cases']:,} "
        f"cases, peak {peak} MB" + ("" if row["plausible"] else "  (counts off: see the JSON)")
    )
    return row


def start_imap(folder: Path, manifest: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Dovecot on loopback with the mails APPENDed, a folder per storefront, in order."""
    from tests.mail.dovecot import append, start_dovecot

    server = start_dovecot()
    started = time.perf_counter()
    by_store: dict[str, list[Path]] = {}
    for row in manifest["mails"]:
        by_store.setdefault(row[3], []).append(folder / row[0])
    try:
        for done, (store, paths) in enumerate(sorted(by_store.items()), start=1):
            progress(f"  imap: appending to {store} ({done}/{len(by_store)})")
            append(server, store, (path.read_bytes() for path in paths))
    except BaseException:
        server.stop()
        raise
    progress_done()
    say(f"imap: {len(manifest['mails']):,} mails appended in {time.perf_counter() - started:.1f}s")
    imap = {
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "password": server.password,
    }
    return server, imap


def run_profile(
    *,
    count: int,
    seed: int,
    data_dir: Path,
    database_url: str,
    keep: bool = False,
    top: int = 15,
) -> dict[str, Any]:
    """Import the first ``count`` mails under cProfile: the time, the SQL statements, and the
    ``top`` entries by cumulative time (the whole profile stays in ``profile.pstats``)."""
    import pstats

    small = data_dir / f"mailbox-{count}-{seed}"
    mailbox_gen.write_mailbox(small, count=count, seed=seed)
    out = data_dir / "profile.pstats"
    say(f"profile: importing {count:,} mails under cProfile")
    with fresh_database("profile", data_dir=data_dir, database_url=database_url, keep=keep) as env:
        run_child(["prepare"], env)
        result, _ = run_child(["profile", "--folder", str(small), "--profile-out", str(out)], env)
    stats = pstats.Stats(str(out))
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows: list[dict[str, Any]] = []
    ranked = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    for (filename, line, name), (_prim, calls, own, cumulative, _callers) in ranked[:top]:
        short = filename.split("/site-packages/")[-1].split("/src/")[-1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls": calls,
                "own_s": round(own, 3),
                "cumulative_s": round(cumulative, 3),
            }
        )
    statements = int(result["sql_statements"])
    say(
        f"\nprofile of importing {count} mails ({result['seconds']:.1f}s under cProfile, "
        f"{statements:,} SQL statements: {statements / count:.1f} a mail), top {top} by "
        f"cumulative time (all of it in {out}):"
    )
    say(f"{'cumulative s':>12} {'own s':>8} {'calls':>8}  function")
    for row in rows:
        say(f"{row['cumulative_s']:>12} {row['own_s']:>8} {row['calls']:>8}  {row['function']}")
    return {
        "mails": count,
        "seconds": round(float(result["seconds"]), 2),
        "sql_statements": statements,
        "top": rows,
    }


def print_table(rows: list[dict[str, Any]], peer: dict[str, Any]) -> None:
    columns = ("mails/s", "seconds", "CPU s", "peak MB", "messages", "cases", "expected")
    say("\n" + f"{'way':<10}" + "".join(f"{c:>10}" for c in columns) + "  plausible")

    def line(name: str, values: list[Any], tail: str) -> None:
        cells = "".join(f"{'-' if v is None else v!s:>10}" for v in values)
        say(f"{name:<10}{cells}  {tail}")

    for row in rows:
        keys = ("per_second", "seconds", "cpu_seconds", "peak_rss_mb", "messages", "cases")
        values = [row.get(key) for key in keys] + [row.get("expected_cases")]
        verdict = "failed" if "error" in row else str(row.get("plausible"))
        line(row["way"], values, verdict)
    if peer.get("per_second") is not None:
        keys = ("per_second", "seconds", "cpu_seconds", "peak_rss_mb", "followups", "tickets")
        line("helpdesk", [peer.get(key) for key in keys] + [None], "(follow-ups, tickets)")
    elif peer:
        say(f"helpdesk: not measured: {peer.get('skipped', '?')}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=2, help="LMTP client threads")
    parser.add_argument(
        "--jobs", type=int, default=2, help="import processes (amends mail import --jobs)"
    )
    parser.add_argument(
        "--ways", default=",".join(WAYS), help="comma-separated: " + ", ".join(WAYS)
    )
    parser.add_argument("--no-peer", action="store_true", help="skip django-helpdesk")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also import the first N mails under cProfile",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server (any database on it); default $DATABASE_URL, "
        "else SQLite files under --data-dir",
    )
    parser.add_argument("--data-dir", default=str(Path("var") / "bench" / "mail"))
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL databases (dropped otherwise)"
    )
    args = parser.parse_args(argv)
    ways = [w for w in args.ways.split(",") if w]
    unknown = sorted(set(ways) - set(WAYS))
    if unknown:
        parser.error(f"unknown ways: {', '.join(unknown)}")
    data_dir = Path(args.data_dir).resolve()
    folder = data_dir / f"mailbox-{args.messages}-{args.seed}"
    say(f"mailbox: {args.messages:,} mails (seed {args.seed}) in {folder}")
    manifest = mailbox_gen.write_mailbox(
        folder,
        count=args.messages,
        seed=args.seed,
        progress=lambda n: progress(f"  {n:,}/{args.messages:,} mails written"),
    )
    progress_done()
    summary = manifest["summary"]
    say(
        f"  {summary['kinds']}, {summary['with_attachments']:,} with attachments, "
        f"{summary['threads']:,} threads, {manifest['bytes'] / 1e6:.1f} MB"
    )
    database = "postgresql" if args.database_url else "sqlite"
    rows: list[dict[str, Any]] = []
    for way in ways:
        try:
            rows.append(
                run_way(
                    way,
                    folder=folder,
                    manifest=manifest,
                    data_dir=data_dir,
                    database_url=args.database_url,
                    clients=args.clients,
                    jobs=args.jobs,
                    keep=args.keep,
                )
            )
        except Exception as exc:  # one way failing still reports the others
            say(f"{way}: failed: {exc}")
            rows.append(
                {
                    "way": way,
                    "error": str(exc),
                    "per_second": None,
                    "seconds": None,
                    "peak_rss_mb": None,
                    "messages": 0,
                    "cases": 0,
                    "expected_cases": summary["expected_cases"],
                    "plausible": False,
                }
            )
    peer: dict[str, Any] = {}
    if not args.no_peer:
        peer = mail_helpdesk.measure(
            folder=folder, manifest=manifest, data_dir=data_dir, report=say
        )
    profile = (
        run_profile(
            count=args.profile,
            seed=args.seed,
            data_dir=data_dir,
            database_url=args.database_url,
            keep=args.keep,
        )
        if args.profile
        else {}
    )
    print_table(rows, peer)
    rates = {row["way"]: row["per_second"] for row in rows}
    best = max((r for r in rates.values() if r), default=None)
    # Like for like: django-helpdesk reads a folder of files, as amends' import does.
    basis = "import" if rates.get("import") else "best"
    amends_rate = rates.get("import") or best
    helpdesk_rate = peer.get("per_second")
    ratio = round(amends_rate / helpdesk_rate, 1) if amends_rate and helpdesk_rate else None
    result = {
        "messages": args.messages,
        "database": database,
        "amends_import_per_s": rates.get("import"),
        "amends_lmtp_per_s": rates.get("lmtp"),
        "amends_imap_per_s": rates.get("imap"),
        "peak_rss_mb": {row["way"]: row["peak_rss_mb"] for row in rows}
        | ({"helpdesk": peer["peak_rss_mb"]} if peer.get("peak_rss_mb") else {}),
        "helpdesk_per_s": helpdesk_rate,
        "ratio_vs_helpdesk": ratio,
        "ratio_basis": basis,
        "goal_per_s_met": bool(best and best >= GOAL_PER_S),
        "goal_ratio_met": bool(ratio and ratio >= GOAL_RATIO),
        "mailbox": summary,
        "ways": rows,
        "helpdesk": peer,
        "profile": profile,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "code": code_version(),
    }
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
