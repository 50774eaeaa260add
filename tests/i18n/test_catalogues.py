"""The translation catalogues: complete, not fuzzy, plural forms right, one register throughout."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

import amends

LOCALE_DIR = Path(amends.__file__).resolve().parent / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLURAL_FORMS = {"fr": 2, "nl": 2, "de": 2, "es": 3, "it": 2, "pl": 4, "lt": 4}

# Informal address per language. The customer-facing UI is formal (vous, u, Sie, usted, Lei,
# neutral Polish with Państwo, jūs); the console addresses agents neutrally. So no msgstr may
# contain these words — except the labels that name the register itself.
INFORMAL_WORDS = {
    "fr": ["tu", "toi", "ton", "ta", "tes", "te", "t'"],
    "nl": ["je", "jij", "jouw", "jou", "jullie"],
    "de": ["du", "dich", "dir", "dein", "deine", "deinen", "deiner", "euch", "euer"],
    "es": ["tú", "tu", "tus", "te", "ti", "tienes", "puedes", "vosotros"],
    "it": ["tu", "ti", "tuo", "tua", "tuoi", "tue"],
    "pl": ["ty", "twój", "twoja", "twoje", "twojego", "ciebie", "cię", "tobie"],
    "lt": ["tu", "tavo", "tave", "tau"],
}
NAMES_THE_REGISTER = {"Informal", "Formal"}


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def words(text: str) -> set[str]:
    plain = re.sub(r"<[^>]+>|%\(\w+\)s", " ", text).lower()
    found = set(re.findall(r"[^\W\d_]+'?", plain))
    return found | {w.rstrip("'") for w in found}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    po = catalogue(language)
    assert len(po) > 150
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    assert not po.obsolete_entries()


@pytest.mark.parametrize("language", TRANSLATED)
def test_plurals_have_every_form_and_keep_the_placeholders(language: str) -> None:
    po = catalogue(language)
    assert f"nplurals={PLURAL_FORMS[language]};" in po.metadata["Plural-Forms"].replace(" ", "")
    for entry in po:
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural:
            assert len(forms) == PLURAL_FORMS[language], entry.msgid
        wanted = sorted(re.findall(r"%\(\w+\)s", entry.msgid))
        for form in forms:
            assert sorted(re.findall(r"%\(\w+\)s", form)) == wanted, (entry.msgid, form)
            assert form.count("<strong>") == entry.msgid.count("<strong>"), (entry.msgid, form)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_informal_address_slips_in(language: str) -> None:
    banned = set(INFORMAL_WORDS[language])
    slips = []
    for entry in catalogue(language):
        if entry.msgid in NAMES_THE_REGISTER:
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if words(text) & banned:
                slips.append(f"{entry.msgid!r} → {text!r}")
    assert not slips, "\n".join(slips)


def test_the_register_check_catches_informal_address() -> None:
    assert words("Merci, nous avons bien reçu ton message") & set(INFORMAL_WORDS["fr"])
    assert words("Schreib uns, wenn du Fragen hast") & set(INFORMAL_WORDS["de"])
    assert words("Bedankt, we hebben je bericht") & set(INFORMAL_WORDS["nl"])
    assert not words("Merci, nous avons bien reçu votre message") & set(INFORMAL_WORDS["fr"])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_current(language: str) -> None:
    """scripts/lib.sh (messages_compile) builds the .mo at install; a stale one misleads."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run scripts/test.sh (or compilemessages in src/amends)"
    compiled = polib.mofile(str(mo))
    assert {e.msgid for e in compiled} >= {e.msgid for e in catalogue(language)}
