"""Full-text matching, one backend per database, chosen in settings (``AMENDS_SEARCH_BACKEND``).

A query is cut into at most eight words; every word must match, as a prefix, so "FR36" finds
order FR3627060 and "colis" finds "colissimo". Words are reduced to letters and digits before
they reach the database: no query syntax of the engine can be injected.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from amends.search.models import SearchEntry

MAX_TERMS = 8
MAX_TERM_LENGTH = 64
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without diacritics ("Reçu" → "recu"), the same for documents and queries."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words_of(text: str) -> str:
    """A document as the engines should see it: folded words separated by single spaces.

    Punctuation goes, so both engines cut "AM-000123", "FR-1001" or an email address into the
    same words a query is cut into (PostgreSQL's parser would otherwise read "-000123" as a
    negative number).
    """
    return " ".join(_WORD.findall(fold(text).replace("_", " ")))


def terms(query: str) -> list[str]:
    words = [w[:MAX_TERM_LENGTH] for w in _WORD.findall(fold(query).replace("_", " "))]
    return words[:MAX_TERMS]


class SearchBackend(Protocol):
    def match(self, qs: QuerySet[SearchEntry], words: list[str]) -> QuerySet[SearchEntry]: ...


class Fts5Backend:
    """SQLite: an FTS5 table (unicode61, diacritics removed) kept in step by triggers."""

    def match(self, qs: QuerySet[SearchEntry], words: list[str]) -> QuerySet[SearchEntry]:
        expression = " AND ".join(f'"{w}"*' for w in words)
        return qs.extra(  # the expression is built from \\w+ words only
            where=[
                "search_searchentry.id IN "
                "(SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s)"
            ],
            params=[expression],
        )


class PostgresBackend:
    """PostgreSQL: ``to_tsvector('simple', body)`` with a GIN index; prefix ``tsquery``."""

    def match(self, qs: QuerySet[SearchEntry], words: list[str]) -> QuerySet[SearchEntry]:
        expression = " & ".join(f"{w}:*" for w in words)
        return qs.extra(  # the expression is built from \\w+ words only
            where=["to_tsvector('simple', search_searchentry.body) @@ to_tsquery('simple', %s)"],
            params=[expression],
        )


def backend() -> SearchBackend:
    backend_class: type[SearchBackend] = import_string(settings.AMENDS_SEARCH_BACKEND)
    return backend_class()
