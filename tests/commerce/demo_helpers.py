"""An order in the demo shop: a customer, two lines, one parcel under way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from amends.brands.models import Brand
from amends.carriers.models import Shipment
from amends.carriers.taxonomy import TrackingStatus
from amends.commerce.models import Order, OrderStatus
from amends.customers.models import Customer
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
)

EMAIL = "ana.garcia@mail.test"


@dataclass
class DemoOrder:
    brand: Brand
    customer: Customer
    order: Order
    parcel: Shipment


def demo_order(brand: Brand, *, carrier: str = "postnl", number: str = "NL3100001") -> DemoOrder:
    customer = CustomerFactory(brand=brand, email=EMAIL, language="nl", country="NL")
    order = OrderFactory(
        customer=customer,
        brand=brand,
        number=number,
        total=Decimal("100.00"),
        status=OrderStatus.SHIPPED,
        placed_at=timezone.now() - dt.timedelta(days=5),
    )
    OrderLineFactory(order=order, sku="LAMP-1", unit_price=Decimal("30.00"), quantity=2)
    OrderLineFactory(order=order, sku="BULB-4", unit_price=Decimal("40.00"), quantity=1)
    parcel = ShipmentFactory(
        order=order,
        carrier=CarrierFactory(code=carrier, name=carrier.upper()),
        tracking_number="3SAMND000000001",
        status=TrackingStatus.IN_TRANSIT,
    )
    return DemoOrder(brand=brand, customer=customer, order=order, parcel=parcel)
