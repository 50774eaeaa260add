"""A storefront with a customer, an order and a parcel, and carrier scans fed through the real
ingestion (``carriers.ingest.tracking_events_record``), which calls ``shipments_changed``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from amends.accounts.models import Team, User
from amends.brands.models import Brand
from amends.carriers.adapters.base import CarrierEvent
from amends.carriers.ingest import IngestResult, tracking_events_record
from amends.carriers.models import Carrier, Shipment
from amends.cases.models import Case
from amends.commerce.models import Order
from amends.conversations.models import Direction, Message
from amends.customers.models import Customer
from amends.policies.ruleset import active_rules_forget
from amends.policies.selectors import today_for_brand
from tests.factories import (
    BrandFactory,
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
)

_numbers = itertools.count(1)

CONTACTS = {
    "NL": {"phone": "+31 88 868 6161", "web": "https://www.postnl.nl/klantenservice/"},
    "ES": {"phone": "+34 963 000 000", "web": "https://www.seur.com/es/atencion-al-cliente"},
}


@dataclass
class World:
    brand: Brand
    team: Team
    lead: User
    customer: Customer
    order: Order
    carrier: Carrier
    shipment: Shipment

    @property
    def today(self) -> dt.date:
        return today_for_brand(self.brand)

    def scan(
        self,
        status: str,
        *,
        at: dt.datetime | None = None,
        estimate: dt.date | None = None,
        code: str = "",
    ) -> IngestResult:
        when = at or timezone.now()
        return tracking_events_record(
            carrier=self.carrier.code,
            events=[
                CarrierEvent(
                    tracking_number=self.shipment.tracking_number,
                    status=status,
                    carrier_code=code or f"{status.upper()}-{when:%H%M%S%f}",
                    occurred_at=when,
                    estimated_delivery=estimate,
                )
            ],
        )

    def refresh(self) -> None:
        self.shipment.refresh_from_db()


def make_world(
    *,
    country: str = "NL",
    language: str = "nl",
    register: str = "formal",
    carrier: str = "postnl",
    carrier_name: str = "PostNL",
    contacts: dict[str, dict[str, str]] | None = None,
    email: str | None = "",
    time_zone: str = "Europe/Amsterdam",
    shop_estimate_days: int | None = 1,
) -> World:
    n = next(_numbers)
    brand = BrandFactory(
        code=f"{country.lower()}{n}",
        name=f"Demoshop {country}",
        country=country,
        languages=[language, "en"],
        default_language=language,
        default_register=register,
        time_zone=time_zone,
        sender_email=f"support@{country.lower()}{n}.shop.test",
    )
    team = TeamFactory(brand=brand, slug=f"{country.lower()}-desk-{n}")
    lead = make_agent(team)
    team.lead = lead
    team.save(update_fields=["lead"])
    customer = CustomerFactory(
        brand=brand,
        name="Anna de Vries",
        language=language,
        register=register,
        country=country,
        email=email or f"anna{n}@mail.test",
    )
    if email is None:
        customer.identities.all().delete()
    order = OrderFactory(
        customer=customer,
        brand=brand,
        number=f"{country}-{1000 + n}",
        total=Decimal("59.90"),
        placed_at=timezone.now() - dt.timedelta(days=3),
    )
    carrier_row = CarrierFactory(
        code=carrier, name=carrier_name, contacts=CONTACTS if contacts is None else contacts
    )
    shipment = ShipmentFactory(
        order=order,
        carrier=carrier_row,
        tracking_number=f"3SABCD{n:07d}",
        estimated_delivery=(
            today_for_brand(brand) + dt.timedelta(days=shop_estimate_days)
            if shop_estimate_days is not None
            else None
        ),
    )
    return World(brand, team, lead, customer, order, carrier_row, shipment)


def cases_of(world: World) -> list[Case]:
    return list(Case.objects.filter(customer=world.customer).order_by("id"))


def notices_on(case: Case) -> list[Message]:
    return list(case.messages.filter(direction=Direction.OUTBOUND).order_by("id"))


def the_case(world: World) -> Case:
    cases = cases_of(world)
    assert len(cases) == 1, cases
    return cases[0]


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture(autouse=True)
def _fresh_policy_rules() -> Iterator[None]:
    """The rules in force are cached per process; a test's own rules must not outlive it."""
    active_rules_forget()
    yield
    active_rules_forget()
