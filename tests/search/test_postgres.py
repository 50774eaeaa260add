"""PostgreSQL only: stems in each entry's language, the searcher's language, typos, query plans,
and what happens on a server without the unaccent and pg_trgm extensions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from amends.accounts.models import Team, User
from amends.search import postgres, schema
from amends.search.engine import Match
from amends.search.selectors import Hit, search
from amends.search.text import parse
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, make_agent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

Committed = Callable[..., Any]


@pytest.fixture
def desk(django_capture_on_commit_callbacks: Committed) -> tuple[Team, User]:
    with django_capture_on_commit_callbacks(execute=True):
        team = TeamFactory()
        agent = make_agent(team)
    return team, agent


def case_in(team: Team, committed: Committed, language: str, subject: str, **person: Any) -> int:
    with committed(execute=True):
        customer = CustomerFactory(brand=team.brand, language=language, **person)
        case = CaseFactory(
            team=team, brand=team.brand, customer=customer, subject=subject, language=language
        )
    return case.pk


def cases(hits: list[Hit]) -> list[int]:
    return [h.id for h in hits if h.kind == "case"]


def stems(config: str, text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_to_string(tsvector_to_array("
            "search_fold_tsvector(to_tsvector(search_config(%s), %s))), ' ')",
            [config, text],
        )
        row = cursor.fetchone()
    return sorted(row[0].split()) if row and row[0] else []


def test_what_the_dictionaries_really_do() -> None:
    # Stemmed with the accents, folded afterwards: every form of a French word meets.
    assert stems("fr", "livrée livrées livré livrer") == ["livr"]
    assert stems("fr", "remboursement remboursements remboursée") == ["rembours"]
    assert stems("fr", "reçu reçue") == ["recu"]
    assert stems("fr", "livree") == ["livre"]  # typed without its accent: no longer the stem
    assert stems("es", "devolución devoluciones") == ["devolu"]
    assert stems("lt", "grąžinimas grąžinimo") == ["grazinim"]
    assert stems("de", "Rückerstattung Rückerstattungen") == ["ruckerstatt"]
    assert stems("it", "rimborso rimborsi rimborsare") == ["rimbors"]
    # Dutch: the stemmer does not take the participle's ge- off, so "geleverd" and "leveren"
    # stay apart; "levering" and "leveren" meet.
    assert stems("nl", "geleverd leveren levering") == ["geleverd", "lever"]
    # Polish has no configuration: words as they are, folded.
    assert stems("pl", "zwrot zwroty pieniędzy") == ["pieniedzy", "zwrot", "zwroty"]
    # Stop words of the language are not stems (the words are still there as they are).
    assert stems("en", "the parcel") == ["parcel"]


def test_another_form_of_a_word_finds_it_in_the_searchers_language(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    committed = django_capture_on_commit_callbacks
    french = case_in(team, committed, "fr", "Demande de remboursement, colis livré abîmé")
    assert cases(search(user=agent, query="remboursements", language="fr")) == [french]
    assert cases(search(user=agent, query="livrée abîmée", language="fr")) == [french]
    with translation.override("fr"):  # the page's language is the searcher's by default
        assert cases(search(user=agent, query="remboursements")) == [french]
    # Searching in a language without a stemmer (Polish), the plural is only a word, and no
    # prefix of any word in the case.
    assert cases(search(user=agent, query="remboursements", language="pl")) == []
    assert cases(search(user=agent, query="rembours", language="pl")) == [french]  # a prefix

    dutch = case_in(team, committed, "nl", "Wanneer wordt het geleverd?")
    assert cases(search(user=agent, query="geleverd", language="nl")) == [dutch]
    assert cases(search(user=agent, query="leveren", language="nl")) == []  # see above
    dutch_delivery = case_in(team, committed, "nl", "Levering te laat")
    assert cases(search(user=agent, query="leveren", language="nl")) == [dutch_delivery]


def test_polish_and_unknown_languages_fall_back_to_words(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    committed = django_capture_on_commit_callbacks
    polish = case_in(team, committed, "pl", "Zwrot pieniędzy")
    assert cases(search(user=agent, query="pieniedzy", language="pl")) == [polish]
    assert cases(search(user=agent, query="zwr", language="pl")) == [polish]
    assert cases(search(user=agent, query="zwroty", language="pl")) == []  # no stemmer
    klingon = case_in(team, committed, "tlh", "Qapla batlh")
    assert cases(search(user=agent, query="batlh", language="tlh")) == [klingon]


def test_a_name_with_a_typo_is_found_after_the_exact_ones(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed
) -> None:
    team, agent = desk
    committed = django_capture_on_commit_callbacks
    janssen = case_in(team, committed, "nl", "Pakket", name="Pieter Janssen")
    hits = [h for h in search(user=agent, query="Jansen") if h.kind in {"case", "customer"}]
    assert {(h.kind, h.match) for h in hits} == {("case", Match.SIMILAR), ("customer", "similar")}
    assert cases(hits) == [janssen]
    jansen = case_in(team, committed, "nl", "Retour", name="Eva Jansen")
    assert cases(search(user=agent, query="Jansen")) == [jansen, janssen]  # exact word first
    assert cases(search(user=agent, query="Qwxyz")) == []


def explain(captured: CaptureQueriesContext) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "search_searchentry" in sql and "pg_extension" not in sql:
                cursor.execute(f"EXPLAIN {sql}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize("query", ["colis", "remboursements jamais", "Jansen", "02217320"])
def test_no_search_reads_every_entry(
    desk: tuple[Team, User], django_capture_on_commit_callbacks: Committed, query: str
) -> None:
    team, agent = desk
    case_in(team, django_capture_on_commit_callbacks, "fr", "Colis jamais reçu")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as with many entries
    with CaptureQueriesContext(connection) as captured:
        search(user=agent, query=query)
    plans = explain(captured)
    assert plans
    for plan in plans:
        assert "Seq Scan on search_searchentry" not in plan, plan
        assert plan.startswith("Limit"), plan  # every query is bounded


def test_the_match_conditions_are_served_by_the_indexes() -> None:
    """Which index the planner takes depends on the figures (at 100,000 entries it takes these;
    see bench/search.py); here: that each condition can be answered from its index at all."""
    sql, params = postgres.tsquery(parse("remboursements jamais"), "fr")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM search_searchentry WHERE document @@ ({sql})",  # noqa: S608
            params,
        )
        words = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN SELECT id FROM search_searchentry "
            "WHERE identifiers LIKE %s OR names LIKE %s OR names %%> %s",
            ["%02217320%", "%02217320%", "jansen"],
        )
        similar = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on search_entry_document_gin" in words, words
    assert "Bitmap Index Scan on search_entry_identifiers_trgm" in similar, similar
    assert similar.count("Bitmap Index Scan on search_entry_names_trgm") == 2, similar


def test_without_the_extensions_search_still_works_and_says_what_is_missing(
    desk: tuple[Team, User],
    django_capture_on_commit_callbacks: Committed,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    team, agent = desk
    monkeypatch.setattr(postgres, "_warned", [])
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DROP EXTENSION unaccent CASCADE")
        cursor.execute("DROP EXTENSION pg_trgm CASCADE")
    found = schema.install(connection, extensions=())
    assert (found.unaccent, found.trigram) == (False, False)
    assert stems("fr", "livrée reçu Ångström") == ["angstrom", "livr", "recu"]  # built-in fold

    case = case_in(team, django_capture_on_commit_callbacks, "fr", "Colis jamais reçu")
    assert cases(search(user=agent, query="recu", language="fr")) == [case]
    with caplog.at_level(logging.WARNING, logger="amends.search"):
        assert cases(search(user=agent, query="01234567")) == []  # no trigram pass
    assert any("pg_trgm is not installed" in r.getMessage() for r in caplog.records)


def test_an_extension_that_cannot_be_created_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="amends.search"):
        assert schema._create_extension(connection, "no_such_extension") is False
    assert "no_such_extension could not be created" in caplog.text
    assert "CREATE EXTENSION no_such_extension" in caplog.text
    with connection.cursor() as cursor:  # the transaction is still usable
        cursor.execute("SELECT 1")


def test_the_setup_can_run_again(desk: tuple[Team, User]) -> None:
    found = schema.install(connection)
    assert (found.unaccent, found.trigram) == (True, True)
    assert set(found.configs) == {"en", "fr", "nl", "de", "es", "it", "lt"}


def test_every_migrate_brings_the_functions_up_to_date(desk: tuple[Team, User]) -> None:
    from amends.search.apps import _install_after_migrate

    with connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION search_config(text) CASCADE")
    _install_after_migrate(using="default")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_config('de')::text")
        assert cursor.fetchone() == ("german",)
