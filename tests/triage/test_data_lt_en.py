"""The Lithuanian and English triage examples, phrase rules and reply templates keep their format.

Triage trains on these files and the reply library renders them, so a broken line, an unknown
intent, a churn phrase that fires on a customer who is not leaving, or a formal template that
says "tu" would reach customers and agents. The rules are those of the issue-6 data format.
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import amends.replies
import amends.triage
from amends.triage.result import INTENTS

LANGUAGES = ("lt", "en")
DATA_DIR = Path(amends.triage.__file__).parent / "data"
CATALOGUE_DIR = Path(amends.replies.__file__).parent / "catalogue"

MIN_EXAMPLES = 200
MIN_PER_INTENT = 10
MIN_CHURN = 30
EXAMPLE_KEYS = {"id", "text", "intents", "sentiment", "churn"}
SENTIMENTS = {"negative", "neutral", "positive"}
PHRASE_KEYS = {"churn", "cancel_account_or_membership", "not_churn"}
PLACEHOLDERS = {
    "customer_name",
    "order_number",
    "carrier",
    "tracking_number",
    "remedy",
    "amount",
    "due_date",
    "agent_name",
    "shop_name",
}
REGISTERS = ("formal", "informal")
MIN_WORDS, MAX_WORDS = 40, 110

# Words that address the reader in the *other* register: a formal Lithuanian reply never says
# "tu", an informal one never says "jūs" (with or without the accent customers drop).
FORBIDDEN_ADDRESS = {
    ("lt", "formal"): {"tu", "tave", "tau", "tavo", "tavęs", "taves", "tavimi", "tavyje"},
    ("lt", "informal"): {"jūs", "jus", "jūsų", "jusu", "jums", "jumis", "jumyse"},
}
SALUTATIONS = {
    ("lt", "formal"): re.compile(r"^Laba diena,$"),
    ("lt", "informal"): re.compile(r"^Labas,$"),
    ("en", "formal"): re.compile(r"^Dear \$customer_name,$"),
    ("en", "informal"): re.compile(r"^Hi \$customer_name,$"),
}
APOLOGY = {
    "lt": re.compile(r"atsiprašome|atsiprašau", re.IGNORECASE),
    "en": re.compile(r"\bsorry\b|\bapologi[sz]e", re.IGNORECASE),
}
# Friendly-professional English keeps its verbs whole; contractions belong to the casual register.
EN_CONTRACTION = re.compile(r"\b\w+'(?:t|re|ll|ve|m|d)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def examples(lang: str) -> tuple[dict[str, Any], ...]:
    rows: list[dict[str, Any]] = []
    path = DATA_DIR / f"{lang}.jsonl"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number} is not a JSON object"
        rows.append(row)
    return tuple(rows)


@cache
def phrases(lang: str) -> dict[str, list[str]]:
    data = json.loads((DATA_DIR / f"phrases_{lang}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def catalogue(lang: str) -> dict[str, Any]:
    data = json.loads((CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_example_has_the_agreed_shape(lang: str) -> None:
    for row in examples(lang):
        where = f"{lang}.jsonl {row.get('id')!r}"
        assert set(row) == EXAMPLE_KEYS, where
        assert re.fullmatch(rf"{lang}-\d{{4}}", row["id"]), where
        assert isinstance(row["text"], str), where
        assert row["text"].strip(), where
        assert row["text"] == row["text"].strip(), where
        intents = row["intents"]
        assert isinstance(intents, list), where
        assert 1 <= len(intents) <= 3, where
        assert len(set(intents)) == len(intents), where
        assert set(intents) <= set(INTENTS), where
        assert "other" not in intents or intents == ["other"], where
        assert row["sentiment"] in SENTIMENTS, where
        assert isinstance(row["churn"], bool), where


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ids_and_texts_are_unique(lang: str) -> None:
    ids = Counter(row["id"] for row in examples(lang))
    texts = Counter(" ".join(row["text"].casefold().split()) for row in examples(lang))
    assert [key for key, n in ids.items() if n > 1] == []
    assert [key for key, n in texts.items() if n > 1] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enough_examples_per_intent_and_churn(lang: str) -> None:
    rows = examples(lang)
    per_intent = Counter(intent for row in rows for intent in row["intents"])
    assert len(rows) >= MIN_EXAMPLES
    assert {i: per_intent[i] for i in INTENTS if per_intent[i] < MIN_PER_INTENT} == {}
    assert sum(row["churn"] for row in rows) >= MIN_CHURN
    # Hard negatives: customers who cancel or mention leaving without leaving.
    assert sum(not row["churn"] and "cancel_order" in row["intents"] for row in rows) >= 10
    assert Counter(row["sentiment"] for row in rows).keys() == SENTIMENTS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phrase_file_has_exactly_the_three_rule_lists(lang: str) -> None:
    rules = phrases(lang)
    assert set(rules) == PHRASE_KEYS
    for key, patterns in rules.items():
        assert isinstance(patterns, list), key
        assert patterns, key
        assert all(isinstance(p, str) and p for p in patterns), key
        assert len(set(patterns)) == len(patterns), key
        for pattern in patterns:
            compiled(pattern)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_churn_phrase_finds_a_leaver_and_no_one_who_stays(lang: str) -> None:
    rows = examples(lang)
    for pattern in phrases(lang)["churn"]:
        rule = compiled(pattern)
        hits = [row for row in rows if rule.search(row["text"])]
        assert any(row["churn"] for row in hits), f"{pattern!r} matches no churn example"
        false_alarms = [row["id"] for row in hits if not row["churn"]]
        assert false_alarms == [], f"{pattern!r} fires on customers who stay"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_cancellation_phrase_finds_only_cancellations(lang: str) -> None:
    intent = "cancel_account_or_membership"
    rows = examples(lang)
    for pattern in phrases(lang)[intent]:
        rule = compiled(pattern)
        hits = [row for row in rows if rule.search(row["text"])]
        assert any(intent in row["intents"] for row in hits), f"{pattern!r} matches nothing"
        wrong = [row["id"] for row in hits if intent not in row["intents"]]
        assert wrong == [], f"{pattern!r} forces {intent} on other messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_not_churn_phrase_describes_a_real_non_leaver(lang: str) -> None:
    rows = examples(lang)
    for pattern in phrases(lang)["not_churn"]:
        rule = compiled(pattern)
        assert any(not row["churn"] and rule.search(row["text"]) for row in rows), pattern


def test_phrase_rules_handle_dropped_lithuanian_accents() -> None:
    churn = [compiled(p) for p in phrases("lt")["churn"]]
    for text in ("istrinkit mano paskyra", "uzdarykite paskyra", "daugiau niekada nepirksiu"):
        assert any(rule.search(text) for rule in churn), text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_every_intent_in_both_registers(lang: str) -> None:
    data = catalogue(lang)
    assert set(data) == {"language", "templates"}
    assert data["language"] == lang
    templates = data["templates"]
    assert set(templates) == set(INTENTS)
    for intent, registers in templates.items():
        assert set(registers) == set(REGISTERS), intent
        for register, template in registers.items():
            assert set(template) == {"subject", "body"}, (intent, register)
            assert all(isinstance(template[k], str) and template[k].strip() for k in template)


def _templates(lang: str) -> list[tuple[str, str, str, str]]:
    return [
        (intent, register, template["subject"], template["body"])
        for intent, registers in catalogue(lang)["templates"].items()
        for register, template in registers.items()
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_use_only_the_allowed_placeholders(lang: str) -> None:
    for intent, register, subject, body in _templates(lang):
        for text in (subject, body):
            template = string.Template(text)
            assert template.is_valid(), (intent, register, text)
            assert set(template.get_identifiers()) <= PLACEHOLDERS, (intent, register)
        assert "$due_date" in body, (intent, register)
        assert body.rstrip().endswith("$shop_name"), (intent, register)
        assert "$agent_name" in body, (intent, register)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_bodies_greet_apologise_and_stay_in_length(lang: str) -> None:
    for intent, register, _subject, body in _templates(lang):
        first_line = body.strip().splitlines()[0]
        assert SALUTATIONS[(lang, register)].match(first_line), (intent, register, first_line)
        assert MIN_WORDS <= len(body.split()) <= MAX_WORDS, (intent, register)
        apologises = bool(APOLOGY[lang].search(body))
        # "other" answers a plain question: nothing to apologise for.
        assert apologises == (intent != "other"), (intent, register)


@pytest.mark.parametrize(("lang", "register"), sorted(FORBIDDEN_ADDRESS))
def test_lithuanian_templates_never_mix_registers(lang: str, register: str) -> None:
    forbidden = FORBIDDEN_ADDRESS[(lang, register)]
    for intent, reg, subject, body in _templates(lang):
        if reg != register:
            continue
        words = {w.casefold() for w in WORD.findall(f"{subject}\n{body}")}
        assert words & forbidden == set(), (intent, register)


def test_english_formal_templates_avoid_contractions_and_casual_closings() -> None:
    for intent, register, subject, body in _templates("en"):
        if register == "formal":
            assert EN_CONTRACTION.findall(f"{subject}\n{body}") == [], intent
            assert "Kind regards," in body, intent
        else:
            assert "Dear " not in body, intent
            assert "Kind regards" not in body, intent


def test_register_check_catches_a_mixed_sentence() -> None:
    """The forbidden-word check above is not vacuous: a real mixed sentence trips it."""
    mixed = "Laba diena,\n\načiū, kad parašėte. Tavo užsakymas jau pakeliui."
    words = {w.casefold() for w in WORD.findall(mixed)}
    assert words & FORBIDDEN_ADDRESS[("lt", "formal")] == {"tavo"}
