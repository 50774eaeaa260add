"""``bench/policies.py`` keeps working: its workload is varied and every pair is decided.

Only the machinery is checked, on a few hundred pairs; no speed is asserted (bench/ measures).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from amends.policies.decisions import Outcome

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    saved_path, saved_revision = list(sys.path), sys.modules.get("revision")
    spec = importlib.util.spec_from_file_location("bench_policies", BENCH / "policies.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path[:] = saved_path
    if saved_revision is None:
        sys.modules.pop("revision", None)
    else:
        sys.modules["revision"] = saved_revision


def test_the_workload_is_the_same_for_the_same_seed_and_covers_every_outcome(
    bench: ModuleType,
) -> None:
    first, again = bench.workload(400, 3), bench.workload(400, 3)
    assert first == again
    assert len({request.remedy for _, request in first}) == 8
    assert len({facts.country for facts, _ in first}) >= 6
    figures = bench.measure(count=400, rounds=1, seed=3)
    assert sum(figures["outcomes"].values()) == 400
    assert set(figures["outcomes"]) == {o.value for o in Outcome}
    assert figures["rules"] == 15
    assert figures["evaluations_per_second"] > 0
