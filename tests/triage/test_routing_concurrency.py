"""Two workers routing the same case at once: one moves it, the other sees it moved (PostgreSQL).

SQLite lets one writer at a time in, so only PostgreSQL can show two transactions deciding on
the same case at the same moment; the case's row lock makes the second read what the first did.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from amends.cases.models import Case, CaseEvent, Priority
from amends.conversations.models import Message
from amends.triage.result import Triage
from amends.triage.routing import CASE_ROUTED, route_after_triage
from tests.triage.test_routing import inbound, make_world, new_case, triage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def at_once(case_id: int, jobs: list[tuple[Message, Triage]]) -> list[BaseException]:
    """Each job in its own transaction and thread, with its own copy of the case, released
    together."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(message: Message, result: Triage) -> None:
        try:
            with transaction.atomic():
                case = Case.objects.get(pk=case_id)
                barrier.wait(timeout=20)
                route_after_triage(case=case, message=message, triage=result)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return errors


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_triage_routed_four_times_at_once_moves_the_case_once(attempt: int) -> None:
    world = make_world()
    case = new_case(world)
    message = inbound(case)

    assert at_once(case.pk, [(message, triage("billing_payment", churn=True, risk=0.7))] * 4) == []

    case.refresh_from_db()
    assert (case.team_id, case.priority) == (world.senior.pk, Priority.HIGH)
    assert CaseEvent.objects.filter(case=case, kind=CASE_ROUTED).count() == 1


def test_two_messages_at_once_end_in_one_consistent_owner() -> None:
    world = make_world()
    case = new_case(world)
    first, second = inbound(case), inbound(case)

    errors = at_once(
        case.pk, [(first, triage("billing_payment")), (second, triage("account_access"))]
    )

    assert errors == []
    case.refresh_from_db()
    moves = list(CaseEvent.objects.filter(case=case, kind=CASE_ROUTED).order_by("id"))
    assert len(moves) == 2
    assert moves[1].data["from"]["team_id"] == moves[0].data["to"]["team_id"]
    assert case.team_id == moves[1].data["to"]["team_id"]
    assert case.version == 3
