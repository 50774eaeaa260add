"""Remedies from the case page: asked for once however often the form is sent, decided by the
policy with its reasons shown, approved by a supervisor."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from amends.accounts.models import Team, User
from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.cases.models import Case
from amends.commerce.models import Remedy, RemedyStatus
from amends.policies.ruleset import active_rules_forget
from tests.commerce.demo_helpers import DemoOrder, demo_order
from tests.factories import BrandFactory, CaseFactory, TeamFactory, make_agent, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules() -> None:
    active_rules_forget()


@pytest.fixture
def brand() -> Brand:
    return BrandFactory(
        code="nl", country="NL", languages=["nl", "en"], time_zone="Europe/Amsterdam"
    )


@pytest.fixture
def team(brand: Brand) -> Team:
    return TeamFactory(brand=brand)


@pytest.fixture
def damaged(brand: Brand, team: Team) -> tuple[DemoOrder, Case]:
    shop = demo_order(brand)
    Shipment.objects.filter(pk=shop.parcel.pk).update(status=TrackingStatus.DAMAGED)
    case = CaseFactory(brand=brand, customer=shop.customer, team=team)
    case.orders.add(shop.order)
    return shop, case


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_key(page: str, order_id: int) -> str:
    found = re.search(rf'id="id_remedy_{order_id}_key" value="([0-9a-f]+)"', page) or re.search(
        rf'value="([0-9a-f]+)"[^>]*id="id_remedy_{order_id}_key"', page
    )
    assert found, "the remedy form carries its key"
    return found.group(1)


def test_the_form_sent_twice_grants_once_and_shows_the_rules(
    damaged: tuple[DemoOrder, Case], team: Team
) -> None:
    shop, case = damaged
    client = signed_in(make_agent(team))
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "Offer a remedy" in page
    data = {
        "order": shop.order.pk,
        "key": form_key(page, shop.order.pk),
        "remedy": "refund_partial",
        "amount": "20.00",
        "reported": "damaged",
    }
    for _ in range(2):
        response = client.post(f"/console/cases/{case.pk}/remedies", data)
        assert response.status_code == 302
    remedy = Remedy.objects.get()
    assert remedy.status == RemedyStatus.APPROVED
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "Partial refund" in page
    assert "damaged-in-transit v1" in page


def test_above_the_agents_limit_a_supervisor_approves_on_the_page(
    damaged: tuple[DemoOrder, Case], team: Team, brand: Brand
) -> None:
    shop, case = damaged
    agent = signed_in(make_agent(team))
    page = agent.get(f"/console/cases/{case.pk}/").content.decode()
    agent.post(
        f"/console/cases/{case.pk}/remedies",
        {"order": shop.order.pk, "key": form_key(page, shop.order.pk), "remedy": "refund_full"},
    )
    remedy = Remedy.objects.get()
    assert remedy.status == RemedyStatus.NEEDS_APPROVAL
    assert "Approve</button>" not in agent.get(f"/console/cases/{case.pk}/").content.decode()
    response = agent.post(f"/console/cases/{case.pk}/remedies/{remedy.pk}/approve", follow=True)
    assert "authority" in response.content.decode()

    supervisor = signed_in(make_supervisor(brand))
    assert "Approve</button>" in supervisor.get(f"/console/cases/{case.pk}/").content.decode()
    supervisor.post(f"/console/cases/{case.pk}/remedies/{remedy.pk}/approve")
    remedy.refresh_from_db()
    assert remedy.status == RemedyStatus.APPROVED


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"amount": "-3"}, "greater than or equal to 0.01"),
        ({"remedy": "free_money"}, "Select a valid choice"),
        ({"key": ""}, "This field is required"),
    ],
)
def test_bad_forms_say_why_and_grant_nothing(
    damaged: tuple[DemoOrder, Case], team: Team, changes: dict[str, str], says: str
) -> None:
    shop, case = damaged
    client = signed_in(make_agent(team))
    data = {"order": str(shop.order.pk), "key": "k1", "remedy": "reship", **changes}
    response = client.post(f"/console/cases/{case.pk}/remedies", data, follow=True)
    assert says in response.content.decode()
    assert not Remedy.objects.exists()


def test_an_order_of_another_case_or_a_remedy_elsewhere_is_404(
    damaged: tuple[DemoOrder, Case], team: Team, brand: Brand
) -> None:
    shop, _case = damaged
    other = CaseFactory(brand=brand, customer=shop.customer, team=team)
    client = signed_in(make_agent(team))
    data = {"order": shop.order.pk, "key": "k2", "remedy": "reship"}
    assert client.post(f"/console/cases/{other.pk}/remedies", data).status_code == 404
    assert client.post(f"/console/cases/{other.pk}/remedies/999/approve").status_code == 404
