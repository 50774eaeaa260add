"""PostgreSQL: the entry's ``document`` (its language's stems and its words, folded) matched
against the query's stems in the searcher's language or its words as prefixes, ranked with
``ts_rank_cd``; then identifiers and names by trigram (``pg_trgm``). See ``schema.py`` for the
functions, the trigger and the indexes this relies on.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from amends.search.engine import CANDIDATES, MIN_PREFIX_CHARS, Found, Match, TwoPassBackend
from amends.search.models import SearchEntry
from amends.search.schema import DEGRADED
from amends.search.text import Query

log = logging.getLogger("amends.search")


def has_trigram() -> bool:
    """Whether pg_trgm is installed (one catalogue query; only the similar pass asks)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        present = cursor.fetchone() is not None
    if not present and not _warned:
        _warned.append(True)
        log.warning("search: pg_trgm is not installed. %s", DEGRADED["pg_trgm"])
    return present


_warned: list[bool] = []
_EXACT = "strpos(' ' || search_searchentry.identifiers || ' ', %s) > 0"


def tsquery(query: Query, language: str) -> tuple[str, list[str]]:
    """Every word required; each found by its stems in the searcher's language or as the prefix
    of a word (which also finds numbers, identifiers and words of other languages)."""
    parts: list[str] = []
    params: list[str] = []
    for word, flat in zip(query.words, query.folded, strict=True):
        parts.append("(search_stems(search_config(%s), %s) || to_tsquery('simple', %s))")
        prefix = ":*" if len(flat) >= MIN_PREFIX_CHARS else ""
        params += [language, word, f"'{flat}'{prefix}"]  # letters and digits: nothing to escape
    return " && ".join(parts), params


class PostgresBackend(TwoPassBackend):
    def words(
        self, entries: QuerySet[SearchEntry], query: Query, *, language: str, limit: int
    ) -> list[Found]:
        sql, params = tsquery(query, language)
        exact_params = [f" {query.compact} "]
        # The newest matches, exact identifiers first, are read from the index; only those are
        # ranked (ranking reads each entry's document). Two queries, so that the raw SQL below
        # always speaks of the outer table (Django renames a table inside a subquery).
        window = list(
            entries.filter(
                RawSQL(  # noqa: S611
                    f"search_searchentry.document @@ ({sql})", params, output_field=BooleanField()
                )
            )
            .order_by(
                RawSQL(_EXACT, exact_params, output_field=BooleanField()).desc(),  # noqa: S611
                "-object_id",
            )
            .values_list("id", flat=True)[: max(CANDIDATES, limit)]
        )
        if not window:
            return []
        ranked = (
            SearchEntry.objects.filter(pk__in=window)
            .annotate(
                exact=RawSQL(_EXACT, exact_params, output_field=BooleanField()),  # noqa: S611
                rank=RawSQL(  # noqa: S611
                    f"ts_rank_cd(search_searchentry.document, {sql}, 1)",
                    params,
                    output_field=FloatField(),
                ),
            )
            .order_by("-exact", "-rank", "-object_id")
            .values_list("object_id", "title", "subtitle", "exact")[:limit]
        )
        return [
            Found(
                object_id=oid, title=title, subtitle=sub, match=Match.EXACT if ex else Match.WORDS
            )
            for oid, title, sub, ex in ranked
        ]

    def similar(self, entries: QuerySet[SearchEntry], query: Query, *, limit: int) -> list[Found]:
        """Identifiers and names containing the query; names close to it (word similarity).

        Identifiers are not matched by similarity: numbers of one series that differ in a digit
        or two (IT1000013, IT1001313) are as similar as a number and its typo, so every order
        number would bring its neighbours along.
        """
        if not has_trigram():
            return []
        pattern = f"%{query.compact}%"  # letters and digits: no LIKE wildcard inside
        contains = "(search_searchentry.identifiers LIKE %s OR search_searchentry.names LIKE %s)"
        close = "search_searchentry.names %%> %s"  # word_similarity above pg_trgm's threshold
        rows = (
            entries.filter(
                RawSQL(  # noqa: S611
                    f"({contains} OR {close})",
                    [pattern, pattern, query.phrase],
                    output_field=BooleanField(),
                )
            )
            .annotate(
                exact=RawSQL(  # noqa: S611
                    _EXACT, [f" {query.compact} "], output_field=BooleanField()
                ),
                contains=RawSQL(  # noqa: S611
                    contains, [pattern, pattern], output_field=BooleanField()
                ),
                closeness=RawSQL(
                    "word_similarity(%s, search_searchentry.names)",
                    [query.phrase],
                    output_field=FloatField(),
                ),
            )
            .order_by("-exact", "-contains", "-closeness", "-object_id")
            .values_list("object_id", "title", "subtitle", "exact")[:limit]
        )
        return [
            Found(
                object_id=oid, title=title, subtitle=sub, match=Match.EXACT if ex else Match.SIMILAR
            )
            for oid, title, sub, ex in rows
        ]
