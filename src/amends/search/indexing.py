"""What each kind of object contributes to the search index, and keeping the index current."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from amends.carriers.models import Shipment
from amends.cases.models import Case
from amends.commerce.models import Order
from amends.conversations.models import Direction
from amends.customers.models import Customer
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


def _case(pk: int) -> Entry | None:
    case = Case.objects.select_related("customer", "brand").filter(pk=pk).first()
    if case is None:
        return None
    numbers = list(case.orders.order_by("id").values_list("number", flat=True))
    tracking = list(
        Shipment.objects.filter(order__cases=case)
        .order_by("id")
        .values_list("tracking_number", flat=True)
    )
    texts = case.messages.filter(direction__in=[Direction.INBOUND, Direction.OUTBOUND])
    body = " ".join(texts.order_by("id").values_list("body_text", flat=True))
    ids = " ".join([*numbers, *tracking])
    return Entry(
        title=f"{case.reference} {case.subject}",
        subtitle=f"{case.customer.name} · {case.brand.code.upper()}",
        body=f"{case.reference} {case.subject} {case.customer.name} {ids} {body}",
        language=_language(case.language or case.customer.language),
        identifiers=(case.reference, *numbers, *tracking),
        names=case.customer.name,
    )


def _customer(pk: int) -> Entry | None:
    customer = Customer.objects.select_related("brand").filter(pk=pk).first()
    if customer is None:
        return None
    identities = list(customer.identities.order_by("id").values_list("value", flat=True))
    return Entry(
        title=customer.name,
        subtitle=customer.brand.code.upper(),
        body=" ".join([customer.name, *identities]),
        language=_language(customer.language),
        identifiers=tuple(identities),
        names=customer.name,
    )


def _order(pk: int) -> Entry | None:
    order = Order.objects.select_related("customer").filter(pk=pk).first()
    if order is None:
        return None
    titles = " ".join(order.lines.order_by("id").values_list("title", flat=True))
    return Entry(
        title=order.number,
        subtitle=order.customer.name,
        body=f"{order.number} {order.customer.name} {titles}",
        language=_language(order.customer.language),
        identifiers=(order.number,),
        names=order.customer.name,
    )


def _shipment(pk: int) -> Entry | None:
    shipment = Shipment.objects.select_related("carrier", "order__customer").filter(pk=pk).first()
    if shipment is None:
        return None
    return Entry(
        title=f"{shipment.carrier.name} {shipment.tracking_number}",
        subtitle=shipment.order.number,
        body=f"{shipment.tracking_number} {shipment.carrier.name} {shipment.order.number}",
        language=_language(shipment.order.customer.language),
        identifiers=(shipment.tracking_number, shipment.order.number),
        names=shipment.carrier.name,
    )


BUILDERS: dict[str, Callable[[int], Entry | None]] = {
    EntryKind.CASE: _case,
    EntryKind.CUSTOMER: _customer,
    EntryKind.ORDER: _order,
    EntryKind.SHIPMENT: _shipment,
}


def index_object(*, kind: str, pk: int) -> None:
    """Write (or remove) the entry of one object. Idempotent."""
    entry = BUILDERS[kind](pk)
    if entry is None:
        SearchEntry.objects.filter(kind=kind, object_id=pk).delete()
        return
    fields = {
        "title": entry.title[:300],
        "subtitle": entry.subtitle[:300],
        "body": words_of(entry.body[:MAX_BODY_CHARS]),
        "language": entry.language,
        "identifiers": identifiers_of(list(entry.identifiers)),
        "names": folded_words(entry.names),
        "updated_at": timezone.now(),  # update() skips auto_now
    }
    # One statement for the usual case (the entry exists); update_or_create reads it first.
    if SearchEntry.objects.filter(kind=kind, object_id=pk).update(**fields):
        return
    try:
        with transaction.atomic():
            SearchEntry.objects.create(kind=kind, object_id=pk, **fields)
    except IntegrityError:  # written a moment ago by another process: ours is as new
        SearchEntry.objects.filter(kind=kind, object_id=pk).update(**fields)


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
                for kind, pk in items:
                    index_object(kind=kind, pk=pk)
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


def _all_ids() -> Iterator[tuple[str, int]]:
    for kind, model in (
        (EntryKind.CASE, Case),
        (EntryKind.CUSTOMER, Customer),
        (EntryKind.ORDER, Order),
        (EntryKind.SHIPMENT, Shipment),
    ):
        for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator():
            yield kind, pk


def rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Index everything again (after a bulk import that bypassed the services)."""
    total = (
        Case.objects.count()
        + Customer.objects.count()
        + Order.objects.count()
        + Shipment.objects.count()
    )
    done = 0
    for kind, pk in _all_ids():
        index_object(kind=kind, pk=pk)
        done += 1
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
    return done
