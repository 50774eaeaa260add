from __future__ import annotations

from typing import Any

import pytest

from amends.accounts.models import Team, User
from amends.cases.models import Case
from amends.conversations.services import case_add_note, message_receive
from amends.search.backends import terms
from amends.search.models import SearchEntry
from amends.search.selectors import search
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks: Any) -> tuple[Team, User, Case]:
    with django_capture_on_commit_callbacks(execute=True):
        team = TeamFactory()
        agent = make_agent(team)
        customer = CustomerFactory(
            brand=team.brand, name="Élodie Rousseau", email="elodie@mail.example"
        )
        order = OrderFactory(customer=customer, number="FR3627060")
        ShipmentFactory(order=order, tracking_number="6A31002217320")
        case = CaseFactory(
            team=team, brand=team.brand, customer=customer, subject="Colis jamais reçu"
        )
        case.orders.add(order)
        message_receive(case=case, text="Où est ma bouilloire inox ?", channel="web")
        case_add_note(case=case, actor=agent, text="secretword from the warehouse")
    return team, agent, case


def kinds_of(hits: list[Any]) -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in hits}


def test_finds_cases_by_words_prefixes_and_without_accents(world: tuple[Team, User, Case]) -> None:
    _, agent, case = world
    assert ("case", case.pk) in kinds_of(search(user=agent, query="colis recu"))
    assert ("case", case.pk) in kinds_of(search(user=agent, query="bouill"))
    assert ("case", case.pk) in kinds_of(search(user=agent, query=case.reference))
    assert search(user=agent, query="colis nothinglikethis") == []


def test_finds_orders_tracking_numbers_and_customers(world: tuple[Team, User, Case]) -> None:
    _, agent, case = world
    order = case.orders.get()
    shipment = order.shipments.get()
    assert ("order", order.pk) in kinds_of(search(user=agent, query="FR36270"))
    assert ("shipment", shipment.pk) in kinds_of(search(user=agent, query="6A310022"))
    assert ("customer", case.customer_id) in kinds_of(search(user=agent, query="elodie@mail"))
    assert ("case", case.pk) in kinds_of(search(user=agent, query="FR3627060"))


def test_internal_notes_are_not_searchable(world: tuple[Team, User, Case]) -> None:
    _, agent, _ = world
    assert search(user=agent, query="secretword") == []


def test_nobody_finds_what_they_may_not_see(world: tuple[Team, User, Case]) -> None:
    _, _, case = world
    outsider = make_agent(TeamFactory())
    assert search(user=outsider, query="colis") == []
    stranger = make_customer_user(CustomerFactory())
    assert search(user=stranger, query="FR3627060") == []
    owner = make_customer_user(case.customer)
    assert ("case", case.pk) in kinds_of(search(user=owner, query="colis"))


@pytest.mark.parametrize(
    "query",
    ['"', "*", "colis OR", "NEAR(a b)", "a:*", "' OR 1=1 --", "\\", "()", "a & ! b", "x" * 500],
)
def test_engine_syntax_in_a_query_is_just_text(world: tuple[Team, User, Case], query: str) -> None:
    _, agent, _ = world
    search(user=agent, query=query)  # no error from the database


def test_terms_are_words_only() -> None:
    assert terms('Où "est" FR-362*') == ["ou", "est", "fr", "362"]
    assert len(terms("a " * 50)) == 8


def test_the_index_follows_changes(
    world: tuple[Team, User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    _, agent, case = world
    with django_capture_on_commit_callbacks(execute=True):
        case.subject = "Remboursement demandé"
        case.save()
    assert ("case", case.pk) in kinds_of(search(user=agent, query="rembourse"))
    assert search(user=agent, query="jamais", kinds=["case"]) == []  # the old subject is gone
    SearchEntry.objects.filter(kind="shipment").delete()  # e.g. rows imported around the services
    from amends.search.indexing import rebuild

    assert rebuild() >= 4
    assert SearchEntry.objects.filter(kind="shipment").count() == 1
