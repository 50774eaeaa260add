"""Formal and informal address: the informal catalogue is used for customers addressed informally,
falls back to the formal one for everything that does not address the reader, and never mixes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from amends.core import register
from tests.factories import CaseFactory, make_customer_user
from tests.i18n.test_catalogues import INFORMAL_WORDS, LOCALE_DIR, TRANSLATED, catalogue, words

# Words that address the reader formally; none may appear in an informal message.
FORMAL_WORDS: dict[str, tuple[set[str], bool]] = {
    # language: (words, case-sensitive)
    "fr": ({"vous", "votre", "vos"}, False),
    "nl": ({"u", "uw"}, False),
    "de": ({"Sie", "Ihnen", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer", "Ihres"}, True),
    "es": ({"usted", "ustedes"}, False),
    "it": ({"Lei", "Suo", "Sua", "Suoi", "Sue"}, True),
    "pl": ({"pan", "pani", "państwo", "państwa", "państwu", "pana"}, False),
    "lt": ({"jūs", "jūsų", "jums", "jus"}, False),
}


def customer_facing(entry: polib.POEntry) -> bool:
    return register.is_customer_facing(
        msgid=entry.msgid, paths=(path for path, _ in entry.occurrences)
    )


def texts(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def formal_words_in(language: str, text: str) -> set[str]:
    banned, case_sensitive = FORMAL_WORDS[language]
    plain = re.sub(r"<[^>]+>|%\(\w+\)s", " ", text)
    found = set(re.findall(r"[^\W\d_]+", plain))
    if not case_sensitive:
        found = {w.lower() for w in found}
    return found & banned


def informal_catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "informal.po"))


# --- the mechanism, on a catalogue made for the test -------------------------------------------


@pytest.fixture
def test_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    po.append(polib.POEntry(msgid="Your message", msgstr="Ton message"))
    po.append(
        polib.POEntry(
            msgid="%(n)s message for you",
            msgid_plural="%(n)s messages for you",
            msgstr_plural={0: "%(n)s message pour toi", 1: "%(n)s messages pour toi"},
        )
    )
    po.append(polib.POEntry(msgid="Write", msgctxt="verb", msgstr="Écris"))
    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po.save_as_mofile(str(target / "informal.mo"))
    monkeypatch.setattr(register, "LOCALE_DIR", tmp_path)
    register.reset_cache()
    yield tmp_path
    register.reset_cache()


@pytest.mark.usefixtures("test_locale")
def test_informal_messages_come_first_and_the_rest_falls_back_to_the_formal_catalogue() -> None:
    with register.override("fr", register.INFORMAL):
        assert gettext("Your message") == "Ton message"
        assert ngettext("%(n)s message for you", "%(n)s messages for you", 3) == (
            "%(n)s messages pour toi"
        )
        assert pgettext("verb", "Write") == "Écris"
        # Not in the informal catalogue: the formal (main) catalogue's French.
        assert gettext("Status") == translation.override("fr")(lambda: gettext("Status"))()
        assert gettext("Status") != "Status"
        assert translation.get_language() == "fr"
    with register.override("fr", register.FORMAL):
        assert gettext("Your message") != "Ton message"
    with translation.override("fr"):
        assert gettext("Your message") != "Ton message", "the register does not leak out"


@pytest.mark.usefixtures("test_locale")
def test_a_language_without_an_informal_catalogue_is_unchanged() -> None:
    with translation.override("nl"):
        formal = gettext("Status")
    with register.override("nl", register.INFORMAL):
        assert gettext("Status") == formal
        assert translation.get_language() == "nl"


@pytest.mark.django_db
@pytest.mark.usefixtures("test_locale")
def test_a_customer_addressed_informally_gets_informal_pages_and_others_do_not() -> None:
    case = CaseFactory(customer__language="fr", customer__register="informal")
    informal = make_customer_user(case.customer)
    other = CaseFactory(customer__language="fr", customer__register="formal")
    formal = make_customer_user(other.customer)

    def page(user: object, case_id: int) -> str:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        response = client.get(f"/my/cases/{case_id}/")
        assert response.status_code == 200
        return response.content.decode()

    assert "Ton message" in page(informal, case.pk)
    assert "Ton message" not in page(formal, other.pk)


# --- the real catalogues -----------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_customer_facing_message_has_an_informal_wording(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "informal.po"
    assert path.exists(), f"{path} is missing"
    informal = {(e.msgctxt, e.msgid): e for e in informal_catalogue(language)}
    missing = [
        e.msgid
        for e in catalogue(language)
        if customer_facing(e) and (e.msgctxt, e.msgid) not in informal
    ]
    assert not missing, f"{len(missing)} customer-facing messages lack an informal wording:\n" + (
        "\n".join(missing)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_informal_wording_is_complete_current_and_never_formal(language: str) -> None:
    formal = {(e.msgctxt, e.msgid): e for e in catalogue(language)}
    problems = []
    for entry in informal_catalogue(language):
        key = (entry.msgctxt, entry.msgid)
        if entry.obsolete:
            continue
        if key not in formal:
            problems.append(f"not in django.po (stale?): {entry.msgid!r}")
            continue
        if "fuzzy" in entry.flags or not all(texts(entry)):
            problems.append(f"untranslated or fuzzy: {entry.msgid!r}")
        for text in texts(entry):
            if formal_words_in(language, text):
                problems.append(f"formal address in {entry.msgid!r} → {text!r}")
            wanted = sorted(re.findall(r"%\(\w+\)s", entry.msgid))
            if sorted(re.findall(r"%\(\w+\)s", text)) != wanted:
                problems.append(f"placeholders differ: {entry.msgid!r} → {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_informal_catalogue_is_current(language: str) -> None:
    po = LOCALE_DIR / language / "LC_MESSAGES" / "informal.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run scripts/test.sh (or compilemessages in src/amends)"
    assert {e.msgid for e in polib.mofile(str(mo))} >= {
        e.msgid for e in informal_catalogue(language) if not e.obsolete
    }


def test_the_checks_tell_the_registers_apart() -> None:
    assert formal_words_in("fr", "Nous avons reçu votre message")
    assert not formal_words_in("fr", "Nous avons reçu ton message")
    assert formal_words_in("de", "Schreiben Sie uns")
    assert not formal_words_in("de", "Schreib uns, sie antworten bald")
    assert formal_words_in("nl", "Wij hebben uw bericht")
    assert words("Wij hebben je bericht") & set(INFORMAL_WORDS["nl"])


# --- the customer's own choice -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_customer_chooses_how_they_are_addressed_in_their_own_words() -> None:
    case = CaseFactory(customer__language="de", customer__register="formal")
    user = make_customer_user(case.customer)
    client = Client()
    client.force_login(user)
    html = client.get("/my/cases/").content.decode()
    assert 'name="register"' in html
    assert ">Sie</option>" in html
    assert ">du</option>" in html

    response = client.post("/i18n/setregister/", {"register": "informal", "next": "/my/cases/"})
    assert response.status_code == 302
    assert response["Location"] == "/my/cases/"
    case.customer.refresh_from_db()
    assert case.customer.register == "informal"


@pytest.mark.django_db
def test_the_register_choice_refuses_bad_values_and_foreign_redirects() -> None:
    case = CaseFactory(customer__language="fr", customer__register="formal")
    client = Client()
    client.force_login(make_customer_user(case.customer))
    assert client.post("/i18n/setregister/", {"register": "casual"}).status_code == 400
    assert client.get("/i18n/setregister/").status_code == 405
    response = client.post(
        "/i18n/setregister/", {"register": "informal", "next": "https://evil.test/"}
    )
    assert response["Location"] == "/"
    case.customer.refresh_from_db()
    assert case.customer.register == "informal"


@pytest.mark.django_db
def test_staff_and_english_pages_offer_no_register_choice() -> None:
    from tests.factories import TeamFactory, make_agent

    agent = make_agent(TeamFactory())
    client = Client()
    client.force_login(agent)
    assert 'name="register"' not in client.get("/console/").content.decode()
    response = client.post("/i18n/setregister/", {"register": "informal"})
    assert response.status_code == 302  # accepted, and changes nothing for staff

    case = CaseFactory(customer__language="en")
    client.force_login(make_customer_user(case.customer))
    assert 'name="register"' not in client.get("/my/cases/").content.decode()
