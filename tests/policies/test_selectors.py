"""A storefront's terms and an order's facts, read from the database for ``order_rules``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from amends.carriers.models import TrackingEvent
from amends.policies.order_terms import Terms
from amends.policies.selectors import (
    EU_DEFAULT,
    order_facts,
    terms_for_brand,
    today_for_brand,
)
from tests.factories import (
    BrandFactory,
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    SellerFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db


def test_eu_default_and_country_overrides() -> None:
    france = terms_for_brand(BrandFactory(country="FR"))
    assert france is EU_DEFAULT
    assert (france.return_days, france.legal_withdrawal_days, france.price_drop_days) == (30, 14, 7)
    spain = terms_for_brand(BrandFactory(country="ES"))
    assert isinstance(spain, Terms)
    assert spain.lost_after("seur") == 12
    assert spain.lost_after("dhl") == 10
    assert spain.return_days == 30  # only what the override names changes


def test_today_is_the_storefronts_day() -> None:
    brand = BrandFactory(time_zone="Europe/Vilnius")
    # 22:30 UTC on 31 March is already 1 April in Vilnius (UTC+3 in summer).
    with time_machine.travel(dt.datetime(2031, 3, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        assert today_for_brand(brand) == dt.date(2031, 4, 1)


def test_order_facts_from_an_order_its_parcels_and_its_seller() -> None:
    customer = CustomerFactory(is_premium=True)
    seller = SellerFactory(name="Muebles Ortiz")
    order = OrderFactory(customer=customer)
    OrderLineFactory(order=order, seller=seller)
    paris = ZoneInfo("Europe/Paris")
    dhl = ShipmentFactory(order=order, carrier=CarrierFactory(code="dhl"), status="in_transit")
    TrackingEvent.objects.create(
        shipment=dhl, status="in_transit", occurred_at=dt.datetime(2031, 3, 4, 8, tzinfo=paris)
    )
    TrackingEvent.objects.create(
        shipment=dhl, status="in_transit", occurred_at=dt.datetime(2031, 3, 5, 8, tzinfo=paris)
    )
    seur = ShipmentFactory(
        order=order,
        carrier=CarrierFactory(code="seur", name="SEUR"),
        status="delivered",
        delivered_at=dt.datetime(2031, 3, 6, 12, tzinfo=paris),
    )
    facts = order_facts(order=order)
    assert facts.carrier_codes == ("dhl", "seur")
    assert sorted(facts.shipment_statuses) == ["delivered", "in_transit"]
    assert facts.last_scan_at == dt.datetime(2031, 3, 5, 8, tzinfo=paris)
    assert facts.delivered_at is None  # one parcel is still travelling
    assert (facts.has_seller, facts.seller_name, facts.is_premium) == (True, "Muebles Ortiz", True)
    assert (facts.time_zone, facts.currency, facts.total) == ("Europe/Paris", "EUR", order.total)

    dhl.status = "delivered"
    dhl.delivered_at = dt.datetime(2031, 3, 8, 9, tzinfo=paris)
    dhl.save()
    facts = order_facts(order=order)
    assert facts.delivered_at == dhl.delivered_at  # the last parcel's arrival
    assert facts.last_scan_at is None
    assert seur.delivered_at is not None
