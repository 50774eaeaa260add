"""Full-text matching, one backend per database, chosen in settings (``AMENDS_SEARCH_BACKEND``).

A query is cut into at most eight words (``text.parse``); every word must match, as a prefix,
so "FR36" finds order FR3627060 and "colis" finds "colissimo" — and on PostgreSQL also by its
stem in the searcher's language, so "remboursements" finds "remboursement". Only letters and
digits reach the database: no query syntax of the engine can be injected. How each backend
matches, ranks and falls back to similar text: ``engine.py``, ``sqlite.py``, ``postgres.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from amends.search.engine import Found, SearchBackend
from amends.search.postgres import PostgresBackend
from amends.search.sqlite import Fts5Backend
from amends.search.text import MAX_TERM_LENGTH, MAX_TERMS, fold, terms, words_of

__all__ = [
    "MAX_TERMS",
    "MAX_TERM_LENGTH",
    "Found",
    "Fts5Backend",
    "PostgresBackend",
    "SearchBackend",
    "backend",
    "fold",
    "terms",
    "words_of",
]


def backend() -> SearchBackend:
    backend_class: type[SearchBackend] = import_string(settings.AMENDS_SEARCH_BACKEND)
    return backend_class()
