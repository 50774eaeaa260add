"""The sweep: what only time shows (no scan for days, a day gone by, a failed attempt with
nothing after it), and problems whose case or notice could not be written at first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from amends.accounts.models import Team
from amends.carriers.taxonomy import TrackingStatus as S
from amends.cases.models import Case
from amends.cases.services import forget_default_teams
from amends.proactive import services
from amends.proactive.models import ShipmentProblem
from amends.proactive.rules import ProblemKind
from tests.factories import TeamFactory
from tests.proactive.conftest import World, ago, cases_of, make_world, notices_on, the_case

pytestmark = pytest.mark.django_db


def test_the_sweep_finds_a_parcel_that_stopped_being_scanned(world: World) -> None:
    world.scan(S.IN_TRANSIT, at=ago(days=2))
    assert services.proactive_sweep()["found"] == 0
    later = timezone.now() + dt.timedelta(days=9)
    counts = services.proactive_sweep(now=later)
    assert counts["found"] == 1
    problem = ShipmentProblem.objects.get()
    assert (problem.kind, problem.detail["days_without_scan"]) == (ProblemKind.LOST, 11)
    assert len(notices_on(the_case(world))) == 1
    assert services.proactive_sweep(now=later)["found"] == 0


def test_the_sweep_finds_an_expected_day_gone_by(world: World) -> None:
    world.scan(S.IN_TRANSIT, at=ago(hours=2))
    counts = services.proactive_sweep(now=timezone.now() + dt.timedelta(days=3))
    assert counts["found"] == 1
    assert ShipmentProblem.objects.get().kind == ProblemKind.LATE


def test_the_sweep_finds_a_failed_attempt_with_nothing_after_it() -> None:
    world = make_world(carrier="dhl", carrier_name="DHL")
    world.scan(S.ATTEMPT_FAILED, at=ago(hours=1), estimate=None)
    assert services.proactive_sweep()["found"] == 0
    counts = services.proactive_sweep(now=timezone.now() + dt.timedelta(days=2))
    assert counts["found"] == 1
    assert ShipmentProblem.objects.get().kind == ProblemKind.FAILED_ATTEMPT


def test_a_problem_gone_before_its_retry_is_not_notified_late(world: World) -> None:
    world.scan(S.IN_TRANSIT, at=ago(hours=1))
    problem = ShipmentProblem.objects.create(
        shipment=world.shipment, kind=ProblemKind.LOST, detected_at=timezone.now(), rule="terms"
    )
    assert services.proactive_sweep()["retried"] == 0
    problem.refresh_from_db()
    assert problem.last_error == "no longer a problem: not notified"
    assert cases_of(world) == []


def test_a_storefront_without_any_team_keeps_the_problem_for_the_sweep() -> None:
    world = make_world()
    world.team.members.clear()
    Case.objects.all().delete()
    Team.objects.all().delete()
    forget_default_teams()

    result = world.scan(S.DAMAGED, at=ago(hours=1))
    assert result.stored == 1, "the scan is stored even though no case could be opened"
    problem = ShipmentProblem.objects.get()
    assert problem.case is None
    assert problem.last_error.startswith("case: InvalidInput")
    assert cases_of(world) == []

    TeamFactory(brand=world.brand)
    forget_default_teams()
    counts = services.proactive_sweep()
    assert counts["retried"] == 1
    problem.refresh_from_db()
    assert problem.case is not None
    assert problem.notified_at is not None
    assert len(notices_on(problem.case)) == 1
    assert services.proactive_sweep()["retried"] == 0


def test_parcels_that_are_no_problem_yet_never_hide_later_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amends.carriers.models import Shipment
    from amends.proactive import selectors

    monkeypatch.setattr(selectors, "SWEEP_BATCH", 2)
    # Three parcels due today, with the lowest ids: the sweep looks at them, and they are no
    # problem yet (the day is not over)...
    for _ in range(3):
        make_world(shop_estimate_days=0)
    # ...and one quiet for two weeks, with the highest (quiet without a scan calling detection).
    lost = make_world(shop_estimate_days=None)
    Shipment.objects.filter(pk=lost.shipment.pk).update(
        status=S.IN_TRANSIT, last_event_at=ago(days=14)
    )
    counts = services.proactive_sweep()
    assert counts["found"] == 1
    assert ShipmentProblem.objects.get().shipment_id == lost.shipment.pk
