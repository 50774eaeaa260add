"""Figures the benchmarks share."""

from __future__ import annotations


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` (0..1) of ``values`` lie: the nearest rank, no
    interpolation (with few samples an interpolated p99 is a number nobody measured)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
