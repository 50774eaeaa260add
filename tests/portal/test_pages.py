from __future__ import annotations

import pytest
from django.test import Client

from amends.accounts.models import User
from amends.cases.models import Case
from amends.conversations.models import Direction
from amends.conversations.services import case_add_note, case_reply, message_receive
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    SellerFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
    make_seller_user,
)

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def story() -> tuple[Case, Case, User, User]:
    team = TeamFactory()
    agent = make_agent(team, first_name="Lucía", last_name="García")
    mine = CaseFactory(team=team, brand=team.brand, subject="Mesa dañada", assignee=agent)
    theirs = CaseFactory(team=team, brand=team.brand, subject="Other person's case")
    message_receive(case=mine, text="La mesa llegó rota.", channel="web")
    case_reply(case=mine, actor=agent, text="Lo sentimos mucho, le reembolsamos hoy.")
    case_add_note(case=mine, actor=agent, text="seller blames the courier")
    return mine, theirs, make_customer_user(mine.customer), agent


def test_customer_sees_own_cases_and_public_conversation_only(
    story: tuple[Case, Case, User, User],
) -> None:
    mine, theirs, customer, _ = story
    client = signed_in(customer)
    listing = client.get("/my/cases/")
    assert b"Mesa da" in listing.content
    assert b"Other person" not in listing.content
    page = client.get(f"/my/cases/{mine.pk}/")
    assert b"Lo sentimos mucho" in page.content
    assert b"Luc" in page.content  # the owner's first name
    assert b"Garc" not in page.content  # never the full name
    assert b"seller blames the courier" not in page.content
    assert client.get(f"/my/cases/{theirs.pk}/").status_code == 404


def test_customer_reply_is_an_inbound_message(story: tuple[Case, Case, User, User]) -> None:
    mine, theirs, customer, _ = story
    client = signed_in(customer)
    client.post(f"/my/cases/{mine.pk}/reply", {"text": "¿Cuándo llega el reembolso?"})
    last = mine.messages.order_by("-id").first()
    assert last is not None
    assert last.direction == Direction.INBOUND
    assert last.author_customer == mine.customer
    assert client.post(f"/my/cases/{theirs.pk}/reply", {"text": "x"}).status_code == 404


def test_seller_sees_only_cases_about_its_orders_and_cannot_write(
    story: tuple[Case, Case, User, User],
) -> None:
    mine, theirs, _, _ = story
    seller = SellerFactory()
    mine.orders.add(OrderFactory(customer=mine.customer, seller=seller))
    user = make_seller_user(seller)
    client = signed_in(user)
    assert client.get(f"/my/cases/{mine.pk}/").status_code == 200
    assert client.get(f"/my/cases/{theirs.pk}/").status_code == 404
    assert client.post(f"/my/cases/{mine.pk}/reply", {"text": "hola"}).status_code == 403


def test_signing_in_lands_each_role_in_its_place(story: tuple[Case, Case, User, User]) -> None:
    _, _, customer, agent = story
    assert signed_in(customer).get("/my/")["Location"] == "/my/cases/"
    assert signed_in(agent).get("/my/")["Location"] == "/console/"
    other = make_customer_user(CustomerFactory(language="en"))
    assert b"No cases yet" in signed_in(other).get("/my/cases/").content
    # A customer's pages come in their own language.
    french = make_customer_user(CustomerFactory(language="fr"))
    assert b"Aucun dossier pour le moment" in signed_in(french).get("/my/cases/").content


def test_promises_are_shown_in_the_storefronts_time_zone(
    story: tuple[Case, Case, User, User],
) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from amends.commitments.services import Due, commitment_make

    mine, _, customer, agent = story
    due = dt.datetime(2031, 3, 4, 17, 0, tzinfo=ZoneInfo(mine.brand.time_zone))
    commitment_make(case=mine, actor=agent, kind="callback", description="Rappel", due=Due(at=due))
    page = signed_in(customer).get(f"/my/cases/{mine.pk}/").content.decode()
    assert "17:00" in page  # 17:00 in Paris, not 16:00 UTC
