"""The proactive sweep as a task: thin, idempotent, safe to run from several workers at once."""

from __future__ import annotations

from django_tasks import task

from amends.proactive import services


@task()
def proactive_sweep() -> dict[str, int]:
    """Stalled parcels, expected days gone by, and problems whose case or notice failed."""
    return services.proactive_sweep()
