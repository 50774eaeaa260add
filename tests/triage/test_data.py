"""Every language's triage examples, phrase rules and reply templates keep their format.

Triage trains on ``triage/data/<lang>.jsonl``, the phrase rules (``phrases_<lang>.json``) force
churn and the cancellation intent on every message in every language, and the reply library
renders the templates (``replies/catalogue/<lang>.json``) to customers. So a broken line, an
unknown intent, a churn phrase that fires on a customer who is not leaving (one who only
cancels an order: "annuleer mijn bestelling" sends a calm customer to the senior queue), a
phrase that never fires on anything (dead weight), or a formal reply that slips into "tu", "Ty"
or "du" (the "Lieve Niels" of story 2) would reach customers and agents. The rules are those of
the issue-6 data format.

The phrase rules of every language run on every message (``triage/rules.py``), so each
language's phrases are also checked against the examples of all the other languages present.

The checks are the same for every language. Where the languages differ — thresholds, the words
that address the reader in each register, salutations, apologies, sign-offs — the per-language
tables below say so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections import Counter
from functools import cache
from typing import Any

import pytest

from amends.replies import linter, templates
from amends.triage import dataset, rules
from amends.triage.result import INTENTS

LANGUAGES = ("de", "en", "es", "fr", "it", "lt", "nl", "pl")
DATA_DIR = dataset.DATA_DIR
CATALOGUE_DIR = templates.CATALOGUE_DIR

# --- examples ------------------------------------------------------------------------------

EXAMPLE_KEYS = {"id", "text", "intents", "sentiment", "churn"}
SENTIMENTS = {"negative", "neutral", "positive"}
CANCEL = "cancel_account_or_membership"
MIN_EXAMPLES = 200
MIN_PER_INTENT = 10
MIN_CHURN = 30
MIN_PER_SENTIMENT = 5
# Hard negatives: customers who cancel an order or a membership, or mention leaving, without
# leaving the shop.
MIN_CANCELLED_ORDERS_STAYING = 10
MIN_CANCELLED_MEMBERSHIPS_STAYING = 8
# Lengths are mixed, from one-liners to long mails, and some text is typed carelessly.
MIN_SHORT, MIN_LONG = 10, 8  # <= 60 characters, >= 200 characters
MIN_ONE_LINERS = 25  # <= 60 characters on one line
MIN_LONG_MAILS = 15  # >= 250 characters over at least three lines
MIN_NOISY = 20  # all lower case, or "??"
MIN_MAILS_OVER_300 = 10  # >= 300 characters, more than one line
# Messages of at most 40 characters. Only Dutch and German were held to a floor; the others
# have fewer (Spanish 8, French 10 at the time of writing).
MIN_UNDER_40_CHARS = {"de": 15, "en": 0, "es": 0, "fr": 0, "it": 0, "lt": 0, "nl": 15, "pl": 0}

# --- phrase rules --------------------------------------------------------------------------

PHRASE_KEYS = {"churn", CANCEL, "not_churn"}
# The share of the example leavers that the explicit phrases alone catch, as triage applies them
# (not-churn phrases blanked first), with the language's own rules and with every language's.
# English and Lithuanian had no floor.
MIN_CHURN_RECALL = {
    "de": 0.8,
    "en": 0.0,
    "es": 0.9,
    "fr": 0.8,
    "it": 0.8,
    "lt": 0.0,
    "nl": 0.8,
    "pl": 0.9,
}
# Whether no not-churn phrase matches a leaver's message in any language. English and
# Lithuanian blank "cancel the order" even in "Cancel the order and delete my account", which is
# churn by its other phrase: for them only "blanking never hides a leaver" holds.
NOT_CHURN_NEVER_ON_A_LEAVER = {
    "de": True,
    "en": False,
    "es": True,
    "fr": True,
    "it": True,
    "lt": False,
    "nl": True,
    "pl": True,
}
# Dropped accents, as customers type them on a phone, still count.
UNACCENTED_LEAVERS = {
    "es": (
        "ultima vez q os compro algo, me paso a amazon",
        "no volvere a comprar aqui",
        "Se acabo. Borrad mi cuenta.",
    ),
    "pl": (
        "wiecej u was nie kupie",
        "usuncie moje konto",
        "przechodze na allegro",
        "nigdy wiecej nie zamowie",
    ),
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
    "lt": ("istrinkit mano paskyra", "uzdarykite paskyra", "daugiau niekada nepirksiu"),
}
# Look like leaving, but are not.
LOOK_ALIKES = {
    "es": (
        "Solo quiero cancelar este pedido, seguiré comprando con vosotros.",
        "La última vez que pedí llegó perfecto.",
        "Quiero darme de baja de la newsletter.",
    ),
    "pl": (
        "Ostatni raz zamawiałam u Was w marcu.",
        "Proszę, żeby to się więcej nie powtórzyło.",
        "Wolę zrezygnować z zamówienia, ale dalej będę u Was kupować.",
    ),
}

# --- reply templates -----------------------------------------------------------------------

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
# The body's first line, alone. Polish cannot put a name in the nominative after "Dzień dobry"
# politely; the formal greeting stands alone and the letter goes on in lower case after the
# comma.
SALUTATIONS = {
    ("de", "formal"): "Guten Tag $customer_name,",
    ("de", "informal"): "Hallo $customer_name,",
    ("en", "formal"): "Dear $customer_name,",
    ("en", "informal"): "Hi $customer_name,",
    ("es", "formal"): "Buenos días, $customer_name:",
    ("es", "informal"): "Hola, $customer_name:",
    ("fr", "formal"): "Bonjour $customer_name,",
    ("fr", "informal"): "Bonjour $customer_name,",
    ("it", "formal"): "Gentile $customer_name,",
    ("it", "informal"): "Ciao $customer_name,",
    ("lt", "formal"): "Laba diena,",
    ("lt", "informal"): "Labas,",
    ("nl", "formal"): "Beste $customer_name,",
    ("nl", "informal"): "Hoi $customer_name,",
    ("pl", "formal"): "Dzień dobry,",
    ("pl", "informal"): "Cześć $customer_name!",
}
# Whether the body ends "$agent_name" then "$shop_name" on the last line; Spanish and Polish
# sign with the team's name ("Atención al cliente de $shop_name") on the last line instead.
SIGNS_AGENT_THEN_SHOP = {
    "de": True,
    "en": True,
    "es": False,
    "fr": True,
    "it": True,
    "lt": True,
    "nl": True,
    "pl": False,
}
APOLOGY = {
    "de": re.compile(r"\b(?:entschuldig\w*|sorry|tut\s+(?:uns|mir)\s+(?:\w+\s+)?leid)\b", re.I),
    "en": re.compile(r"\bsorry\b|\bapologi[sz]e", re.IGNORECASE),
    "es": re.compile(r"\b(?:lamentamos|sentimos|disculpas|perdone|perdona)\b", re.IGNORECASE),
    "fr": re.compile(r"\bdésolée?s?\b|\bexcuses\b", re.IGNORECASE),
    "it": re.compile(r"\bci scusiamo\b|\bscus(?:a|e|aci)\b|\bci dispiace\b", re.IGNORECASE),
    "lt": re.compile(r"atsiprašome|atsiprašau", re.IGNORECASE),
    "nl": re.compile(r"\b(?:excuses|sorry|spijt)\b", re.IGNORECASE),
    "pl": re.compile(r"\bprzepraszam(?:y)?\b|\bprzykro\b", re.IGNORECASE),
}
# The intents whose reply must apologise. "other" answers a plain question: nothing to apologise
# for, in any language. Dutch and German apologise wherever the shop, its seller or its carrier
# is at fault (as the linter decides it); their requests may say sorry too, but need not. The
# other languages apologise in every reply but "other".
_ALL_BUT_OTHER = frozenset(INTENTS) - {"other"}
MUST_APOLOGISE = {
    "de": templates.AT_FAULT_INTENTS,
    "en": _ALL_BUT_OTHER,
    "es": _ALL_BUT_OTHER,
    "fr": _ALL_BUT_OTHER,
    "it": _ALL_BUT_OTHER,
    "lt": _ALL_BUT_OTHER,
    "nl": templates.AT_FAULT_INTENTS,
    "pl": _ALL_BUT_OTHER,
}
# "nous allons …" / "provvederemo …" and the date: what happens next, and by when.
NEXT_STEP = {
    "fr": re.compile(r"\b(?:au plus tard le|d'ici le) \$due_date\b"),
    "it": re.compile(r"\bentro il \$due_date\b"),
}

# Words that address the reader in the *other* register. Spanish "usted" replies never say
# "tú/te/tu", "tú" replies never say "usted/su/le"; a formal Polish reply speaks to "Państwo"
# and never to "Ty", an informal one never to "Pan/Pani/Państwo"; a formal Lithuanian reply
# never says "tu", an informal one never says "jūs" (with or without the accent customers drop).
FORBIDDEN_ADDRESS: dict[tuple[str, str], set[str]] = {
    ("es", "formal"): {"tú", "tu", "tus", "te", "ti", "contigo", "tuyo", "tuya", "os", "vuestro"},
    ("es", "informal"): {"usted", "ustedes", "su", "sus", "le", "les", "suyo", "suya"},
    ("fr", "formal"): {"tu", "te", "t'", "toi", "ton", "ta", "tes", "tien", "tienne"},
    ("fr", "informal"): {"vous", "votre", "vos", "vôtre", "vôtres"},
    ("it", "formal"): {
        *("tu", "ti", "te", "t'", "tuo", "tua", "tuoi", "tue"),
        # Second-person verbs that only "tu" takes.
        *("hai", "puoi", "vuoi", "devi", "sai", "riceverai", "potrai", "avrai", "vedrai"),
    },
    ("it", "informal"): {"lei"},  # lower case "lei" (she) never appears in these templates
    ("lt", "formal"): {"tu", "tave", "tau", "tavo", "tavęs", "taves", "tavimi", "tavyje"},
    ("lt", "informal"): {"jūs", "jus", "jūsų", "jusu", "jums", "jumis", "jumyse"},
    ("pl", "formal"): {
        *("ty", "ciebie", "cię", "cie", "ci", "tobie", "tobą", "toba"),
        *("twój", "twoj", "twoja", "twoje", "twojego", "twojej", "twoim", "twoich", "twoją"),
    },
    ("pl", "informal"): {
        *("pan", "pana", "panu", "panem", "pani", "panią"),
        *("państwo", "państwa", "państwu", "państwem", "szanowny", "szanowna", "szanowni"),
    },
}
# Words of which the reply must use at least one, in its own register.
REQUIRED_ADDRESS: dict[tuple[str, str], set[str]] = {
    ("fr", "formal"): {"vous", "votre", "vos"},
    ("fr", "informal"): {"tu", "te", "t'", "toi", "ton", "ta", "tes"},
    ("it", "informal"): {"tu", "ti", "te", "tuo", "tua", "tuoi", "tue"},
}
# Dutch and German: the words that address the customer, per register (the other register's
# words must not appear, the reply's own must). German formal pronouns count only with their
# capital.
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
# Italian courtesy forms: capitalised mid-sentence, or fused to a verb ("inviarLe", "vederLa").
IT_COURTESY = re.compile(
    r"(?<![.!?\n]\s)(?<![.!?\n])(?<!^)\b(?:Lei|La|Le|Suo|Sua|Suoi|Sue)\b|[a-zà-ù]{3,}(?:La|Le)\b"
)
# Polish second-person verbs end in -sz ("możesz", "piszesz"): none in a reply to "Państwo".
PL_SECOND_PERSON_VERB = re.compile(r"\b(?!nasz\b)\w+(?:esz|isz|asz|ysz)\b", re.IGNORECASE)
# The informal Polish reply cannot know the customer's gender: no "zamówiłeś/zamówiłaś", no
# "sam/sama" — present and future forms only.
PL_GENDERED_SECOND_PERSON = re.compile(r"\b\w+(?:łeś|łaś)\b|\bsam[a]?\b", re.IGNORECASE)
# Friendly-professional English keeps its verbs whole; contractions belong to the casual register.
EN_CONTRACTION = re.compile(r"\b\w+'(?:t|re|ll|ve|m|d)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A word followed by an apostrophe keeps it, so the French elided "t'" ("t'envoyer") is a token.
TOKEN = re.compile(r"[^\W\d_]+'?", re.UNICODE)

# What a case fills the templates with, for the linter to read the reply as sent.
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


# --- helpers -------------------------------------------------------------------------------


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
    """Every labelled example present: the phrase rules of all languages run on all texts."""
    return tuple(row for path in dataset.example_files(DATA_DIR) for row in examples(path.stem))


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


def own_engine(lang: str) -> rules.PhraseRules:
    """The language's own rules, through the engine's loader and matcher."""
    parsed = rules.parse(lang, phrases(lang))
    return rules.PhraseRules(
        {kind: tuple((lang, p) for p in patterns) for kind, patterns in parsed.items()}
    )


@cache
def every_language_engine() -> rules.PhraseRules:
    """Every shipped language's rules at once, as triage runs them."""
    return rules.load(DATA_DIR)


def engine_says_churn(engine: rules.PhraseRules, text: str) -> bool:
    return any(hit.kind == "churn" for hit in engine.match(text))


def _templates(lang: str) -> list[tuple[str, str, str, str]]:
    return [
        (intent, register, template["subject"], template["body"])
        for intent, registers in catalogue(lang)["templates"].items()
        for register, template in registers.items()
    ]


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text)}


def _tokens(text: str) -> set[str]:
    straight = text.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    return {t.casefold() for t in TOKEN.findall(straight)}


def _courtesy(text: str) -> list[str]:
    """Italian courtesy forms in ``text``, placeholders left out."""
    return IT_COURTESY.findall(re.sub(r"\$\{?\w+\}?", "x", text))


def test_every_shipped_language_is_checked() -> None:
    """A language added to the data or the catalogue is not left out of the checks below."""
    assert sorted(path.stem for path in dataset.example_files(DATA_DIR)) == sorted(LANGUAGES)
    shipped_phrases = sorted(p.stem.removeprefix("phrases_") for p in DATA_DIR.glob("phrases_*"))
    assert shipped_phrases == sorted(LANGUAGES)
    assert sorted(templates.available_languages()) == sorted(LANGUAGES)


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
    # Training's own reader accepts every line as it is.
    path = DATA_DIR / f"{lang}.jsonl"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        dataset.parse_line(raw, lang=lang, where=f"{path.name}:{number}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ids_and_texts_are_unique(lang: str) -> None:
    rows = examples(lang)
    ids = Counter(row["id"] for row in rows)
    assert [key for key, n in ids.items() if n > 1] == []
    for fold in (str.casefold, str.lower):
        texts = Counter(" ".join(fold(row["text"]).split()) for row in rows)
        assert [key for key, n in texts.items() if n > 1] == [], fold.__name__


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enough_examples_per_intent_sentiment_and_churn(lang: str) -> None:
    rows = examples(lang)
    per_intent = Counter(intent for row in rows for intent in row["intents"])
    assert len(rows) >= MIN_EXAMPLES
    assert {i: per_intent[i] for i in INTENTS if per_intent[i] < MIN_PER_INTENT} == {}
    assert sum(row["churn"] for row in rows) >= MIN_CHURN
    sentiments = Counter(row["sentiment"] for row in rows)
    assert sentiments.keys() == SENTIMENTS
    # Training's own list of sentiments too, should it ever grow.
    every_sentiment = SENTIMENTS | set(dataset.SENTIMENTS)
    assert min(sentiments[s] for s in every_sentiment) >= MIN_PER_SENTIMENT
    cancelled_orders = sum(not row["churn"] and "cancel_order" in row["intents"] for row in rows)
    assert cancelled_orders >= MIN_CANCELLED_ORDERS_STAYING
    cancelled_memberships = sum(not row["churn"] and CANCEL in row["intents"] for row in rows)
    assert cancelled_memberships >= MIN_CANCELLED_MEMBERSHIPS_STAYING


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lengths_are_mixed_from_one_liners_to_long_mails(lang: str) -> None:
    texts = [row["text"] for row in examples(lang)]
    assert sum(len(t) <= 60 for t in texts) >= MIN_SHORT
    assert sum(len(t) >= 200 for t in texts) >= MIN_LONG
    assert sum(len(t) <= 60 and "\n" not in t for t in texts) >= MIN_ONE_LINERS
    assert sum(t.count("\n") >= 2 and len(t) >= 250 for t in texts) >= MIN_LONG_MAILS
    assert sum(t == t.lower() or "??" in t for t in texts) >= MIN_NOISY
    assert sum(len(t) <= 40 for t in texts) >= MIN_UNDER_40_CHARS[lang]
    assert sum(len(t) >= 300 and "\n" in t for t in texts) >= MIN_MAILS_OVER_300


# --- phrase rules --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phrase_file_has_exactly_the_three_rule_lists(lang: str) -> None:
    lists = phrases(lang)
    assert set(lists) == PHRASE_KEYS
    for key, patterns in lists.items():
        assert isinstance(patterns, list), key
        assert patterns, key
        assert all(isinstance(p, str) and p for p in patterns), key
        assert len(set(patterns)) == len(patterns), key
        for pattern in patterns:
            compiled(pattern)
    # The engine's own loader accepts the file as it is.
    parsed = rules.parse(lang, lists)
    assert set(parsed) == set(rules.KINDS) == PHRASE_KEYS
    assert all(parsed[kind] for kind in rules.KINDS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_churn_phrase_finds_a_leaver_and_no_one_who_stays(lang: str) -> None:
    stayers = [row for row in every_language_examples() if not row["churn"]]
    for pattern in phrases(lang)["churn"]:
        rule = compiled(pattern)
        leavers = [row for row in examples(lang) if row["churn"] and rule.search(row["text"])]
        assert leavers, f"{pattern!r} matches no churn example"
        # Triage runs every language's rules on every message, so no language's stayers count.
        false_alarms = [row["id"] for row in stayers if rule.search(row["text"])]
        assert false_alarms == [], f"{pattern!r} fires on customers who stay"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_cancellation_phrase_finds_only_cancellations(lang: str) -> None:
    for pattern in phrases(lang)[CANCEL]:
        rule = compiled(pattern)
        cancellations = [row for row in examples(lang) if CANCEL in row["intents"]]
        assert any(rule.search(row["text"]) for row in cancellations), (
            f"{pattern!r} matches nothing"
        )
        # Still there once the not-churn phrases are blanked, as the engine reads it.
        assert any(rule.search(masked(lang, row["text"])) for row in cancellations), pattern
        wrong = [
            row["id"]
            for row in every_language_examples()
            if CANCEL not in row["intents"] and rule.search(row["text"])
        ]
        assert wrong == [], f"{pattern!r} forces {CANCEL} on other messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_churn_phrases_describe_stayers_and_never_hide_a_leaver(lang: str) -> None:
    rows = examples(lang)
    every_leaver = [row for row in every_language_examples() if row["churn"]]
    for pattern in phrases(lang)["not_churn"]:
        rule = compiled(pattern)
        stayers = [row["id"] for row in rows if not row["churn"] and rule.search(row["text"])]
        assert stayers, f"{pattern!r} matches no churn=false example"
        if NOT_CHURN_NEVER_ON_A_LEAVER[lang]:
            # The engine blanks what not_churn matches before looking for churn.
            leavers = [row["id"] for row in every_leaver if rule.search(row["text"])]
            assert leavers == [], f"{pattern!r} would blank churn examples {leavers}"
    leavers_here = [row for row in rows if row["churn"]]
    raw_hits = {
        row["id"]
        for row in leavers_here
        if any(compiled(p).search(row["text"]) for p in phrases(lang)["churn"])
    }
    after_blanking = {row["id"] for row in leavers_here if says_churn(lang, row["text"])}
    assert raw_hits - after_blanking == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phrase_rules_as_the_engine_applies_them(lang: str) -> None:
    """Blanked by hand, through ``PhraseRules.match`` with the language's own rules, and with
    every shipped language's rules at once: stayers never read as churn, and the explicit
    phrases alone catch (nearly) every leaver in the examples."""
    rows = examples(lang)
    leavers = [row for row in rows if row["churn"]]
    floor = MIN_CHURN_RECALL[lang] * len(leavers)
    assert sum(says_churn(lang, row["text"]) for row in leavers) >= floor
    for name, engine in (("own", own_engine(lang)), ("every", every_language_engine())):
        hits = {row["id"] for row in rows if engine_says_churn(engine, row["text"])}
        assert {row["id"] for row in rows if not row["churn"]} & hits == set(), name
        assert len(hits) >= floor, name


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in UNACCENTED_LEAVERS.items() for text in texts]
)
def test_churn_phrases_survive_dropped_accents(lang: str, text: str) -> None:
    assert any(compiled(p).search(text) for p in phrases(lang)["churn"])
    assert says_churn(lang, text)
    assert engine_says_churn(every_language_engine(), text)


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in LOOK_ALIKES.items() for text in texts]
)
def test_churn_phrases_leave_look_alikes_alone(lang: str, text: str) -> None:
    assert not says_churn(lang, text)
    assert not engine_says_churn(every_language_engine(), text)


# --- reply templates -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_every_intent_in_both_registers(lang: str) -> None:
    data = catalogue(lang)
    assert set(data) == {"language", "templates"}
    assert data["language"] == lang
    entries = data["templates"]
    assert set(entries) == set(INTENTS)
    for intent, registers in entries.items():
        assert set(registers) == set(REGISTERS), intent
        for register, template in registers.items():
            assert set(template) == {"subject", "body"}, (intent, register)
            assert all(isinstance(template[k], str) and template[k].strip() for k in template)
            assert "\n" not in template["subject"], (intent, register)
    # The reply library's own loader accepts the file as it is.
    path = templates.catalogue_path(lang)
    loaded = templates.parse_catalogue(path.read_bytes(), name=path.name, language=lang)
    assert set(loaded.templates) == {(i, r) for i in INTENTS for r in REGISTERS}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_use_only_the_allowed_placeholders(lang: str) -> None:
    allowed = PLACEHOLDERS & templates.PLACEHOLDERS
    for intent, register, subject, body in _templates(lang):
        where = (intent, register)
        for text in (subject, body):
            template = string.Template(text)
            assert template.is_valid(), (intent, register, text)
            assert set(template.get_identifiers()) <= allowed, where
        assert "$due_date" in body, where
        assert "$agent_name" in body.strip().splitlines()[-2], where
        assert body.rstrip().endswith("$shop_name"), where
        if SIGNS_AGENT_THEN_SHOP[lang]:
            assert body.rstrip().endswith("$agent_name\n$shop_name"), where


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_bodies_greet_apologise_commit_and_stay_in_length(lang: str) -> None:
    for intent, register, _subject, body in _templates(lang):
        where = (intent, register)
        salutation = SALUTATIONS[(lang, register)]
        assert body.startswith(salutation + "\n"), (intent, register, body.splitlines()[0])
        assert MIN_WORDS <= len(body.split()) <= MAX_WORDS, where
        if lang in NEXT_STEP:
            assert NEXT_STEP[lang].search(body), where
        apologises = bool(APOLOGY[lang].search(body))
        if intent in MUST_APOLOGISE[lang]:
            assert apologises, where
        if intent == "other":
            assert not apologises, where


@pytest.mark.parametrize(("lang", "register"), sorted(FORBIDDEN_ADDRESS))
def test_templates_never_use_the_other_registers_words(lang: str, register: str) -> None:
    forbidden = FORBIDDEN_ADDRESS[(lang, register)]
    for intent, reg, subject, body in _templates(lang):
        if reg != register:
            continue
        text = f"{subject}\n{body}"
        # Both readings of an apostrophe: "t'" as a token, and the word before it alone.
        assert (_words(text) | _tokens(text)) & forbidden == set(), (intent, register)


@pytest.mark.parametrize(("lang", "register"), sorted(REQUIRED_ADDRESS))
def test_templates_address_the_reader_in_their_own_register(lang: str, register: str) -> None:
    required = REQUIRED_ADDRESS[(lang, register)]
    for intent, reg, subject, body in _templates(lang):
        if reg == register:
            assert _tokens(f"{subject}\n{body}") & required, (intent, register)


@pytest.mark.parametrize("register", REGISTERS)
def test_italian_courtesy_forms_in_formal_templates_only(register: str) -> None:
    for intent, reg, subject, body in _templates("it"):
        if reg != register:
            continue
        if register == "formal":
            assert _courtesy(body), (intent, register)
        else:
            assert _courtesy(f"{subject}\n{body}") == [], (intent, register)


@pytest.mark.parametrize(("lang", "register"), [(lang, r) for lang in ADDRESS for r in REGISTERS])
def test_dutch_and_german_templates_never_mix_registers(lang: str, register: str) -> None:
    other = "informal" if register == "formal" else "formal"
    for intent, reg, subject, body in _templates(lang):
        if reg != register:
            continue
        strays = ADDRESS[lang][other].findall(f"{subject}\n{body}")
        assert strays == [], f"{lang} {intent} {register}: {strays}"
        assert ADDRESS[lang][register].search(body), f"{lang} {intent} {register}"


def test_formal_polish_never_uses_a_second_person_verb() -> None:
    for intent, register, subject, body in _templates("pl"):
        if register == "formal":
            assert PL_SECOND_PERSON_VERB.findall(f"{subject}\n{body}") == [], intent


def test_informal_polish_never_guesses_the_customers_gender() -> None:
    for intent, register, subject, body in _templates("pl"):
        if register == "informal":
            assert PL_GENDERED_SECOND_PERSON.findall(f"{subject}\n{body}") == [], intent


def test_english_formal_templates_avoid_contractions_and_casual_closings() -> None:
    for intent, register, subject, body in _templates("en"):
        if register == "formal":
            assert EN_CONTRACTION.findall(f"{subject}\n{body}") == [], intent
            assert "Kind regards," in body, intent
        else:
            assert "Dear " not in body, intent
            assert "Kind regards" not in body, intent


@pytest.mark.parametrize(
    ("lang", "filled"),
    [(lang, True) for lang in sorted(CONTEXT)] + [(lang, False) for lang in LANGUAGES],
    ids=lambda value: {True: "filled", False: "fallbacks"}.get(value, str(value)),
)
def test_rendered_templates_pass_the_reply_linter(lang: str, filled: bool) -> None:
    loaded = templates.load_catalogue(lang)
    for (intent, register), template in loaded.templates.items():
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


# --- the checks above are not vacuous ------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "register", "mixed", "caught"),
    [
        ("es", "formal", "Le escribimos porque tu pedido ya ha salido.", {"tu"}),
        ("es", "informal", "Te escribimos porque su pedido ya ha salido.", {"su"}),
        ("pl", "formal", "Przepraszamy Państwa. Twoja paczka jest w drodze.", {"twoja"}),
        ("pl", "informal", "Cześć! Czy Pani paczka już dotarła?", {"pani"}),
        (
            "fr",
            "formal",
            "Bonjour Léa,\n\nnous allons vous rembourser et t'envoyer la confirmation.",
            {"t'"},
        ),
        (
            "fr",
            "informal",
            "Bonjour Léa,\n\nmerci pour ton message, votre colis arrive demain.",
            {"votre"},
        ),
        (
            "it",
            "formal",
            "Gentile Rossi,\n\nLa ringraziamo: riceverai il rimborso entro lunedì.",
            {"riceverai"},
        ),
        (
            "lt",
            "formal",
            "Laba diena,\n\načiū, kad parašėte. Tavo užsakymas jau pakeliui.",
            {"tavo"},
        ),
    ],
)
def test_register_check_catches_a_mixed_sentence(
    lang: str, register: str, mixed: str, caught: set[str]
) -> None:
    """The forbidden-word check above is not vacuous: a real mixed sentence trips it."""
    forbidden = FORBIDDEN_ADDRESS[(lang, register)]
    assert (_words(mixed) | _tokens(mixed)) & forbidden == caught
    # Each reading alone already catches it (the French "t'" only as a token).
    assert _tokens(mixed) & forbidden == caught
    if lang != "fr" or register != "formal":
        assert _words(mixed) & forbidden == caught


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "Ciao Giulia,\n\ngrazie del messaggio: Le invieremo il Suo pacco e poi ti scrivo.",
            ["Le", "Suo"],
        ),
        ("Ciao Giulia,\n\nprovvederemo a inviarLe il pacco.", ["inviarLe"]),
        ("Ciao Giulia,\n\nLa spedizione parte oggi. Le scarpe arrivano domani.", []),
    ],
)
def test_italian_courtesy_check_is_not_vacuous(text: str, found: list[str]) -> None:
    assert _courtesy(text) == found


def test_polish_verb_and_gender_checks_are_not_vacuous() -> None:
    assert PL_SECOND_PERSON_VERB.findall("Nasz kurier przyjedzie, gdy tylko możesz.") == ["możesz"]
    assert PL_GENDERED_SECOND_PERSON.findall("Mam nadzieję, że zamówiłaś sama.") == [
        "zamówiłaś",
        "sama",
    ]


@pytest.mark.parametrize(
    ("text", "cancels"),
    [
        ("Premium ist gekündigt, ab jetzt bestelle ich woanders.", True),
        ("Ich habe meine Mitgliedschaft schon letzte Woche gekündigt.", True),
        ("Ich kündige mein Abo zum Monatsende.", True),
        ("Die Kreditkarte ist gekündigt, bitte aufs Girokonto überweisen.", False),
    ],
)
def test_german_cancellations_in_the_participle_too(text: str, cancels: bool) -> None:
    """German reports a cancellation done as often as one wanted: "Premium ist gekündigt"."""
    found = any(compiled(p).search(text) for p in phrases("de")[CANCEL])
    assert found == cancels
