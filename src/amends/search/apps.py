from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

MIGRATION = ("search", "0002_languages_and_identifiers")


def _install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """Bring PostgreSQL's search functions up to date with the extensions there are now (a
    superuser may have created unaccent or pg_trgm since the migration ran)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    from amends.search.schema import install

    install(connection)


class SearchConfig(AppConfig):
    name = "amends.search"
    label = "search"

    def ready(self) -> None:
        from amends.search import signals

        signals.connect()
        post_migrate.connect(_install_after_migrate, sender=self, dispatch_uid="search:install")
