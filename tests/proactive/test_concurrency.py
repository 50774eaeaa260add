"""Concurrent ingestion never opens a second case or sends a second notice (PostgreSQL).

SQLite lets one writer at a time in, so only PostgreSQL can show two transactions finding the
same problem at the same moment.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus as S
from amends.cases.models import Case
from amends.conversations.models import Direction, Message
from amends.proactive.models import ShipmentProblem
from amends.proactive.services import shipments_changed
from tests.factories import ShipmentFactory
from tests.proactive.conftest import make_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def damaged(shipment: Shipment) -> None:
    """The parcel's timeline says damaged; detection has not run yet."""
    now = timezone.now()
    TrackingEvent.objects.create(
        shipment=shipment, status=S.DAMAGED, carrier_code="DMG", occurred_at=now
    )
    Shipment.objects.filter(pk=shipment.pk).update(status=S.DAMAGED, last_event_at=now)


def at_once(calls: list[list[int]]) -> list[BaseException]:
    """Each list of ids in its own transaction and thread, released together."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(ids: list[int]) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=20)
                shipments_changed(shipment_ids=ids)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(ids,)) for ids in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return errors


@pytest.mark.parametrize("attempt", range(3))
def test_four_ingestions_of_one_damaged_parcel_open_one_case(attempt: int) -> None:
    world = make_world()
    damaged(world.shipment)

    assert at_once([[world.shipment.pk]] * 4) == []

    problem = ShipmentProblem.objects.get()
    assert problem.notified_at is not None
    assert problem.last_error == ""
    case = Case.objects.get(customer=world.customer)
    assert problem.case == case
    assert Message.objects.filter(case=case, direction=Direction.OUTBOUND).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_parcels_of_one_order_in_trouble_at_once_share_one_case(attempt: int) -> None:
    world = make_world()
    second = ShipmentFactory(
        order=world.order, carrier=world.carrier, tracking_number=f"{attempt}SECOND0001"
    )
    damaged(world.shipment)
    damaged(second)

    assert at_once([[world.shipment.pk], [second.pk]]) == []

    case = Case.objects.get(customer=world.customer)
    assert ShipmentProblem.objects.filter(case=case).count() == 2
    assert Message.objects.filter(case=case, direction=Direction.OUTBOUND).count() == 2
