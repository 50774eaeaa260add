"""What each database needs for search, created by the search app's migrations.

SQLite: two FTS5 tables over the entries, kept in step by triggers. ``search_entry_fts`` holds
the words (``unicode61``, diacritics removed); ``search_key_fts`` holds identifiers and names cut
into trigrams (SQLite 3.34 or later), so a tracking number typed partially is found through an
index. Without the trigram tokenizer that table is left out and the similar pass uses ``LIKE``.

PostgreSQL: everything is idempotent. The migration runs :func:`install`; the app runs it again
after every ``amends migrate`` (``post_migrate``), so an extension a superuser creates later is
picked up by the next migrate (then ``amends search rebuild`` refolds what was indexed before).

* ``search_config(code)`` maps a language code to its text-search configuration (French →
  ``french``); Polish, and any language PostgreSQL has no configuration for, gets ``simple``.
* ``search_fold(text)`` removes diacritics: ``unaccent`` when the extension is there, else a
  built-in table of the Latin letters of the languages amends speaks.
* ``search_fold_tsvector(v)`` folds the lexemes of a ``tsvector`` and keeps their positions:
  words are stemmed with their accents (the stemmers need them) and folded afterwards, so
  "livrée" and "livré" both become ``livr``, and "reçu" is found by "recu".
* ``search_stems(config, word)`` is the same treatment for one query word, as a ``tsquery``.
* ``search_searchentry.document`` (``tsvector``, GIN-indexed) is written by a trigger from the
  entry's language and body: the language's stems plus every word as it is ('simple').
* GIN trigram indexes (``pg_trgm``) on identifiers and on names serve partial identifiers and
  names, and names typed with a typo.
"""

from __future__ import annotations

import logging
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from amends.search.text import fold

log = logging.getLogger("amends.search")

# --- SQLite ---------------------------------------------------------------------------------

# The words table itself comes from migration 0001; its triggers are written again here because
# SQLite drops a table's triggers when a migration rebuilds the table (as adding a column does).
WORDS_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_entry_fts(rowid, body) VALUES (new.id, new.body); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, body)
        VALUES ('delete', old.id, old.body); END""",
    """CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE OF body ON search_searchentry
        BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
        INSERT INTO search_entry_fts(rowid, body) VALUES (new.id, new.body); END""",
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]
KEYS_TABLE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_key_fts USING fts5(
        identifiers, names, content='search_searchentry', content_rowid='id',
        tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS search_key_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_key_fts(rowid, identifiers, names)
        VALUES (new.id, new.identifiers, new.names); END""",
    """CREATE TRIGGER IF NOT EXISTS search_key_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_key_fts(search_key_fts, rowid, identifiers, names)
        VALUES ('delete', old.id, old.identifiers, old.names); END""",
    """CREATE TRIGGER IF NOT EXISTS search_key_au
        AFTER UPDATE OF identifiers, names ON search_searchentry BEGIN
        INSERT INTO search_key_fts(search_key_fts, rowid, identifiers, names)
        VALUES ('delete', old.id, old.identifiers, old.names);
        INSERT INTO search_key_fts(rowid, identifiers, names)
        VALUES (new.id, new.identifiers, new.names); END""",
    "INSERT INTO search_key_fts(search_key_fts) VALUES ('rebuild')",
]
KEYS_TABLE_DROP = [
    "DROP TRIGGER IF EXISTS search_key_au",
    "DROP TRIGGER IF EXISTS search_key_ad",
    "DROP TRIGGER IF EXISTS search_key_ai",
    "DROP TABLE IF EXISTS search_key_fts",
]


def install_sqlite(connection: BaseDatabaseWrapper) -> bool:
    """The words table's triggers and the trigram table; False (and a warning) where SQLite has
    no trigram tokenizer."""
    with connection.cursor() as cursor:
        for statement in WORDS_TRIGGERS:
            cursor.execute(statement)
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in KEYS_TABLE:
                cursor.execute(statement)
    except DatabaseError as exc:
        log.warning(
            "search: SQLite %s has no trigram tokenizer (%s); partial identifiers are "
            "matched with LIKE instead.",
            sqlite3.sqlite_version,
            exc,
        )
        return False
    return True


def uninstall_sqlite(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in KEYS_TABLE_DROP:
            cursor.execute(statement)


def restore_words_triggers(connection: BaseDatabaseWrapper) -> None:
    """After a migration rebuilt the entries' table on SQLite (and so dropped its triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in WORDS_TRIGGERS:
                cursor.execute(statement)


# --- PostgreSQL -----------------------------------------------------------------------------

# amends' languages and PostgreSQL's configurations for them; Polish has none.
LANGUAGE_CONFIGS = {
    "en": "english",
    "fr": "french",
    "nl": "dutch",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "lt": "lithuanian",
}
EXTENSIONS = ("unaccent", "pg_trgm")
DEGRADED = {
    "unaccent": "Accents are folded with a built-in table of Latin letters instead.",
    "pg_trgm": "Partial identifiers and names with a typo are not found until it is there.",
}


@dataclass(frozen=True)
class Capabilities:
    unaccent: bool
    trigram: bool
    configs: dict[str, str]  # language code -> configuration that exists here


def _fallback_fold_table() -> tuple[str, str]:
    """Latin letters that fold to one ASCII letter, for ``translate()`` without ``unaccent``."""
    source, target = [], []
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        folded = fold(char)
        is_letter = unicodedata.category(char).startswith("L")
        if is_letter and folded != char and len(folded) == 1 and folded.isascii():
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


def _installed_extensions(cursor: Any) -> set[str]:
    cursor.execute("SELECT extname FROM pg_extension WHERE extname = ANY(%s)", [list(EXTENSIONS)])
    return {row[0] for row in cursor.fetchall()}


def _create_extension(connection: BaseDatabaseWrapper, name: str) -> bool:
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')
    except DatabaseError as exc:
        log.warning(
            "search: the PostgreSQL extension %s could not be created (%s). %s "
            "A superuser can run CREATE EXTENSION %s; in this database, then "
            "`amends migrate` and `amends search rebuild`.",
            name,
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
            DEGRADED.get(name, ""),
            name,
        )
        return False
    return True


def capabilities(connection: BaseDatabaseWrapper) -> Capabilities:
    """What this database offers search now (two catalogue queries)."""
    with connection.cursor() as cursor:
        installed = _installed_extensions(cursor)
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        existing = {row[0] for row in cursor.fetchall()}
    return Capabilities(
        unaccent="unaccent" in installed,
        trigram="pg_trgm" in installed,
        configs={code: cfg for code, cfg in LANGUAGE_CONFIGS.items() if cfg in existing},
    )


def _fold_function(unaccent_schema: str | None) -> str:
    if unaccent_schema is not None:
        schema = '"' + unaccent_schema.replace('"', '""') + '"'
        body = f"SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1)"
    else:
        source, target = _fallback_fold_table()
        body = f"SELECT translate($1, '{source}', '{target}')"
    return (
        "CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text "
        f"LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $fold$ {body} $fold$"
    )


def _config_function(configs: dict[str, str]) -> str:
    cases = " ".join(f"WHEN '{code}' THEN '{cfg}'::regconfig" for code, cfg in configs.items())
    return (
        "CREATE OR REPLACE FUNCTION search_config(code text) RETURNS regconfig "
        "LANGUAGE sql STABLE PARALLEL SAFE AS $cfg$ "
        f"SELECT CASE lower(split_part(coalesce(code, ''), '-', 1)) {cases} "
        "ELSE 'simple'::regconfig END $cfg$"
    )


# Lexemes are folded one by one and the tsvector is written out again with their positions
# (ts_rank_cd needs them); quotes and backslashes a fold could produce are escaped.
FOLD_TSVECTOR = r"""
CREATE OR REPLACE FUNCTION search_fold_tsvector(v tsvector) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $fv$
SELECT coalesce(string_agg(
    '''' || replace(replace(folded, '\', '\\'), '''', '''''') || ''''
    || CASE WHEN cardinality(positions) > 0 THEN ':' || array_to_string(positions, ',')
            ELSE '' END,
    ' '), '')::tsvector
FROM (SELECT search_fold(lexeme) AS folded, positions FROM unnest(v)) AS lexemes
WHERE folded <> ''
$fv$
"""
# A query word's stems in a configuration, folded; plainto_tsquery reads them as plain words,
# so nothing a fold produces can be taken for query syntax. A stop word gives an empty query.
STEMS = """
CREATE OR REPLACE FUNCTION search_stems(config regconfig, word text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $st$
SELECT plainto_tsquery('simple',
    search_fold(array_to_string(tsvector_to_array(to_tsvector(config, word)), ' ')))
$st$
"""
DOCUMENT_TRIGGER = """
CREATE OR REPLACE FUNCTION search_entry_document() RETURNS trigger
LANGUAGE plpgsql AS $doc$
BEGIN
    NEW.document := search_fold_tsvector(
        to_tsvector(search_config(NEW.language), NEW.body) || to_tsvector('simple', NEW.body));
    RETURN NEW;
END
$doc$
"""
TABLE = [
    "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS document tsvector",
    "DROP TRIGGER IF EXISTS search_entry_document ON search_searchentry",
    "CREATE TRIGGER search_entry_document BEFORE INSERT OR UPDATE OF body, language "
    "ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_document()",
    "CREATE INDEX IF NOT EXISTS search_entry_document_gin ON search_searchentry "
    "USING GIN (document)",
]
TRIGRAM_INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_entry_identifiers_trgm ON search_searchentry "
    "USING GIN (identifiers gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_entry_names_trgm ON search_searchentry "
    "USING GIN (names gin_trgm_ops)",
]


def install(
    connection: BaseDatabaseWrapper, *, extensions: tuple[str, ...] = EXTENSIONS
) -> Capabilities:
    """Create or update everything search needs; ``extensions`` are the ones to try creating
    (an empty tuple sets search up as on a server where they are missing)."""
    for name in extensions:
        _create_extension(connection, name)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.extname, n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ANY(%s)",
            [list(EXTENSIONS)],
        )
        schemas = dict(cursor.fetchall())
    found = capabilities(connection)
    with connection.cursor() as cursor:
        cursor.execute(_fold_function(schemas.get("unaccent")))
        cursor.execute(_config_function(found.configs))
        cursor.execute(FOLD_TSVECTOR)
        cursor.execute(STEMS)
        cursor.execute(DOCUMENT_TRIGGER)
        for statement in TABLE:
            cursor.execute(statement)
        if "pg_trgm" in schemas:
            for statement in TRIGRAM_INDEXES:
                cursor.execute(statement)
    return Capabilities(
        unaccent="unaccent" in schemas, trigram="pg_trgm" in schemas, configs=found.configs
    )


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Undo :func:`install` (the extensions stay: other things may use them)."""
    with connection.cursor() as cursor:
        for statement in (
            "DROP INDEX IF EXISTS search_entry_names_trgm",
            "DROP INDEX IF EXISTS search_entry_identifiers_trgm",
            "DROP INDEX IF EXISTS search_entry_document_gin",
            "DROP TRIGGER IF EXISTS search_entry_document ON search_searchentry",
            "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
            "DROP FUNCTION IF EXISTS search_entry_document()",
            "DROP FUNCTION IF EXISTS search_stems(regconfig, text)",
            "DROP FUNCTION IF EXISTS search_fold_tsvector(tsvector)",
            "DROP FUNCTION IF EXISTS search_config(text)",
            "DROP FUNCTION IF EXISTS search_fold(text)",
        ):
            cursor.execute(statement)


def refresh_documents(connection: BaseDatabaseWrapper) -> None:
    """Recompute every entry's document (after the configurations or the fold changed)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_searchentry SET body = body")
