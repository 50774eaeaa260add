"""What each kind of object contributes to the search index, and keeping the index current."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from amends.carriers.models import Shipment
from amends.cases.models import Case
from amends.commerce.models import Order, OrderLine
from amends.conversations.models import Direction, Message
from amends.customers.models import Customer, CustomerIdentity
from amends.search.models import EntryKind, SearchEntry
from amends.search.text import folded_words, identifiers_of, words_of

logger = logging.getLogger(__name__)

# Messages beyond this many characters per case are not indexed (the subject and the start of
# the conversation are what people search for).
MAX_BODY_CHARS = 20_000


@dataclass(frozen=True)
class Entry:
    """What one object contributes to the index."""

    title: str
    subtitle: str
    body: str
    language: str = ""
    identifiers: tuple[str, ...] = ()
    names: str = ""


def _language(code: str) -> str:
    return code.split("-")[0].strip().lower()[:8]


def _cases(pks: Sequence[int]) -> dict[int, Entry]:
    cases = list(Case.objects.select_related("customer", "brand").filter(pk__in=pks))
    if not cases:
        return {}
    ids = [case.pk for case in cases]
    numbers: dict[int, list[str]] = defaultdict(list)
    links = Case.orders.through.objects.filter(case_id__in=ids).order_by("order_id")
    for case_id, number in links.values_list("case_id", "order__number"):
        numbers[case_id].append(number)
    tracking: dict[int, list[str]] = defaultdict(list)
    parcels = Shipment.objects.filter(order__cases__in=ids).order_by("id")
    for case_id, number in parcels.values_list("order__cases", "tracking_number"):
        tracking[case_id].append(number)
    bodies: dict[int, list[str]] = defaultdict(list)
    lengths: dict[int, int] = defaultdict(int)
    texts = Message.objects.filter(
        case_id__in=ids, direction__in=[Direction.INBOUND, Direction.OUTBOUND]
    ).order_by("case_id", "id")
    for case_id, text in texts.values_list("case_id", "body_text").iterator(chunk_size=500):
        if lengths[case_id] <= MAX_BODY_CHARS:  # the rest would be cut off anyway
            bodies[case_id].append(text)
            lengths[case_id] += len(text) + 1
    entries = {}
    for case in cases:
        ids_text = " ".join([*numbers[case.pk], *tracking[case.pk]])
        body = " ".join(bodies[case.pk])
        entries[case.pk] = Entry(
            title=f"{case.reference} {case.subject}",
            subtitle=f"{case.customer.name} · {case.brand.code.upper()}",
            body=f"{case.reference} {case.subject} {case.customer.name} {ids_text} {body}",
            language=_language(case.language or case.customer.language),
            identifiers=(case.reference, *numbers[case.pk], *tracking[case.pk]),
            names=case.customer.name,
        )
    return entries


def _customers(pks: Sequence[int]) -> dict[int, Entry]:
    customers = list(Customer.objects.select_related("brand").filter(pk__in=pks))
    identities: dict[int, list[str]] = defaultdict(list)
    rows = CustomerIdentity.objects.filter(customer_id__in=[c.pk for c in customers])
    for customer_id, value in rows.order_by("id").values_list("customer_id", "value"):
        identities[customer_id].append(value)
    return {
        customer.pk: Entry(
            title=customer.name,
            subtitle=customer.brand.code.upper(),
            body=" ".join([customer.name, *identities[customer.pk]]),
            language=_language(customer.language),
            identifiers=tuple(identities[customer.pk]),
            names=customer.name,
        )
        for customer in customers
    }


def _orders(pks: Sequence[int]) -> dict[int, Entry]:
    orders = list(Order.objects.select_related("customer").filter(pk__in=pks))
    titles: dict[int, list[str]] = defaultdict(list)
    lines = OrderLine.objects.filter(order_id__in=[o.pk for o in orders]).order_by("id")
    for order_id, title in lines.values_list("order_id", "title"):
        titles[order_id].append(title)
    return {
        order.pk: Entry(
            title=order.number,
            subtitle=order.customer.name,
            body=f"{order.number} {order.customer.name} {' '.join(titles[order.pk])}",
            language=_language(order.customer.language),
            identifiers=(order.number,),
            names=order.customer.name,
        )
        for order in orders
    }


def _shipments(pks: Sequence[int]) -> dict[int, Entry]:
    shipments = Shipment.objects.select_related("carrier", "order__customer").filter(pk__in=pks)
    return {
        shipment.pk: Entry(
            title=f"{shipment.carrier.name} {shipment.tracking_number}",
            subtitle=shipment.order.number,
            body=f"{shipment.tracking_number} {shipment.carrier.name} {shipment.order.number}",
            language=_language(shipment.order.customer.language),
            identifiers=(shipment.tracking_number, shipment.order.number),
            names=shipment.carrier.name,
        )
        for shipment in shipments
    }


# Each builds the entries of many objects of its kind in a few queries; a missing object has
# no entry in the result.
BUILDERS: dict[str, Callable[[Sequence[int]], dict[int, Entry]]] = {
    EntryKind.CASE: _cases,
    EntryKind.CUSTOMER: _customers,
    EntryKind.ORDER: _orders,
    EntryKind.SHIPMENT: _shipments,
}
WRITTEN = ("title", "subtitle", "body", "language", "identifiers", "names", "updated_at")
BATCH = 200


def _fields(entry: Entry) -> dict[str, Any]:
    return {
        "title": entry.title[:300],
        "subtitle": entry.subtitle[:300],
        "body": words_of(entry.body[:MAX_BODY_CHARS]),
        "language": entry.language,
        "identifiers": identifiers_of(list(entry.identifiers)),
        "names": folded_words(entry.names),
        "updated_at": timezone.now(),  # update() skips auto_now
    }


def _write_one(*, kind: str, pk: int, entry: Entry | None) -> None:
    if entry is None:
        SearchEntry.objects.filter(kind=kind, object_id=pk).delete()
        return
    fields = _fields(entry)
    # One statement for the usual case (the entry exists); update_or_create reads it first.
    if SearchEntry.objects.filter(kind=kind, object_id=pk).update(**fields):
        return
    try:
        with transaction.atomic():
            SearchEntry.objects.create(kind=kind, object_id=pk, **fields)
    except IntegrityError:  # written a moment ago by another process: ours is as new
        SearchEntry.objects.filter(kind=kind, object_id=pk).update(**fields)


def index_object(*, kind: str, pk: int) -> None:
    """Write (or remove) the entry of one object. Idempotent."""
    _write_one(kind=kind, pk=pk, entry=BUILDERS[kind]([pk]).get(pk))


def index_objects(*, kind: str, pks: Sequence[int]) -> None:
    """Write (or remove) the entries of many objects of one kind: built in a few queries,
    new entries inserted together, existing ones updated together. Idempotent."""
    for start in range(0, len(pks), BATCH):
        chunk = list(pks[start : start + BATCH])
        entries = BUILDERS[kind](chunk)
        gone = [pk for pk in chunk if pk not in entries]
        if gone:
            SearchEntry.objects.filter(kind=kind, object_id__in=gone).delete()
        current = {
            entry.object_id: entry
            for entry in SearchEntry.objects.filter(kind=kind, object_id__in=list(entries))
        }
        fresh: list[SearchEntry] = []
        for pk, entry in entries.items():
            fields = _fields(entry)
            row = current.get(pk)
            if row is None:
                fresh.append(SearchEntry(kind=kind, object_id=pk, **fields))
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
        if current:
            SearchEntry.objects.bulk_update(list(current.values()), WRITTEN)
        try:
            with transaction.atomic():
                SearchEntry.objects.bulk_create(fresh)
        except IntegrityError:  # one was written a moment ago by another process
            for row in fresh:
                _write_one(kind=kind, pk=row.object_id, entry=entries[row.object_id])


# Inside ``deferred()``: the objects to index when it flushes, each once.
_deferred: ContextVar[set[tuple[str, int]] | None] = ContextVar(
    "amends_search_deferred", default=None
)


def index_after_commit(*, kind: str, pk: int) -> None:
    pending = _deferred.get()
    if pending is not None:
        pending.add((kind, pk))
        return
    transaction.on_commit(lambda: index_object(kind=kind, pk=pk))


@contextmanager
def deferred() -> Iterator[Callable[[], int]]:
    """Collect index updates instead of writing each after its commit; write each object once
    when ``flush()`` is called and when the block ends. For bulk work (a mail import, an IMAP
    batch), where one case changes several times: a new case, its first message and its order
    are indexed once, not three times. An object whose transaction rolled back is indexed as it
    is (or its entry removed), which is what indexing does anyway."""
    pending: set[tuple[str, int]] = set()
    token = _deferred.set(pending)

    def flush() -> int:
        items = sorted(pending)
        pending.clear()
        if not items:
            return 0
        try:
            with transaction.atomic():
                for kind in BUILDERS:
                    pks = [pk for k, pk in items if k == kind]
                    if pks:
                        index_objects(kind=kind, pks=pks)
        except DatabaseError:
            # The index is derived data: the work that changed the objects is committed and
            # must not fail now. Kept for the next flush; `amends search rebuild` mends the rest.
            logger.exception("writing %d search entries failed; kept for later", len(items))
            pending.update(items)
            return 0
        return len(items)

    try:
        yield flush
    finally:
        _deferred.reset(token)
        flush()


MODELS: dict[str, type[Case] | type[Customer] | type[Order] | type[Shipment]] = {
    EntryKind.CASE: Case,
    EntryKind.CUSTOMER: Customer,
    EntryKind.ORDER: Order,
    EntryKind.SHIPMENT: Shipment,
}


def rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Index everything again (after a bulk import that bypassed the services), a batch of
    objects of one kind at a time."""
    total = sum(model.objects.count() for model in MODELS.values())
    done = 0
    for kind, model in MODELS.items():
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            chunk = pks[start : start + BATCH]
            with transaction.atomic():
                index_objects(kind=kind, pks=chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return done
