"""Fill a database with N cases, their messages and their timeline, as fast as it will go.

    .venv/bin/python bench/seed.py --cases 100000                  # SQLite under --data-dir
    .venv/bin/python bench/seed.py --cases 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/amends_bench

First the demo's reference data goes in through the services (eight storefronts with their
teams and agents, the carriers, the seller and the five stories). Then the bulk, spread over the
storefronts as a European shop's traffic is (France and Germany busiest, Lithuania quietest;
see ``BRAND_WEIGHTS``) and, inside France, four cases in five to the France desk and the rest to
the stores' team: each case gets 3 messages and 4 timeline events, half of them an order (one
line; four orders in five shipped, with a tracking number and 3 tracking events), some an open
promise. Every customer, case, order and shipment also gets its search entry, as the services
would have written it. Rows are written with ``executemany`` of plain parameter tuples (``COPY``
on PostgreSQL) in batches, one transaction per batch (Django's ``bulk_create`` spends most of
its time compiling SQL per row), so memory stays flat whatever N is. The ids are allocated
here, so run one seeder at a time against a database. Seeding tops the database up to N cases:
run it again and it adds only what is missing. ``seed_big_case`` adds one long-running case
on top (``bench/pages.py`` renders it).

Progress goes to stderr; the last line on stdout is a JSON summary:
``{"cases": …, "messages": …, "events": …, "shipments": …, "seconds": …, …}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from amends.accounts.models import Team, User
    from amends.customers.models import Customer

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
# Share of the cases per storefront (by code); a storefront not listed gets DEFAULT_WEIGHT.
BRAND_WEIGHTS = {"fr": 26, "de": 20, "nl": 14, "es": 12, "it": 10, "be": 8, "pl": 6, "lt": 4}
# Share of a storefront's cases per team (by slug); a team not listed gets DEFAULT_WEIGHT.
TEAM_WEIGHTS = {"fr-desk": 4, "fr-stores": 1}
DEFAULT_WEIGHT = 1
SHIPPED_SHARE = 0.8  # orders with a shipment
TRACKING_PREFIXES = {"dhl": "JVGL", "postnl": "3SBT", "seur": "SEUR", "colissimo": "6A"}
BIG_CUSTOMER = "bench:big-case"  # external id of the customer of the big case
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
        # Defaults adapted once, not per row (most rows share ``now`` and empty strings).
        self.ready: dict[str, Any] = {
            f.attname: adapter(value)
            if adapter is not None and value is not None and value is not MISSING
            else value
            for f, adapter in zip(self.fields, self.adapters, strict=True)
            for value in [self.defaults[f.attname]]
        }
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
            if f.attname not in values:
                value = self.ready[f.attname]
                if value is MISSING:
                    raise ValueError(f"{self.table}.{f.attname} needs a value")
                row.append(value)
                continue
            value = values[f.attname]
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
    """What the generated cases point at: ids and short texts, so memory grows slowly with N."""

    brands: list[int] = field(default_factory=list)
    brand_weights: list[int] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)  # brand id -> code
    languages: dict[int, list[str]] = field(default_factory=dict)
    teams: dict[int, list[int]] = field(default_factory=dict)  # brand id -> desk team ids
    team_weights: dict[int, list[int]] = field(default_factory=dict)  # brand id -> weights
    members: dict[int, list[int]] = field(default_factory=dict)  # team id -> agent ids
    customers: dict[int, array[int]] = field(default_factory=dict)  # brand id -> customer ids
    people: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> name, language
    carriers: list[tuple[int, str, str]] = field(default_factory=list)  # id, code, name
    texts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    products: dict[str, list[tuple[str, Decimal, str]]] = field(default_factory=dict)


def weighted(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


@functools.lru_cache(maxsize=4096)
def words(text: str) -> str:
    """``words_of`` (what the search index stores), remembered: the texts repeat a lot."""
    from amends.search.backends import words_of

    return words_of(text)


@functools.lru_cache(maxsize=1)
def search_columns() -> frozenset[str]:
    from amends.search.models import SearchEntry

    return frozenset(f.attname for f in SearchEntry._meta.concrete_fields)


def search_row(
    entries: Bulk,
    *,
    kind: str,
    pk: int,
    title: str,
    subtitle: str,
    body: list[str],
    language: str = "",
    identifiers: tuple[str, ...] = (),
    names: str = "",
) -> None:
    """The search entry ``amends.search.indexing.index_object`` would write for this object.

    ``body`` is the parts of the indexed text in order; turning them into words one by one
    gives what doing it to them joined by spaces would, and lets the repeated ones come from
    the cache. ``search_entries_as_indexed`` checks a sample against the real indexing.
    """
    from amends.search.indexing import MAX_BODY_CHARS

    text = " ".join(w for w in map(words, body) if w)
    values: dict[str, Any] = {
        "kind": kind,
        "object_id": pk,
        "title": title[:300],
        "subtitle": subtitle[:300],
        "body": text[:MAX_BODY_CHARS],
    }
    columns = search_columns()
    if "language" in columns:
        values["language"] = language
    if "identifiers" in columns or "names" in columns:
        from amends.search import text as search_text

        values["identifiers"] = search_text.identifiers_of(list(identifiers))
        values["names"] = search_text.folded_words(names)
    entries.add(**values)


def search_entries_as_indexed(*, sample: int = 40) -> bool:
    """Whether the newest search entries of each kind (``sample`` in all) equal what the
    indexing writes for their objects."""
    from django.db import transaction

    from amends.search.indexing import index_object
    from amends.search.models import SearchEntry

    columns = sorted(search_columns() - {"id", "updated_at"})
    with transaction.atomic():
        seeded = [
            row
            for kind in ("customer", "case", "order", "shipment")
            for row in SearchEntry.objects.filter(kind=kind)
            .order_by("-id")
            .values(*columns)[: max(1, sample // 4)]
        ]
        for row in seeded:
            index_object(kind=row["kind"], pk=row["object_id"])
        indexed = {
            (row["kind"], row["object_id"]): row
            for row in SearchEntry.objects.filter(
                object_id__in=[r["object_id"] for r in seeded]
            ).values(*columns)
        }
        transaction.set_rollback(True)
    return all(indexed.get((r["kind"], r["object_id"])) == r for r in seeded)


def reference_data(*, customers: int, rng: random.Random, batch: int) -> Pools:
    from django.db import connection, transaction
    from django.utils import timezone

    from amends.accounts.models import Team
    from amends.brands.models import Brand
    from amends.carriers.models import Carrier
    from amends.customers.models import Customer, CustomerIdentity
    from amends.demo import catalogue, language, texts
    from amends.demo.seed import load_demo
    from amends.search.models import SearchEntry

    started = time.monotonic()
    if load_demo(ordinary_cases=0)["loaded"]:
        say(f"  demo reference data and the five stories ({time.monotonic() - started:.1f}s)")
    pools = Pools()
    for brand in Brand.objects.order_by("id"):
        pools.brands.append(brand.pk)
        pools.brand_weights.append(BRAND_WEIGHTS.get(brand.code, DEFAULT_WEIGHT))
        pools.codes[brand.pk] = brand.code.upper()
        pools.languages[brand.pk] = list(brand.languages)
        desks = list(Team.objects.filter(brand=brand, is_senior=False).order_by("id"))
        pools.teams[brand.pk] = [team.pk for team in desks]
        pools.team_weights[brand.pk] = [TEAM_WEIGHTS.get(t.slug, DEFAULT_WEIGHT) for t in desks]
        for team in Team.objects.filter(pk__in=pools.teams[brand.pk]).prefetch_related("members"):
            pools.members[team.pk] = [m.user_id for m in team.members.all()]
    pools.carriers = list(Carrier.objects.order_by("id").values_list("pk", "code", "name"))
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
        pools.products[lang] = [
            (sku, price, titles.get(lang, titles["en"]))
            for sku, price, titles in catalogue.PRODUCTS
        ]

    have = Customer.objects.filter(external_id__startswith="bench:").count()
    if customers > have:
        say(f"  customers: adding {customers - have:,}")
    now = timezone.now()
    people, identities = Bulk(Customer, now=now), Bulk(CustomerIdentity, now=now)
    entries = Bulk(SearchEntry, now=now)
    for n in range(have, customers):
        brand_id = rng.choices(pools.brands, weights=pools.brand_weights)[0]
        lang = rng.choice(pools.languages[brand_id])
        first, last, _ = rng.choice(catalogue.NAMES[lang])
        name, email = f"{first} {last}", f"bench-{n}@bench.example"
        pk = people.add(brand_id=brand_id, name=name, language=lang, external_id=f"bench:{n}")
        identities.add(customer_id=pk, kind="email", value=email)
        search_row(
            entries,
            kind="customer",
            pk=pk,
            title=name,
            subtitle=pools.codes[brand_id],
            body=[name, email],
            language=lang,
            identifiers=(email,),
            names=name,
        )
        if len(people.rows) >= batch * 4 or n == customers - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                for table in (people, identities, entries):
                    table.flush(cursor)
    with connection.cursor() as cursor:
        for table in (people, identities, entries):
            table.reset_sequence(cursor)
    for brand_id in pools.brands:
        ids = Customer.objects.filter(brand_id=brand_id, external_id__startswith="bench:")
        pools.customers[brand_id] = array("q", ids.values_list("pk", flat=True).iterator())
        if not pools.customers[brand_id] or not pools.teams[brand_id]:
            # a storefront without a desk, or too small to have drawn a customer
            pools.brand_weights[pools.brands.index(brand_id)] = 0
    people_names = Customer.objects.filter(external_id__startswith="bench:")
    pools.people = {
        pk: (name, lang) for pk, name, lang in people_names.values_list("pk", "name", "language")
    }
    return pools


def seed_cases(*, count: int, pools: Pools, rng: random.Random, batch: int) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from amends.carriers.models import Shipment, TrackingEvent
    from amends.cases.models import Case, CaseEvent
    from amends.commerce.models import Order, OrderLine
    from amends.commitments.models import Commitment
    from amends.conversations.models import Message
    from amends.search.models import SearchEntry

    now = timezone.now()
    cases, messages, events = Bulk(Case, now=now), Bulk(Message, now=now), Bulk(CaseEvent, now=now)
    orders, links = Bulk(Order, now=now), Bulk(Case.orders.through, now=now)
    lines = Bulk(OrderLine, now=now)
    shipments, tracking = Bulk(Shipment, now=now), Bulk(TrackingEvent, now=now)
    promises = Bulk(Commitment, now=now)
    entries = Bulk(SearchEntry, now=now)
    tables = [
        cases,
        messages,
        events,
        orders,
        links,
        lines,
        shipments,
        tracking,
        promises,
        entries,
    ]
    placed = now - dt.timedelta(days=3)
    started = time.monotonic()
    done = 0
    while done < count:
        size = min(batch, count - done)
        for _ in range(size):
            brand = rng.choices(pools.brands, weights=pools.brand_weights)[0]
            team = rng.choices(pools.teams[brand], weights=pools.team_weights[brand])[0]
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
            name, customer_lang = pools.people.get(customer, ("", lang))
            ids: list[str] = []  # the case's order and tracking numbers
            if rng.random() < 0.5:
                number = f"B{orders.next_id:09d}"
                sku, price, title = rng.choice(pools.products[lang])
                quantity = 1 if rng.random() < 0.8 else 2
                order = orders.add(
                    brand_id=brand,
                    customer_id=customer,
                    number=number,
                    placed_at=placed,
                    total=price * quantity,
                    status="shipped",
                )
                lines.add(order_id=order, sku=sku, title=title, quantity=quantity, unit_price=price)
                links.add(case_id=case, order_id=order)
                search_row(
                    entries,
                    kind="order",
                    pk=order,
                    title=number,
                    subtitle=name,
                    body=[number, name, title],
                    language=customer_lang,
                    identifiers=(number,),
                    names=name,
                )
                ids.append(number)
                if pools.carriers and rng.random() < SHIPPED_SHARE:
                    parcel = ship_shipment(
                        shipments=shipments,
                        tracking=tracking,
                        entries=entries,
                        carrier=rng.choice(pools.carriers),
                        order=order,
                        number=number,
                        shipped_at=placed + dt.timedelta(hours=rng.randrange(4, 30)),
                        language=customer_lang,
                    )
                    ids.append(parcel)
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
            reference = f"AM-{case:06d}"
            search_row(
                entries,
                kind="case",
                pk=case,
                title=f"{reference} {subject}",
                subtitle=f"{name} · {pools.codes[brand]}",
                body=[reference, subject, name, *ids, message, reply, "Thanks!"],
                language=lang,
                identifiers=(reference, *ids),
                names=name,
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
        "shipments": shipments.written,
        "tracking_events": tracking.written,
        "commitments": promises.written,
        "search_entries": entries.written,
    }


def ship_shipment(
    *,
    shipments: Bulk,
    tracking: Bulk,
    entries: Bulk,
    carrier: tuple[int, str, str],
    order: int,
    number: str,
    shipped_at: dt.datetime,
    language: str,
    steps: int = 3,
) -> str:
    """One shipment of an order with ``steps`` tracking events; returns its tracking number."""
    carrier_id, code, carrier_name = carrier
    tracking_number = f"{TRACKING_PREFIXES.get(code, code.upper()[:4])}{shipments.next_id:010d}"
    path = [
        ("info_received", "Shipment information received"),
        ("in_transit", "Parcel sorted at the hub"),
        ("in_transit", "Parcel on its way to the delivery depot"),
        ("out_for_delivery", "Out for delivery"),
        ("attempt_failed", "Recipient not at home"),
        ("out_for_delivery", "Out for delivery"),
        ("delivered", "Delivered"),
    ]
    steps = max(1, min(steps, len(path)))
    status = "delivered" if steps == len(path) else path[steps - 1][0]
    shipment = shipments.add(
        order_id=order,
        carrier_id=carrier_id,
        tracking_number=tracking_number,
        status=status,
        shipped_at=shipped_at,
        delivered_at=shipped_at + dt.timedelta(hours=12 * steps) if status == "delivered" else None,
        estimated_delivery=(shipped_at + dt.timedelta(days=3)).date(),
    )
    for step, (event_status, description) in enumerate(path[:steps]):
        tracking.add(
            shipment_id=shipment,
            status=event_status,
            carrier_code=f"{code.upper()}-{step}",
            description=description,
            location="Hub",
            occurred_at=shipped_at + dt.timedelta(hours=12 * step),
        )
    search_row(
        entries,
        kind="shipment",
        pk=shipment,
        title=f"{carrier_name} {tracking_number}",
        subtitle=number,
        body=[tracking_number, carrier_name, number],
        language=language,
        identifiers=(tracking_number, number),
        names=carrier_name,
    )
    return tracking_number


LONG_TEXT = (
    "I am writing again about the same parcel, because the situation has still not been "
    "resolved and I would like to explain everything from the beginning so that nobody has to "
    "search through the previous messages. "
)


def seed_big_case(*, team: Team, agent: User, messages: int) -> Customer:
    """A long-running case: many messages, a busy timeline, promises, orders in transit."""
    from django.utils import timezone

    from amends.accounts.models import Role, User
    from amends.carriers.models import Carrier, Shipment, TrackingEvent
    from amends.cases.models import Case, CaseEvent
    from amends.commerce.models import Order, OrderLine
    from amends.commitments.models import Commitment
    from amends.conversations.models import Message
    from amends.customers.models import Customer, CustomerIdentity
    from amends.demo import catalogue
    from amends.search.indexing import index_object
    from amends.search.models import EntryKind

    brand = team.brand
    if brand is None:
        raise SystemExit(f"team {team.slug} has no storefront")
    now = timezone.now()
    lang = brand.default_language or "en"
    email = "big-case@bench.example"
    customer = Customer.objects.create(
        brand=brand, name="Camille Rousseau", language=lang, external_id=BIG_CUSTOMER
    )
    CustomerIdentity.objects.create(customer=customer, kind="email", value=email)
    user = User.objects.create_user(email, role=Role.CUSTOMER, first_name="Camille")
    customer.user = user
    customer.save(update_fields=["user"])

    cases = [
        Case.objects.create(
            brand=brand,
            customer=customer,
            team=team,
            assignee=agent,
            subject=subject,
            status=status,
            priority=3 if n == 0 else 2,
            language=lang,
            origin_channel="email",
            last_message_at=now,
            bounces=2 if n == 0 else 0,
            next_step="Call the carrier about the second parcel" if n == 0 else "",
        )
        for n, (subject, status) in enumerate(
            [
                ("Three orders, two parcels late and one damaged", "open"),
                ("Invoice address is wrong", "open"),
                ("Question about the warranty", "waiting_on_customer"),
                ("Return label not received", "new"),
            ]
        )
    ]
    big = cases[0]

    carriers = list(Carrier.objects.order_by("id")) or [
        Carrier.objects.create(code="dhl", name="DHL")
    ]
    orders: list[Order] = []
    for n in range(3):
        order = Order.objects.create(
            brand=brand,
            customer=customer,
            number=f"BIG{n + 1:07d}",
            placed_at=now - dt.timedelta(days=20 - n),
            total=Decimal("0"),
            status="shipped",
        )
        total = Decimal("0")
        for sku, price, titles in catalogue.PRODUCTS[n * 2 : n * 2 + 2]:
            OrderLine.objects.create(
                order=order, sku=sku, title=titles.get(lang, titles["en"]), unit_price=price
            )
            total += price
        order.total = total
        order.save(update_fields=["total"])
        big.orders.add(order)
        orders.append(order)
        for parcel in range(2 if n == 1 else 1):
            carrier = carriers[(n + parcel) % len(carriers)]
            shipped = order.placed_at + dt.timedelta(days=1)
            shipment = Shipment.objects.create(
                order=order,
                carrier=carrier,
                tracking_number=f"BIGTRK{n + 1}{parcel}{order.pk:08d}",
                status="in_transit" if n else "delivered",
                shipped_at=shipped,
                estimated_delivery=(shipped + dt.timedelta(days=3)).date(),
            )
            TrackingEvent.objects.bulk_create(
                TrackingEvent(
                    shipment=shipment,
                    status=status,
                    carrier_code=f"E{step}",
                    description=description,
                    location=location,
                    occurred_at=shipped + dt.timedelta(hours=9 * step),
                )
                for step, (status, description, location) in enumerate(
                    [
                        ("info_received", "Electronic information received", "Online"),
                        ("in_transit", "Parcel received at the depot", "Lyon"),
                        ("in_transit", "Parcel sorted", "Paris hub"),
                        ("in_transit", "Parcel in transit", "Paris hub"),
                        ("out_for_delivery", "Out for delivery", "Lille"),
                        ("attempt_failed", "Recipient absent, notice left", "Lille"),
                        ("available_for_pickup", "Available at the pick-up point", "Lille"),
                    ]
                )
            )

    rows: list[Message] = []
    staff = list(User.objects.filter(agent__teams=team).order_by("id")[:4]) or [agent]
    for n in range(messages):
        long = n % 9 == 4
        kind = ("in", "out", "in", "note", "out")[n % 5]
        text = f"Message {n + 1} about orders {', '.join(o.number for o in orders)}. "
        if long:
            text += LONG_TEXT * 25 + "\n\n" + "Kind regards,\nCamille Rousseau"
        elif kind == "note":
            text += "Checked with the carrier: the parcel is still at the depot."
        else:
            text += "Could you tell me when the parcel will arrive?"
        rows.append(
            Message(
                case=big,
                channel="email",
                direction=kind,
                author_customer=customer if kind == "in" else None,
                author_user=None if kind == "in" else staff[n % len(staff)],
                body_text=text,
                language=lang,
                delivery_status="sent" if kind == "out" else "n/a",
            )
        )
    created = Message.objects.bulk_create(rows, batch_size=100)

    events: list[CaseEvent] = [
        CaseEvent(case=big, kind="case_opened", data={"channel": "email", "team_id": team.pk})
    ]
    for n, message in enumerate(created):
        kind = {"in": "message_received", "out": "reply_sent", "note": "note_added"}[
            message.direction
        ]
        actor = None if message.direction == "in" else message.author_user
        events.append(CaseEvent(case=big, kind=kind, actor=actor, data={"message_id": message.pk}))
        if n % 40 == 39:
            events.append(
                CaseEvent(
                    case=big,
                    kind="case_transferred",
                    actor=agent,
                    data={"note": "Over to you for the carrier call", "team_id": team.pk},
                )
            )
        if n % 25 == 24:
            events.append(
                CaseEvent(
                    case=big,
                    kind="status_changed",
                    actor=agent,
                    data={"from": "open", "to": "waiting_on_third_party", "reason": "carrier"},
                )
            )
    for order in orders:
        events.append(
            CaseEvent(
                case=big,
                kind="order_linked",
                actor=agent,
                data={"order_id": order.pk, "number": order.number},
            )
        )
    promises = []
    for n, (kind, state, description) in enumerate(
        [
            ("callback", "kept", "Call back after speaking to the carrier"),
            ("refund", "open", "Refund the damaged lamp within 3 business days"),
            ("delivery_estimate", "broken", "A new delivery date by Friday"),
            ("investigation", "open", "The carrier's investigation result"),
        ]
    ):
        due = now + dt.timedelta(days=n - 1)
        promises.append(
            Commitment.objects.create(
                case=big,
                kind=kind,
                description=description,
                owner=agent,
                due_at=due,
                remind_at=due - dt.timedelta(hours=2),
                escalate_at=due - dt.timedelta(minutes=30),
                state=state,
                closed_at=None if state == "open" else now,
            )
        )
        events.append(
            CaseEvent(case=big, kind="commitment_made", actor=agent, data={"commitment_id": n})
        )
    CaseEvent.objects.bulk_create(events, batch_size=200)

    # bulk_create sends no signals: index what the services would have indexed.
    for case in cases:
        index_object(kind=EntryKind.CASE, pk=case.pk)
    index_object(kind=EntryKind.CUSTOMER, pk=customer.pk)
    for order in orders:
        index_object(kind=EntryKind.ORDER, pk=order.pk)
        for shipment_id in order.shipments.values_list("pk", flat=True):
            index_object(kind=EntryKind.SHIPMENT, pk=shipment_id)
    return customer


def seed_database(*, cases: int, batch: int = 5000, seed: int = 7) -> dict[str, Any]:
    """Migrate and top the configured database up to ``cases`` cases; return the summary."""
    from django.db import connection

    from amends.accounts.models import Team
    from amends.cases.models import Case
    from amends.demo.reference import STAFF

    say(f"seeding the {connection.vendor} database {connection.settings_dict['NAME']}")
    from amends.core.maintenance import database_optimize, migrate_changing_schema

    if migrate_changing_schema():
        database_optimize(full=True)  # new indexes have no statistics until analysed
    from django.core.management import call_command

    # As `amends migrate` does: the database cache's table (the console's cached tab counts).
    call_command("createcachetable", verbosity=0)
    rng = random.Random(seed)
    started = time.monotonic()
    pools = reference_data(customers=max(8, cases // 4), rng=rng, batch=batch)
    have = Case.objects.count()
    wanted = max(0, cases - have)
    say(f"  {have:,} cases present, adding {wanted:,}")
    seeding = time.monotonic()
    totals = seed_cases(count=wanted, pools=pools, rng=rng, batch=batch)
    seconds = time.monotonic() - seeding
    as_indexed = search_entries_as_indexed() if totals["cases"] else None
    if as_indexed is False:
        say(
            "  warning: the seeded search entries differ from what the indexing writes now; "
            "`amends search rebuild` makes them right (slowly)"
        )
    return {
        **totals,
        "seconds": round(seconds, 1),
        "cases_per_second": round(totals["cases"] / seconds) if totals["cases"] else None,
        "total_seconds": round(time.monotonic() - started, 1),
        "total_cases": have + totals["cases"],
        "database": connection.vendor,
        "search_entries_as_indexed": as_indexed,
        "team_id": Team.objects.get(slug=BENCH_TEAM_SLUG).pk,
        "agent": next(p.email for p in STAFF if p.key == BENCH_AGENT_KEY),
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
    summary = seed_database(cases=args.cases, batch=args.batch, seed=args.seed)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
