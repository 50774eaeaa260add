"""Phrase rules: what says "I am leaving", and what only looks like it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amends.triage.rules import RulesError, load, parse
from tests.triage.conftest import FIXTURE_DATA


def kinds(text: str) -> set[str]:
    return {hit.kind for hit in load(FIXTURE_DATA).match(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cancel my Premium membership and close my account.",
            {"churn", "cancel_account_or_membership"},
        ),
        ("Dit was de laatste keer, ik bestel nooit meer bij jullie", {"churn"}),
        ("Je ne commanderai plus jamais chez vous", {"churn"}),
        ("Annuleer mijn bestelling alstublieft", set()),
        ("Please cancel my order, wrong size", set()),
        ("Ik zal nooit vergeten hoe goed jullie hielpen", set()),
        ("Where is my parcel?", set()),
    ],
)
def test_rules(text: str, expected: set[str]) -> None:
    assert kinds(text) == expected


def test_a_hit_names_the_words_and_the_language() -> None:
    hit = next(h for h in load(FIXTURE_DATA).match("Bon. Fermez mon compte.") if h.kind == "churn")
    assert (hit.lang, hit.words) == ("fr", "Fermez mon compte")


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ([], "expected an object"),
        ({"churn": "never again"}, "list of non-empty strings"),
        ({"churn": [""]}, "list of non-empty strings"),
        ({"churn": ["(unclosed"]}, "churn pattern"),
        ({"leaving": ["x"]}, "unknown keys"),
    ],
)
def test_a_bad_phrase_file_is_refused_with_the_reason(raw: object, complaint: str) -> None:
    with pytest.raises(RulesError, match=complaint):
        parse("xx", raw)


def test_a_phrase_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "phrases_xx.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(RulesError, match=r"phrases_xx\.json"):
        load(tmp_path)
    (tmp_path / "phrases_xx.json").write_text(json.dumps({"churn": ["\\bbye\\b"]}), "utf-8")
    assert [h.kind for h in load(tmp_path).match("ok bye")] == ["churn"]
