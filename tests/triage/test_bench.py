"""``bench/triage.py`` keeps working: a few messages through it, its JSON line complete.
No timing is asserted (figures come from a full run, see the bench's docstring)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "triage.py"


def test_the_bench_runs_and_reports_its_figures(tmp_path: Path) -> None:
    env = {**os.environ, "AMENDS_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--messages",
            "12",
            "--batch",
            "5",
            "--single",
            "4",
            "--embeddings",
            "hash",
        ],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    summary = json.loads(done.stdout.decode().splitlines()[-1])
    assert summary["benchmark"] == "triage"
    assert summary["embedder"] == "hashing-ngrams-v1"
    assert summary["messages"] == 12
    assert summary["single"]["messages"] == 4
    assert summary["batched"]["messages_per_second"] > 0
    assert summary["single"]["p50_ms"] <= summary["single"]["p95_ms"] <= summary["single"]["max_ms"]
    assert summary["peak_memory_mb"] > 0
    assert set(summary["goals_met"]) == {"100 messages/s batched", "p95 under 100 ms single"}
