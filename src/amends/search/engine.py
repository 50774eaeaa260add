"""What every search backend does, in two passes, and what it gives back.

1. **Words.** Every word of the query must match (as a prefix, or by its stem on PostgreSQL).
   Entries whose identifier (case reference, order number, tracking number, email, phone) is
   exactly the query come first. PostgreSQL then ranks the newest :data:`CANDIDATES` matches by
   relevance (``ts_rank_cd``); SQLite takes the newest.
2. **Similar**, only when the first pass found fewer than :data:`FEW_HITS`: identifiers and
   names that contain the query ("02217320" finds tracking number 6A31002217320) and, on
   PostgreSQL, names typed with a typo ("Jansen" finds "Janssen"). An
   identifier typed with other separators ("fr-100" for FR100) is found here, exact, first.

Both passes end in a ``LIMIT`` and run on an index, so the time a search takes depends on how
many entries match, not on how many there are.

**Visibility, from the hits.** What the searcher may see is a rule over tens of thousands of
rows (``object_id IN (every visible id)``), which SQLite builds in full before it looks at the
one entry a tracking number matches. So when the caller gives :class:`Among` (every entry of the
kind, and a check of which of a few ids the searcher may see), each pass first reads up to
:data:`CANDIDATES` matches of *all* entries and keeps the visible ones. Each pass's order is a
property of each entry (exact, rank, newest), so when the pass found fewer than that cap this is
exactly what the pass over the visible entries gives; when it found as many, the pass is run
again over the visible entries only, as before. Nothing the searcher may not see is returned
either way: every hit has been through the check, or came from the visible entries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from amends.search.models import SearchEntry
from amends.search.text import Query

log = logging.getLogger("amends.search")

CANDIDATES = 200  # matching entries ranked per kind
FEW_HITS = 3  # fewer words hits than this, and the similar pass runs
MIN_SIMILAR_CHARS = 3  # trigrams: shorter queries say too little to look for similar text
MIN_PREFIX_CHARS = 2  # a one-character word matches whole words only ("a", not every a…)


class Match:
    EXACT = "exact"  # an identifier is exactly the query
    WORDS = "words"  # every word matches
    SIMILAR = "similar"  # contains the query, or is close to it


@dataclass(frozen=True)
class Found:
    object_id: int
    title: str
    subtitle: str
    match: str


@dataclass(frozen=True)
class Among:
    """Every entry of one kind, and which of some of their ``object_id``s the searcher may see
    (the check runs on a few ids, where the filter in ``entries`` runs on all of them)."""

    entries: QuerySet[SearchEntry]
    visible: Callable[[Sequence[int]], Collection[int]]


class SearchBackend(Protocol):
    def find(
        self,
        entries: QuerySet[SearchEntry],
        query: Query,
        *,
        language: str,
        limit: int,
        among: Among | None = None,
    ) -> list[Found]:
        """Up to ``limit`` of ``entries`` (one kind, already filtered to what the searcher may
        see) that match ``query``, best first. ``language`` is the searcher's. With ``among``,
        the matches are looked for among all entries first and checked (see the module)."""
        ...


def guarded(run: Callable[[], list[Found]]) -> list[Found]:
    """Run one search query; if the database rejects it, log it and find nothing.

    Queries are built from letters and digits only, so this is a last line: a search must never
    turn into an error page. Inside a transaction it runs in a savepoint, so a rejected query
    leaves the caller's transaction usable.
    """
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return run()
        return run()
    except DatabaseError:
        log.exception("search: the database rejected a search query")
        return []


class TwoPassBackend:
    """The passes in order; a database says how it does each."""

    def words(
        self, entries: QuerySet[SearchEntry], query: Query, *, language: str, limit: int
    ) -> list[Found]:
        raise NotImplementedError

    def similar(self, entries: QuerySet[SearchEntry], query: Query, *, limit: int) -> list[Found]:
        raise NotImplementedError

    def find(
        self,
        entries: QuerySet[SearchEntry],
        query: Query,
        *,
        language: str,
        limit: int,
        among: Among | None = None,
    ) -> list[Found]:
        if not query or limit < 1:
            return []

        def words(qs: QuerySet[SearchEntry], n: int) -> list[Found]:
            return self.words(qs, query, language=language, limit=n)

        found = _visible_first(words, entries, among, limit)
        if len(found) < min(FEW_HITS, limit) and len(query.compact) >= MIN_SIMILAR_CHARS:
            seen = [f.object_id for f in found]

            def similar(qs: QuerySet[SearchEntry], n: int) -> list[Found]:
                return self.similar(qs.exclude(object_id__in=seen), query, limit=n)

            found += _visible_first(similar, entries, among, limit - len(found))
        return found


def _visible_first(
    run: Callable[[QuerySet[SearchEntry], int], list[Found]],
    entries: QuerySet[SearchEntry],
    among: Among | None,
    limit: int,
) -> list[Found]:
    """One pass: over all entries up to the cap, then checked (see the module); over the
    visible ``entries`` when there is no ``among`` or the cap was reached."""
    if among is not None and limit <= CANDIDATES:
        candidates = guarded(lambda: run(among.entries, CANDIDATES))
        if len(candidates) < CANDIDATES:
            if not candidates:
                return []
            allowed = set(among.visible([f.object_id for f in candidates]))
            return [f for f in candidates if f.object_id in allowed][:limit]
    return guarded(lambda: run(entries, limit))
