"""The Dutch and German data of triage and replies: labelled examples, phrase rules, templates.

What goes wrong for a user when these files are wrong: a churn phrase that fires on "annuleer
mijn bestelling" sends a calm customer to the senior queue; one that never fires on anything is
dead weight; a formal German template that slips into "du" is the "Lieve Niels" of story 2.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from amends.replies import linter, templates
from amends.triage import dataset, rules
from amends.triage.result import INTENTS

LANGS = ("nl", "de")
CHURN = "cancel_account_or_membership"
MIN_EXAMPLES, MIN_PER_INTENT, MIN_CHURN = 200, 10, 30

# Words that address the customer, per language and register (the other register's words must
# not appear). German formal pronouns count only with their capital.
ADDRESS: dict[str, dict[str, re.Pattern[str]]] = {
    "nl": {
        "formal": re.compile(r"\b(?:u|uw|uzelf)\b", re.IGNORECASE),
        "informal": re.compile(r"\b(?:je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE),
    },
    "de": {
        "formal": re.compile(r"\b(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b"),
        "informal": re.compile(
            r"\b(?:du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren|"
            r"eurem|eurer|eures)\b",
            re.IGNORECASE,
        ),
    },
}
SALUTATION = {
    ("nl", "formal"): "Beste $customer_name,\n",
    ("nl", "informal"): "Hoi $customer_name,\n",
    ("de", "formal"): "Guten Tag $customer_name,\n",
    ("de", "informal"): "Hallo $customer_name,\n",
}
APOLOGY = {
    "nl": re.compile(r"\b(?:excuses|sorry|spijt)\b", re.IGNORECASE),
    "de": re.compile(r"\b(?:entschuldig\w*|sorry|tut\s+(?:uns|mir)\s+(?:\w+\s+)?leid)\b", re.I),
}
CONTEXT = {
    "nl": {
        "customer_name": "Sanne de Wit",
        "order_number": "NL-2026-004812",
        "carrier": "PostNL",
        "tracking_number": "3SDEVC9876543",
        "remedy": "een nieuwe zending, zonder verzendkosten",
        "amount": "€ 24,95",
        "agent_name": "Daan",
        "shop_name": "Demo Shop",
    },
    "de": {
        "customer_name": "Jonas Becker",
        "order_number": "DE-2026-017733",
        "carrier": "DHL",
        "tracking_number": "00340434161234567890",
        "remedy": "eine kostenlose Neulieferung",
        "amount": "24,95 €",
        "agent_name": "Lena",
        "shop_name": "Demo Shop",
    },
}


@cache
def examples(lang: str) -> tuple[dataset.Example, ...]:
    path = dataset.DATA_DIR / f"{lang}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(
        dataset.parse_line(raw, lang=lang, where=f"{path.name}:{number}")
        for number, raw in enumerate(lines, start=1)
        if raw.strip()
    )


@cache
def phrases(lang: str) -> dict[str, list[re.Pattern[str]]]:
    raw: object = json.loads(
        (dataset.DATA_DIR / f"phrases_{lang}.json").read_text(encoding="utf-8")
    )
    return rules.parse(lang, raw)


def _catalogue(lang: str) -> dict[str, Any]:
    path = templates.catalogue_path(lang)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _ids(found: list[dataset.Example]) -> list[str]:
    return [example.id for example in found]


@pytest.mark.parametrize("lang", LANGS)
def test_examples_are_well_formed_with_unique_ids_and_texts(lang: str) -> None:
    found = examples(lang)
    ids = [example.id for example in found]
    assert all(re.fullmatch(rf"{lang}-\d{{4}}", example_id) for example_id in ids)
    assert len(set(ids)) == len(ids)
    normalised = Counter(" ".join(e.text.lower().split()) for e in found)
    assert [text for text, count in normalised.items() if count > 1] == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_intent_and_churn_has_enough_examples(lang: str) -> None:
    found = examples(lang)
    per_intent = Counter(intent for example in found for intent in example.intents)
    assert len(found) >= MIN_EXAMPLES
    assert {i: per_intent[i] for i in INTENTS if per_intent[i] < MIN_PER_INTENT} == {}
    assert sum(example.churn for example in found) >= MIN_CHURN
    sentiments = Counter(example.sentiment for example in found)
    assert min(sentiments[s] for s in dataset.SENTIMENTS) >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_examples_mix_one_liners_and_longer_mails(lang: str) -> None:
    found = examples(lang)
    short = [e for e in found if len(e.text) <= 40]
    long = [e for e in found if len(e.text) >= 300 and "\n" in e.text]
    assert len(short) >= 15
    assert len(long) >= 10


@pytest.mark.parametrize("lang", LANGS)
def test_the_phrase_file_has_the_three_kinds(lang: str) -> None:
    compiled = phrases(lang)
    assert set(compiled) == set(rules.KINDS)
    assert all(compiled[kind] for kind in rules.KINDS)


@pytest.mark.parametrize("lang", LANGS)
def test_each_churn_phrase_fires_on_churn_and_never_on_a_calm_customer(lang: str) -> None:
    found = examples(lang)
    for pattern in phrases(lang)["churn"]:
        leaving = _ids([e for e in found if e.churn and pattern.search(e.text)])
        staying = _ids([e for e in found if not e.churn and pattern.search(e.text)])
        assert leaving, f"{pattern.pattern} matches no churn example"
        assert staying == [], f"{pattern.pattern} matches churn=false {staying}"


@pytest.mark.parametrize("lang", LANGS)
def test_each_not_churn_phrase_covers_a_look_alike_and_no_real_churn(lang: str) -> None:
    found = examples(lang)
    for pattern in phrases(lang)["not_churn"]:
        calm = _ids([e for e in found if not e.churn and pattern.search(e.text)])
        leaving = _ids([e for e in found if e.churn and pattern.search(e.text)])
        assert calm, f"{pattern.pattern} matches no churn=false example"
        assert leaving == [], f"{pattern.pattern} would blank churn examples {leaving}"


@pytest.mark.parametrize("lang", LANGS)
def test_each_cancellation_phrase_matches_a_cancellation(lang: str) -> None:
    found = examples(lang)
    for pattern in phrases(lang)[CHURN]:
        assert any(CHURN in e.intents and pattern.search(e.text) for e in found), pattern.pattern


@pytest.mark.parametrize("lang", LANGS)
def test_the_rules_as_triage_runs_them_catch_most_churn_and_no_calm_customer(
    lang: str, tmp_path: Path
) -> None:
    """Through :class:`rules.PhraseRules`, with every shipped language's rules at once."""
    for path in dataset.DATA_DIR.glob("phrases_*.json"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    phrase_rules = rules.load(tmp_path)
    found = examples(lang)

    def churn_hit(text: str) -> bool:
        return any(hit.kind == "churn" for hit in phrase_rules.match(text))

    assert _ids([e for e in found if not e.churn and churn_hit(e.text)]) == []
    caught = [e for e in found if e.churn and churn_hit(e.text)]
    assert len(caught) >= 0.8 * sum(e.churn for e in found)


@pytest.mark.parametrize("lang", LANGS)
def test_the_catalogue_loads_with_every_intent_and_register(lang: str) -> None:
    path = templates.catalogue_path(lang)
    catalogue = templates.parse_catalogue(path.read_bytes(), name=path.name, language=lang)
    assert set(catalogue.templates) == {(i, r) for i in INTENTS for r in ("formal", "informal")}
    document = _catalogue(lang)
    assert document["language"] == lang
    for entry in document["templates"].values():
        for fields in entry.values():
            for text in fields.values():
                template = string.Template(text)
                assert template.is_valid()
                assert set(template.get_identifiers()) <= templates.PLACEHOLDERS


@pytest.mark.parametrize("lang", LANGS)
def test_every_body_greets_apologises_dates_and_signs_off(lang: str) -> None:
    """An apology wherever the shop, its seller or its carrier is at fault (as the linter
    decides it); the requests may say sorry too, but need not."""
    for intent, entry in _catalogue(lang)["templates"].items():
        for register, fields in entry.items():
            body: str = fields["body"]
            where = f"{lang} {intent} {register}"
            assert body.startswith(SALUTATION[(lang, register)]), where
            assert 40 <= len(body.split()) <= 110, where
            assert "$due_date" in body, where
            assert body.rstrip().endswith("$agent_name\n$shop_name"), where
            if intent in templates.AT_FAULT_INTENTS:
                assert APOLOGY[lang].search(body), where


@pytest.mark.parametrize("lang", LANGS)
def test_no_template_mixes_registers(lang: str) -> None:
    for intent, entry in _catalogue(lang)["templates"].items():
        for register, fields in entry.items():
            other = "informal" if register == "formal" else "formal"
            text = f"{fields['subject']}\n{fields['body']}"
            strays = ADDRESS[lang][other].findall(text)
            assert strays == [], f"{lang} {intent} {register}: {strays}"
            assert ADDRESS[lang][register].search(fields["body"]), f"{lang} {intent} {register}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("filled", [True, False], ids=["filled", "fallbacks"])
def test_rendered_templates_pass_the_reply_linter(lang: str, filled: bool) -> None:
    catalogue = templates.load_catalogue(lang)
    for (intent, register), template in catalogue.templates.items():
        rendered = templates.render(
            template, CONTEXT[lang] if filled else {}, today=dt.date(2026, 11, 20)
        )
        assert "$" not in rendered.subject + rendered.body
        result = linter.lint(
            rendered.body,
            language=lang,
            register=register,
            at_fault=intent in templates.AT_FAULT_INTENTS,
        )
        assert result.codes == (), f"{lang} {intent} {register}: {result.findings}"
