"""Refunds are confirmed later, as a payment provider would, and the confirmation reaches amends
through ``shop_confirmed`` once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from amends.brands.models import Brand
from amends.commerce.adapters.base import Receipt
from amends.commerce.adapters.demo import DemoShop
from amends.commerce.adapters.demo_tasks import demo_settle, demo_settle_due
from amends.commerce.confirmations import shop_confirmed
from amends.commerce.models import DemoLedgerEntry, LedgerKind, ShopOperation
from amends.core.worker import run_pending
from tests.commerce.demo_helpers import DemoOrder, demo_order

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def world(nl_brand: Brand) -> DemoOrder:
    return demo_order(nl_brand)


def _refund(capture: Capture, amount: str = "25.00", key: str = "r1") -> Receipt:
    with capture(execute=True):
        return DemoShop(settle_after_seconds=90).refund(
            order_number="NL3100001",
            brand_code="nl",
            amount=Decimal(amount),
            reason="damaged",
            idempotency_key=key,
        )


def test_a_refund_enqueues_its_settlement_after_the_delay(
    world: DemoOrder, django_capture_on_commit_callbacks: Capture
) -> None:
    before = timezone.now()
    receipt = _refund(django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get(task_path__endswith="demo_shop_settle")
    assert task.args_kwargs["kwargs"] == {"reference": receipt.reference}
    assert task.run_after is not None
    assert before + dt.timedelta(seconds=89) < task.run_after < before + dt.timedelta(seconds=95)


def test_settling_confirms_the_operation_once(
    world: DemoOrder, django_capture_on_commit_callbacks: Capture
) -> None:
    receipt = _refund(django_capture_on_commit_callbacks)
    DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(seconds=1))

    assert run_pending() == 1

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    entry = DemoLedgerEntry.objects.get(reference=receipt.reference)
    operation = ShopOperation.objects.get(reference=receipt.reference)
    assert entry.settled_at is not None
    assert operation.confirmed_at == entry.settled_at
    assert operation.confirmed is False  # the first receipt stays as it was given
    # Settling again (a retried task, the sweep) does nothing more.
    assert demo_settle(reference=receipt.reference) is False
    operation.refresh_from_db()
    assert operation.confirmed_at == entry.settled_at


def test_the_sweep_settles_what_is_overdue_only(
    world: DemoOrder, django_capture_on_commit_callbacks: Capture
) -> None:
    old = _refund(django_capture_on_commit_callbacks, "10.00", key="old")
    new = _refund(django_capture_on_commit_callbacks, "10.00", key="new")
    DemoLedgerEntry.objects.filter(reference=old.reference).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )

    assert demo_settle_due(older_than=dt.timedelta(minutes=5)) == 1

    settled = dict(DemoLedgerEntry.objects.values_list("reference", "settled_at"))
    assert settled[old.reference] is not None
    assert settled[new.reference] is None
    assert ShopOperation.objects.get(reference=old.reference).confirmed_at is not None


def test_payments_are_never_settled_as_refunds(
    world: DemoOrder, django_capture_on_commit_callbacks: Capture
) -> None:
    _refund(django_capture_on_commit_callbacks)
    payment = DemoLedgerEntry.objects.get(kind=LedgerKind.PAYMENT)
    DemoLedgerEntry.objects.filter(pk=payment.pk).update(settled_at=None)
    assert demo_settle(reference=payment.reference) is False


def test_shop_confirmed_keeps_the_first_moment(
    world: DemoOrder, django_capture_on_commit_callbacks: Capture
) -> None:
    receipt = _refund(django_capture_on_commit_callbacks)
    first = timezone.now()
    operation = shop_confirmed(reference=receipt.reference, confirmed_at=first)
    later = shop_confirmed(reference=receipt.reference, confirmed_at=first + dt.timedelta(hours=1))
    assert operation is not None
    assert later is not None
    assert later.confirmed_at == first


def test_shop_confirmed_ignores_what_amends_never_asked_for() -> None:
    assert shop_confirmed(reference="DS-RF-UNKNOWN", confirmed_at=timezone.now()) is None
    assert shop_confirmed(reference="", confirmed_at=timezone.now()) is None


def test_shop_confirmed_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        shop_confirmed(reference="DS-RF-X", confirmed_at=dt.datetime(2026, 1, 1))
