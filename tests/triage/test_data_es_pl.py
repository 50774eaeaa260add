"""The Spanish and Polish triage examples, phrase rules and reply templates keep their format.

Triage trains on these files, the phrase rules force churn and the cancellation intent on every
message in every language, and the reply library renders the templates to customers. So a broken
line, a churn phrase that fires on someone who only cancels an order, or a formal Polish reply
that slips into "Ty" would reach customers and agents. The rules are those of the issue-6 format.
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

LANGUAGES = ("es", "pl")
DATA_DIR = Path(amends.triage.__file__).parent / "data"
CATALOGUE_DIR = Path(amends.replies.__file__).parent / "catalogue"

MIN_EXAMPLES = 200
MIN_PER_INTENT = 10
MIN_CHURN = 30
MIN_SHORT, MIN_LONG = 10, 8  # one-liners (<= 60 characters) and mails (>= 200 characters)
EXAMPLE_KEYS = {"id", "text", "intents", "sentiment", "churn"}
SENTIMENTS = {"negative", "neutral", "positive"}
PHRASE_KEYS = {"churn", "cancel_account_or_membership", "not_churn"}
CANCEL = "cancel_account_or_membership"
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

# Words that address the reader in the *other* register. Spanish "usted" replies never say
# "tú/te/tu", "tú" replies never say "usted/su/le"; a formal Polish reply speaks to "Państwo"
# and never to "Ty", an informal one never to "Pan/Pani/Państwo".
FORBIDDEN_ADDRESS = {
    ("es", "formal"): {"tú", "tu", "tus", "te", "ti", "contigo", "tuyo", "tuya", "os", "vuestro"},
    ("es", "informal"): {"usted", "ustedes", "su", "sus", "le", "les", "suyo", "suya"},
    ("pl", "formal"): {
        *("ty", "ciebie", "cię", "cie", "ci", "tobie", "tobą", "toba"),
        *("twój", "twoj", "twoja", "twoje", "twojego", "twojej", "twoim", "twoich", "twoją"),
    },
    ("pl", "informal"): {
        *("pan", "pana", "panu", "panem", "pani", "panią"),
        *("państwo", "państwa", "państwu", "państwem", "szanowny", "szanowna", "szanowni"),
    },
}
# Polish second-person verbs end in -sz ("możesz", "piszesz"): none in a reply to "Państwo".
PL_SECOND_PERSON_VERB = re.compile(r"\b(?!nasz\b)\w+(?:esz|isz|asz|ysz)\b", re.IGNORECASE)
# The informal Polish reply cannot know the customer's gender: no "zamówiłeś/zamówiłaś", no
# "sam/sama" — present and future forms only.
PL_GENDERED_SECOND_PERSON = re.compile(r"\b\w+(?:łeś|łaś)\b|\bsam[a]?\b", re.IGNORECASE)
SALUTATIONS = {
    ("es", "formal"): re.compile(r"^Buenos días, \$customer_name:$"),
    ("es", "informal"): re.compile(r"^Hola, \$customer_name:$"),
    # Polish cannot put a name in the nominative after "Dzień dobry" politely; the formal
    # greeting stands alone and the letter goes on in lower case after the comma.
    ("pl", "formal"): re.compile(r"^Dzień dobry,$"),
    ("pl", "informal"): re.compile(r"^Cześć \$customer_name!$"),
}
APOLOGY = {
    "es": re.compile(r"\b(?:lamentamos|sentimos|disculpas|perdone|perdona)\b", re.IGNORECASE),
    "pl": re.compile(r"\bprzepraszam(?:y)?\b|\bprzykro\b", re.IGNORECASE),
}
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
def every_language_examples() -> tuple[dict[str, Any], ...]:
    """Every labelled example in the repository: phrase rules of all languages run on all texts."""
    return tuple(row for path in sorted(DATA_DIR.glob("*.jsonl")) for row in examples(path.stem))


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


def masked(lang: str, text: str) -> str:
    """``text`` with the not-churn phrases blanked, as triage does before the other rules."""
    for pattern in phrases(lang)["not_churn"]:
        text = compiled(pattern).sub(lambda m: " " * len(m.group(0)), text)
    return text


def says_churn(lang: str, text: str) -> bool:
    blanked = masked(lang, text)
    return any(compiled(p).search(blanked) for p in phrases(lang)["churn"])


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
def test_enough_examples_per_intent_churn_and_length(lang: str) -> None:
    rows = examples(lang)
    per_intent = Counter(intent for row in rows for intent in row["intents"])
    assert len(rows) >= MIN_EXAMPLES
    assert {i: per_intent[i] for i in INTENTS if per_intent[i] < MIN_PER_INTENT} == {}
    assert sum(row["churn"] for row in rows) >= MIN_CHURN
    assert Counter(row["sentiment"] for row in rows).keys() == SENTIMENTS
    assert sum(len(row["text"]) <= 60 for row in rows) >= MIN_SHORT
    assert sum(len(row["text"]) >= 200 for row in rows) >= MIN_LONG
    # Hard negatives: a cancelled order or a membership question is not a customer leaving.
    assert sum(not row["churn"] and "cancel_order" in row["intents"] for row in rows) >= 10
    assert sum(not row["churn"] and CANCEL in row["intents"] for row in rows) >= 5


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
    for pattern in phrases(lang)["churn"]:
        rule = compiled(pattern)
        assert any(row["churn"] and rule.search(row["text"]) for row in examples(lang)), pattern
        # Triage runs every language's rules on every message, so no language's stayers count.
        false_alarms = [
            row["id"]
            for row in every_language_examples()
            if not row["churn"] and rule.search(row["text"])
        ]
        assert false_alarms == [], f"{pattern!r} fires on customers who stay"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_churn_phrases_describe_stayers_and_never_hide_a_leaver(lang: str) -> None:
    rows = examples(lang)
    for pattern in phrases(lang)["not_churn"]:
        rule = compiled(pattern)
        assert any(not row["churn"] and rule.search(row["text"]) for row in rows), pattern
    leavers = [row for row in rows if row["churn"]]
    raw_hits = {
        row["id"]
        for row in leavers
        if any(compiled(p).search(row["text"]) for p in phrases(lang)["churn"])
    }
    after_blanking = {row["id"] for row in leavers if says_churn(lang, row["text"])}
    assert raw_hits - after_blanking == set()
    # The explicit phrases alone already catch nearly every leaver in the examples.
    assert len(after_blanking) >= 0.9 * len(leavers)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_cancellation_phrase_finds_only_cancellations(lang: str) -> None:
    for pattern in phrases(lang)[CANCEL]:
        rule = compiled(pattern)
        assert any(
            CANCEL in row["intents"] and rule.search(masked(lang, row["text"]))
            for row in examples(lang)
        ), f"{pattern!r} matches nothing"
        wrong = [
            row["id"]
            for row in every_language_examples()
            if CANCEL not in row["intents"] and rule.search(row["text"])
        ]
        assert wrong == [], f"{pattern!r} forces {CANCEL} on other messages"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "ultima vez q os compro algo, me paso a amazon"),
        ("es", "no volvere a comprar aqui"),
        ("es", "Se acabo. Borrad mi cuenta."),
        ("pl", "wiecej u was nie kupie"),
        ("pl", "usuncie moje konto"),
        ("pl", "przechodze na allegro"),
        ("pl", "nigdy wiecej nie zamowie"),
    ],
)
def test_churn_phrases_survive_dropped_accents(lang: str, text: str) -> None:
    assert says_churn(lang, text)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Solo quiero cancelar este pedido, seguiré comprando con vosotros."),
        ("es", "La última vez que pedí llegó perfecto."),
        ("es", "Quiero darme de baja de la newsletter."),
        ("pl", "Ostatni raz zamawiałam u Was w marcu."),
        ("pl", "Proszę, żeby to się więcej nie powtórzyło."),
        ("pl", "Wolę zrezygnować z zamówienia, ale dalej będę u Was kupować."),
    ],
)
def test_churn_phrases_leave_look_alikes_alone(lang: str, text: str) -> None:
    assert not says_churn(lang, text)


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
            assert "\n" not in template["subject"], (intent, register)


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
        assert "$agent_name" in body.strip().splitlines()[-2], (intent, register)
        assert body.rstrip().endswith("$shop_name"), (intent, register)


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
def test_templates_never_mix_registers(lang: str, register: str) -> None:
    forbidden = FORBIDDEN_ADDRESS[(lang, register)]
    for intent, reg, subject, body in _templates(lang):
        if reg != register:
            continue
        words = {w.casefold() for w in WORD.findall(f"{subject}\n{body}")}
        assert words & forbidden == set(), (intent, register)


def test_formal_polish_never_uses_a_second_person_verb() -> None:
    for intent, register, subject, body in _templates("pl"):
        if register == "formal":
            assert PL_SECOND_PERSON_VERB.findall(f"{subject}\n{body}") == [], intent


def test_informal_polish_never_guesses_the_customers_gender() -> None:
    for intent, register, subject, body in _templates("pl"):
        if register == "informal":
            assert PL_GENDERED_SECOND_PERSON.findall(f"{subject}\n{body}") == [], intent


@pytest.mark.parametrize(
    ("lang", "register", "mixed", "caught"),
    [
        ("es", "formal", "Le escribimos porque tu pedido ya ha salido.", {"tu"}),
        ("es", "informal", "Te escribimos porque su pedido ya ha salido.", {"su"}),
        ("pl", "formal", "Przepraszamy Państwa. Twoja paczka jest w drodze.", {"twoja"}),
        ("pl", "informal", "Cześć! Czy Pani paczka już dotarła?", {"pani"}),
    ],
)
def test_register_check_catches_a_mixed_sentence(
    lang: str, register: str, mixed: str, caught: set[str]
) -> None:
    """The forbidden-word check above is not vacuous: a real mixed sentence trips it."""
    words = {w.casefold() for w in WORD.findall(mixed)}
    assert words & FORBIDDEN_ADDRESS[(lang, register)] == caught


def test_polish_verb_and_gender_checks_are_not_vacuous() -> None:
    assert PL_SECOND_PERSON_VERB.findall("Nasz kurier przyjedzie, gdy tylko możesz.") == ["możesz"]
    assert PL_GENDERED_SECOND_PERSON.findall("Mam nadzieję, że zamówiłaś sama.") == [
        "zamówiłaś",
        "sama",
    ]
