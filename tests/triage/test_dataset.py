"""The labelled examples: checked line by line, hashed, split by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amends.triage import dataset
from tests.triage.conftest import FIXTURE_DATA

GOOD = {
    "id": "t-1",
    "text": "waar is mijn pakket",
    "intents": ["late_delivery"],
    "sentiment": "negative",
    "churn": False,
}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"id": ""}, "id"),
        ({"text": 3}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"intents": []}, "intents"),
        ({"intents": ["other", "refund_request"]}, "intents"),
        ({"intents": ["teleportation"]}, "intents"),
        ({"intents": ["refund_request", "refund_request"]}, "intents"),
        ({"sentiment": "angry"}, "sentiment"),
        ({"churn": "yes"}, "churn"),
    ],
)
def test_a_bad_example_is_refused_with_file_and_line(
    change: dict[str, object], complaint: str
) -> None:
    with pytest.raises(dataset.DataError, match=rf"nl.jsonl:7: {complaint}"):
        dataset.parse_line(json.dumps({**GOOD, **change}), lang="nl", where="nl.jsonl:7")


def test_lines_that_are_not_objects_are_refused() -> None:
    for raw in ("{", "[1]", '"text"'):
        with pytest.raises(dataset.DataError):
            dataset.parse_line(raw, lang="nl", where="nl.jsonl:1")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    line = json.dumps(GOOD)
    (tmp_path / "nl.jsonl").write_text(f"{line}\n\n{line}\n", encoding="utf-8")
    duplicate = r"nl\.jsonl:3: id 't-1' already used at nl\.jsonl:1"
    with pytest.raises(dataset.DataError, match=duplicate):
        dataset.load(tmp_path)
    with pytest.raises(dataset.DataError, match="no examples"):
        dataset.load(tmp_path / "empty")


def test_the_split_is_by_id_and_stable() -> None:
    examples = dataset.load(FIXTURE_DATA)
    train, held = dataset.split(examples)
    _again_train, again_held = dataset.split(list(reversed(examples)))
    assert {e.id for e in held} == {e.id for e in again_held}
    assert not {e.id for e in train} & {e.id for e in held}
    assert 0.1 < len(held) / len(examples) < 0.35
    assert dataset.is_held_out("fx-en-01")
    assert not dataset.is_held_out("fx-en-02")


def test_the_data_hash_covers_examples_and_phrases(tmp_path: Path) -> None:
    for path in FIXTURE_DATA.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    before = dataset.data_hash(tmp_path)
    assert before == dataset.data_hash(FIXTURE_DATA)
    phrases = tmp_path / "phrases_nl.json"
    phrases.write_text(phrases.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert dataset.data_hash(tmp_path) != before
