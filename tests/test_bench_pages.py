"""``bench/pages.py`` keeps working: on a tiny database it renders every page and reports.

The benchmark's figures come from 100,000 cases; here only its machinery is checked (seeding,
the big case, the pages it finds, the timing, the assets, the profile, the JSON), in seconds.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """bench/pages.py as a module (it imports bench/seed.py beside it); sys.path left as found."""
    saved_path, saved_seed = list(sys.path), sys.modules.get("seed")
    spec = importlib.util.spec_from_file_location("bench_pages", BENCH / "pages.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        sys.path[:] = saved_path
        if saved_seed is None:
            sys.modules.pop("seed", None)
        else:
            sys.modules["seed"] = saved_seed


@pytest.mark.django_db
def test_measures_every_page_on_a_tiny_database(bench: ModuleType) -> None:
    seed = bench.seed
    rng = random.Random(5)
    pools = seed.reference_data(customers=20, rng=rng, batch=10)
    counts = seed.seed_cases(count=50, pools=pools, rng=rng, batch=20)
    assert counts["cases"] == 50
    assert counts["messages"] == 150

    report: dict[str, Any] = bench.measure_pages(
        repetitions=3,
        warmup=0,
        big_messages=20,
        profile_page="",
        who=("agent", "customer"),
        queues=("mine", "all"),
    )

    rows = report["pages"]
    assert [(r["page"], r["who"]) for r in rows] == [
        ("queue mine", "agent"),
        ("queue all", "agent"),
        ("case, big", "agent"),
        ("search tracking no.", "agent"),
        ("portal case, big", "customer"),
    ]
    assert report["supervisor"], "the supervisor is made even when not measured"
    for row in rows:
        assert row["status"] == 200, row["path"]
        assert row["requests"] == 3
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["cpu_p50_ms"] is not None
        assert row["queries"] > 0
        js = row["assets"]["js"]
        assert js["files"], "every page loads htmx and Alpine"
        assert not js["missing"]
        assert 0 < js["gzip_bytes"] < js["raw_bytes"]
        assert row["assets"]["css"]["gzip_bytes"] > 0
    assert report["big_case"]["messages"] == 20
    assert report["big_case"]["orders"] == 3
    assert report["data"]["shipments"] >= 4
    assert set(report["goals"]) >= {"p95_met", "js_met", "all_met", "pages_missing_p95"}
    assert report["profile"]["statements"][0]["sql"].upper().startswith(("SELECT", "WITH"))
    assert json.loads(json.dumps(report, default=str))["benchmark"] == "pages"

    # The big case is found again, not made twice.
    again = bench.prepare_world(big_messages=20)
    assert again.big_case.pk == report["big_case"]["id"]
    assert not again.created

    # Without a list, every queue the console offers is measured, for both staff members.
    offered = bench.console_queue_names()
    assert "mine" in offered
    pages = bench.pages_to_measure(again, bench.make_clients(again))
    for who in ("agent", "supervisor"):
        assert [p.name for p in pages if p.who == who][: len(offered)] == [
            f"queue {name}" for name in offered
        ]
    assert {p.who for p in pages} == {"agent", "supervisor", "customer"}

    # The bulk search entries are what the services' indexing writes, and a wrong one shows.
    assert seed.search_entries_as_indexed(sample=40)
    from amends.search.models import SearchEntry

    newest = SearchEntry.objects.filter(kind="order").latest("id")
    SearchEntry.objects.filter(pk=newest.pk).update(title="not what the indexing writes")
    assert not seed.search_entries_as_indexed(sample=40)


class _Colour(Enum):
    RED = "red"


class _Named:
    key = "by-key"


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ({"mine": "Mine", "team": "My teams"}, ["mine", "team"]),
        ([("mine", "Mine"), ("all", "All")], ["mine", "all"]),
        (("mine", "team"), ["mine", "team"]),
        ([_Named()], ["by-key"]),
        (_Colour, ["red"]),
        (None, []),
        (42, []),
        ([(), 3, None], []),
    ],
)
def test_queue_names_come_out_of_any_shape(bench: ModuleType, value: Any, names: list[str]) -> None:
    assert bench._names_in(value) == names


def test_queue_names_include_the_links_of_the_queue_page(bench: ModuleType) -> None:
    html = '<a href="?queue=mine">M</a><a href="/console/?x=1&amp;queue=late-ones">L</a>'
    names = bench.console_queue_names(html)
    assert "late-ones" in names
    assert names.count("mine") == 1


def test_a_script_that_is_no_static_file_is_reported_missing(bench: ModuleType) -> None:
    html = (
        '<script src="/static/vendor/htmx/htmx.min.js" defer></script>'
        '<script src="https://cdn.example/lib.js"></script>'
        '<script src="/static/nowhere.js"></script><script>inline()</script>'
        '<link rel="stylesheet" href="/static/amends/base.css"><link rel="icon" href="/x.png">'
    )
    assets = bench.page_assets(html, {})
    assert assets["js"]["missing"] == ["https://cdn.example/lib.js", "/static/nowhere.js"]
    assert assets["js"]["raw_bytes"] > 0
    assert assets["css"]["files"] == ["/static/amends/base.css"]
    assert assets["inline_scripts"] == 1
    assert not assets["js_goal_met"], "an unmeasurable script cannot meet the goal"


@pytest.mark.parametrize(
    "argv",
    [
        ["--repetitions", "0"],
        ["--cases", "-5"],
        ["--warmup", "-1"],
        ["--batch", "0"],
        ["-r", "x"],
        ["--max-seconds", "nan"],
    ],
)
def test_bad_arguments_are_refused(bench: ModuleType, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench.main(argv)
    assert exc.value.code == 2
