"""The optional machine translation for agents, against a fake LibreTranslate that answers as
the documented ``POST /translate`` does: a translation, an error, silence, or nonsense."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import override_settings

from amends.accounts.models import Team
from amends.conversations.services import message_receive
from amends.replies.translation import (
    MAX_CHARS,
    LibreTranslateBackend,
    agent_languages,
    message_language,
    needs_translation,
    translate_message,
    translation_backend,
    translation_target,
)
from amends.triage.models import MessageTriage
from tests.factories import CaseFactory, TeamFactory, brand_of, make_agent

pytestmark = pytest.mark.django_db

URL = "http://translate.test:5000"
BACKEND = "amends.replies.translation.LibreTranslateBackend"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeLibreTranslate:
    """Records every request; answers with ``answer`` (a response, or an exception to raise)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: Callable[[dict[str, Any]], httpx.Response] = self.translate

    @staticmethod
    def translate(body: dict[str, Any]) -> httpx.Response:
        return httpx.Response(200, json={"translatedText": f"[{body['target']}] {body['q']}"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.url.path == "/translate"
        body = json.loads(request.content)
        self.requests.append(body)
        return self.answer(body)


@pytest.fixture
def fake() -> Iterator[FakeLibreTranslate]:
    service = FakeLibreTranslate()
    settings = {
        "BACKEND": BACKEND,
        "URL": URL + "/",
        "TIMEOUT": "2",
        "TRANSPORT": httpx.MockTransport(service),
    }
    cache.clear()
    with override_settings(AMENDS_TRANSLATION=settings):
        yield service
    cache.clear()


def test_off_without_a_backend() -> None:
    with override_settings(AMENDS_TRANSLATION={"BACKEND": "", "URL": URL}):
        assert translation_backend() is None
        result = translate_message(message_id=1, text="Dzień dobry", source="pl", target="en")
    assert result.text is None


@pytest.mark.parametrize(
    "conf",
    [
        {"BACKEND": "amends.replies.translation.NoSuchBackend", "URL": URL},
        {"BACKEND": "no.such.module.Backend", "URL": URL},
        {"BACKEND": BACKEND, "URL": ""},
        {"BACKEND": BACKEND, "URL": "file:///etc/passwd"},
        {"BACKEND": BACKEND, "URL": URL, "TIMEOUT": "soon"},
    ],
)
def test_a_misconfiguration_means_off_never_a_crash(conf: dict[str, str]) -> None:
    with override_settings(AMENDS_TRANSLATION=conf):
        assert translation_backend() is None


def test_translates_with_the_documented_request(fake: FakeLibreTranslate) -> None:
    result = translate_message(message_id=7, text="Dzień dobry", source="pl", target="en")
    assert result.text == "[en] Dzień dobry"
    assert (result.source, result.target, result.truncated) == ("pl", "en", False)
    assert fake.requests == [{"q": "Dzień dobry", "source": "pl", "target": "en", "format": "text"}]


def test_the_api_key_is_sent_when_set() -> None:
    service = FakeLibreTranslate()
    backend = LibreTranslateBackend(
        url=URL, api_key="secret", transport=httpx.MockTransport(service)
    )
    assert backend.translate("Labas", source="lt", target="en") == "[en] Labas"
    assert service.requests[0]["api_key"] == "secret"


def test_the_transport_may_be_named_by_a_dotted_path(fake: FakeLibreTranslate) -> None:
    conf = {"BACKEND": BACKEND, "URL": URL, "TRANSPORT": "tests.replies.test_translation.echo"}
    with override_settings(AMENDS_TRANSLATION=conf):
        result = translate_message(message_id=8, text="Hallo", source="nl", target="en")
    assert result.text == "[en] Hallo"


def echo() -> httpx.MockTransport:
    return httpx.MockTransport(FakeLibreTranslate())


def test_cached_per_message(fake: FakeLibreTranslate) -> None:
    for _ in range(3):
        result = translate_message(message_id=9, text="Ciao", source="it", target="en")
        assert result.text == "[en] Ciao"
    assert len(fake.requests) == 1
    translate_message(message_id=9, text="Ciao", source="it", target="fr")
    translate_message(message_id=10, text="Ciao", source="it", target="en")
    translate_message(message_id=9, text="Ciao!", source="it", target="en")  # a changed text
    assert len(fake.requests) == 4


def _raise(error: Exception) -> Callable[[dict[str, Any]], httpx.Response]:
    def answer(body: dict[str, Any]) -> httpx.Response:
        raise error

    return answer


@pytest.mark.parametrize(
    "answer",
    [
        _raise(httpx.ReadTimeout("slow")),
        _raise(httpx.ConnectError("refused")),
        lambda body: httpx.Response(500, json={"error": "Internal error"}),
        lambda body: httpx.Response(400, json={"error": "Invalid request: missing q parameter"}),
        lambda body: httpx.Response(403, json={"error": "Invalid API key"}),
        lambda body: httpx.Response(429, json={"error": "Slowdown: 20 per 1 minute"}),
        lambda body: httpx.Response(301, headers={"Location": "http://elsewhere.test/"}),
        lambda body: httpx.Response(200, text="<html>not json</html>"),
        lambda body: httpx.Response(200, json=["translatedText"]),
        lambda body: httpx.Response(200, json={"translatedText": None}),
        lambda body: httpx.Response(200, json={"translatedText": "   "}),
        lambda body: httpx.Response(200, json={"translatedText": "x" * 300_000}),
    ],
    ids=[
        "timeout",
        "refused",
        "500",
        "400",
        "403",
        "429",
        "redirect",
        "html",
        "list",
        "null",
        "blank",
        "oversized",
    ],
)
def test_failures_are_not_available_once_and_not_cached(
    fake: FakeLibreTranslate, answer: Callable[[dict[str, Any]], httpx.Response]
) -> None:
    fake.answer = answer
    result = translate_message(message_id=11, text="Bonjour", source="fr", target="en")
    assert result.text is None
    assert len(fake.requests) == 1  # never retried
    fake.answer = fake.translate
    again = translate_message(message_id=11, text="Bonjour", source="fr", target="en")
    assert again.text == "[en] Bonjour"


def test_a_long_message_is_translated_from_its_beginning(fake: FakeLibreTranslate) -> None:
    text = "Mijn pakket is niet aangekomen. " * 500
    result = translate_message(message_id=12, text=text, source="nl", target="en")
    assert result.truncated
    assert fake.requests[0]["q"] == text[:MAX_CHARS]


def test_nothing_to_translate(fake: FakeLibreTranslate) -> None:
    assert translate_message(message_id=13, text="  \n ", source="nl", target="en").text is None
    assert translate_message(message_id=13, text="Hoi", source="en", target="en").text is None
    assert fake.requests == []
    unknown = translate_message(message_id=14, text="Hoi", source="", target="en")
    assert unknown.source == "auto"
    assert fake.requests[0]["source"] == "auto"


# --- who needs one --------------------------------------------------------------------------


@pytest.fixture
def team() -> Team:
    return TeamFactory()


def test_agents_read_their_profiles_languages(team: Team) -> None:
    agent = make_agent(team, language="fr")
    assert agent_languages(agent) == ["en"]  # make_agent's profile reads English
    assert translation_target(agent) == "en"
    agent.agent.languages = ["nl", "fr-BE", "fr"]
    assert agent_languages(agent) == ["nl", "fr"]
    assert translation_target(agent) == "fr"
    agent.agent.languages = []
    assert agent_languages(agent) == ["fr"]


def test_only_inbound_messages_in_a_language_the_agent_does_not_read(team: Team) -> None:
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=brand_of(team))
    polish = message_receive(case=case, text="Paczka nie dotarła.", channel="web", language="pl")
    english = message_receive(case=case, text="It never came.", channel="web", language="en")
    unknown = message_receive(case=case, text="???", channel="web")
    told = message_receive(case=case, text="Pakket kwijt.", channel="web")
    MessageTriage.objects.create(
        message=told, lang="nl", sentiment="negative", model_version="test"
    )
    told.refresh_from_db()
    assert [message_language(m) for m in (polish, english, unknown, told)] == ["pl", "en", "", "nl"]
    assert needs_translation(polish, agent)
    assert not needs_translation(english, agent)
    assert needs_translation(unknown, agent)
    assert needs_translation(told, agent)
    from amends.conversations.services import case_add_note

    note = case_add_note(case=case, actor=agent, text="Notatka po polsku")
    assert not needs_translation(note, agent)
