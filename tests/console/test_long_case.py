"""A long case opens on its latest messages; the rest is one click away."""

from __future__ import annotations

import pytest
from django.test import Client

from amends.console.views import RECENT_MESSAGES
from amends.conversations.services import message_receive
from tests.factories import CaseFactory, TeamFactory, make_agent

pytestmark = pytest.mark.django_db


def test_a_long_case_shows_the_latest_messages_and_offers_the_rest() -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    total = RECENT_MESSAGES + 5
    for n in range(total):
        message_receive(case=case, text=f"message number {n:03d}", channel="web")
    client = Client()
    client.force_login(agent)

    page = client.get(f"/console/cases/{case.pk}/?queue=team").content.decode()
    assert "message number 000" not in page
    assert "message number 004" not in page
    assert "message number 005" in page
    assert f"message number {total - 1:03d}" in page
    assert "Show 5 earlier messages and their events" in page
    assert "queue=team&amp;history=all" in page

    everything = client.get(f"/console/cases/{case.pk}/?history=all").content.decode()
    assert all(f"message number {n:03d}" in everything for n in range(total))
    assert "earlier message" not in everything


def test_a_short_case_shows_everything_without_a_link() -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    message_receive(case=case, text="only message", channel="web")
    client = Client()
    client.force_login(agent)
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "only message" in page
    assert "earlier message" not in page


def test_the_events_of_earlier_messages_stay_with_them_whatever_their_time() -> None:
    """Imported or back-filled events can carry a later time stamp than the messages they
    belong to; the recent view still leaves them with their (hidden) messages."""
    from amends.cases.events import EventKind
    from amends.cases.services import case_set_status

    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    for n in range(RECENT_MESSAGES + 3):
        message_receive(case=case, text=f"message number {n:03d}", channel="web")
    first = case.messages.order_by("id").first()
    assert first is not None
    case.events.create(kind=EventKind.MESSAGE_RECEIVED, data={"message_id": first.pk})
    case.events.create(kind=EventKind.MESSAGE_RECEIVED, data={"message_id": "not a number"})
    case_set_status(case=case, actor=agent, status="waiting_on_customer")
    client = Client()
    client.force_login(agent)

    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert page.count("A message arrived") == 1  # the one whose message is not known
    assert "changed the status from" in page
    everything = client.get(f"/console/cases/{case.pk}/?history=all").content.decode()
    assert everything.count("A message arrived") == 1
