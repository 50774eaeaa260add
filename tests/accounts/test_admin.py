from __future__ import annotations

import pytest
from django.test import Client

from amends.accounts.models import Role
from amends.cases.events import EventKind
from amends.cases.models import CaseStatus
from tests.factories import CaseFactory, TeamFactory, UserFactory, make_agent

pytestmark = pytest.mark.django_db


def test_deactivating_an_agent_in_the_admin_returns_their_cases_to_the_queue() -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=agent, status=CaseStatus.OPEN)
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "email": agent.email,
            "first_name": agent.first_name,
            "last_name": "",
            "role": Role.AGENT,
            "language": "en",
            "is_active": "",  # unticked
        },
    )
    assert response.status_code == 302, response.content[:2000]
    agent.refresh_from_db()
    case.refresh_from_db()
    assert not agent.is_active
    assert case.assignee is None
    assert case.team == team
    event = case.events.get(kind=EventKind.CASE_RETURNED_TO_QUEUE)
    assert "account deactivated" in event.data["reason"]
    assert event.actor == admin
