"""Fill a database with N cases, their messages and their timeline, as fast as it will go.

    .venv/bin/python bench/seed.py --cases 100000                  # SQLite under --data-dir
    .venv/bin/python bench/seed.py --cases 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/amends_bench

First the demo's reference data goes in through the services (eight storefronts with their
teams and agents, the carriers, the seller and the five stories). Then the bulk: each case gets
3 messages and 4 timeline events, half of them an order, some an open promise. Rows are
written with ``executemany`` of plain parameter tuples in batches, one transaction per batch
(Django's ``bulk_create`` spends most of its time compiling SQL per row), so memory stays flat
whatever N is. The ids are allocated here, so run one seeder at a time against a database.
Seeding tops the database up to N cases: run it again and it adds only what is missing.

Progress goes to stderr; the last line on stdout is a JSON summary:
``{"cases": …, "messages": …, "events": …, "seconds": …, "cases_per_second": …, …}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

STATUSES = [
    ("new", 15),
    ("open", 25),
    ("waiting_on_customer", 10),
    ("waiting_on_third_party", 8),
    ("solved", 25),
    ("closed", 17),
]
PRIORITIES = [(1, 10), (2, 68), (3, 17), (4, 5)]
CHANNELS = [("email", 45), ("web", 25), ("chat", 20), ("phone", 10)]
BENCH_AGENT_KEY = "julien"  # a France desk agent: the API benchmark reads his team's queue
BENCH_TEAM_SLUG = "fr-desk"
MISSING = object()


def configure(args: argparse.Namespace) -> None:
    """Point Django at the database before it starts."""
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["AMENDS_DATA_DIR"] = str(data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings")
    os.environ.setdefault("AMENDS_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def say(text: str, *, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


class Bulk:
    """Rows of one table as parameter tuples, written with one ``executemany`` per flush.

    Every concrete column is written: the ones given to ``add``, else the field's default,
    else NULL; a column with none of these is a bug in the caller and raises.
    """

    def __init__(self, model: Any, *, now: dt.datetime) -> None:
        from django.db import connection
        from django.db.models import DateTimeField, DecimalField, JSONField, Max

        ops = connection.ops
        self.fields = list(model._meta.concrete_fields)
        self.defaults: dict[str, Any] = {}
        self.adapters: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            adapter: Callable[[Any], Any] | None = None
            if isinstance(f, DateTimeField):
                adapter = ops.adapt_datetimefield_value
            elif isinstance(f, JSONField):
                adapter = (lambda enc: lambda v: ops.adapt_json_value(v, enc))(f.encoder)
            elif isinstance(f, DecimalField):
                adapter = (lambda d, p: lambda v: ops.adapt_decimalfield_value(v, d, p))(
                    f.max_digits, f.decimal_places
                )
            self.adapters.append(adapter)
            if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif f.empty_strings_allowed and f.get_internal_type() in {"CharField", "TextField"}:
                self.defaults[f.attname] = ""
            else:
                self.defaults[f.attname] = MISSING
        table = ops.quote_name(model._meta.db_table)
        columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.postgres = connection.vendor == "postgresql"
        self.table = model._meta.db_table
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        values["id"] = pk
        row = []
        for f, adapter in zip(self.fields, self.adapters, strict=True):
            value = values.get(f.attname, self.defaults[f.attname])
            if value is MISSING:
                raise ValueError(f"{self.table}.{f.attname} needs a value")
            row.append(adapter(value) if adapter is not None and value is not None else value)
        self.rows.append(tuple(row))
        return pk

    def flush(self, cursor: Any) -> None:
        if not self.rows:
            return
        if self.postgres:  # COPY is several times faster than INSERT there
            with cursor.cursor.copy(self.copy_sql) as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows.clear()

    def reset_sequence(self, cursor: Any) -> None:
        """PostgreSQL hands out ids from a sequence: move it past the ids written here."""
        from django.db import connection

        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(self.table)}))",
                [self.table],
            )


@dataclass
class Pools:
    """What the generated cases point at: ids only, so memory does not grow with N."""

    brands: list[int] = field(default_factory=list)
    languages: dict[int, list[str]] = field(default_factory=dict)
    teams: dict[int, list[int]] = field(default_factory=dict)  # brand id -> desk team ids
    members: dict[int, list[int]] = field(default_factory=dict)  # team id -> agent ids
    customers: dict[int, array[int]] = field(default_factory=dict)  # brand id -> customer ids
    texts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def weighted(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def reference_data(*, customers: int, rng: random.Random, batch: int) -> Pools:
    from django.db import connection, transaction
    from django.utils import timezone

    from amends.accounts.models import Team
    from amends.brands.models import Brand
    from amends.customers.models import Customer, CustomerIdentity
    from amends.demo import catalogue, language, texts
    from amends.demo.seed import load_demo

    started = time.monotonic()
    if load_demo(ordinary_cases=0)["loaded"]:
        say(f"  demo reference data and the five stories ({time.monotonic() - started:.1f}s)")
    pools = Pools()
    for brand in Brand.objects.order_by("id"):
        pools.brands.append(brand.pk)
        pools.languages[brand.pk] = list(brand.languages)
        desks = Team.objects.filter(brand=brand, is_senior=False).order_by("id")
        pools.teams[brand.pk] = list(desks.values_list("pk", flat=True))
        for team in desks.prefetch_related("members"):
            pools.members[team.pk] = [m.user_id for m in team.members.all()]
    today = dt.datetime.now(dt.UTC)
    for lang, scenarios in texts.TEXTS.items():
        when = language.format_day(today, language=lang, time_zone="Europe/Paris")
        product = catalogue.PRODUCTS[0][2][lang]
        pools.texts[lang] = [
            (
                s.subject.format(order="B000000001"),
                s.message.format(order="B000000001", product=product, first="Alex", last="Lee"),
                s.reply.format(order="B000000001", product=product, date=when),
            )
            for s in scenarios.values()
        ]

    have = Customer.objects.filter(external_id__startswith="bench:").count()
    if customers > have:
        say(f"  customers: adding {customers - have:,}")
    now = timezone.now()
    people, identities = Bulk(Customer, now=now), Bulk(CustomerIdentity, now=now)
    for n in range(have, customers):
        brand_id = pools.brands[n % len(pools.brands)]
        lang = rng.choice(pools.languages[brand_id])
        first, last, _ = rng.choice(catalogue.NAMES[lang])
        pk = people.add(
            brand_id=brand_id, name=f"{first} {last}", language=lang, external_id=f"bench:{n}"
        )
        identities.add(customer_id=pk, kind="email", value=f"bench-{n}@bench.example")
        if len(people.rows) >= batch * 4 or n == customers - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                people.flush(cursor)
                identities.flush(cursor)
    with connection.cursor() as cursor:
        people.reset_sequence(cursor)
        identities.reset_sequence(cursor)
    for brand_id in pools.brands:
        ids = Customer.objects.filter(brand_id=brand_id, external_id__startswith="bench:")
        pools.customers[brand_id] = array("q", ids.values_list("pk", flat=True).iterator())
    return pools


def seed_cases(*, count: int, pools: Pools, rng: random.Random, batch: int) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from amends.cases.models import Case, CaseEvent
    from amends.commerce.models import Order
    from amends.commitments.models import Commitment
    from amends.conversations.models import Message

    now = timezone.now()
    cases, messages, events = Bulk(Case, now=now), Bulk(Message, now=now), Bulk(CaseEvent, now=now)
    orders, links = Bulk(Order, now=now), Bulk(Case.orders.through, now=now)
    promises = Bulk(Commitment, now=now)
    tables = [cases, messages, events, orders, links, promises]
    placed = now - dt.timedelta(days=3)
    total = Decimal("59.90")
    started = time.monotonic()
    done = 0
    while done < count:
        size = min(batch, count - done)
        for _ in range(size):
            brand = rng.choice(pools.brands)
            team = rng.choice(pools.teams[brand])
            status = weighted(rng, STATUSES)
            members: list[int | None] = [*pools.members.get(team, [])] or [None]
            assignee = None if status == "new" or rng.random() < 0.3 else rng.choice(members)
            lang = rng.choice(pools.languages[brand])
            subject, message, reply = rng.choice(pools.texts[lang])
            customer_ids = pools.customers[brand]
            customer = customer_ids[rng.randrange(len(customer_ids))]
            channel = weighted(rng, CHANNELS)
            case = cases.add(
                brand_id=brand,
                customer_id=customer,
                subject=subject,
                status=status,
                priority=weighted(rng, PRIORITIES),
                team_id=team,
                assignee_id=assignee,
                language=lang,
                origin_channel=channel,
                last_message_at=now - dt.timedelta(minutes=rng.randrange(60 * 24 * 60)),
                bounces=1 if rng.random() < 0.08 else 0,
            )
            common = {"case_id": case, "channel": channel, "language": lang}
            messages.add(direction="in", author_customer_id=customer, body_text=message, **common)
            messages.add(
                direction="out",
                author_user_id=assignee,
                body_text=reply,
                delivery_status="sent",
                **common,
            )
            messages.add(direction="in", author_customer_id=customer, body_text="Thanks!", **common)
            owner = {"team_id": team, "assignee_id": assignee}
            events.add(case_id=case, kind="case_opened", data={"channel": channel, **owner})
            events.add(case_id=case, kind="message_received", data={"channel": channel})
            events.add(
                case_id=case,
                kind="case_assigned" if assignee else "message_received",
                actor_id=assignee,
                data=owner,
            )
            events.add(
                case_id=case,
                kind="status_changed",
                actor_id=assignee,
                data={"from": "new", "to": status, "reason": "bench"},
            )
            if rng.random() < 0.5:
                order = orders.add(
                    brand_id=brand,
                    customer_id=customer,
                    number=f"B{orders.next_id:09d}",
                    placed_at=placed,
                    total=total,
                )
                links.add(case_id=case, order_id=order)
            if assignee and status in {"open", "waiting_on_third_party"} and rng.random() < 0.2:
                due = now + dt.timedelta(hours=rng.randrange(2, 96))
                promises.add(
                    case_id=case,
                    kind="refund",
                    description="Refund within 3 business days",
                    owner_id=assignee,
                    due_at=due,
                    remind_at=due - dt.timedelta(hours=1),
                    escalate_at=due - dt.timedelta(minutes=20),
                )
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                table.flush(cursor)
        done += size
        elapsed = time.monotonic() - started
        line = f"  cases {done:>10,} / {count:,}  {done / elapsed if elapsed else 0:>8,.0f} cases/s"
        if sys.stderr.isatty():
            say(f"\r{line}", end="")
        else:
            say(line)
    if sys.stderr.isatty() and count:
        say("")
    with connection.cursor() as cursor:
        for table in tables:
            table.reset_sequence(cursor)
        if count:
            say("  analysing the tables for the query planner…")
            cursor.execute("ANALYZE")
    return {
        "cases": cases.written,
        "messages": messages.written,
        "events": events.written,
        "orders": orders.written,
        "commitments": promises.written,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fill a database with N benchmark cases.")
    parser.add_argument("--cases", type=int, default=100_000, help="cases wanted in total")
    parser.add_argument(
        "--database-url",
        default=None,
        help="e.g. postgres://postgres@127.0.0.1:5432/amends_bench "
        "(default: $DATABASE_URL, else SQLite under --data-dir)",
    )
    parser.add_argument(
        "--data-dir", default="var/bench/sqlite", help="the SQLite file and secret key go here"
    )
    parser.add_argument("--batch", type=int, default=5000, help="cases per transaction")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    args = parser.parse_args(argv)
    if args.cases < 0 or args.batch < 1:
        parser.error("--cases must be >= 0 and --batch >= 1")
    configure(args)

    from django.core.management import call_command
    from django.db import connection

    from amends.accounts.models import Team
    from amends.cases.models import Case
    from amends.demo.reference import STAFF

    say(f"seeding the {connection.vendor} database {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(args.seed)
    started = time.monotonic()
    pools = reference_data(customers=max(8, args.cases // 4), rng=rng, batch=args.batch)
    have = Case.objects.count()
    wanted = max(0, args.cases - have)
    say(f"  {have:,} cases present, adding {wanted:,}")
    seeding = time.monotonic()
    totals = seed_cases(count=wanted, pools=pools, rng=rng, batch=args.batch)
    seconds = time.monotonic() - seeding
    summary = {
        **totals,
        "seconds": round(seconds, 1),
        "cases_per_second": round(totals["cases"] / seconds) if totals["cases"] else None,
        "total_seconds": round(time.monotonic() - started, 1),
        "total_cases": have + totals["cases"],
        "database": connection.vendor,
        "team_id": Team.objects.get(slug=BENCH_TEAM_SLUG).pk,
        "agent": next(p.email for p in STAFF if p.key == BENCH_AGENT_KEY),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
