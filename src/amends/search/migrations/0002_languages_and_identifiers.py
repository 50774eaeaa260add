"""Each entry's language, identifiers and names; stems and folding on PostgreSQL; trigrams.

After this migration, run ``amends search rebuild`` so the entries written before it get their
language, identifiers and names (they are searchable by their words meanwhile).
"""

from django.db import migrations, models

from amends.search import schema

OLD_POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_searchentry "
    "USING GIN (to_tsvector('simple', body))"
)


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema.install_sqlite(connection)
    elif connection.vendor == "postgresql":
        schema.install(connection)
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_tsv")
        schema.refresh_documents(connection)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema.uninstall_sqlite(connection)
    elif connection.vendor == "postgresql":
        schema.uninstall(connection)
        schema_editor.execute(OLD_POSTGRES_INDEX)


def restore_words_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema.restore_words_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        # Undoing the fields below rebuilds the table on SQLite, which drops its triggers.
        migrations.RunPython(migrations.RunPython.noop, restore_words_triggers),
        migrations.AddField(
            model_name="searchentry",
            name="language",
            field=models.CharField(blank=True, db_default="", default="", max_length=8),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="identifiers",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="names",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.RunPython(forward, backward),
    ]
