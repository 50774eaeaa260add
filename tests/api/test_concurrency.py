"""Two agents take the same case at the same moment: one gets it, the other a clear 409."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from amends.accounts.models import User
from amends.cases.models import Case, CaseEvent
from tests.api.conftest import API
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, make_agent, make_token


def _assign_at_once(case: Case, agents: list[User]) -> list[Any]:
    clients = [Client(headers={"Authorization": f"Bearer {make_token(a)}"}) for a in agents]
    barrier = threading.Barrier(len(agents))
    results: list[Any] = [None] * len(agents)

    def take(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = clients[index].post(
                f"{API}/cases/{case.pk}/assign",
                {"assignee_id": agents[index].pk},
                content_type="application/json",
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not t.is_alive() for t in threads)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_agents_assigning_the_same_case(attempt: int) -> None:
    team = TeamFactory()
    agents = [make_agent(team), make_agent(team)]
    case = CaseFactory(customer=CustomerFactory(brand=team.brand), team=team)

    responses = _assign_at_once(case, agents)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["code"] == "conflict"
    assert "already owned" in loser["detail"] or "changed by someone else" in loser["detail"]
    case.refresh_from_db()
    assert case.assignee_id == winner["assignee"]["id"]
    assert case.version == 2
    assert CaseEvent.objects.filter(case=case, kind="case_assigned").count() == 1
