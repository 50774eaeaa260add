"""SQLite: FTS5 for the words (quoted prefixes), and the trigram FTS5 table for identifiers and
names containing the query (``LIKE`` where SQLite has no trigram tokenizer). See ``schema.py``
for the tables and their triggers.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from amends.search.engine import MIN_PREFIX_CHARS, Found, Match, TwoPassBackend
from amends.search.models import SearchEntry
from amends.search.text import Query

_MATCHING = "search_searchentry.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"
_EXACT = "instr(' ' || search_searchentry.identifiers || ' ', %s) > 0"


def has_keys_table() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_key_fts'")
        return cursor.fetchone() is not None


class Fts5Backend(TwoPassBackend):
    """Exact identifiers first, then newest first.

    FTS5's ``bm25`` is not used: on broad prefixes ("co", "re") it costs five times the match
    itself at 100,000 entries, and for an agent the newest case is usually the one meant.
    """

    def words(
        self, entries: QuerySet[SearchEntry], query: Query, *, language: str, limit: int
    ) -> list[Found]:
        # Each word quoted, so nothing in it can be read as FTS5 syntax ("AND", "NEAR(", "*",
        # "-", ":" are gone or quoted); a prefix when it has two characters or more.
        expression = " AND ".join(
            f'"{word}"*' if len(word) >= MIN_PREFIX_CHARS else f'"{word}"' for word in query.folded
        )
        exact = RawSQL(_EXACT, [f" {query.compact} "], output_field=BooleanField())  # noqa: S611
        matching = RawSQL(  # noqa: S611
            _MATCHING.format(table="search_entry_fts"), [expression], output_field=BooleanField()
        )
        rows = (
            entries.filter(matching)
            .annotate(exact=exact)
            .order_by("-exact", "-object_id")
            .values_list("object_id", "title", "subtitle", "exact")[:limit]
        )
        return [
            Found(
                object_id=oid, title=title, subtitle=sub, match=Match.EXACT if ex else Match.WORDS
            )
            for oid, title, sub, ex in rows
        ]

    def similar(self, entries: QuerySet[SearchEntry], query: Query, *, limit: int) -> list[Found]:
        if has_keys_table():
            matching = RawSQL(  # noqa: S611
                _MATCHING.format(table="search_key_fts"),
                [f'"{query.compact}"'],
                output_field=BooleanField(),
            )
            rows = entries.filter(matching)
        else:  # no trigram tokenizer: a bounded LIKE
            rows = entries.filter(
                Q(identifiers__contains=query.compact) | Q(names__contains=query.phrase)
            )
        exact = RawSQL(_EXACT, [f" {query.compact} "], output_field=BooleanField())  # noqa: S611
        ordered = (
            rows.annotate(exact=exact)
            .order_by("-exact", "-object_id")
            .values_list("object_id", "title", "subtitle", "exact")[:limit]
        )
        return [
            Found(
                object_id=oid, title=title, subtitle=sub, match=Match.EXACT if ex else Match.SIMILAR
            )
            for oid, title, sub, ex in ordered
        ]
