"""The parts every backend shares."""

from __future__ import annotations

import pytest
from django.db import connection

from amends.search.engine import Found, guarded

pytestmark = pytest.mark.django_db


def test_a_query_the_database_rejects_finds_nothing_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> list[Found]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM search_searchentry")
        return []

    assert guarded(broken) == []
    assert "the database rejected a search query" in caplog.text
    with connection.cursor() as cursor:  # the test's transaction is still usable
        cursor.execute("SELECT count(*) FROM search_searchentry")
        assert cursor.fetchone() == (0,)


def test_what_works_is_returned() -> None:
    hit = Found(object_id=1, title="t", subtitle="s", match="words")
    assert guarded(lambda: [hit]) == [hit]
