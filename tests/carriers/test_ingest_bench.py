"""``bench/tracking.py`` keeps measuring the real thing: its bodies are DHL push documents the
DHL adapter reads as the journey it means, and its measures push them through the endpoint with
every event stored once. No timing is asserted (bench/ measures speed, tests do not)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.test import override_settings

from amends.carriers import ingest
from amends.carriers.adapters import adapter_for
from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus
from amends.inbound.models import InboundMessage

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """bench/tracking.py as a module; sys.path and its sibling modules left as found."""
    saved_path = list(sys.path)
    saved = {name: sys.modules.get(name) for name in ("revision", "stats")}
    spec = importlib.util.spec_from_file_location("bench_tracking", BENCH / "tracking.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        sys.path[:] = saved_path
        for name, sibling in saved.items():
            if sibling is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = sibling


def test_the_bodies_are_dhl_push_documents_of_the_journey(bench: ModuleType) -> None:
    body = bench.dhl_body([("00340434000000000001", step) for step in range(4)])
    events = adapter_for("dhl").parse_webhook(body)
    assert [e.status for e in events] == [
        TrackingStatus.INFO_RECEIVED,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY,
        TrackingStatus.DELIVERED,
    ]
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)


@pytest.mark.django_db
def test_the_measures_push_every_event_through_the_endpoint_once(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "shipments_changed", lambda *, shipment_ids: None)
    numbers = bench.seed(12)
    args = bench.argparse.Namespace(events=30, batch=7, single=2)
    ctx = bench.Context(args=args, numbers=numbers)
    with override_settings(AMENDS_CARRIERS={"dhl": {"WEBHOOK_SECRET": bench.SECRET}}):
        figures: dict[str, dict[str, object]] = {}
        for measure in (bench.ingest_batched, bench.ingest_single):
            figures.update(measure(ctx))
    assert figures["batched"]["posts"] == 5  # 30 events, 7 a POST
    assert figures["batched"]["stored"] == 30
    assert figures["single"]["posts"] == figures["single"]["stored"] == 2
    assert bench.check(figures) == []
    assert TrackingEvent.objects.count() == 32
    assert InboundMessage.objects.count() == 7
    # 30 events over the 10 parcels left for batches: three steps each, in transit by now.
    statuses = set(
        Shipment.objects.filter(tracking_number__in=numbers[:10]).values_list("status", flat=True)
    )
    assert statuses == {TrackingStatus.OUT_FOR_DELIVERY}


@pytest.mark.django_db
def test_each_damaged_parcel_gets_its_notice_in_the_measure(bench: ModuleType) -> None:
    numbers = bench.seed(5)
    ctx = bench.Context(args=bench.argparse.Namespace(damaged=3), numbers=numbers)
    with override_settings(AMENDS_CARRIERS={"dhl": {"WEBHOOK_SECRET": bench.SECRET}}):
        figures = bench.damaged_to_notice(ctx)
    notice = figures["damaged_to_notice"]
    assert notice["parcels"] == 3
    assert notice["without_notice"] == 0
    assert bench.check(figures) == []
    assert set(
        Shipment.objects.filter(tracking_number__in=numbers[:3]).values_list("status", flat=True)
    ) == {TrackingStatus.DAMAGED}
