"""Search latency at 100,000 entries, on the database ``DATABASE_URL`` names (else SQLite).

    .venv/bin/python bench/search.py                                # SQLite under --data-dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/amends_bench .venv/bin/python bench/search.py

It migrates, then writes search entries directly (no cases behind them; ``object_id`` from
10**12 up, so they belong to nobody and no user's search returns them) until there are
``--entries`` of them: cases, customers, orders and shipments in the eight languages, with the
demo's customer texts, names, order and tracking numbers. Run it again and it only tops up.

Then it times ``--searches`` searches, each as the search page runs one: all four kinds, ten
hits per kind, in a language of the eight. The queries come in classes, so the figures say
which kind of query costs what:

* ``word``: a common word of one language (thousands of matches: the ranking window works);
* ``stem``: another form of a word ("remboursements" for "remboursement");
* ``prefix``: the first letters of a word, as typed so far;
* ``name``: a first and a last name;
* ``identifier``: an order or tracking number, exactly;
* ``partial``: eight digits from the middle of a tracking number (the similar pass);
* ``typo``: a last name with a letter doubled or dropped (the similar pass);
* ``nothing``: letters that match nothing (both passes, empty);
* ``hostile``: punctuation, engine syntax, 10,000 characters.

Visibility is left out (the entries filter on kind and an ``object_id`` range only): this
measures the engine. Each query plan is checked once for a sequential scan of the entries.
Progress goes to stderr; the last line on stdout is a JSON summary with p50/p95 per class.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

OFFSET = 10**12  # bench entries' object ids start here
KINDS = (("case", 50), ("customer", 20), ("order", 20), ("shipment", 10))
LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")
CARRIERS = (("DHL", "JVGL"), ("PostNL", "3SBT"), ("SEUR", "SEUR"), ("Colissimo", "6A"))
STEMS = {  # a form the texts use, and another form of the same word
    "fr": ("remboursement", "remboursements"),
    "de": ("bestellung", "bestellungen"),
    "nl": ("bestelling", "bestellingen"),
    "es": ("pedido", "pedidos"),
    "it": ("ordine", "ordini"),
    "en": ("order", "orders"),
    "lt": ("užsakymas", "užsakymo"),
    "pl": ("zamówienie", "zamówienia"),
}
HOSTILE = [
    '"colis" AND NEAR(a b) -x:y*',
    "' OR 1=1 --",
    "!!! ??? ... ---",
    "a\x00b\x00c",
    "x" * 10_000,
    "🙂📦🚚",
    "שלום עולם مرحبا",
]


def say(text: str, *, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


def configure(args: argparse.Namespace) -> None:
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["AMENDS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings")
    os.environ.setdefault("AMENDS_LOG_LEVEL", "WARNING")
    import django

    django.setup()


class Corpus:
    """Texts to build entries from, and what the queries pick."""

    def __init__(self, rng: random.Random) -> None:
        from amends.demo import catalogue, texts

        self.rng = rng
        self.texts = {
            lang: [
                (s.subject, f"{s.message} {s.reply} {s.follow_up}")
                for s in texts.TEXTS[lang].values()
            ]
            for lang in LANGUAGES
        }
        self.names = {
            lang: [(f, last) for f, last, _ in catalogue.NAMES[lang]] for lang in LANGUAGES
        }
        self.products = {
            lang: [titles.get(lang, titles["en"]) for _, _, titles in catalogue.PRODUCTS]
            for lang in LANGUAGES
        }
        self.numbers: list[str] = []
        self.tracking: list[str] = []

    def name(self, lang: str) -> str:
        first, last = self.rng.choice(self.names[lang])
        return f"{first} {last}"

    def entry(self, n: int) -> dict[str, Any]:
        """The ``n``-th bench entry, as the indexing would have written it."""
        from amends.search.text import folded_words, identifiers_of, words_of

        rng = self.rng
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        lang = rng.choice(LANGUAGES)
        name = self.name(lang)
        number = f"{lang.upper()}{1_000_000 + n:d}"
        carrier, prefix = rng.choice(CARRIERS)
        tracking = f"{prefix}{rng.randrange(10**11):011d}"
        product = rng.choice(self.products[lang])
        if kind == "case":
            subject, text = rng.choice(self.texts[lang])
            subject = subject.format(order=number)
            text = text.format(
                order=number, product=product, first=name.split()[0], last=name, date="demain"
            )
            reference = f"AM-{n:06d}"
            title, subtitle = f"{reference} {subject}", name
            body = f"{reference} {subject} {name} {number} {tracking} {text}"
            ids = [reference, number, tracking]
        elif kind == "customer":
            email = f"{name.replace(' ', '.').lower()}.{n}@mail.example"
            title, subtitle, body, ids = name, lang.upper(), f"{name} {email}", [email]
        elif kind == "order":
            title, subtitle, body, ids = number, name, f"{number} {name} {product}", [number]
            if len(self.numbers) < 500:
                self.numbers.append(number)
        else:
            title, subtitle = f"{carrier} {tracking}", number
            body, ids = f"{tracking} {carrier} {number}", [tracking, number]
            if len(self.tracking) < 500:
                self.tracking.append(tracking)
        return {
            "kind": kind,
            "object_id": OFFSET + n,
            "title": title[:300],
            "subtitle": subtitle[:300],
            "body": words_of(body),
            "language": lang,
            "identifiers": identifiers_of(ids),
            "names": folded_words(name if kind != "shipment" else carrier),
        }


def top_up(corpus: Corpus, *, count: int, batch: int) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from amends.search.models import SearchEntry

    have = SearchEntry.objects.filter(object_id__gte=OFFSET).count()
    if have >= count:
        say(f"  {have:,} bench entries already there")
        for n in range(min(have, 5_000)):  # the identifiers the queries pick
            corpus.entry(n)
        return 0
    say(f"  writing {count - have:,} entries")
    for n in range(have):  # same random sequence as the first run, so queries find things
        corpus.entry(n)
    columns = ["kind", "object_id", "title", "subtitle", "body", "language", "identifiers"]
    columns += ["names", "updated_at"]
    table = SearchEntry._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.monotonic()
    written = 0
    rows: list[tuple[Any, ...]] = []
    for n in range(have, count):
        entry = corpus.entry(n)
        rows.append((*[entry[c] for c in columns[:-1]], now))
        if len(rows) >= batch or n == count - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            written += len(rows)
            rows.clear()
            rate = written / max(time.monotonic() - started, 1e-6)
            say(f"\r  {have + written:,}/{count:,} entries ({rate:,.0f}/s)", end="")
    say("")
    if connection.vendor == "postgresql":
        # as autovacuum would soon: figures for the planner, and the GIN indexes' pending
        # lists merged (until then every search reads them from end to end)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
    else:  # as the worker's maintenance would
        from amends.core.maintenance import database_optimize

        database_optimize(full=True)
    return written


def queries(corpus: Corpus, rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(class, language, query) tuples."""
    out: list[tuple[str, str, str]] = []
    classes = ["word", "stem", "prefix", "name", "identifier", "partial", "typo", "nothing"]
    classes.append("hostile")
    for i in range(count):
        kind = classes[i % len(classes)]
        lang = rng.choice(LANGUAGES)
        _, text = rng.choice(corpus.texts[lang])
        words = [w for w in text.split() if len(w) > 5 and w.isalpha()]
        if kind == "word":
            query = rng.choice(words)
        elif kind == "stem":
            query = STEMS[lang][1]
        elif kind == "prefix":
            query = rng.choice(words)[:4]
        elif kind == "name":
            query = corpus.name(lang)
        elif kind == "identifier":
            query = rng.choice(corpus.numbers + corpus.tracking)
        elif kind == "partial":
            query = rng.choice(corpus.tracking)[-9:-1]
        elif kind == "typo":
            last = corpus.name(lang).split()[-1]
            at = rng.randrange(1, max(2, len(last) - 1))
            query = last[:at] + last[at] + last[at:] if i % 2 else last[:at] + last[at + 1 :]
        elif kind == "nothing":
            query = "".join(rng.choice("qxzjvkw") for _ in range(7))
        else:
            query = HOSTILE[i // len(classes) % len(HOSTILE)]
        out.append((kind, lang, query))
    return out


def run_search(query: str, language: str) -> int:
    from amends.search.backends import backend
    from amends.search.models import SearchEntry
    from amends.search.text import parse

    parsed = parse(query)
    if not parsed:
        return 0
    engine = backend()
    hits = 0
    for kind, _ in KINDS:
        entries = SearchEntry.objects.filter(kind=kind, object_id__gte=OFFSET)
        hits += len(engine.find(entries, parsed, language=language, limit=10))
    return hits


def sequential_scans(samples: list[tuple[str, str, str]]) -> list[str]:
    """Query classes whose plan reads the entries table from end to end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found: list[str] = []
    for kind, lang, query in samples:
        with CaptureQueriesContext(connection) as captured:
            run_search(query, lang)
        for executed in captured.captured_queries:
            sql = executed["sql"]
            if "search_searchentry" not in sql or "pg_extension" in sql:
                continue
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"EXPLAIN {sql}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    scans = "Seq Scan on search_searchentry" in plan
                else:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
                    scans = any(
                        line.strip().startswith("SCAN search_searchentry") and "USING" not in line
                        for line in plan.splitlines()
                    )
            if scans and kind not in found:
                found.append(kind)
                say(f"  sequential scan for {kind} ({query[:40]!r}):\n{plan}")
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=450, help="timed searches")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", default=str(Path("var") / "bench" / "search"))
    args = parser.parse_args(argv)
    configure(args)

    from django.core.management import call_command
    from django.db import connection

    say(f"search benchmark on {connection.vendor}")
    call_command("migrate", verbosity=0)
    corpus = Corpus(random.Random(args.seed))
    started = time.monotonic()
    written = top_up(corpus, count=args.entries, batch=args.batch)
    write_seconds = round(time.monotonic() - started, 1)

    rng = random.Random(args.seed + 1)
    plan = queries(corpus, rng, args.searches + 30)
    for _, lang, query in plan[:30]:  # warm the caches
        run_search(query, lang)
    timings: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    for done, (kind, lang, query) in enumerate(plan[30:], start=1):
        began = time.perf_counter()
        found = run_search(query, lang)
        timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
        hits.setdefault(kind, []).append(found)
        if done % 50 == 0 or done == args.searches:
            say(f"\r  {done}/{args.searches} searches", end="")
    say("")
    scans = sequential_scans([next(p for p in plan if p[0] == kind) for kind in timings])

    every = [t for series in timings.values() for t in series]
    by_class = {
        kind: {
            "p50_ms": round(statistics.median(series), 1),
            "p95_ms": round(percentile(series, 95), 1),
            "mean_hits": round(statistics.mean(hits[kind]), 1),
        }
        for kind, series in timings.items()
    }
    say(f"\n{'class':<12}{'p50 ms':>9}{'p95 ms':>9}{'hits':>7}")
    for kind, row in by_class.items():
        say(f"{kind:<12}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['mean_hits']:>7}")
    from amends.search.models import SearchEntry

    summary = {
        "database": connection.vendor,
        "entries": SearchEntry.objects.filter(object_id__gte=OFFSET).count(),
        "written": written,
        "write_seconds": write_seconds,
        "searches": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "sequential_scans": scans,
        "by_class": by_class,
    }
    say(f"{'all':<12}{summary['p50_ms']:>9}{summary['p95_ms']:>9}")
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
