"""Deferred indexing: each changed object written once, when the batch flushes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from amends.search import indexing
from amends.search.models import EntryKind, SearchEntry
from amends.search.text import identifiers_of
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_each_object_is_indexed_once_when_the_batch_flushes(monkeypatch: Any) -> None:
    written: list[tuple[str, int]] = []
    real = indexing.index_objects

    def counting(*, kind: str, pks: Sequence[int]) -> None:
        written.extend((kind, pk) for pk in pks)
        real(kind=kind, pks=pks)

    monkeypatch.setattr(indexing, "index_objects", counting)
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


def test_a_batch_writes_new_and_changed_entries_and_drops_the_missing() -> None:
    old = CaseFactory(subject="Pakket kwijt")
    indexing.index_object(kind=EntryKind.CASE, pk=old.pk)
    old.subject = "Pakket nog steeds kwijt"
    old.save()
    new = CaseFactory(subject="Paquete dañado")
    gone = CaseFactory(subject="Weg")
    indexing.index_object(kind=EntryKind.CASE, pk=gone.pk)
    gone_pk = gone.pk
    gone.delete()
    indexing.index_objects(kind=EntryKind.CASE, pks=[old.pk, new.pk, gone_pk])
    titles = dict(SearchEntry.objects.filter(kind=EntryKind.CASE).values_list("object_id", "title"))
    assert "nog steeds" in titles[old.pk]
    assert "dañado" in titles[new.pk]
    assert gone_pk not in titles


def test_a_batch_gives_each_case_its_own_messages_and_orders() -> None:
    from amends.conversations.models import Direction, Message
    from tests.factories import OrderFactory

    first, second = CaseFactory(subject="Eins"), CaseFactory(subject="Zwei")
    for case, text in ((first, "zebrastreifen"), (second, "giraffenhals")):
        Message.objects.create(
            case=case, channel="email", direction=Direction.INBOUND, body_text=text
        )
    order = OrderFactory(customer=second.customer, brand=second.brand)
    second.orders.add(order)
    indexing.index_objects(kind=EntryKind.CASE, pks=[first.pk, second.pk])
    one = SearchEntry.objects.get(kind=EntryKind.CASE, object_id=first.pk)
    two = SearchEntry.objects.get(kind=EntryKind.CASE, object_id=second.pk)
    assert "zebrastreifen" in one.body
    assert "giraffenhals" not in one.body
    number = identifiers_of([order.number])
    assert "giraffenhals" in two.body
    assert number in two.identifiers
    assert number not in one.identifiers
