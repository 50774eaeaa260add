"""Deferred indexing: each changed object written once, when the batch flushes."""

from __future__ import annotations

from typing import Any

import pytest

from amends.search import indexing
from amends.search.models import EntryKind, SearchEntry
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_each_object_is_indexed_once_when_the_batch_flushes(monkeypatch: Any) -> None:
    written: list[tuple[str, int]] = []
    real = indexing.index_object

    def counting(*, kind: str, pk: int) -> None:
        written.append((kind, pk))
        real(kind=kind, pk=pk)

    monkeypatch.setattr(indexing, "index_object", counting)
    with indexing.deferred() as flush:
        case = CaseFactory(subject="Colis perdu")
        case.subject = "Colis perdu, toujours rien"
        case.save()
        assert not SearchEntry.objects.filter(kind=EntryKind.CASE, object_id=case.pk).exists()
        assert flush() >= 1
    assert written.count((EntryKind.CASE, case.pk)) == 1
    entry = SearchEntry.objects.get(kind=EntryKind.CASE, object_id=case.pk)
    assert "toujours" in entry.title


def test_an_object_gone_before_the_flush_leaves_no_entry() -> None:
    with indexing.deferred():
        case = CaseFactory()
        pk = case.pk
        case.delete()
    assert not SearchEntry.objects.filter(kind=EntryKind.CASE, object_id=pk).exists()
