"""How fast tracking events go in through the carrier webhook endpoint.

    .venv/bin/python bench/tracking.py                                   # SQLite, fresh file
    .venv/bin/python bench/tracking.py --shipments 20000 --events 40000 --batch 100
    .venv/bin/python bench/tracking.py --database-url postgres://amends:amends@127.0.0.1:5432/x

A fresh database (a new SQLite file under ``--data-dir``, or with ``--database-url`` a PostgreSQL
database of that name, dropped and created again) is migrated and seeded with ``--shipments``
DHL parcels (one storefront, one customer, an order each). Then events are pushed the way DHL's
push API sends them (its documented "shipments" document, authenticated by the subscription's
token header) through ``POST /hooks/carriers/dhl/`` with Django's test ``Client``: in process,
through the whole middleware stack, URL routing and view, with no socket and no server, so the
figures are amends's own cost and not the HTTP server's.

* ``batched``: ``--events`` events, ``--batch`` per POST; consecutive events belong to different
  parcels (the worst case: one shipment update per event), each parcel moving one step along
  pre-transit → transit → out for delivery → delivered per round.
* ``single``: ``--single`` events, one per POST, on parcels the batched run did not touch.

Every event goes the whole way: the raw body stored first (``inbound``), parsed by the DHL
adapter, recorded by the ingestion, shipments updated, ``proactive.services.shipments_changed``
called. Every answer must be 200 and every event stored once, or the run says so. The clock runs
over the POSTs only (building the bodies is outside it).

Each figure is one function in :data:`MEASURES` returning a dict of named figures; the figures
the issue asks for next (a "damaged" event to the customer's notification queued, p50/p95; policy
evaluations per second from ``bench/policies.py``) are added there as functions of their own.

A table goes to stderr, the last line on stdout is JSON. Goal (issue 5): at least 2,000 events a
second batched, on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from revision import code_version  # noqa: E402
from stats import percentile  # noqa: E402

GOAL_BATCHED_PER_S = 2000.0
CARRIER = "dhl"
SECRET = "bench-webhook-secret"  # noqa: S105 - the bench's own throwaway database
# The parcels travel over the last day, so no "no scan for days" rule fires on them.
START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
# DHL's unified status codes and texts, one step of a parcel's journey each.
STEPS = (
    ("pre-transit", "The instruction data for this shipment have been provided by the sender"),
    ("transit", "The shipment has been processed in the parcel center"),
    ("transit", "The shipment has been loaded onto the delivery vehicle"),
    ("delivered", "The shipment has been delivered"),
)


def say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


# --- the database ------------------------------------------------------------------------------


def fresh_database(args: argparse.Namespace) -> str:
    """Point Django at an empty database; return its kind."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "amends.config.settings"
    os.environ.setdefault("AMENDS_LOG_LEVEL", "WARNING")
    os.environ[f"AMENDS_CARRIER_{CARRIER.upper()}_WEBHOOK_SECRET"] = SECRET
    data_dir = Path(args.data_dir).resolve()
    if args.database_url:
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.database_url
        kind = "postgresql"
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        os.environ.pop("DATABASE_URL", None)
        kind = "sqlite"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["AMENDS_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return kind


def seed(count: int) -> list[str]:
    """``count`` DHL parcels, one order each; their tracking numbers."""
    from decimal import Decimal

    from django.db import transaction

    from amends.brands.models import Brand
    from amends.carriers.models import Carrier, Shipment
    from amends.commerce.models import Order
    from amends.customers.models import Customer

    brand = Brand.objects.create(
        code="de",
        name="Bench DE",
        country="DE",
        languages=["de"],
        default_language="de",
        time_zone="Europe/Berlin",
        sender_email="service@bench.example",
    )
    customer = Customer.objects.create(brand=brand, name="Bench Kunde", language="de")
    carrier = Carrier.objects.create(code=CARRIER, name="DHL")
    numbers = [f"00340434{n:012d}" for n in range(count)]
    for start in range(0, count, 5000):
        chunk = numbers[start : start + 5000]
        with transaction.atomic():
            orders = Order.objects.bulk_create(
                Order(
                    brand=brand,
                    customer=customer,
                    number=f"B-{start + i}",
                    placed_at=START - dt.timedelta(days=1),
                    total=Decimal("49.90"),
                )
                for i in range(len(chunk))
            )
            Shipment.objects.bulk_create(
                Shipment(order=order, carrier=carrier, tracking_number=number)
                for order, number in zip(orders, chunk, strict=True)
            )
    return numbers


# --- bodies in DHL's push format ---------------------------------------------------------------


def dhl_event(step: int, at: dt.datetime) -> dict[str, Any]:
    code, text = STEPS[step % len(STEPS)]
    return {
        "timestamp": at.isoformat(),
        "location": {"address": {"addressLocality": "Bonn", "countryCode": "DE"}},
        "statusCode": code,
        "status": text,
        "description": text,
    }


def dhl_body(events: list[tuple[str, int]]) -> bytes:
    """A push document for ``(tracking number, step)`` pairs, one entry per parcel."""
    by_number: dict[str, list[dict[str, Any]]] = {}
    for number, step in events:
        at = START + dt.timedelta(hours=5 * step)
        by_number.setdefault(number, []).append(dhl_event(step, at))
    shipments = [
        {
            "id": number,
            "service": "parcel-de",
            "destination": {"address": {"countryCode": "DE"}},
            "events": found,
        }
        for number, found in by_number.items()
    ]
    return json.dumps({"shipments": shipments}).encode()


# --- measures ----------------------------------------------------------------------------------


@dataclass
class Context:
    args: argparse.Namespace
    numbers: list[str]


def _push(bodies: list[bytes], events: int) -> dict[str, Any]:
    """POST every body; the events per second and what went wrong."""
    from django.test import Client

    from amends.carriers.adapters.base import SECRET_HEADER

    client = Client()
    url = f"/hooks/carriers/{CARRIER}/"
    headers = {SECRET_HEADER: SECRET}
    errors: dict[str, int] = {}
    stored = 0
    started = time.perf_counter()
    for body in bodies:
        response = client.post(url, data=body, content_type="application/json", headers=headers)
        if response.status_code == 200:
            stored += response.json().get("stored", 0)
        else:
            key = f"HTTP {response.status_code}"
            errors[key] = errors.get(key, 0) + 1
    seconds = time.perf_counter() - started
    return {
        "events": events,
        "posts": len(bodies),
        "stored": stored,
        "seconds": round(seconds, 3),
        "events_per_second": round(events / seconds, 1) if seconds else None,
        "ms_per_post": round(1000 * seconds / len(bodies), 2) if bodies else None,
        "errors": errors,
    }


def ingest_batched(ctx: Context) -> dict[str, Any]:
    """``--events`` events, ``--batch`` per POST, each event on another parcel."""
    args, numbers = ctx.args, ctx.numbers
    parcels = numbers[: max(1, len(numbers) - args.single)]
    stream = [(parcels[i % len(parcels)], i // len(parcels)) for i in range(args.events)]
    bodies = [dhl_body(stream[i : i + args.batch]) for i in range(0, len(stream), args.batch)]
    return {"batched": {"batch": args.batch, **_push(bodies, len(stream))}}


def ingest_single(ctx: Context) -> dict[str, Any]:
    """``--single`` events, one POST each, on the parcels the batched run left alone."""
    args, numbers = ctx.args, ctx.numbers
    parcels = numbers[len(numbers) - args.single :] if args.single else []
    bodies = [dhl_body([(number, 0)]) for number in parcels]
    return {"single": _push(bodies, len(bodies))}


def damaged_to_notice(ctx: Context) -> dict[str, Any]:
    """``--damaged`` parcels each pushed one "damaged" event, one POST each: the time from the
    POST to the customer's notice queued (the notice is written in the same request, so the
    POST's own time is that time; each notice is checked to be there)."""
    from amends.accounts.models import Team
    from amends.brands.models import Brand
    from amends.carriers.models import Shipment
    from amends.commerce.models import Order
    from amends.conversations.models import Direction, Message
    from amends.customers.models import Customer, CustomerIdentity, IdentityKind

    brand = Brand.objects.get(code="de")
    Team.objects.get_or_create(slug="bench-de", defaults={"name": "Bench DE", "brand": brand})
    parcels = ctx.numbers[: ctx.args.damaged]
    customers = Customer.objects.bulk_create(
        Customer(brand=brand, name=f"Kunde {i}", language="de") for i in range(len(parcels))
    )
    CustomerIdentity.objects.bulk_create(
        CustomerIdentity(customer=c, kind=IdentityKind.EMAIL, value=f"kunde{i}@bench.example")
        for i, c in enumerate(customers)
    )
    # One customer per parcel, each with an address the notice goes to.
    order_ids = dict(
        Shipment.objects.filter(tracking_number__in=parcels).values_list(
            "tracking_number", "order_id"
        )
    )
    for number, customer in zip(parcels, customers, strict=True):
        Order.objects.filter(pk=order_ids[number]).update(customer=customer)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    event = {
        "timestamp": at.isoformat(),
        "location": {"address": {"addressLocality": "Bonn", "countryCode": "DE"}},
        "statusCode": "failure",
        "status": "The shipment was damaged",
        "description": "The shipment was damaged",
    }
    from django.test import Client

    from amends.carriers.adapters.base import SECRET_HEADER

    client = Client()
    timings: list[float] = []
    missing = 0
    for number in parcels:
        body = json.dumps({"shipments": [{"id": number, "events": [event]}]}).encode()
        before = Message.objects.filter(direction=Direction.OUTBOUND).count()
        started = time.perf_counter()
        response = client.post(
            f"/hooks/carriers/{CARRIER}/",
            data=body,
            content_type="application/json",
            headers={SECRET_HEADER: SECRET},
        )
        timings.append(time.perf_counter() - started)
        after = Message.objects.filter(direction=Direction.OUTBOUND).count()
        if response.status_code != 200 or after != before + 1:
            missing += 1
    ms = [t * 1000 for t in timings]
    return {
        "damaged_to_notice": {
            "parcels": len(parcels),
            "p50_ms": round(percentile(ms, 0.50), 1),
            "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1),
            "without_notice": missing,
        }
    }


def policy_evaluations(ctx: Context) -> dict[str, Any]:
    """Policy evaluations per second on the built-in rules (``bench/policies.py``)."""
    import policies

    figures = policies.measure(count=10_000)
    rate = figures.get("evaluations_per_second") or figures.get("per_second")
    return {"policy": {**figures, "evaluations_per_second": rate}}


MEASURES: list[Callable[[Context], dict[str, Any]]] = [
    ingest_batched,
    ingest_single,
    damaged_to_notice,
    policy_evaluations,
]
GOAL_NOTICE_P95_MS = 1000.0
GOAL_EVALUATIONS_PER_S = 50_000.0


# --- the run -----------------------------------------------------------------------------------


def check(figures: dict[str, Any]) -> list[str]:
    """What went wrong: an answer that was not 200, an event not stored exactly once."""
    from amends.carriers.models import TrackingEvent

    problems = []
    sent = 0
    for name in ("batched", "single"):
        part = figures.get(name)
        if not part:
            continue
        sent += part["events"]
        if part["errors"]:
            problems.append(f"{name}: {part['errors']}")
        if part["stored"] != part["events"]:
            problems.append(f"{name}: {part['stored']} of {part['events']} events stored")
    notice = figures.get("damaged_to_notice")
    if notice:
        sent += notice["parcels"]
        if notice["without_notice"]:
            problems.append(f"damaged: {notice['without_notice']} parcels without a notice")
    in_db = TrackingEvent.objects.count()
    if in_db != sent:
        problems.append(f"{in_db} events in the database for {sent} sent")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shipments", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20_000, help="events pushed in batches")
    parser.add_argument("--batch", type=int, default=100, help="events per batched POST")
    parser.add_argument("--single", type=int, default=1_000, help="events pushed one per POST")
    parser.add_argument(
        "--damaged", type=int, default=200, help="parcels reported damaged, one POST each"
    )
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench" / "tracking"))
    parser.add_argument("--database-url", default="", help="PostgreSQL (dropped and recreated)")
    args = parser.parse_args(argv)
    if args.single >= args.shipments:
        parser.error("--single must be smaller than --shipments")
    if args.damaged > args.shipments - args.single:
        parser.error("--damaged must fit in the parcels the single run leaves alone")

    database = fresh_database(args)
    say(f"seeding {args.shipments:,} shipments ({database})")
    numbers = seed(args.shipments)
    ctx = Context(args=args, numbers=numbers)
    figures: dict[str, Any] = {}
    for measure in MEASURES:
        say(f"measuring {measure.__name__}")
        figures.update(measure(ctx))
    problems = check(figures)

    say("")
    say(f"{'':10} {'events':>8} {'posts':>7} {'seconds':>8} {'events/s':>9} {'ms/post':>8}")
    for name in ("batched", "single"):
        part = figures.get(name)
        if part:
            say(
                f"{name:10} {part['events']:>8,} {part['posts']:>7,} {part['seconds']:>8.2f} "
                f"{part['events_per_second'] or 0:>9,.0f} {part['ms_per_post'] or 0:>8.2f}"
            )
    batched = figures.get("batched", {}).get("events_per_second") or 0.0
    notice = figures.get("damaged_to_notice", {})
    rate = figures.get("policy", {}).get("evaluations_per_second") or 0.0
    if notice:
        say(
            f"damaged → notice queued: p50 {notice['p50_ms']:.0f} ms, p95 {notice['p95_ms']:.0f} ms"
            f" ({notice['parcels']} parcels, {notice['without_notice']} without a notice)"
        )
    say(f"policy evaluations: {rate:,.0f}/s")
    goals = {
        f"{GOAL_BATCHED_PER_S:,.0f} events/s batched": batched >= GOAL_BATCHED_PER_S,
        f"p95 under {GOAL_NOTICE_P95_MS:,.0f} ms to the notice": bool(notice)
        and notice["p95_ms"] < GOAL_NOTICE_P95_MS,
        f"{GOAL_EVALUATIONS_PER_S:,.0f} evaluations/s": rate >= GOAL_EVALUATIONS_PER_S,
    }
    for goal, met in goals.items():
        say(f"goal: {goal}: {'met' if met else 'NOT met'}")
    for problem in problems:
        say(f"PROBLEM: {problem}")
    summary = {
        "benchmark": "tracking",
        "database": database,
        "shipments": args.shipments,
        "through": "django.test.Client (in process, full middleware, no socket)",
        **figures,
        "goal_batched_events_per_second": GOAL_BATCHED_PER_S,
        "goal_notice_p95_ms": GOAL_NOTICE_P95_MS,
        "goal_evaluations_per_second": GOAL_EVALUATIONS_PER_S,
        "goals_met": goals,
        "goal_met": all(goals.values()),
        "problems": problems,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "code": code_version(),
    }
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
