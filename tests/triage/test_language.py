"""Language ID: short and long texts, the brand's languages, unknowns, mixed messages."""

from __future__ import annotations

import pytest

from amends.triage.language import identify
from amends.triage.result import UNKNOWN


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("waar blijft mijn pakket??", "nl"),
        ("où est mon colis", "fr"),
        ("wo ist mein Paket", "de"),
        ("dónde está mi pedido", "es"),
        ("dov'è il mio ordine?", "it"),
        ("gdzie jest moja paczka", "pl"),
        ("kur mano siunta?", "lt"),
        ("where is my parcel", "en"),
        ("colis jamais recu, remboursez moi", "fr"),
        ("zamowienie nie dotarlo, co sie dzieje", "pl"),
    ],
)
def test_short_texts(text: str, lang: str) -> None:
    assert identify(text).lang == lang


def test_a_long_mail_with_numbers_and_a_carrier_name() -> None:
    text = (
        "Goedemiddag,\n\nMijn bestelling NL-2026-004812 is volgens PostNL (3SABCD1234567) al "
        "drie keer aangeboden terwijl ik gewoon thuis was. Er is niet aangebeld. Kunnen jullie "
        "ervoor zorgen dat het pakket morgen alsnog wordt bezorgd?\n\n"
        "Met vriendelijke groet,\nNiels"
    )
    guess = identify(text)
    assert (guess.lang, guess.shares) == ("nl", (("nl", 1.0),))
    assert guess.score > 0.99


@pytest.mark.parametrize("text", ["ok", "NL-2026-004812", "€ 39,90", "👍👍", "?!", "3SABCD1234567"])
def test_what_is_not_language_is_unknown(text: str) -> None:
    assert identify(text).lang == UNKNOWN


def test_only_the_brands_languages_are_answered_and_a_foreign_text_is_unknown() -> None:
    german = "Guten Tag, mein Paket ist nicht angekommen und niemand antwortet mir."
    assert identify(german).lang == "de"
    assert identify(german, languages=["nl", "fr"]).lang == UNKNOWN
    dutch = "Mijn pakket is nog steeds niet bezorgd en niemand reageert op mijn berichten."
    assert identify(dutch, languages=["nl", "fr"]).lang == "nl"


def test_a_mixed_message_reports_both_languages_with_their_shares() -> None:
    text = (
        "Bonjour, ma commande n'est jamais arrivée. J'attends depuis deux semaines déjà.\n"
        "Hallo, ik wacht al twee weken op mijn bestelling en niemand helpt mij verder."
    )
    guess = identify(text)
    assert {lang for lang, _ in guess.shares} == {"fr", "nl"}
    assert guess.lang == guess.shares[0][0]
    assert sum(share for _, share in guess.shares) == pytest.approx(1.0, abs=0.01)


def test_a_one_language_message_with_a_foreign_word_is_not_mixed() -> None:
    guess = identify("Hello, my order never came. Merci. Please tell me where the parcel is now.")
    assert guess.lang == "en"
    assert [lang for lang, _ in guess.shares] == ["en"]


def test_empty_and_huge_texts_do_not_break_it() -> None:
    assert identify("").lang == UNKNOWN
    assert identify("   \n\t ").lang == UNKNOWN
    assert identify("où est mon colis ? " * 5000).lang == "fr"
