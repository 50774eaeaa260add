"""How long the server takes to render the console's and the portal's pages, with N cases stored.

    .venv/bin/python bench/pages.py                                  # 100,000 cases, SQLite
    .venv/bin/python bench/pages.py --reuse --profile                # the data already there
    .venv/bin/python bench/pages.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_pages  # PostgreSQL

It seeds (or tops up, or with ``--reuse`` takes as it is) the database with ``bench/seed.py``,
then adds one big case: 200 messages (from the customer, to the customer and internal notes,
some of them long), its timeline, four promises and three orders with shipments and their
tracking events, plus three more open cases of the same customer. Then, in process, with
Django's test client (the whole middleware stack, no HTTP), it renders:

* ``/console/?queue=<name>`` for every queue the console offers: the names are read from the
  console's code and from the links on its queue page at run time, not listed here;
* ``/console/cases/<big case>/``;
* ``/console/search/?q=<a tracking number of the big case>``;

each as an agent of the busiest team and as a supervisor of every storefront, and
``/my/cases/<big case>/`` as the case's customer. Each page is requested ``--warmup`` times
unmeasured, then once with its SQL recorded (``CaptureQueriesContext``: how many statements,
and their execute time); then ``--repetitions`` rounds request every page once each
(round robin, so a disturbance on the machine spreads over all pages; a page whose timed
requests add up to ``--max-seconds`` leaves the rounds early), timed by the wall clock and by
this process's CPU time. The CPU time includes SQLite's work (it runs in this process),
not PostgreSQL's; on a machine shared with other work it shows what a page costs when the
wall clock also counts the waiting for a core.

For the JavaScript and CSS a page ships, it reads the ``<script src>`` and
``<link rel="stylesheet">`` of every page's HTML, finds the files with the static files
finders, and reports their size raw, gzip -9 and, when the ``brotli`` module is installed,
brotli 11.

The goals: p95 under 100 ms per page on 2 cores at 100,000 cases, and under
100 KB (100,000 bytes) of JavaScript per page, gzip-compressed. The exit code is 0 either way;
the JSON says which goals hold. ``--profile`` prints the 10 slowest SQL statements of the
slowest page (``--profile PAGE``: of the slowest page whose name contains PAGE), each run again
on its own with every row fetched, with the database's plan of the three slowest.

A table for people goes to stderr, and one JSON line to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib
import json
import os
import pkgutil
import platform
import re
import statistics
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import seed  # noqa: E402  (bench/seed.py, beside this file)
from revision import code_version  # noqa: E402

if TYPE_CHECKING:
    from django.test import Client

    from amends.accounts.models import Team, User
    from amends.cases.models import Case

GOAL_P95_MS = 100.0
GOAL_JS_BYTES = 100_000  # gzip -9
SUPERVISOR_EMAIL = "supervisor@bench.example"
DEFAULT_PG_ADMIN_DB = "postgres"


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


# --- the database and the data -----------------------------------------------------------------


def ensure_postgres_database(url: str) -> None:
    """The PostgreSQL database of ``url`` exists (created through the server's own database)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if not name:
        raise SystemExit(f"no database name in {url}")
    admin = url.rsplit("/", 1)[0] + "/" + DEFAULT_PG_ADMIN_DB
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            say(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class World:
    """Who signs in and what they open."""

    agent: User
    team: Team
    supervisor: User
    customer_user: User
    big_case: Case
    tracking_number: str
    created: bool


def busiest_team() -> Team:
    """The storefront team with agents and the most open cases."""
    from django.db.models import Count, Q

    from amends.accounts.models import Role, Team
    from amends.cases.models import OPEN_STATUSES

    teams = (
        Team.objects.filter(is_senior=False, brand__isnull=False, members__user__role=Role.AGENT)
        .annotate(
            open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True)
        )
        .order_by("-open_cases", "id")
    )
    team = teams.first()
    if team is None:
        raise SystemExit("no team with agents; was the database seeded?")
    return team


def _supervisor() -> User:
    from amends.accounts.models import AgentProfile, Role, Team, User
    from amends.brands.models import Brand

    user = User.objects.filter(email=SUPERVISOR_EMAIL).first() or User.objects.create_user(
        SUPERVISOR_EMAIL, role=Role.SUPERVISOR, first_name="Morgan", last_name="Lefebvre"
    )
    user.brands.set(Brand.objects.all())
    profile, _ = AgentProfile.objects.get_or_create(user=user, defaults={"languages": ["en"]})
    profile.teams.set(Team.objects.all())
    return user


def prepare_world(*, big_messages: int = 200) -> World:
    """The users who sign in, and the big case (created once, found again after that)."""
    from django.db import transaction

    from amends.accounts.models import Role, User
    from amends.carriers.models import Shipment
    from amends.cases.models import Case
    from amends.customers.models import Customer

    team = busiest_team()
    agent = (
        User.objects.filter(agent__teams=team, role=Role.AGENT, is_active=True)
        .order_by("id")
        .first()
    )
    if agent is None:
        raise SystemExit(f"team {team.slug} has no agent")
    with transaction.atomic():
        supervisor = _supervisor()
        customer = Customer.objects.filter(external_id=seed.BIG_CUSTOMER).first()
        created = customer is None
        if customer is None:
            customer = seed.seed_big_case(team=team, agent=agent, messages=big_messages)
    big = Case.objects.filter(customer=customer).order_by("id").first()
    if big is None or customer.user is None:
        raise SystemExit("the big case is incomplete; seed a new database")
    shipment = Shipment.objects.filter(order__cases=big).order_by("id").first()
    if shipment is None:
        raise SystemExit("the big case has no shipment; seed a new database")
    return World(
        agent=agent,
        team=team,
        supervisor=supervisor,
        customer_user=customer.user,
        big_case=big,
        tracking_number=shipment.tracking_number,
        created=created,
    )


def data_sizes() -> dict[str, int]:
    from amends.carriers.models import Shipment, TrackingEvent
    from amends.cases.models import Case, CaseEvent
    from amends.commerce.models import Order
    from amends.commitments.models import Commitment
    from amends.conversations.models import Message
    from amends.customers.models import Customer
    from amends.search.models import SearchEntry

    return {
        "cases": Case.objects.count(),
        "customers": Customer.objects.count(),
        "messages": Message.objects.count(),
        "events": CaseEvent.objects.count(),
        "orders": Order.objects.count(),
        "shipments": Shipment.objects.count(),
        "tracking_events": TrackingEvent.objects.count(),
        "commitments": Commitment.objects.count(),
        "search_entries": SearchEntry.objects.count(),
    }


# --- which pages --------------------------------------------------------------------------------


def _names_in(value: Any) -> list[str]:
    """Queue names out of whatever shape the console keeps them in."""
    if isinstance(value, type) and issubclass(value, Enum):
        return [str(member.value) for member in value]
    if isinstance(value, Mapping):
        return [str(key) for key in value]
    if isinstance(value, (list, tuple)):
        names = []
        for item in value:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, (list, tuple)) and item and isinstance(item[0], str):
                names.append(item[0])
            elif isinstance(getattr(item, "key", None), str):
                names.append(item.key)
            elif isinstance(getattr(item, "name", None), str):
                names.append(item.name)
        return names
    return []


QUEUE_LINK = re.compile(r"""href=["'][^"']*[?&](?:amp;)?queue=([\w.-]+)""")


def console_queue_names(queue_page_html: str = "") -> list[str]:
    """Every queue the console offers, read from its code (a module-level ``QUEUES``, whatever
    its shape) and from the ``?queue=`` links of its queue page."""
    import amends.console

    names: list[str] = []
    for module_info in pkgutil.walk_packages(amends.console.__path__, "amends.console."):
        if module_info.name.rsplit(".", 1)[-1] in {"tests", "migrations"}:
            continue
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:
            continue
        for attribute in ("QUEUES", "QUEUE_NAMES"):
            names += _names_in(getattr(module, attribute, None))
    names += QUEUE_LINK.findall(queue_page_html)
    return list(dict.fromkeys(names))


@dataclass
class Page:
    name: str
    who: str  # agent, supervisor, customer
    path: str

    @property
    def key(self) -> str:
        return f"{self.name} ({self.who})"


WHO = ("agent", "supervisor", "customer")


def pages_to_measure(
    world: World,
    clients: Mapping[str, Client],
    *,
    who: Iterable[str] = WHO,
    queues: Iterable[str] | None = None,
) -> list[Page]:
    """The pages to time, for the people in ``who`` (agent, supervisor, customer); the queue
    pages of every queue the console offers, or of ``queues`` only."""
    if queues is None:
        queue_html = clients["supervisor"].get("/console/").content.decode(errors="replace")
        queues = console_queue_names(queue_html)
    queues = list(queues)
    pages: list[Page] = []
    case = world.big_case.pk
    for staff in ("agent", "supervisor"):
        if staff not in who:
            continue
        pages += [Page(f"queue {name}", staff, f"/console/?queue={name}") for name in queues]
        pages.append(Page("case, big", staff, f"/console/cases/{case}/"))
        pages.append(
            Page("search tracking no.", staff, f"/console/search/?q={world.tracking_number}")
        )
    if "customer" in who:
        pages.append(Page("portal case, big", "customer", f"/my/cases/{case}/"))
    return pages


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Result:
    page: Page
    status: int = 0
    times_ms: list[float] = field(default_factory=list)  # wall clock
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU (SQLite's too)
    errors: int = 0  # timed requests that did not answer 200
    queries: int = 0
    sql_ms: float = 0.0
    html: str = ""

    def percentile(self, p: float, *, cpu: bool = False) -> float | None:
        values = self.cpu_ms if cpu else self.times_ms
        if not values:
            return None
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2)

    def summary(self) -> dict[str, Any]:
        p95 = self.percentile(95)
        return {
            "page": self.page.name,
            "who": self.page.who,
            "path": self.page.path,
            "status": self.status,
            "requests": len(self.times_ms),
            "errors": self.errors,
            "p50_ms": self.percentile(50),
            "p95_ms": p95,
            "p99_ms": self.percentile(99),
            "max_ms": round(max(self.times_ms), 2) if self.times_ms else None,
            "mean_ms": round(statistics.fmean(self.times_ms), 2) if self.times_ms else None,
            "cpu_p50_ms": self.percentile(50, cpu=True),
            "cpu_p95_ms": self.percentile(95, cpu=True),
            "queries": self.queries,
            "sql_ms": round(self.sql_ms, 2),
            "html_bytes": len(self.html.encode()),
            "goal_met": p95 is not None
            and p95 < GOAL_P95_MS
            and self.status == 200
            and not self.errors,
        }


def make_clients(world: World) -> dict[str, Client]:
    from django.test import Client

    clients: dict[str, Client] = {}
    for who, user in (
        ("agent", world.agent),
        ("supervisor", world.supervisor),
        ("customer", world.customer_user),
    ):
        client = Client(raise_request_exception=False)  # a broken page is reported, not fatal
        client.force_login(user)
        clients[who] = client
    return clients


@dataclass
class Statement:
    sql: str  # with placeholders
    params: Any
    shown: str  # with the parameters filled in, as the database received it
    ms: float  # execute only: rows fetched afterwards (SQLite steps through them then) not in


class _Timer:
    """An execute wrapper: times each statement to the microsecond."""

    def __init__(self) -> None:
        self.taken: list[tuple[str, Any, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.taken.append((sql, params, (time.perf_counter() - begun) * 1000))


def captured(client: Client, path: str) -> tuple[int, str, list[Statement]]:
    """One request with its SQL statements recorded (``CaptureQueriesContext``) and timed:
    (status, HTML, statements)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timer = _Timer()
    with CaptureQueriesContext(connection) as context, connection.execute_wrapper(timer):
        response = client.get(path)
    shown = [q["sql"] for q in context.captured_queries]
    if len(shown) != len(timer.taken):  # should not happen; give every timed one a text
        shown = (shown + [""] * len(timer.taken))[: len(timer.taken)]
    statements = [
        Statement(sql=sql, params=params, shown=text or sql, ms=ms)
        for (sql, params, ms), text in zip(timer.taken, shown, strict=True)
    ]
    html = response.content.decode(errors="replace") if response.status_code == 200 else ""
    return response.status_code, html, statements


def measure(
    pages: list[Page],
    clients: Mapping[str, Client],
    *,
    repetitions: int,
    warmup: int,
    max_seconds: float = 60.0,
) -> list[Result]:
    """Time every page ``repetitions`` times, round robin; a page that has taken
    ``max_seconds`` in all leaves the rounds early (its figures then rest on fewer requests)."""
    results = [Result(page) for page in pages]
    for n, result in enumerate(results, start=1):
        client = clients[result.page.who]
        progress(f"  warming up {n}/{len(results)}: {result.page.key}")
        for _ in range(warmup):
            client.get(result.page.path)
        result.status, result.html, statements = captured(client, result.page.path)
        result.queries = len(statements)
        result.sql_ms = sum(st.ms for st in statements)
    progress_done()
    timed = [r for r in results if r.status == 200]
    for r in results:
        if r.status != 200:
            say(f"  {r.page.key}: {r.page.path} answered {r.status}; not timed")
    started = time.monotonic()
    for rep in range(repetitions):
        for result in timed:
            if sum(result.times_ms) / 1000 >= max_seconds:
                continue
            client = clients[result.page.who]
            begun, cpu = time.perf_counter(), time.process_time()
            status = client.get(result.page.path).status_code
            if status == 200:
                result.times_ms.append((time.perf_counter() - begun) * 1000)
                result.cpu_ms.append((time.process_time() - cpu) * 1000)
            else:
                result.errors += 1
        elapsed = time.monotonic() - started
        progress(f"  round {rep + 1}/{repetitions} of {len(timed)} pages ({elapsed:.0f}s)")
    progress_done()
    return results


# --- what the pages ship ------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "script":
            if values.get("src"):
                self.scripts.append(values["src"])
            else:
                self.inline_scripts += 1
        elif (
            tag == "link"
            and "stylesheet" in values.get("rel", "").lower().split()
            and values.get("href")
        ):
            self.styles.append(values["href"])


def _brotli() -> Any:
    try:
        return importlib.import_module("brotli")
    except ImportError:
        return None


@dataclass
class AssetSizes:
    raw: int
    gzip: int
    brotli: int | None
    found: bool


def asset_size(url: str, cache: dict[str, AssetSizes]) -> AssetSizes:
    """Sizes of one static file by its URL; a URL that is not a static file counts as missing."""
    if url in cache:
        return cache[url]
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = url.split("#", 1)[0].split("?", 1)[0]
    static_url = settings.STATIC_URL or "/static/"
    found = None
    if path.startswith(static_url):
        found = finders.find(path[len(static_url) :])
    if isinstance(found, list):
        found = found[0] if found else None
    if not found:
        cache[url] = AssetSizes(0, 0, None, found=False)
        return cache[url]
    data = Path(found).read_bytes()
    brotli = _brotli()
    cache[url] = AssetSizes(
        raw=len(data),
        gzip=len(gzip.compress(data, compresslevel=9, mtime=0)),
        brotli=len(brotli.compress(data, quality=11)) if brotli is not None else None,
        found=True,
    )
    return cache[url]


def _total(urls: Iterable[str], cache: dict[str, AssetSizes]) -> dict[str, Any]:
    sizes = [(url, asset_size(url, cache)) for url in dict.fromkeys(urls)]
    brotli = [s.brotli for _, s in sizes]
    return {
        "files": [url for url, _ in sizes],
        "missing": [url for url, s in sizes if not s.found],
        "raw_bytes": sum(s.raw for _, s in sizes),
        "gzip_bytes": sum(s.gzip for _, s in sizes),
        "brotli_bytes": sum(b for b in brotli if b is not None)
        if all(b is not None for b in brotli)
        else None,
    }


def page_assets(html: str, cache: dict[str, AssetSizes]) -> dict[str, Any]:
    parser = _Assets()
    parser.feed(html)
    js = _total(parser.scripts, cache)
    return {
        "js": js,
        "css": _total(parser.styles, cache),
        "inline_scripts": parser.inline_scripts,
        "js_goal_met": not js["missing"] and js["gzip_bytes"] < GOAL_JS_BYTES,
    }


# --- profiling ----------------------------------------------------------------------------------


def rerun_ms(statement: Statement, *, runs: int = 3) -> float:
    """The statement alone, executed and every row fetched: the median of ``runs`` times."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            begun = time.perf_counter()
            cursor.execute(statement.sql, statement.params)
            cursor.fetchall()
            times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times)


def slowest_statements(client: Client, path: str, *, top: int = 10) -> list[dict[str, Any]]:
    """The ``top`` slowest SELECTs of one request of a page, each run again on its own."""
    _, _, statements = captured(client, path)
    per_request: dict[str, int] = {}
    for st in statements:
        per_request[st.sql] = per_request.get(st.sql, 0) + 1
    distinct = {
        st.sql: st for st in statements if st.sql.lstrip().upper().startswith(("SELECT", "WITH"))
    }
    ranked = sorted(
        ((rerun_ms(st), st) for st in distinct.values()), key=lambda pair: pair[0], reverse=True
    )
    return [
        {
            "ms": round(ms, 2),
            "in_request_ms": round(st.ms, 2),
            "per_request": per_request[st.sql],
            "sql": st.shown,
            "plan": query_plan(st) if n < 3 else [],
        }
        for n, (ms, st) in enumerate(ranked[:top])
    ]


def query_plan(statement: Statement) -> list[str]:
    """The database's plan for one statement."""
    from django.db import DatabaseError, connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + statement.sql, statement.params)
            return [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
    except (DatabaseError, ValueError, TypeError) as exc:
        return [f"(no plan: {exc})"]


def profile(
    results: list[Result], clients: Mapping[str, Client], *, page: str = ""
) -> dict[str, Any] | None:
    """The slowest SQL of the slowest page (by p95) whose name contains ``page``."""
    timed = [r for r in results if r.times_ms and page.lower() in r.page.key.lower()]
    if not timed:
        return None
    slowest = max(timed, key=lambda r: r.percentile(95) or 0.0)
    statements = slowest_statements(clients[slowest.page.who], slowest.page.path)
    return {"page": slowest.page.key, "path": slowest.page.path, "statements": statements}


# --- the whole run ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        version = str(row[0]) if row else "?"
    else:
        import sqlite3

        version = sqlite3.sqlite_version
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
        "database_version": version,
        "brotli": _brotli() is not None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "code": code_version(),
    }


def measure_pages(
    *,
    repetitions: int = 50,
    warmup: int = 5,
    big_messages: int = 200,
    profile_page: str | None = None,
    who: Iterable[str] = WHO,
    queues: Iterable[str] | None = None,
    max_seconds: float = 60.0,
) -> dict[str, Any]:
    """Everything after seeding: the big case, the measurement, the assets, the goals."""
    say("preparing the big case and the users…")
    world = prepare_world(big_messages=big_messages)
    clients = make_clients(world)
    pages = pages_to_measure(world, clients, who=who, queues=queues)
    say(
        f"measuring {len(pages)} pages: {warmup} warm-up requests, then {repetitions} rounds "
        f"(agent {world.agent.email} of team {world.team.slug}; supervisor of every storefront)"
    )
    results = measure(
        pages, clients, repetitions=repetitions, warmup=warmup, max_seconds=max_seconds
    )
    cache: dict[str, AssetSizes] = {}
    rows = []
    for result in results:
        row = result.summary()
        row["assets"] = page_assets(result.html, cache) if result.status == 200 else None
        rows.append(row)
    timed_ok = all(r["goal_met"] for r in rows)
    rendered = [r for r in rows if r["assets"] is not None]
    js_ok = bool(rendered) and all(r["assets"]["js_goal_met"] for r in rendered)
    report: dict[str, Any] = {
        "benchmark": "pages",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": data_sizes(),
        "big_case": {
            "id": world.big_case.pk,
            "messages": world.big_case.messages.count(),
            "events": world.big_case.events.count(),
            "orders": world.big_case.orders.count(),
            "created_now": world.created,
        },
        "agent": world.agent.email,
        "team": world.team.slug,
        "supervisor": world.supervisor.email,
        "repetitions": repetitions,
        "warmup": warmup,
        "max_seconds_per_page": max_seconds,
        "pages": rows,
        "goals": {
            "p95_ms": GOAL_P95_MS,
            "p95_met": timed_ok,
            "js_gzip_bytes": GOAL_JS_BYTES,
            "js_met": js_ok,
            "all_met": timed_ok and js_ok,
            "pages_missing_p95": [f"{r['page']} ({r['who']})" for r in rows if not r["goal_met"]],
        },
    }
    if profile_page is not None:
        report["profile"] = profile(results, clients, page=profile_page)
    return report


def _ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def print_table(report: dict[str, Any]) -> None:
    m, data = report["machine"], report["data"]
    say()
    load = ", ".join(f"{x:.1f}" for x in m["load_average"])
    say(
        f"{m['database']} {m['database_version']}, Python {m['python']}, {m['cpus']} CPUs "
        f"(load average {load}), code {m['code']}; "
        f"{data['cases']:,} cases, {data['messages']:,} messages, {data['orders']:,} orders, "
        f"{data['shipments']:,} shipments; big case {report['big_case']['id']} with "
        f"{report['big_case']['messages']} messages"
    )
    head = f"{'page':<20} {'as':<10} {'n':>3} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
    say(
        head + f" {'CPU p50':>7} {'CPU p95':>7} {'SQL':>4} {'SQL ms':>7} {'JS gz':>7} {'CSS gz':>7}"
    )
    for r in report["pages"]:
        assets = r["assets"] or {"js": {}, "css": {}}
        status = "" if r["status"] == 200 else f" HTTP {r['status']}"
        errors = f" {r['errors']} errors" if r["errors"] else ""
        say(
            f"{r['page'][:20]:<20} {r['who']:<10} {r['requests']:>3} "
            f"{_ms(r['p50_ms']):>7} {_ms(r['p95_ms']):>7} "
            f"{_ms(r['p99_ms']):>7} {_ms(r['max_ms']):>7} {_ms(r['cpu_p50_ms']):>7} "
            f"{_ms(r['cpu_p95_ms']):>7} {r['queries']:>4} {r['sql_ms']:>7.1f} "
            f"{assets['js'].get('gzip_bytes', 0):>7,} {assets['css'].get('gzip_bytes', 0):>7,}  "
            f"{'ok' if r['goal_met'] else 'MISSED'}{status}{errors}"
        )
    goals = report["goals"]
    say(
        f"n = timed requests; milliseconds (wall clock; CPU = this process's, SQLite "
        f"included); SQL = statements "
        f"per request and their execute time; JS and CSS in bytes, gzip -9.\nGoals: p95 < "
        f"{goals['p95_ms']:.0f} ms {'met' if goals['p95_met'] else 'NOT met'}; JavaScript < "
        f"{goals['js_gzip_bytes'] / 1000:.0f} KB gzip {'met' if goals['js_met'] else 'NOT met'}"
    )
    prof = report.get("profile")
    if prof:
        say()
        say(f"the slowest page: {prof['page']} {prof['path']}; its 10 slowest SQL statements:")
        for n, s in enumerate(prof["statements"], start=1):
            say(
                f"{n:>3}. {s['ms']:.2f} ms alone with every row fetched "
                f"({s['in_request_ms']:.2f} ms to execute in the request; "
                f"{s['per_request']}x per request)"
            )
            say(f"     {s['sql'][:1500]}")
            for line in s.get("plan", []):
                say(f"       plan: {line}")
    say()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Server-side render time of the console's and portal's pages, and the "
        "JavaScript and CSS each page ships."
    )
    parser.add_argument(
        "--cases", type=int, default=100_000, help="cases wanted in total (default 100,000)"
    )
    parser.add_argument(
        "--repetitions", "-r", type=int, default=50, help="timed rounds (default 50)"
    )
    parser.add_argument(
        "--warmup", type=int, default=5, help="unmeasured requests per page (default 5)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="a page leaves the rounds once its timed requests add up to this (default 60)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="take the database as it is (no seeding, no top-up)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="e.g. postgres://postgres@127.0.0.1:5432/bench_pages, created if missing "
        "(default: $DATABASE_URL, else SQLite under --data-dir)",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="the SQLite file and secret key go here "
        "(default: var/bench/sqlite, or var/bench/postgres for PostgreSQL)",
    )
    parser.add_argument(
        "--big-messages", type=int, default=200, help="messages on the big case (default 200)"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="",
        default=None,
        metavar="PAGE",
        help="print the 10 slowest SQL statements of the slowest page, or of the slowest page "
        "whose name contains PAGE (e.g. --profile 'queue all')",
    )
    parser.add_argument(
        "--batch", type=int, default=5000, help="cases per seeding transaction (default 5,000)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed for the seeding")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.repetitions < 1 or args.warmup < 0 or args.big_messages < 1:
        parser.error("--cases, --repetitions and --big-messages must be positive, --warmup >= 0")
    if args.batch < 1 or not args.max_seconds > 0:
        parser.error("--batch and --max-seconds must be positive")
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    if args.data_dir is None:
        args.data_dir = "var/bench/postgres" if postgres else "var/bench/sqlite"
    if postgres:
        ensure_postgres_database(url)
    seed.configure(args)

    if args.reuse:
        from amends.cases.models import Case
        from amends.core.maintenance import database_optimize, migrate_changing_schema

        if migrate_changing_schema():
            database_optimize(full=True)  # new indexes have no statistics until analysed
        if not Case.objects.exists():
            parser.error("--reuse: the database has no cases; run once without --reuse")
        say(f"reusing the database with {Case.objects.count():,} cases")
        seeded = None
    else:
        seeded = seed.seed_database(cases=args.cases, batch=args.batch, seed=args.seed)
    report = measure_pages(
        repetitions=args.repetitions,
        warmup=args.warmup,
        big_messages=args.big_messages,
        profile_page=args.profile,
        max_seconds=args.max_seconds,
    )
    report["seeding"] = seeded
    print_table(report)
    print(json.dumps(report, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
