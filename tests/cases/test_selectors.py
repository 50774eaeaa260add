"""All of a customer's open problems in one view, without opening other queues' cases."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from amends.cases.models import CaseStatus
from amends.cases.selectors import customer_open_problems
from tests.factories import CaseFactory, TeamFactory, make_agent, make_customer_user

pytestmark = pytest.mark.django_db


def test_a_colleague_sees_every_open_problem_but_opens_only_those_in_their_queues() -> None:
    desk = TeamFactory(name="Desk FR")
    senior = TeamFactory(brand=desk.brand, name="Senior FR", is_senior=True)
    sophie = make_agent(senior)
    mine = CaseFactory(team=senior, brand=desk.brand, subject="Order C late")
    other = CaseFactory(team=desk, brand=desk.brand, customer=mine.customer, subject="Order A")
    CaseFactory(
        team=desk,
        brand=desk.brand,
        customer=mine.customer,
        subject="Solved long ago",
        status=CaseStatus.SOLVED,
    )
    stranger = CaseFactory(team=desk, brand=desk.brand, subject="Someone else")

    problems = {p.case.pk: p.may_open for p in customer_open_problems(viewer=sophie, case=mine)}
    assert problems == {mine.pk: True, other.pk: False}
    assert stranger.pk not in problems

    client = Client()
    client.force_login(sophie)
    page = client.get(f"/console/cases/{mine.pk}/").content.decode()
    assert "Order A" in page
    assert f"/console/cases/{other.pk}/" not in page, "listed, but not a link she cannot open"
    assert client.get(f"/console/cases/{other.pk}/").status_code == 404


def test_nobody_outside_the_case_and_no_customer_gets_the_list() -> None:
    desk = TeamFactory()
    case = CaseFactory(team=desk, brand=desk.brand)
    CaseFactory(team=desk, brand=desk.brand, customer=case.customer)
    outsider = make_agent(TeamFactory())
    assert customer_open_problems(viewer=outsider, case=case) == []
    assert customer_open_problems(viewer=make_customer_user(case.customer), case=case) == []


def test_the_owner_of_a_queued_case_reads_in_the_readers_language() -> None:
    case = CaseFactory(team=TeamFactory(name="Klantenservice NL"), assignee=None)
    with translation.override("en"):
        assert case.owner_label() == "Klantenservice NL queue"
    with translation.override("nl"):
        assert "queue" not in case.owner_label()
        assert "Klantenservice NL" in case.owner_label()
