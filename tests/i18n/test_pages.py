"""Every page in each of the eight languages; the switcher; the remembered language."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from amends.accounts.models import User
from amends.customers.models import Customer
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
)

pytestmark = pytest.mark.django_db

# One string per page and language, as a native speaker would expect to find it.
EXPECTED = {
    "home": {
        "en": "Customer service that makes amends",
        "fr": "Un service client qui sait réparer ses erreurs",
        "nl": "Klantenservice die het weer goedmaakt",
        "de": "Kundenservice, der wiedergutmacht",
        "es": "Una atención al cliente que sabe enmendar sus errores",
        "it": "Un servizio clienti che sa rimediare",
        "pl": "Obsługa klienta, która naprawia błędy",
        "lt": "Klientų aptarnavimas, kuris ištaiso klaidas",
    },
    "contact": {
        "en": "What went wrong?",
        "fr": "Quel est le problème ?",
        "nl": "Wat is er misgegaan?",
        "de": "Was ist schiefgelaufen?",
        "es": "¿Qué ha ocurrido?",
        "it": "Qual è il problema?",
        "pl": "Co poszło nie tak?",
        "lt": "Kas nutiko?",
    },
    "login": {
        "en": "Password",
        "fr": "Mot de passe",
        "nl": "Wachtwoord",
        "de": "Passwort",
        "es": "Contraseña",
        "it": "Password",
        "pl": "Hasło",
        "lt": "Slaptažodis",
    },
    "queue": {
        "en": "Everything I can see",
        "fr": "Tout ce que je vois",
        "nl": "Alles wat ik kan zien",
        "de": "Alles, was ich sehe",
        "es": "Todo lo que puedo ver",
        "it": "Tutto ciò che vedo",
        "pl": "Wszystko, co widzę",
        "lt": "Viskas, ką matau",
    },
    "portal": {
        "en": "Last change",
        "fr": "Dernière modification",
        "nl": "Laatst gewijzigd",
        "de": "Letzte Änderung",
        "es": "Última modificación",
        "it": "Ultima modifica",
        "pl": "Ostatnia zmiana",
        "lt": "Paskutinis pakeitimas",
    },
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def in_language(language: str, user: User | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match
    return match.group(1)


def test_every_language_has_an_expected_string() -> None:
    assert all(set(by_language) == set(LANGUAGES) for by_language in EXPECTED.values())
    assert len(LANGUAGES) == 8


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_in_each_language(language: str) -> None:
    client = in_language(language)
    for page, url in (("home", "/"), ("contact", "/contact/"), ("login", "/accounts/login/")):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert html_lang(html) == language, url
        assert EXPECTED[page][language] in html, (url, language)
        assert response["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_console_and_portal_in_each_language(language: str) -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=agent)
    customer = make_customer_user(case.customer)
    queue = in_language(language, agent).get("/console/?queue=all").content.decode()
    assert html_lang(queue) == language
    assert EXPECTED["queue"][language] in queue
    portal = in_language(language, customer).get("/my/cases/").content.decode()
    assert html_lang(portal) == language
    assert EXPECTED["portal"][language] in portal
    assert case.reference in portal


def test_every_page_carries_the_language_switcher() -> None:
    html = Client().get("/contact/").content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', html, re.S)
    assert form, "no switcher"
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert '<label for="language-select">' in form.group(0)
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in form.group(0)
        assert name in form.group(0)
    assert "<script" not in form.group(0)


def test_switching_sets_the_cookie_for_anyone() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/contact/"})
    assert response.status_code == 302
    assert response["Location"] == "/contact/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert html_lang(client.get("/contact/").content.decode()) == "nl"


def test_a_signed_in_agents_choice_is_saved_and_follows_them() -> None:
    agent = make_agent(TeamFactory())
    client = Client()
    client.force_login(agent)
    client.post("/i18n/setlang/", {"language": "de", "next": "/console/"})
    agent.refresh_from_db()
    assert agent.language == "de"
    # Another browser, no cookie, an English Accept-Language: the saved choice wins.
    elsewhere = Client(headers={"accept-language": "en"})
    elsewhere.force_login(agent)
    page = elsewhere.get("/console/").content.decode()
    assert html_lang(page) == "de"
    assert "Warteschlange" in page


def test_an_unknown_language_is_not_saved() -> None:
    agent = make_agent(TeamFactory())
    client = Client()
    client.force_login(agent)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/console/"})
    agent.refresh_from_db()
    assert agent.language == "en"


def test_a_customers_pages_follow_the_customer_record() -> None:
    customer = make_customer_user(CustomerFactory(language="lt"))
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    page = client.get("/my/cases/").content.decode()
    assert html_lang(page) == "lt"
    assert "Mano užklausos" in page
    client.post("/i18n/setlang/", {"language": "pl", "next": "/my/cases/"})
    assert Customer.objects.get(user=customer).language == "pl"
    customer.refresh_from_db()
    assert customer.language == "pl"
    assert "Moje zgłoszenia" in client.get("/my/cases/").content.decode()


def test_an_explicit_choice_beats_the_saved_language() -> None:
    agent = make_agent(TeamFactory(), language="it")
    page = in_language("fr", agent).get("/console/").content.decode()
    assert html_lang(page) == "fr"


def test_dates_follow_the_locale() -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=agent)
    customer = make_customer_user(case.customer)
    # The portal shows times in the storefront's zone, so near midnight UTC
    # the date differs from the UTC one.
    stamp = case.updated_at.astimezone(ZoneInfo(case.brand.time_zone))
    german = in_language("de", customer).get("/my/cases/").content.decode()
    assert stamp.strftime("%d.%m.%Y") in german
    english = in_language("en", customer).get("/my/cases/").content.decode()
    assert stamp.strftime("%m/%d/%Y") in english
