"""What a search finds and in which order, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from amends.accounts.models import Team, User
from amends.cases.models import Case
from amends.conversations.services import message_receive
from amends.search.engine import Match
from amends.search.models import SearchEntry
from amends.search.selectors import Hit, search
from tests.factories import (
    CarrierFactory,
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
)

pytestmark = pytest.mark.django_db

Committed = Callable[..., Any]


@pytest.fixture
def desk(django_capture_on_commit_callbacks: Committed) -> tuple[Team, User]:
    with django_capture_on_commit_callbacks(execute=True):
        team = TeamFactory()
        agent = make_agent(team)
    return team, agent


def case_with(
    team: Team, committed: Committed, *, subject: str, text: str = "", **customer: Any
) -> Case:
    with committed(execute=True):
        person = CustomerFactory(brand=team.brand, **customer)
        case = CaseFactory(team=team, brand=team.brand, customer=person, subject=subject)
        if text:
            message_receive(case=case, text=text, channel="web")
    return case


def found(hits: list[Hit], kind: str) -> list[int]:
    return [h.id for h in hits if h.kind == kind]


def test_every_word_matches_as_a_prefix_the_last_one_as_typed_so_far(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    case = case_with(team, django_capture_on_commit_callbacks, subject="Demande de remboursement")
    assert found(search(user=agent, query="demande rembours"), "case") == [case.pk]
    assert found(search(user=agent, query="dem remb"), "case") == [case.pk]
    assert found(search(user=agent, query="demande remboursement colis"), "case") == []


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Colis jamais reçu", "recu"),
        ("Colis jamais recu", "reçu"),
        ("Lieferung nach Łódź", "lodz"),
        ("Lieferung nach Łódź", "Łódź"),
        ("Straße gesperrt", "strasse"),
        ("Užsakymas negautas", "uzsakymas"),
        ("İstanbul teslimat", "istanbul"),
    ],
)
def test_accents_do_not_matter_either_way(
    desk: tuple[Team, User],
    django_capture_on_commit_callbacks: Committed,
    written: str,
    typed: str,
) -> None:
    team, agent = desk
    case = case_with(team, django_capture_on_commit_callbacks, subject=written)
    assert found(search(user=agent, query=typed), "case") == [case.pk]


def test_each_entry_records_the_language_it_is_written_in(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, _ = desk
    with django_capture_on_commit_callbacks(execute=True):
        person = CustomerFactory(brand=team.brand, language="nl")
        german = CaseFactory(team=team, brand=team.brand, customer=person, language="de")
        unknown = CaseFactory(team=team, brand=team.brand, customer=person, language="")
        order = OrderFactory(customer=person)
        shipment = ShipmentFactory(order=order)
    by_object = {
        (e.kind, e.object_id): e.language
        for e in SearchEntry.objects.only("kind", "object_id", "language")
    }
    assert by_object[("case", german.pk)] == "de"
    assert by_object[("case", unknown.pk)] == "nl"  # no language on the case: the customer's
    assert by_object[("customer", person.pk)] == "nl"
    assert by_object[("order", order.pk)] == "nl"
    assert by_object[("shipment", shipment.pk)] == "nl"


def test_an_exact_identifier_comes_first_however_old(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    committed = django_capture_on_commit_callbacks
    with committed(execute=True):
        person = CustomerFactory(brand=team.brand)
        exact = OrderFactory(customer=person, number="FR100")
        newer = [OrderFactory(customer=person, number=f"FR100{n}") for n in range(3)]
    hits = [h for h in search(user=agent, query="FR100") if h.kind == "order"]
    assert hits[0].id == exact.pk
    assert hits[0].match == Match.EXACT
    assert {h.id for h in hits[1:]} == {o.pk for o in newer}
    assert {h.match for h in hits[1:]} == {Match.WORDS}
    # typed with a separator the number does not have: found by the similar pass, exact first
    hits = [h for h in search(user=agent, query="fr-100") if h.kind == "order"]
    assert (hits[0].id, hits[0].match) == (exact.pk, Match.EXACT)
    assert {h.match for h in hits[1:]} == {Match.SIMILAR}

    first = case_with(team, committed, subject="Lampe cassée")
    later = case_with(team, committed, subject="Suite", text=f"Voir {first.reference} svp")
    hits = [h for h in search(user=agent, query=first.reference) if h.kind == "case"]
    assert [h.id for h in hits] == [first.pk, later.pk]  # the newer one only mentions it
    assert [h.match for h in hits] == [Match.EXACT, Match.WORDS]


def test_an_email_address_finds_its_customer_first(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    with django_capture_on_commit_callbacks(execute=True):
        elodie = CustomerFactory(brand=team.brand, name="Élodie R", email="elodie@mail.example")
        CustomerFactory(brand=team.brand, name="Elodie Mail Example")
    hits = [h for h in search(user=agent, query="Elodie@Mail.example") if h.kind == "customer"]
    assert hits[0].id == elodie.pk
    assert hits[0].match == Match.EXACT


def test_a_tracking_number_typed_partially_is_found(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    with django_capture_on_commit_callbacks(execute=True):
        person = CustomerFactory(brand=team.brand)
        order = OrderFactory(customer=person, number="NL4455")
        shipment = ShipmentFactory(
            order=order,
            carrier=CarrierFactory(code="colissimo", name="Colissimo"),
            tracking_number="6A31002217320",
        )
        case = CaseFactory(team=team, brand=team.brand, customer=person, subject="Où est-il ?")
        case.orders.add(order)
    middle = search(user=agent, query="02217320")  # the end of the number, not a prefix
    assert found(middle, "shipment") == [shipment.pk]
    assert [h.match for h in middle if h.kind == "shipment"] == [Match.SIMILAR]
    assert found(middle, "case") == [case.pk]  # the case lists its orders' tracking numbers
    assert found(search(user=agent, query="6A3100"), "shipment") == [shipment.pk]  # prefix
    assert search(user=agent, query="02") == []  # too short to look inside identifiers


def test_a_case_is_reindexed_when_its_order_ships(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    with django_capture_on_commit_callbacks(execute=True):
        person = CustomerFactory(brand=team.brand)
        order = OrderFactory(customer=person)
        case = CaseFactory(team=team, brand=team.brand, customer=person)
        case.orders.add(order)
    assert found(search(user=agent, query="JVGL99887766"), "case") == []
    with django_capture_on_commit_callbacks(execute=True):
        ShipmentFactory(order=order, tracking_number="JVGL99887766")
    assert found(search(user=agent, query="JVGL99887766"), "case") == [case.pk]


def test_similar_hits_only_fill_in_when_words_find_few(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    committed = django_capture_on_commit_callbacks
    by_words = case_with(team, committed, subject="Pakket 4455")
    with committed(execute=True):
        person = CustomerFactory(brand=team.brand)
        containing = CaseFactory(team=team, brand=team.brand, customer=person, subject="Anders")
        containing.orders.add(OrderFactory(customer=person, number="ZZ14455"))
    hits = [h for h in search(user=agent, query="4455") if h.kind == "case"]
    assert [(h.id, h.match) for h in hits] == [
        (by_words.pk, Match.WORDS),
        (containing.pk, Match.SIMILAR),
    ]
    more = [case_with(team, committed, subject=f"Pakket {n} 4455") for n in range(2)]
    hits = [h for h in search(user=agent, query="4455") if h.kind == "case"]
    assert {h.id for h in hits} == {by_words.pk, *(c.pk for c in more)}  # enough by words


def test_the_limit_holds_per_kind(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    cases = [
        case_with(team, django_capture_on_commit_callbacks, subject=f"Retour {n}") for n in range(5)
    ]
    hits = search(user=agent, query="retour", kinds=["case"], limit=3)
    assert len(hits) == 3
    assert [h.id for h in hits] == [c.pk for c in reversed(cases)][:3]  # equal rank: newest
