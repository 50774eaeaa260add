"""Keep the query planner informed.

SQLite never gathers statistics by itself, and without them it picks poor plans for the queue
listings (a full scan of cases instead of the queue index). PostgreSQL's autovacuum analyses
tables eventually, but not right after a bulk load. ``database_optimize`` runs after migrations,
after the demo or benchmark data is loaded, and every few hours in each worker.
"""

from __future__ import annotations

from django.db import connection


def database_optimize(*, full: bool = False) -> str:
    """Refresh planner statistics. ``full`` re-analyses everything (after a bulk load)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if full:
                cursor.execute("ANALYZE")
                return "analyze"
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            (has_stats,) = cursor.fetchone()
            cursor.execute("PRAGMA optimize" if has_stats else "ANALYZE")
            return "optimize" if has_stats else "analyze"
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            return "analyze"
    return "none"


def migrate_changing_schema(*, verbosity: int = 0) -> bool:
    """Apply pending migrations; True if there were any (then statistics need a full refresh)."""
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    before = set(recorder.applied_migrations()) if recorder.has_table() else set()
    call_command("migrate", interactive=False, verbosity=verbosity)
    return set(recorder.applied_migrations()) != before
