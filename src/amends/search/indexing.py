"""What each kind of object contributes to the search index, and keeping the index current."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import transaction

from amends.carriers.models import Shipment
from amends.cases.models import Case
from amends.commerce.models import Order
from amends.conversations.models import Direction
from amends.customers.models import Customer
from amends.search.backends import words_of
from amends.search.models import EntryKind, SearchEntry

# Messages beyond this many characters per case are not indexed (the subject and the start of
# the conversation are what people search for).
MAX_BODY_CHARS = 20_000


def _case(pk: int) -> tuple[str, str, str] | None:
    case = Case.objects.select_related("customer", "brand").filter(pk=pk).first()
    if case is None:
        return None
    numbers = " ".join(case.orders.values_list("number", flat=True))
    texts = case.messages.filter(direction__in=[Direction.INBOUND, Direction.OUTBOUND])
    body = " ".join(texts.order_by("id").values_list("body_text", flat=True))
    return (
        f"{case.reference} {case.subject}"[:300],
        f"{case.customer.name} · {case.brand.code.upper()}"[:300],
        f"{case.reference} {case.subject} {case.customer.name} {numbers} {body}"[:MAX_BODY_CHARS],
    )


def _customer(pk: int) -> tuple[str, str, str] | None:
    customer = Customer.objects.select_related("brand").filter(pk=pk).first()
    if customer is None:
        return None
    identities = " ".join(customer.identities.values_list("value", flat=True))
    return (customer.name, customer.brand.code.upper(), f"{customer.name} {identities}")


def _order(pk: int) -> tuple[str, str, str] | None:
    order = Order.objects.select_related("customer").filter(pk=pk).first()
    if order is None:
        return None
    titles = " ".join(order.lines.values_list("title", flat=True))
    return (order.number, order.customer.name, f"{order.number} {order.customer.name} {titles}")


def _shipment(pk: int) -> tuple[str, str, str] | None:
    shipment = Shipment.objects.select_related("carrier", "order").filter(pk=pk).first()
    if shipment is None:
        return None
    return (
        f"{shipment.carrier.name} {shipment.tracking_number}",
        shipment.order.number,
        f"{shipment.tracking_number} {shipment.carrier.name} {shipment.order.number}",
    )


BUILDERS: dict[str, Callable[[int], tuple[str, str, str] | None]] = {
    EntryKind.CASE: _case,
    EntryKind.CUSTOMER: _customer,
    EntryKind.ORDER: _order,
    EntryKind.SHIPMENT: _shipment,
}


def index_object(*, kind: str, pk: int) -> None:
    """Write (or remove) the entry of one object. Idempotent."""
    built = BUILDERS[kind](pk)
    if built is None:
        SearchEntry.objects.filter(kind=kind, object_id=pk).delete()
        return
    title, subtitle, body = built
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=pk,
        defaults={"title": title[:300], "subtitle": subtitle[:300], "body": words_of(body)},
    )


def index_after_commit(*, kind: str, pk: int) -> None:
    transaction.on_commit(lambda: index_object(kind=kind, pk=pk))


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
