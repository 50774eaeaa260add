"""``amends triage train | classify | eval``: the command-line side of triage.

``classify`` is a filter: JSON lines in (``{"id": …, "text": …, "brand": …}``), one JSON line
out per line in, in the same order, then a ``{"done": true, …}`` line. A line that cannot be
triaged (not JSON, not an object, no text, a text of the wrong type, an unknown brand, a line
over :data:`MAX_LINE_BYTES`) gets ``{"id": …, "error": "…"}`` and the rest go on. Texts longer
than :data:`amends.triage.text.MAX_CHARS` are triaged on their beginning and say
``"truncated": true``. Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from amends.triage.result import Triage
from amends.triage.text import MAX_CHARS

MAX_LINE_BYTES = 1_000_000
BATCH = 32

Say = Callable[[str], None]


def read_lines(stream: IO[bytes], *, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """Lines of ``stream`` without their newline; ``None`` for a line longer than ``limit``
    (read to its end and dropped, never held in memory whole)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line.rstrip(b"\r\n")


def as_json(item_id: Any, triage: Triage, *, truncated: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item_id,
        "lang": triage.lang,
        "lang_score": triage.lang_score,
        "languages": [list(item) for item in triage.languages],
        "intents": [{"id": intent, "score": score} for intent, score in triage.intents],
        "sentiment": triage.sentiment,
        "sentiment_score": triage.sentiment_score,
        "churn_risk": triage.churn_risk,
        "churn": triage.churn,
        "churn_phrase": triage.churn_phrase,
        "entities": [
            {k: v for k, v in asdict(e).items() if v is not None} for e in triage.entities
        ],
        "model_version": triage.model_version,
    }
    if truncated:
        out["truncated"] = True
    return out


class _Brands:
    """Brand code → its languages, read from the database once each."""

    def __init__(self) -> None:
        self._known: dict[str, list[str] | None] = {}

    def languages(self, code: str) -> list[str] | None:
        if code not in self._known:
            from django.db import DatabaseError

            from amends.brands.models import Brand

            try:
                brand = Brand.objects.filter(code=code).first()
            except DatabaseError:
                brand = None
            self._known[code] = [str(x) for x in brand.languages] if brand else None
        return self._known[code]


def _parse(raw: bytes | None, number: int, brands: _Brands) -> tuple[Any, Any]:
    """(id, (text, languages)) or (id, error message)."""
    if raw is None:
        return None, f"line {number} is longer than {MAX_LINE_BYTES} bytes"
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, f"line {number} is not UTF-8"
    except json.JSONDecodeError as exc:
        return None, f"line {number} is not JSON: {exc.msg}"
    if not isinstance(item, dict):
        return None, f"line {number} is not a JSON object"
    item_id = item.get("id")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool):
        item_id = None
    text, brand = item.get("text"), item.get("brand")
    if text is None:
        return item_id, "text is missing"
    if not isinstance(text, str):
        return item_id, "text must be a string"
    if not text.strip():
        return item_id, "text is empty"
    languages = None
    if brand is not None:
        if not isinstance(brand, str):
            return item_id, "brand must be a storefront code"
        languages = brands.languages(brand)
        if languages is None:
            return item_id, f"no storefront {brand[:40]!r}"
    return item_id, (text, languages)


def classify(stream: IO[bytes], out: IO[str]) -> dict[str, Any]:
    """Triage every line of ``stream`` onto ``out``; the counts."""
    from amends.triage.engine import triager

    engine = triager()
    brands = _Brands()
    counts = {"classified": 0, "errors": 0}
    pending: list[tuple[Any, Any]] = []

    def flush() -> None:
        jobs = [(i, job) for i, (_, job) in enumerate(pending) if isinstance(job, tuple)]
        results: dict[int, Triage] = {}
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, (_text, languages) in jobs:
            groups.setdefault(tuple(languages or ()), []).append(index)
        for languages, indexes in groups.items():
            texts = [pending[i][1][0] for i in indexes]
            for i, result in zip(
                indexes, engine.triage_many(texts, languages=languages or None), strict=True
            ):
                results[i] = result
        for index, (item_id, job) in enumerate(pending):
            if isinstance(job, tuple):
                line = as_json(item_id, results[index], truncated=len(job[0]) > MAX_CHARS)
                counts["classified"] += 1
            else:
                line = {"id": item_id, "error": job}
                counts["errors"] += 1
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
        pending.clear()

    for number, raw in enumerate(read_lines(stream), start=1):
        if raw is not None and not raw.strip():
            continue  # a blank line (the end of a file) is not a request
        pending.append(_parse(raw, number, brands))
        if len(pending) >= BATCH:
            flush()
    flush()
    return {"done": True, **counts, "model_version": engine.version}


def print_scores(scores: dict[str, Any], say: Say) -> None:
    say(
        f"{'lang':<8}{'n':>5}{'lang acc':>10}{'intent F1':>11}{'churn P':>9}{'churn R':>9}"
        f"{'sentiment':>11}"
    )

    def cell(value: Any, width: int) -> str:
        return f"{value:>{width}.3f}" if isinstance(value, float) else f"{'—':>{width}}"

    rows = [*scores["languages"].items(), ("all", scores["overall"])]
    for lang, s in rows:
        say(
            f"{lang:<8}{s['examples']:>5}{cell(s['lang_accuracy'], 10)}"
            f"{cell(s['intent_macro_f1'], 11)}{cell(s['churn_precision'], 9)}"
            f"{cell(s['churn_recall'], 9)}{cell(s['sentiment_accuracy'], 11)}"
        )
    met = scores.get("goals_met", {})
    say("goals: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))


def train(*, data_dir: Path, out_dir: Path, embedders: list[Any], say: Say) -> dict[str, Any]:
    from amends.triage import artefact, training

    built: dict[str, Any] = {}
    for embedder in embedders:
        say(f"training on {embedder.name} embeddings")
        model, scores = training.train(data_dir=data_dir, embedder=embedder, progress=say)
        arrays, manifest = artefact.write(out_dir, model)
        print_scores(scores, say)
        say(f"wrote {arrays} and {manifest.name}")
        built[embedder.name] = {
            "version": model.version,
            "path": str(arrays),
            "overall": scores["overall"],
            "goals_met": scores["goals_met"],
        }
    return built


def evaluate(*, data_dir: Path, say: Say) -> dict[str, Any]:
    from amends.triage import dataset
    from amends.triage.engine import Triager, triager
    from amends.triage.evaluation import evaluate as run
    from amends.triage.rules import load as load_rules

    engine = triager()
    if data_dir != dataset.DATA_DIR:
        engine = Triager(
            artefact=engine.artefact,
            embedder=engine.embedder,
            rules=load_rules(data_dir),
        )
    _train, held_out = dataset.split(dataset.load(data_dir))
    say(f"model {engine.version}: {len(held_out)} held-out examples")
    current = dataset.data_hash(data_dir)
    if engine.artefact.manifest.get("data_hash") != current:
        say("note: the examples changed since this model was trained; run `amends triage train`")
    scores = run(engine, held_out)
    print_scores(scores, say)
    return {"model_version": engine.version, "data_hash": current, **scores}
