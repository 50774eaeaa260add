"""Two sweeps for the worker's test of its sweep table: each says it ran."""

from __future__ import annotations

CALLS: list[str] = []


def every_round() -> None:
    CALLS.append("round")


def every_five_minutes() -> None:
    CALLS.append("five")
