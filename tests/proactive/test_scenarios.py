"""The carrier simulator's failure scripts, played as they happen (the clock moving, the sweep
running every few hours): each trouble opens one case and tells the customer once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from amends.carriers.simulator import SCRIPTS, simulation_play
from amends.cases.models import Case, CaseEvent
from amends.commitments.models import CommitmentState
from amends.proactive.events import ProactiveEventKind
from amends.proactive.models import ShipmentProblem
from amends.proactive.rules import ProblemKind
from amends.proactive.services import proactive_sweep
from tests.proactive.conftest import World, make_world, notices_on

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # a Monday morning
SWEEP_EVERY = dt.timedelta(hours=6)


def play(script_name: str, *, days: float) -> World:
    """Play the script for ``days`` from START, sweeping every six hours as the worker would."""
    with time_machine.travel(START - dt.timedelta(hours=1), tick=False) as traveller:
        # No estimate from the shop: the carrier's first one is the promise.
        world = make_world(carrier="dhl", carrier_name="DHL", shop_estimate_days=None)
        script = SCRIPTS[script_name]
        moment = START
        while moment <= START + dt.timedelta(days=days):
            traveller.move_to(moment)
            simulation_play(script=script, shipment=world.shipment, start=START, until=moment)
            proactive_sweep(now=moment)
            moment += SWEEP_EVERY
    return world


def problems(world: World) -> list[str]:
    return list(
        ShipmentProblem.objects.filter(shipment=world.shipment)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def the_case(world: World) -> Case:
    [case] = Case.objects.filter(customer=world.customer)
    return case


def test_two_failed_attempts_then_returned_to_sender() -> None:
    world = play("two_attempts_returned", days=12)
    assert problems(world) == [ProblemKind.FAILED_ATTEMPT, ProblemKind.RETURNED_TO_SENDER]
    case = the_case(world)
    assert len(notices_on(case)) == 2
    assert ShipmentProblem.objects.filter(case=case, notified_at__isnull=False).count() == 2


def test_damaged_in_transit() -> None:
    world = play("damaged_in_transit", days=4)
    assert problems(world) == [ProblemKind.DAMAGED]
    assert len(notices_on(the_case(world))) == 1


def test_a_parcel_that_goes_silent_is_late_then_lost() -> None:
    world = play("lost", days=13)
    assert problems(world) == [ProblemKind.LATE, ProblemKind.LOST]
    case = the_case(world)
    assert len(notices_on(case)) == 2
    lost = ShipmentProblem.objects.get(kind=ProblemKind.LOST)
    assert lost.detail["days_without_scan"] == 11


def test_a_slipping_estimate_is_told_once_and_its_promise_kept_on_delivery() -> None:
    world = play("estimate_slipping", days=7)
    assert problems(world) == [ProblemKind.LATE]
    case = the_case(world)
    assert len(notices_on(case)) == 1
    changed = CaseEvent.objects.filter(case=case, kind=ProactiveEventKind.SHIPMENT_PROBLEM_CHANGED)
    assert [e.data["changed"]["estimate"] for e in changed] == ["2026-03-08"]
    [commitment] = case.commitments.all()
    assert commitment.state == CommitmentState.KEPT


@pytest.mark.parametrize("script", ["happy_path", "delivered_to_neighbour"])
def test_parcels_that_arrive_open_nothing(script: str) -> None:
    world = play(script, days=6)
    assert problems(world) == []
    assert not Case.objects.filter(customer=world.customer).exists()
