# ruff: noqa: RUF001  (a typographic apostrophe is what one test is about)
"""Register of address, per language: mixed sentences are caught with the right words
highlighted; clean sentences are not flagged in their own register (and are in the other).

Only the register findings are looked at here: a single sentence has no greeting or date.
"""

from __future__ import annotations

import pytest

from amends.replies.linter import ERROR, Code, Finding, lint
from tests.replies.register_cases import MIXED
from tests.replies.register_clean import FORMAL, INFORMAL

REGISTER_CODES = {Code.REGISTER_WRONG, Code.REGISTER_MIXED, Code.REGISTER_AMBIGUOUS}


def register_findings(text: str, language: str, register: str) -> list[Finding]:
    result = lint(text, language=language, register=register, at_fault=False)
    return [f for f in result.findings if f.code in REGISTER_CODES]


def cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(language, text) for language, texts in table.items() for text in texts]


def test_every_language_with_registers_has_enough_sentences() -> None:
    assert set(MIXED) == set(FORMAL) == set(INFORMAL) == {"fr", "nl", "de", "es", "it", "pl", "lt"}
    for table in (MIXED, FORMAL, INFORMAL):
        assert all(len(texts) >= 8 for texts in table.values())


@pytest.mark.parametrize(
    ("language", "text", "informal", "formal"),
    [(lang, *case) for lang, rows in MIXED.items() for case in rows],
)
def test_a_mixed_reply_is_an_error_with_the_wrong_words_highlighted(
    language: str, text: str, informal: tuple[str, ...], formal: tuple[str, ...]
) -> None:
    for register, wrong in (("formal", informal), ("informal", formal)):
        [finding] = register_findings(text, language, register)
        assert finding.code == Code.REGISTER_MIXED, (register, finding)
        assert finding.severity == ERROR
        assert tuple(span.text for span in finding.spans) == wrong, register
        assert all(text[s.start : s.end] == s.text for s in finding.spans)


@pytest.mark.parametrize(("language", "text"), cases(FORMAL))
def test_a_clean_formal_sentence_is_not_flagged(language: str, text: str) -> None:
    assert register_findings(text, language, "formal") == []
    assert register_findings(text, language, "informal"), "formal words must count as formal"


@pytest.mark.parametrize(("language", "text"), cases(INFORMAL))
def test_a_clean_informal_sentence_is_not_flagged(language: str, text: str) -> None:
    assert register_findings(text, language, "informal") == []
    assert register_findings(text, language, "formal"), "informal words must count as informal"


@pytest.mark.parametrize(
    ("language", "text", "words"),
    [
        ("nl", "Geachte heer Smit,\n\nWij sturen je morgen een nieuw pakket.", ("je",)),
        ("de", "Guten Tag,\n\nwir schicken dir morgen Ersatz.", ("dir",)),
        ("fr", "Bonjour,\n\nnous t'envoyons un nouveau colis demain.", ("t'",)),
        ("pl", "Dzień dobry,\n\nwyślemy Ci jutro nową paczkę.", ("Ci",)),
    ],
)
def test_a_formal_reply_written_informally_is_wrong(
    language: str, text: str, words: tuple[str, ...]
) -> None:
    [finding] = register_findings(text, language, "formal")
    assert finding.code == Code.REGISTER_WRONG
    assert tuple(s.text for s in finding.spans) == words


def test_a_typographic_apostrophe_is_an_apostrophe() -> None:
    [finding] = register_findings("Nous t’envoyons vos colis demain.", "fr", "formal")
    assert [s.text for s in finding.spans] == ["t’"]


def test_the_customers_quoted_words_do_not_count() -> None:
    text = (
        "Geachte heer Smit,\n\nWij sturen u morgen een nieuw pakket.\n\n"
        "> Waar blijft mijn pakket? Jij zou het gisteren sturen, heb je het wel verstuurd?\n"
        ">> jullie zijn echt onbetrouwbaar"
    )
    assert register_findings(text, "nl", "formal") == []


def test_words_without_their_accents_still_count() -> None:
    [finding] = register_findings("Dekojame, jusu uzsakymas issiustas, tavo preke.", "lt", "formal")
    assert [s.text for s in finding.spans] == ["tavo"]
    [finding] = register_findings("Przepraszamy, wyslemy cie jutro do Pana.", "pl", "informal")
    assert [s.text for s in finding.spans] == ["Pana"]


def test_spanish_su_alone_is_only_a_warning_in_an_informal_reply() -> None:
    text = "Hemos hablado con el vendedor y nos ha enviado su factura; te la reenviamos hoy."
    [finding] = register_findings(text, "es", "informal")
    assert finding.code == Code.REGISTER_AMBIGUOUS
    assert finding.severity == "warning"
    assert [s.text for s in finding.spans] == ["su"]


def test_german_sentence_initial_sie_counts_only_before_a_fitting_verb() -> None:
    # "Sie wurde versandt": she (the order) was sent; never address.
    assert (
        register_findings("Sie wurde gestern versandt, du bekommst sie morgen.", "de", "informal")
        == []
    )
    # "Sie erhalten" is "you receive" far more often than "they receive": a warning.
    [finding] = register_findings(
        "Sie erhalten morgen eine Gutschrift, danke dir.", "de", "informal"
    )
    assert finding.code == Code.REGISTER_AMBIGUOUS
    assert [s.text for s in finding.spans] == ["Sie"]


def test_english_has_no_register_check() -> None:
    result = lint("Hey mate, we'll sort it.", language="en", register="formal", at_fault=False)
    assert not {f.code for f in result.findings} & REGISTER_CODES
