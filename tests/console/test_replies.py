"""The reply section of the case page, through the test client: a refused reply comes back with
the words at fault marked and the text kept, an override sends it, a suggestion fills the box, a
promise becomes a commitment in one click, and a machine translation is shown to the agent only."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from amends.accounts.models import Team, User
from amends.cases.events import EventKind
from amends.cases.models import Case
from amends.commitments.models import Commitment, CommitmentKind
from amends.conversations.models import Direction, Message
from amends.conversations.services import message_receive
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, brand_of, make_agent

pytestmark = pytest.mark.django_db

CLEAN = (
    "Bonjour Madame Martin,\n\nMerci pour votre message, je comprends votre inquiétude. Nous "
    "sommes désolés pour ce retard. Nous vous rembourserons demain avant 12h30.\n\n"
    "Cordialement,\nLéa"
)
MIXED = (
    "Bonjour Madame Martin,\n\nMerci pour votre message. Nous sommes désolés : tu recevras le "
    "remboursement mercredi.\n\nCordialement,\nLéa"
)
REASON = "The customer asked us to write to her this way."


@pytest.fixture
def team() -> Team:
    return TeamFactory()


@pytest.fixture
def agent(team: Team) -> User:
    return make_agent(team, first_name="Léa")


@pytest.fixture
def case(team: Team, agent: User) -> Case:
    brand = brand_of(team)
    customer = CustomerFactory(brand=brand, name="Claire Martin", language="fr")
    return CaseFactory(team=team, brand=brand, customer=customer, assignee=agent)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def write(client: Client, case: Case, **data: str) -> Any:
    return client.post(f"/console/cases/{case.pk}/write", {"queue": "mine", **data})


def page(client: Client, case: Case, query: str = "") -> str:
    response = client.get(f"/console/cases/{case.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def textarea(content: str) -> str:
    match = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', content, re.S)
    assert match, "no reply box on the page"
    return html.unescape(match.group(1)).strip()


# --- the reply check --------------------------------------------------------------------------


def test_a_refused_reply_shows_the_words_at_fault_and_keeps_the_text(
    case: Case, agent: User
) -> None:
    response = write(signed_in(agent), case, text=MIXED)
    assert response.status_code == 200
    content = response.content.decode()
    assert "The reply was not sent" in content
    assert re.search(r'<mark class="lint-error" title="[^"]*">tu</mark>', content)
    assert 'data-code="register.mixed"' in content
    assert textarea(content) == MIXED
    assert 'name="override_reason"' in content
    assert not Message.objects.filter(case=case).exists()


def test_the_refused_text_is_escaped(case: Case, agent: User) -> None:
    text = MIXED.replace("Cordialement", "<script>alert(1)</script>")
    content = write(signed_in(agent), case, text=text).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_an_override_with_a_reason_sends_and_shows_on_the_timeline(case: Case, agent: User) -> None:
    client = signed_in(agent)
    response = write(client, case, text=MIXED, override_reason=REASON)
    assert response.status_code == 302
    message = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    assert message.body_text == MIXED
    event = case.events.get(kind=EventKind.REPLY_LINT_OVERRIDDEN)
    assert event.data["message_id"] == message.pk
    content = page(client, case)
    assert "sent a reply the reply check refused (register.mixed)" in content
    assert REASON in content


@pytest.mark.parametrize("reason", ["short", "   ok      "])
def test_a_short_reason_keeps_the_reply_back(case: Case, agent: User, reason: str) -> None:
    response = write(signed_in(agent), case, text=MIXED, override_reason=reason)
    content = response.content.decode()
    assert "in at least 10 characters" in content
    assert textarea(content) == MIXED
    assert not Message.objects.filter(case=case).exists()


def test_an_oversized_reason_is_refused_and_the_text_kept(case: Case, agent: User) -> None:
    response = write(signed_in(agent), case, text=MIXED, override_reason="x" * 1001)
    content = response.content.decode()
    assert "at most 1000 characters" in content
    assert textarea(content) == MIXED
    assert not Message.objects.filter(case=case).exists()


def test_notes_are_never_checked(case: Case, agent: User) -> None:
    response = write(signed_in(agent), case, text=MIXED, internal="on")
    assert response.status_code == 302
    assert Message.objects.get(case=case).direction == Direction.NOTE


# --- suggestions ------------------------------------------------------------------------------


def test_a_suggestion_fills_the_reply_box(case: Case, agent: User) -> None:
    case.intents = ["late_delivery", "refund_request"]
    case.save(update_fields=["intents"])
    client = signed_in(agent)
    content = page(client, case)
    assert textarea(content) == ""
    links = re.findall(r'href="([^"]+)" data-use-suggestion="(\d)"', content)
    assert [index for _url, index in links] == ["0", "1"]
    url = html.unescape(links[0][0])
    assert "suggestion=0" in url
    assert "queue=mine" in url
    filled = textarea(page(client, case, "?" + url.split("?", 1)[1].split("#")[0]))
    assert filled.startswith("Bonjour Claire,")
    assert "Léa" in filled
    assert "$" not in filled
    response = write(client, case, text=filled)  # a suggestion passes its own check
    assert response.status_code == 302


@pytest.mark.parametrize("value", ["7", "-1", "abc", "0" * 500, "\u0661", "00 ", ""])
def test_an_unknown_suggestion_leaves_the_box_empty(case: Case, agent: User, value: str) -> None:
    case.intents = ["late_delivery", "refund_request"]  # suggestions 0 and 1
    case.save(update_fields=["intents"])
    assert textarea(page(signed_in(agent), case, f"?suggestion={value}")) == ""


# --- promises ---------------------------------------------------------------------------------


def test_a_promise_in_a_reply_becomes_a_commitment_in_one_click(case: Case, agent: User) -> None:
    client = signed_in(agent)
    response = write(client, case, text=CLEAN)
    message = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    location = response["Location"]
    assert location == f"/console/cases/{case.pk}/?queue=mine&reply={message.pk}#reply-promises"
    content = page(client, case, f"?queue=mine&reply={message.pk}")
    assert "Promises in your reply" in content
    assert "Nous vous rembourserons demain avant 12h30." in content
    action = f"/console/cases/{case.pk}/replies/{message.pk}/promise"
    assert f'action="{action}"' in content
    done = client.post(action, {"index": "0", "kind": "refund", "queue": "mine"})
    assert done.status_code == 302
    commitment = Commitment.objects.get(case=case)
    assert commitment.description == "Nous vous rembourserons demain avant 12h30."
    assert commitment.kind == CommitmentKind.REFUND
    assert "already a promise" in page(client, case, f"?queue=mine&reply={message.pk}")
    again = client.post(action, {"index": "0", "kind": "refund"}, follow=True)
    assert "This promise is already recorded." in again.content.decode()
    assert Commitment.objects.filter(case=case).count() == 1


def test_a_promise_without_a_moment_offers_the_form_prefilled(case: Case, agent: User) -> None:
    client = signed_in(agent)
    write(client, case, text=CLEAN.replace("demain avant 12h30", "le 29 février 2027"))
    message = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    content = page(client, case, f"?reply={message.pk}")
    assert "names no moment" in content
    assert 'value="Nous vous rembourserons le 29 février 2027."' in content
    assert f'action="/console/cases/{case.pk}/commitments"' in content


def test_a_reply_without_promises_goes_back_to_the_case(case: Case, agent: User) -> None:
    response = write(signed_in(agent), case, text="Bonjour,\n\nNous regardons cela.")
    assert response["Location"] == f"/console/cases/{case.pk}/?queue=mine"


@pytest.mark.parametrize(
    "data", [{"index": "1"}, {"index": "x"}, {"index": "-1"}, {}, {"index": "0", "kind": "bogus"}]
)
def test_a_bad_promise_click_records_nothing(case: Case, agent: User, data: dict[str, str]) -> None:
    client = signed_in(agent)
    write(client, case, text=CLEAN)
    message = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    response = client.post(f"/console/cases/{case.pk}/replies/{message.pk}/promise", data)
    assert response.status_code in {302, 404}
    assert not Commitment.objects.exists()


def test_promises_of_another_case_are_not_offered(case: Case, agent: User, team: Team) -> None:
    client = signed_in(agent)
    other = CaseFactory(team=team, brand=case.brand, customer=case.customer, assignee=agent)
    write(client, other, text=CLEAN)
    message = Message.objects.get(case=other)
    assert "Promises in your reply" not in page(client, case, f"?reply={message.pk}")
    assert "Promises in your reply" not in page(client, case, "?reply=99999999999999999999999")
    response = client.post(f"/console/cases/{case.pk}/replies/{message.pk}/promise", {"index": 0})
    assert response.status_code == 404
    assert not Commitment.objects.exists()


def test_an_agent_who_cannot_see_the_case_cannot_click_its_promises(
    case: Case, agent: User
) -> None:
    write(signed_in(agent), case, text=CLEAN)
    message = Message.objects.get(case=case)
    stranger = make_agent(TeamFactory())
    url = f"/console/cases/{case.pk}/replies/{message.pk}/promise"
    assert signed_in(stranger).post(url, {"index": "0"}).status_code == 404
    assert not Commitment.objects.exists()


# --- machine translation for the agent --------------------------------------------------------


def libretranslate(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    if body["q"] == "slow":
        raise httpx.ReadTimeout("slow")
    return httpx.Response(200, json={"translatedText": f"EN: {body['q']}"})


@pytest.fixture
def translating() -> Iterator[None]:
    conf = {
        "BACKEND": "amends.replies.translation.LibreTranslateBackend",
        "URL": "http://translate.test",
        "TRANSPORT": httpx.MockTransport(libretranslate),
    }
    cache.clear()
    with override_settings(AMENDS_TRANSLATION=conf):
        yield
    cache.clear()


@pytest.mark.usefixtures("translating")
def test_an_agent_sees_a_marked_translation_of_a_language_they_do_not_read(
    case: Case, agent: User
) -> None:
    polish = message_receive(
        case=case, text="Paczka <b>nie</b> dotarła.", channel="web", language="pl"
    )
    message_receive(case=case, text="It never came.", channel="web", language="en")
    client = signed_in(agent)
    content = page(client, case)
    url = f"/console/cases/{case.pk}/messages/{polish.pk}/translation"
    assert content.count('data-translate="') == 1
    assert f'hx-get="{url}"' in content
    response = client.get(url)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "Machine translation, for you only" in fragment
    assert "EN: Paczka &lt;b&gt;nie&lt;/b&gt; dotarła." in fragment
    assert "(pl → en)" in fragment
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("translating")
def test_a_translation_that_fails_says_not_available(case: Case, agent: User) -> None:
    slow = message_receive(case=case, text="slow", channel="web", language="pl")
    response = signed_in(agent).get(f"/console/cases/{case.pk}/messages/{slow.pk}/translation")
    assert response.status_code == 200
    assert 'data-translation="unavailable"' in response.content.decode()


@pytest.mark.usefixtures("translating")
def test_only_the_cases_inbound_messages_for_agents_who_see_it(
    case: Case, agent: User, team: Team
) -> None:
    polish = message_receive(case=case, text="Paczka nie dotarła.", channel="web", language="pl")
    url = f"/console/cases/{case.pk}/messages/{polish.pk}/translation"
    stranger = make_agent(TeamFactory())
    assert signed_in(stranger).get(url).status_code == 404
    other = CaseFactory(team=team, brand=case.brand)
    elsewhere = f"/console/cases/{other.pk}/messages/{polish.pk}/translation"
    assert signed_in(agent).get(elsewhere).status_code == 404
    write(signed_in(agent), case, text=CLEAN)
    reply = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    outbound = f"/console/cases/{case.pk}/messages/{reply.pk}/translation"
    assert signed_in(agent).get(outbound).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page
    assert signed_in(agent).post(url).status_code == 405


def test_no_translation_when_it_is_off(case: Case, agent: User) -> None:
    polish = message_receive(case=case, text="Paczka nie dotarła.", channel="web", language="pl")
    with override_settings(AMENDS_TRANSLATION={"BACKEND": "", "URL": ""}):
        client = signed_in(agent)
        assert "data-translate=" not in page(client, case)
        url = f"/console/cases/{case.pk}/messages/{polish.pk}/translation"
        assert client.get(url).status_code == 404


def test_a_sent_reply_with_warnings_says_them_once(case: Case, agent: User) -> None:
    client = signed_in(agent)
    response = write(client, case, text="Bonjour,\n\nNous regardons cela.")
    assert response.status_code == 302
    shown = page(client, case)
    assert "Sent. For next time:" in shown
    assert "Sent. For next time:" not in page(client, case)


def test_the_case_page_says_what_triage_read(case: Case, agent: User) -> None:
    Case.objects.filter(pk=case.pk).update(
        language="fr", intents=["parcel_lost", "refund_request"], churn_risk=0.82
    )
    shown = page(signed_in(agent), case)
    facts = shown.split("data-read-as>")[1].split("</dd>")[0]
    assert "French" in facts
    assert "churn risk 82 %" in facts
