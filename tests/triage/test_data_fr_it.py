"""The French and Italian triage examples, phrase rules and reply templates keep their format.

Triage trains on these files and the reply library renders them, so a broken line, an unknown
intent, a churn phrase that fires on a customer who is not leaving, or a formal template that
slips into "tu" would reach customers and agents. The rules are those of the issue-6 data format.

The phrase rules of every language run on every message (``triage/rules.py``), so the French and
Italian phrases are also checked against the examples of the other languages present.
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
from amends.triage import rules as phrase_rules
from amends.triage.result import INTENTS

LANGUAGES = ("fr", "it")
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
CANCEL = "cancel_account_or_membership"

# A word followed by an apostrophe keeps it, so the French elided "t'" ("t'envoyer") is a token.
TOKEN = re.compile(r"[^\W\d_]+'?", re.UNICODE)

# Words that address the reader in the *other* register.
FORBIDDEN_ADDRESS: dict[tuple[str, str], set[str]] = {
    ("fr", "formal"): {"tu", "te", "t'", "toi", "ton", "ta", "tes", "tien", "tienne"},
    ("fr", "informal"): {"vous", "votre", "vos", "vôtre", "vôtres"},
    ("it", "formal"): {
        *("tu", "ti", "te", "t'", "tuo", "tua", "tuoi", "tue"),
        # Second-person verbs that only "tu" takes.
        *("hai", "puoi", "vuoi", "devi", "sai", "riceverai", "potrai", "avrai", "vedrai"),
    },
    ("it", "informal"): {"lei"},  # lower case "lei" (she) never appears in these templates
}
REQUIRED_ADDRESS: dict[tuple[str, str], set[str]] = {
    ("fr", "formal"): {"vous", "votre", "vos"},
    ("fr", "informal"): {"tu", "te", "t'", "toi", "ton", "ta", "tes"},
    ("it", "informal"): {"tu", "ti", "te", "tuo", "tua", "tuoi", "tue"},
}
# Italian courtesy forms: capitalised mid-sentence, or fused to a verb ("inviarLe", "vederLa").
IT_COURTESY = re.compile(
    r"(?<![.!?\n]\s)(?<![.!?\n])(?<!^)\b(?:Lei|La|Le|Suo|Sua|Suoi|Sue)\b|[a-zà-ù]{3,}(?:La|Le)\b"
)
SALUTATIONS = {
    ("fr", "formal"): "Bonjour $customer_name,",
    ("fr", "informal"): "Bonjour $customer_name,",
    ("it", "formal"): "Gentile $customer_name,",
    ("it", "informal"): "Ciao $customer_name,",
}
APOLOGY = {
    "fr": re.compile(r"\bdésolée?s?\b|\bexcuses\b", re.IGNORECASE),
    "it": re.compile(r"\bci scusiamo\b|\bscus(?:a|e|aci)\b|\bci dispiace\b", re.IGNORECASE),
}
# "nous allons …" / "provvederemo …" and the date: what happens next, and by when.
NEXT_STEP = {
    "fr": re.compile(r"\b(?:au plus tard le|d'ici le) \$due_date\b"),
    "it": re.compile(r"\bentro il \$due_date\b"),
}
# Dropped accents, as customers type them on a phone, still count.
UNACCENTED_LEAVERS = {
    "fr": (
        "c'est la derniere fois que je commande chez vous",
        "je n'acheterai plus rien sur votre site",
        "cloturer mon compte svp",
        "desinscrivez-moi de tout",
    ),
    "it": (
        "e l'ultima volta che ordino da voi",
        "non comprero mai piu da voi",
        "non contate piu su di me",
        "chiudero il mio account",
    ),
}


@cache
def examples(lang: str) -> tuple[dict[str, Any], ...]:
    rows: list[dict[str, Any]] = []
    path = DATA_DIR / f"{lang}.jsonl"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number} is not a JSON object"
        rows.append(row)
    return tuple(rows)


def all_languages_examples() -> list[dict[str, Any]]:
    """Every language's examples present now: the phrase rules run on all of them."""
    rows: list[dict[str, Any]] = []
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        rows += examples(path.stem)
    return rows


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


def _templates(lang: str) -> list[tuple[str, str, str, str]]:
    return [
        (intent, register, template["subject"], template["body"])
        for intent, registers in catalogue(lang)["templates"].items()
        for register, template in registers.items()
    ]


def _tokens(text: str) -> set[str]:
    straight = text.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    return {t.casefold() for t in TOKEN.findall(straight)}


def _courtesy(text: str) -> list[str]:
    """Italian courtesy forms in ``text``, placeholders left out."""
    return IT_COURTESY.findall(re.sub(r"\$\{?\w+\}?", "x", text))


# --- examples ------------------------------------------------------------------------------


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
    assert Counter(row["sentiment"] for row in rows).keys() == SENTIMENTS
    # Hard negatives: customers who cancel an order or a membership without leaving the shop.
    assert sum(not row["churn"] and "cancel_order" in row["intents"] for row in rows) >= 10
    assert sum(not row["churn"] and CANCEL in row["intents"] for row in rows) >= 8


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lengths_are_mixed_from_one_liners_to_long_mails(lang: str) -> None:
    rows = examples(lang)
    one_liners = [r for r in rows if len(r["text"]) <= 60 and "\n" not in r["text"]]
    long_mails = [r for r in rows if r["text"].count("\n") >= 2 and len(r["text"]) >= 250]
    noisy = [r for r in rows if r["text"] == r["text"].lower() or "??" in r["text"]]
    assert len(one_liners) >= 25
    assert len(long_mails) >= 15
    assert len(noisy) >= 20


# --- phrase rules --------------------------------------------------------------------------


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
    # The engine's own loader accepts the file as it is.
    assert set(phrase_rules.parse(lang, rules)) == PHRASE_KEYS


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
def test_churn_phrases_stay_quiet_on_every_language_s_stayers(lang: str) -> None:
    stayers = [row for row in all_languages_examples() if not row["churn"]]
    for pattern in phrases(lang)["churn"]:
        rule = compiled(pattern)
        assert [row["id"] for row in stayers if rule.search(row["text"])] == [], pattern


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_cancellation_phrase_finds_only_cancellations(lang: str) -> None:
    rows = examples(lang)
    for pattern in phrases(lang)[CANCEL]:
        rule = compiled(pattern)
        hits = [row for row in rows if rule.search(row["text"])]
        assert any(CANCEL in row["intents"] for row in hits), f"{pattern!r} matches nothing"
        wrong = [row["id"] for row in hits if CANCEL not in row["intents"]]
        assert wrong == [], f"{pattern!r} forces {CANCEL} on other messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cancellation_phrases_stay_quiet_on_other_languages(lang: str) -> None:
    others = [row for row in all_languages_examples() if not row["id"].startswith(f"{lang}-")]
    for pattern in phrases(lang)[CANCEL]:
        rule = compiled(pattern)
        wrong = [r["id"] for r in others if rule.search(r["text"]) and CANCEL not in r["intents"]]
        assert wrong == [], pattern


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_not_churn_phrase_describes_a_stayer_and_never_hides_a_leaver(lang: str) -> None:
    rows = examples(lang)
    leavers = [row for row in all_languages_examples() if row["churn"]]
    for pattern in phrases(lang)["not_churn"]:
        rule = compiled(pattern)
        assert any(not row["churn"] and rule.search(row["text"]) for row in rows), pattern
        # The engine blanks what not_churn matches before looking for churn.
        assert [row["id"] for row in leavers if rule.search(row["text"])] == [], pattern


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phrase_rules_as_the_engine_applies_them(lang: str) -> None:
    """Through ``PhraseRules.match``: stayers never read as churn, most leavers are caught."""
    parsed = phrase_rules.parse(lang, phrases(lang))
    engine = phrase_rules.PhraseRules(
        {kind: tuple((lang, p) for p in patterns) for kind, patterns in parsed.items()}
    )
    rows = examples(lang)
    churn_hits = {
        row["id"] for row in rows if any(h.kind == "churn" for h in engine.match(row["text"]))
    }
    assert {row["id"] for row in rows if not row["churn"]} & churn_hits == set()
    leavers = [row["id"] for row in rows if row["churn"]]
    assert len(churn_hits) >= 0.8 * len(leavers)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phrase_rules_handle_dropped_accents(lang: str) -> None:
    churn = [compiled(p) for p in phrases(lang)["churn"]]
    for text in UNACCENTED_LEAVERS[lang]:
        assert any(rule.search(text) for rule in churn), text


# --- reply templates -----------------------------------------------------------------------


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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_use_only_the_allowed_placeholders(lang: str) -> None:
    for intent, register, subject, body in _templates(lang):
        for text in (subject, body):
            template = string.Template(text)
            assert template.is_valid(), (intent, register, text)
            assert set(template.get_identifiers()) <= PLACEHOLDERS, (intent, register)
        assert "$agent_name" in body, (intent, register)
        assert body.rstrip().endswith("$shop_name"), (intent, register)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_bodies_greet_apologise_commit_and_stay_in_length(lang: str) -> None:
    for intent, register, _subject, body in _templates(lang):
        where = (intent, register)
        assert body.splitlines()[0] == SALUTATIONS[(lang, register)], where
        assert MIN_WORDS <= len(body.split()) <= MAX_WORDS, where
        assert NEXT_STEP[lang].search(body), where
        # "other" answers a plain question: nothing to apologise for.
        assert bool(APOLOGY[lang].search(body)) == (intent != "other"), where


@pytest.mark.parametrize(("lang", "register"), sorted(FORBIDDEN_ADDRESS))
def test_templates_never_mix_registers(lang: str, register: str) -> None:
    forbidden = FORBIDDEN_ADDRESS[(lang, register)]
    for intent, reg, subject, body in _templates(lang):
        if reg != register:
            continue
        text = f"{subject}\n{body}"
        assert _tokens(text) & forbidden == set(), (intent, register)
        if (lang, register) == ("it", "informal"):
            assert _courtesy(text) == [], (intent, register)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_address_the_reader_in_their_own_register(lang: str) -> None:
    for intent, register, subject, body in _templates(lang):
        text = f"{subject}\n{body}"
        if (lang, register) == ("it", "formal"):
            assert _courtesy(body), (intent, register)
        else:
            assert _tokens(text) & REQUIRED_ADDRESS[(lang, register)], (intent, register)


def test_register_checks_catch_mixed_sentences() -> None:
    """The register checks above are not vacuous: real mixed sentences trip them."""
    fr_formal = "Bonjour Léa,\n\nnous allons vous rembourser et t'envoyer la confirmation."
    assert _tokens(fr_formal) & FORBIDDEN_ADDRESS[("fr", "formal")] == {"t'"}
    fr_informal = "Bonjour Léa,\n\nmerci pour ton message, votre colis arrive demain."
    assert _tokens(fr_informal) & FORBIDDEN_ADDRESS[("fr", "informal")] == {"votre"}
    it_formal = "Gentile Rossi,\n\nLa ringraziamo: riceverai il rimborso entro lunedì."
    assert _tokens(it_formal) & FORBIDDEN_ADDRESS[("it", "formal")] == {"riceverai"}
    it_informal = "Ciao Giulia,\n\ngrazie del messaggio: Le invieremo il Suo pacco e poi ti scrivo."
    assert _courtesy(it_informal) == ["Le", "Suo"]
    assert _courtesy("Ciao Giulia,\n\nprovvederemo a inviarLe il pacco.") == ["inviarLe"]
    assert _courtesy("Ciao Giulia,\n\nLa spedizione parte oggi. Le scarpe arrivano domani.") == []
