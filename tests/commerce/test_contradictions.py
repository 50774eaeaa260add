"""The consistency checker opens one case per contradiction, and only one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent, Channel
from amends.commerce.contradictions import check_orders, consistency_check
from amends.commerce.models import Order, OrderContradiction, OrderStatus
from tests.commerce.demo_helpers import demo_order
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def refund_in_full(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.REFUNDED, refunded_total=order.total
    )


def test_a_refunded_order_with_a_parcel_under_way_opens_one_case(nl_brand: Brand) -> None:
    TeamFactory(brand=nl_brand)
    shop = demo_order(nl_brand)
    refund_in_full(shop.order)

    assert check_orders([shop.order.pk]) == {"found": 1, "resolved": 0}
    assert check_orders([shop.order.pk]) == {"found": 0, "resolved": 0}

    row = OrderContradiction.objects.get()
    assert row.key == f"refunded_but_travelling:{shop.parcel.pk}"
    case = Case.objects.get()
    assert row.case == case
    assert case.origin_channel == Channel.SYSTEM
    assert list(case.orders.all()) == [shop.order]
    # In the storefront's language, what disagrees in words too (not the code).
    assert nl_brand.default_language == "nl"
    assert case.subject == (
        f"Bestelling {shop.order.number}: de statussen zijn tegenstrijdig "
        "(terugbetaald, maar er is een pakket onderweg)"
    )
    event = CaseEvent.objects.get(case=case, kind=EventKind.CONTRADICTION_FOUND)
    assert event.data["code"] == "refunded_but_travelling"


def test_a_contradiction_that_is_gone_is_resolved_and_a_new_one_opens_a_new_case(
    nl_brand: Brand,
) -> None:
    TeamFactory(brand=nl_brand)
    shop = demo_order(nl_brand)
    refund_in_full(shop.order)
    check_orders([shop.order.pk])

    # The carrier stopped the parcel and sent it back: nothing disagrees any more.
    Shipment.objects.filter(pk=shop.parcel.pk).update(status=TrackingStatus.RETURNED_TO_SENDER)
    assert check_orders([shop.order.pk]) == {"found": 0, "resolved": 1}

    Shipment.objects.filter(pk=shop.parcel.pk).update(status=TrackingStatus.IN_TRANSIT)
    # Its timeline never said "returned" (the update above is a test's shortcut), so it is
    # the same contradiction again, after it was resolved: a case of its own.
    assert check_orders([shop.order.pk]) == {"found": 1, "resolved": 0}
    assert Case.objects.count() == 2


def test_orders_that_agree_open_nothing(nl_brand: Brand) -> None:
    shop = demo_order(nl_brand)
    assert consistency_check(all=True) == {"found": 0, "resolved": 0}
    assert not OrderContradiction.objects.filter(order=shop.order).exists()


def test_the_sweep_looks_at_the_orders_changed_lately(nl_brand: Brand) -> None:
    TeamFactory(brand=nl_brand)
    shop = demo_order(nl_brand)
    Order.objects.filter(pk=shop.order.pk).update(
        status=OrderStatus.PAID,
        refunded_total=Decimal("10.00"),
        updated_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert consistency_check() == {"found": 1, "resolved": 0}
    assert consistency_check() == {"found": 0, "resolved": 0}  # found once
    old = timezone.now() - dt.timedelta(days=5)
    assert consistency_check(since=old + dt.timedelta(days=4)) == {"found": 0, "resolved": 0}


def test_every_contradiction_has_words_in_every_language() -> None:
    from django.conf import settings
    from django.utils import translation

    from amends.commerce.consistency import Code
    from amends.commerce.contradictions import LABELS

    assert set(LABELS) == set(Code)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words = [translation.gettext(label) for label in LABELS.values()]
        assert len(set(words)) == len(words), language
        if language != "en":
            assert not set(words) & set(LABELS.values()), f"untranslated in {language}"


def test_an_order_whose_parcels_all_arrived_but_still_says_shipped_opens_no_case(
    nl_brand: Brand,
) -> None:
    """Most shops never mark an order delivered; the customer is shown the parcel's status,
    which is right. Found by the pure check, never a case; a row left open by an earlier
    version is resolved."""
    from amends.commerce.consistency import Code, contradictions
    from amends.commerce.selectors import order_state

    TeamFactory(brand=nl_brand)
    shop = demo_order(nl_brand)
    Shipment.objects.filter(pk=shop.parcel.pk).update(status=TrackingStatus.DELIVERED)
    order = Order.objects.prefetch_related("shipments__events").get(pk=shop.order.pk)
    assert [c.code for c in contradictions(order_state(order))] == [Code.ARRIVED_BUT_NOT_DELIVERED]
    OrderContradiction.objects.create(order=shop.order, key="arrived_but_not_delivered:0")

    assert check_orders([shop.order.pk]) == {"found": 0, "resolved": 1}
    assert not Case.objects.exists()
