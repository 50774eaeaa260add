"""How documents and queries are cut into words before any database sees them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.search.text import (
    MAX_TERM_LENGTH,
    MAX_TERMS,
    compact,
    fold,
    folded_words,
    identifiers_of,
    parse,
    terms,
    words_of,
)


def test_documents_keep_their_accents_for_the_stemmers() -> None:
    assert words_of("Colis jamais REÇU — livrée ?") == "colis jamais reçu livrée"
    assert words_of("AM-000123 / FR-1001, elodie@mail.example") == (
        "am 000123 fr 1001 elodie mail example"
    )


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Reçu", "recu"),
        ("Łódź", "lodz"),  # ł does not decompose; spelled out
        ("Straße", "strasse"),
        ("Øre Æble Œuvre", "ore aeble oeuvre"),
        ("grąžinimas", "grazinimas"),
        ("İstanbul", "istanbul"),  # the dot left by lower-casing İ does not cut the word
        ("ﬁle ①", "file 1"),  # compatibility forms
    ],
)
def test_folding_covers_the_letters_no_decomposition_takes_apart(text: str, folded: str) -> None:
    assert folded_words(text) == folded
    assert fold(words_of(text)) == folded  # folding the stored words gives the same


def test_letters_no_engine_folds_are_spelled_out_in_documents_too() -> None:
    # FTS5's remove_diacritics leaves ł, ß, ø, æ, œ alone, so the document spells them out
    assert words_of("Łódź Straße") == "lódź strasse"


def test_identifiers_are_compacted_one_per_word() -> None:
    assert compact("AM-000123") == "am000123"
    assert compact("+33 6 12 34") == "3361234"
    assert identifiers_of(["AM-000123", "elodie@mail.example", "", "!!"]) == (
        "am000123 elodiemailexample"
    )


def test_a_query_is_at_most_eight_words_of_letters_and_digits() -> None:
    query = parse('Où "est" FR-362* AND NEAR(a b) -x:y')
    assert query.folded == ("ou", "est", "fr", "362", "and", "near", "a", "b")
    assert query.words[0] == "où"  # as typed, for the stemmers
    assert query.compact == "ouestfr362andnearab"
    assert len(parse("a " * 50).folded) == MAX_TERMS
    assert terms("Reçu") == ["recu"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!! ??? ... ---", '"*"', "\x00\x00", "🙂📦🚚", "()", "-:*^~"],
)
def test_a_query_without_letters_or_digits_is_empty(text: str) -> None:
    assert not parse(text)


def test_nul_bytes_rtl_text_and_huge_input() -> None:
    assert parse("a\x00b").folded == ("a", "b")
    assert parse("שלום עולם").folded == ("שלום", "עולם")
    assert parse("مرحبا").folded == ("مرحبا",)
    huge = parse("x" * 10_000)
    assert huge.folded == ("x" * MAX_TERM_LENGTH,)
    many = parse("ab " * 5_000)  # only the start of a long query is read
    assert len(many.folded) == MAX_TERMS


@given(st.text())
def test_any_text_gives_words_of_letters_and_digits(text: str) -> None:
    query = parse(text)
    assert len(query.folded) <= MAX_TERMS
    for word in (*query.words, *query.folded):
        assert word
        assert len(word) <= MAX_TERM_LENGTH
        assert all(c.isalnum() for c in word), word
    assert "\x00" not in words_of(text)
