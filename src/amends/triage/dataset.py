"""The labelled examples: reading, checking, hashing and splitting ``data/<lang>.jsonl``.

The split is by a hash of each example's id, not by position or a random draw: an example stays
on the same side when others are added, edited or reordered, so the held-out set is never used
in training however the files change, and two people get the same split.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from amends.triage.result import INTENTS

DATA_DIR = Path(__file__).resolve().parent / "data"
SENTIMENTS = ("negative", "neutral", "positive")
HELD_OUT_PERCENT = 20
MAX_TEXT = 20_000


class DataError(ValueError):
    """An example file is wrong; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    intents: tuple[str, ...]
    sentiment: str
    churn: bool


def _bucket(salt: str, example_id: str, buckets: int) -> int:
    digest = hashlib.sha1(f"{salt}{example_id}".encode(), usedforsecurity=False).hexdigest()
    return int(digest, 16) % buckets


def is_held_out(example_id: str) -> bool:
    """One example in five (by sha1 of its id) is held out of training for ``triage eval``."""
    return _bucket("", example_id, 100) < HELD_OUT_PERCENT


def fold_of(example_id: str, folds: int) -> int:
    """The cross-validation fold of a training example (another hash than the held-out one)."""
    return _bucket("fold:", example_id, folds)


def parse_line(raw: str, *, lang: str, where: str) -> Example:
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(item, dict):
        raise DataError(f"{where}: expected a JSON object")
    example_id, text = item.get("id"), item.get("text")
    intents, sentiment, churn = item.get("intents"), item.get("sentiment"), item.get("churn")
    if not isinstance(example_id, str) or not example_id.strip():
        raise DataError(f"{where}: id must be a non-empty string")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise DataError(f"{where}: text must be a non-empty string of at most {MAX_TEXT} chars")
    if (
        not isinstance(intents, list)
        or not 1 <= len(intents) <= 3
        or any(i not in INTENTS for i in intents)
        or len(set(intents)) != len(intents)
        or ("other" in intents and len(intents) > 1)
    ):
        raise DataError(f"{where}: intents must be 1-3 distinct known ids, 'other' only alone")
    if sentiment not in SENTIMENTS:
        raise DataError(f"{where}: sentiment must be one of {', '.join(SENTIMENTS)}")
    if not isinstance(churn, bool):
        raise DataError(f"{where}: churn must be true or false")
    return Example(example_id, lang, text, tuple(intents), str(sentiment), churn)


def example_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.jsonl") if p.is_file())


def load(directory: Path = DATA_DIR) -> list[Example]:
    """Every example under ``directory``, in file then line order; ids must be unique."""
    examples: list[Example] = []
    seen: dict[str, str] = {}
    for path in example_files(directory):
        lang = path.stem
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not raw.strip():
                continue
            where = f"{path.name}:{number}"
            example = parse_line(raw, lang=lang, where=where)
            if example.id in seen:
                raise DataError(f"{where}: id {example.id!r} already used at {seen[example.id]}")
            seen[example.id] = where
            examples.append(example)
    if not examples:
        raise DataError(f"no examples in {directory} (expected <lang>.jsonl files)")
    return examples


def data_hash(directory: Path = DATA_DIR) -> str:
    """sha256 of every example and phrase file (name and bytes): what an artefact was built from."""
    digest = hashlib.sha256()
    files = example_files(directory) + sorted(directory.glob("phrases_*.json"))
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """(training, held out)."""
    train: list[Example] = []
    held: list[Example] = []
    for example in examples:
        (held if is_held_out(example.id) else train).append(example)
    return train, held


def languages(examples: Sequence[Example]) -> list[str]:
    return sorted({e.lang for e in examples})
