from __future__ import annotations

import pytest
from django.test import Client

from amends.accounts.models import Team
from amends.cases.models import Case
from amends.inbound.models import InboundMessage, InboundStatus
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return TeamFactory(brand__code="nl", brand__languages=["nl"], brand__default_language="nl")


def test_healthz_reports_database_queue_and_channel_layer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"]
    assert body["task_queue"]["ok"]
    assert body["channel_layer"]["ok"]
    assert "workers_alive" in body["task_queue"]


def test_contact_form_opens_a_case_through_the_inbound_entry_point(
    client: Client, team: Team
) -> None:
    client.get("/contact/")
    response = client.post(
        "/contact/",
        {
            "brand": "nl",
            "name": "Niels de Vries",
            "email": "niels@mail.test",
            "order_number": "",
            "problem": "delivery_failed",
            "wanted_outcome": "redelivery",
            "details": "Er is twee keer niet aangebeld en nu staat er dat het pakket terug is.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contact/thanks/{case.reference}/"
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED
    assert case.customer.language == "nl"


def test_contact_form_errors_are_shown_and_nothing_is_stored(client: Client, team: Team) -> None:
    response = client.post("/contact/", {"brand": "nl", "email": "nope", "details": ""})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not InboundMessage.objects.exists()


def test_contact_form_requires_csrf(team: Team) -> None:
    response = Client(enforce_csrf_checks=True).post("/contact/", {"brand": "nl"})
    assert response.status_code == 403


def test_home_page_links_the_product(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"/contact/" in response.content
    assert b"/api/v1/docs" in response.content
