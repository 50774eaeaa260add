"""Ways native writers say "thank you for telling us", "we are sorry" and "we will …" that the
linter must recognise (found while writing the reply templates)."""

from __future__ import annotations

import pytest

from amends.replies.linter import Code, lint


@pytest.mark.parametrize(
    ("language", "register", "sentence", "code"),
    [
        # Lithuanian puts a comma before "kad".
        ("lt", "formal", "Dėkojame, kad pranešėte apie siuntą.", Code.ACKNOWLEDGEMENT_MISSING),
        ("lt", "informal", "Ačiū, kad parašei.", Code.ACKNOWLEDGEMENT_MISSING),
        # Polish: "bardzo nam przykro", the pronoun first.
        ("pl", "formal", "Bardzo nam przykro z tego powodu.", Code.APOLOGY_MISSING),
        # German says the future in the present, in the first person.
        ("de", "formal", "Morgen melde ich mich bei Ihnen.", Code.ACTION_MISSING),
        # Dutch: "morgen krijg je bericht".
        ("nl", "informal", "Morgen krijg je bericht van ons.", Code.ACTION_MISSING),
    ],
)
def test_the_phrase_is_recognised(language: str, register: str, sentence: str, code: Code) -> None:
    result = lint(sentence, language=language, register=register, at_fault=True)
    assert code not in result.codes
