"""Keep the search index current when searchable objects change.

Indexing is infrastructure, not business logic, so it listens to saves (like Wagtail's search
index) instead of every service having to remember it. Each change schedules one re-index of
the object it affects, after the transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from amends.carriers.models import Shipment
from amends.cases.models import Case
from amends.commerce.models import Order, OrderLine
from amends.conversations.models import Message
from amends.customers.models import Customer, CustomerIdentity
from amends.search.indexing import index_after_commit, index_object
from amends.search.models import EntryKind


def _case(sender: Any, instance: Case, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.CASE, pk=instance.pk)


def _message(sender: Any, instance: Message, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.CASE, pk=instance.case_id)


def _customer(sender: Any, instance: Customer, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.CUSTOMER, pk=instance.pk)


def _identity(sender: Any, instance: CustomerIdentity, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.CUSTOMER, pk=instance.customer_id)


def _order(sender: Any, instance: Order, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.ORDER, pk=instance.pk)


def _line(sender: Any, instance: OrderLine, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.ORDER, pk=instance.order_id)


def _shipment(sender: Any, instance: Shipment, **kwargs: Any) -> None:
    index_after_commit(kind=EntryKind.SHIPMENT, pk=instance.pk)
    order_id = instance.order_id  # the cases about this order list its tracking numbers
    transaction.on_commit(lambda: _index_cases_of_order(order_id))


def _index_cases_of_order(order_id: int) -> None:
    for pk in Case.objects.filter(orders=order_id).values_list("pk", flat=True):
        index_object(kind=EntryKind.CASE, pk=pk)


def _case_orders(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Case):
        index_after_commit(kind=EntryKind.CASE, pk=instance.pk)


def connect() -> None:
    from django.db.models.signals import m2m_changed

    for model, handler in (
        (Case, _case),
        (Message, _message),
        (Customer, _customer),
        (CustomerIdentity, _identity),
        (Order, _order),
        (OrderLine, _line),
        (Shipment, _shipment),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"search:{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"search-del:{model.__name__}")
    m2m_changed.connect(_case_orders, sender=Case.orders.through, dispatch_uid="search:case-orders")
