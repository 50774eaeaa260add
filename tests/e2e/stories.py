"""The people, orders and parcels of stories 1, 2 and 5 (see the mission), built with the test
factories and the services so the browser tests can play each story through both faces: the
customer's portal and guided form, and the agents' console.

Each builder makes one storefront with its team, the agents who work the case, the customer
(who can sign in) and what they bought; nothing else.
"""

from __future__ import annotations

import datetime as dt
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from amends.accounts.models import Role, Team, User
from amends.brands.models import Brand
from amends.carriers.models import Carrier, Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus as T
from amends.cases.models import Case
from amends.cases.services import case_assign, case_open
from amends.commerce.models import Order
from amends.conversations.services import case_reply, message_receive
from amends.customers.models import Customer
from amends.demo.reference import CARRIERS
from tests.factories import (
    BrandFactory,
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
    make_supervisor,
)

# The carriers' own published contact pages, as the demo lists them.
CARRIER_CONTACTS = {code: contacts for code, _name, contacts in CARRIERS}


def ascii_name(name: str) -> str:
    """``Léa`` → ``lea``, for an email address."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def agent(
    *teams: Team, first_name: str, last_name: str, language: str, senior: bool = False
) -> User:
    """An agent of ``teams`` whose pages are in ``language``."""
    user = make_agent(
        *teams,
        email=f"{ascii_name(first_name)}@shop.test",
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    user.agent.languages = [language]
    user.agent.is_senior = senior
    user.agent.save(update_fields=["languages", "is_senior"])
    return user


def customer(brand: Brand, *, name: str, email: str, language: str, **fields: object) -> Customer:
    """A customer of ``brand`` with an account to sign in with."""
    person = CustomerFactory(brand=brand, name=name, email=email, language=language, **fields)
    user = make_customer_user(person)
    # As the first sign-in link names the account: after the customer record.
    user.first_name, _space, user.last_name = name.partition(" ")
    user.language = language
    user.save(update_fields=["first_name", "last_name", "language"])
    return person


def account(person: Customer) -> User:
    if person.user is None:
        raise AssertionError(f"{person} has no account")
    return person.user


def order(
    person: Customer, *, number: str, title: str, price: str, quantity: int = 1, days_ago: int
) -> Order:
    placed = timezone.now() - dt.timedelta(days=days_ago)
    total = Decimal(price) * quantity
    made = OrderFactory(customer=person, number=number, placed_at=placed, total=total)
    OrderLineFactory(order=made, title=title, unit_price=Decimal(price), quantity=quantity)
    return made


def scans(shipment: Shipment, *steps: tuple[str, int, str, str]) -> Shipment:
    """Tracking events (status, hours ago, description, place); the last one sets the status."""
    now = timezone.now()
    for status, hours_ago, description, location in steps:
        TrackingEvent.objects.create(
            shipment=shipment,
            status=status,
            description=description,
            location=location,
            occurred_at=now - dt.timedelta(hours=hours_ago),
        )
    last_status, last_hours = steps[-1][0], steps[-1][1]
    shipment.status = last_status
    shipment.shipped_at = now - dt.timedelta(hours=steps[0][1])
    if last_status == T.DELIVERED:
        shipment.delivered_at = now - dt.timedelta(hours=last_hours)
    shipment.save(update_fields=["status", "shipped_at", "delivered_at"])
    return shipment


def carrier(code: str, name: str) -> Carrier:
    found = CarrierFactory(code=code, name=name)
    found.contacts = CARRIER_CONTACTS.get(code, {})
    found.save(update_fields=["contacts"])
    return found


def local_day(moment: dt.datetime, brand: Brand) -> dt.date:
    return moment.astimezone(ZoneInfo(brand.time_zone)).date()


def tiny_png(width: int = 12, height: int = 8) -> bytes:
    """A real (if small) PNG image: a red rectangle, as a screenshot of a price would be."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xd0\x20\x20" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- story 1: three broken orders, an English-speaking premium member in France -----------------


@dataclass(frozen=True)
class PremiumStory:
    brand: Brand
    agent: User  # works the French storefront's queue
    senior: User  # in the storefront's senior team
    customer: Customer
    machine: Order  # A: open case, damaged
    vacuum: Order  # B: open case, answered vaguely
    glasses: Order  # C: late; the customer writes about it in the browser
    case_machine: Case
    case_vacuum: Case


def premium_story() -> PremiumStory:
    fr = BrandFactory(
        code="fr",
        name="Boutique FR",
        country="FR",
        languages=["fr", "en"],
        default_language="fr",
        time_zone="Europe/Paris",
    )
    desk = TeamFactory(brand=fr, name="Service client FR", slug="fr-desk")
    seniors = TeamFactory(brand=fr, name="Seniors FR", slug="fr-senior", is_senior=True)
    lea = agent(desk, first_name="Léa", last_name="Martin", language="en")
    colleague = agent(desk, first_name="Karim", last_name="Benali", language="en")
    sophie = agent(seniors, first_name="Sophie", last_name="Laurent", language="en", senior=True)
    seniors.lead = sophie
    seniors.save(update_fields=["lead"])
    james = customer(
        fr,
        name="James Whitfield",
        email="james.whitfield@example.com",
        language="en",
        country="FR",
        is_premium=True,
    )
    colissimo = carrier("colissimo", "Colissimo")
    machine = order(
        james,
        number="FR4471203",
        title="Machine à café à grain Barista Pro 2",
        price="449.00",
        days_ago=12,
    )
    scans(
        ShipmentFactory(order=machine, carrier=colissimo, tracking_number="6A24318877012"),
        (T.INFO_RECEIVED, 260, "Votre colis a été annoncé par l'expéditeur", ""),
        (T.IN_TRANSIT, 236, "Votre colis est en cours d'acheminement", "Chilly-Mazarin"),
        (T.DELIVERED, 200, "Votre colis est livré", "Aix-en-Provence"),
    )
    vacuum = order(
        james,
        number="FR4475518",
        title="Aspirateur robot S7 avec station de vidage",
        price="299.00",
        days_ago=9,
    )
    scans(
        ShipmentFactory(order=vacuum, carrier=colissimo, tracking_number="6A24320410955"),
        (T.INFO_RECEIVED, 190, "Votre colis a été annoncé par l'expéditeur", ""),
        (T.IN_TRANSIT, 166, "Votre colis est en cours d'acheminement", "Chilly-Mazarin"),
        (T.DELIVERED, 140, "Votre colis est livré", "Aix-en-Provence"),
    )
    glasses = order(
        james,
        number="FR4478830",
        title="Lot de 6 verres à vin en cristallin",
        price="39.90",
        days_ago=7,
    )
    late = ShipmentFactory(order=glasses, carrier=colissimo, tracking_number="6A24322795311")
    scans(
        late,
        (T.INFO_RECEIVED, 150, "Votre colis a été annoncé par l'expéditeur", ""),
        (T.IN_TRANSIT, 120, "Votre colis est en cours d'acheminement", "Chilly-Mazarin"),
    )
    late.estimated_delivery = local_day(timezone.now(), fr) - dt.timedelta(days=3)
    late.save(update_fields=["estimated_delivery"])

    case_machine = case_open(
        brand=fr,
        customer=james,
        subject="Coffee machine arrived with a cracked water tank",
        channel="email",
        language="en",
        orders=[machine],
    )
    message_receive(
        case=case_machine,
        channel="email",
        language="en",
        text="My Barista Pro 2 arrived with a cracked water tank. Photos attached earlier.",
    )
    case_assign(case=case_machine, assignee=colleague, actor=colleague)
    case_reply(
        case=case_machine,
        actor=colleague,
        text="Are you sure the tank was not damaged when you filled it?",
    )
    case_vacuum = case_open(
        brand=fr,
        customer=james,
        subject="Robot vacuum: the docking station is missing",
        channel="email",
        language="en",
        orders=[vacuum],
    )
    message_receive(
        case=case_vacuum,
        channel="email",
        language="en",
        text="The S7 came without its docking station, which is half of what I paid for.",
    )
    return PremiumStory(
        brand=fr,
        agent=lea,
        senior=sophie,
        customer=james,
        machine=machine,
        vacuum=vacuum,
        glasses=glasses,
        case_machine=case_machine,
        case_vacuum=case_vacuum,
    )


# --- story 2: two failed deliveries and a parcel sent back (the Netherlands) --------------------


@dataclass(frozen=True)
class LampsStory:
    brand: Brand
    agent: User
    colleague: User
    customer: Customer
    order: Order
    shipment: Shipment


def lamps_story() -> LampsStory:
    nl = BrandFactory(
        code="nl",
        name="Winkel NL",
        country="NL",
        languages=["nl"],
        default_language="nl",
        default_register="informal",
        time_zone="Europe/Amsterdam",
    )
    desk = TeamFactory(brand=nl, name="Klantenservice NL", slug="nl-desk")
    daan = agent(desk, first_name="Daan", last_name="de Vries", language="nl")
    eva = agent(desk, first_name="Eva", last_name="Jansen", language="nl", senior=True)
    niels = customer(
        nl,
        name="Niels van Dijk",
        email="niels.vandijk@example.net",
        language="nl",
        register="informal",
        country="NL",
    )
    lamps = order(
        niels,
        number="NL2044871",
        title="Ledlamp E27 filament 7 W, dimbaar",
        price="12.95",
        quantity=2,
        days_ago=8,
    )
    parcel = scans(
        ShipmentFactory(
            order=lamps, carrier=carrier("dhl", "DHL"), tracking_number="JVGL0624857310009"
        ),
        (T.INFO_RECEIVED, 170, "Zending is aangemeld", "Tilburg"),
        (T.IN_TRANSIT, 150, "Zending is gesorteerd", "Sorteercentrum Utrecht"),
        (T.OUT_FOR_DELIVERY, 145, "Bezorger is onderweg", "Utrecht"),
        (T.ATTEMPT_FAILED, 140, "Niet thuis: bezorging niet gelukt", "Utrecht"),
        (T.OUT_FOR_DELIVERY, 121, "Bezorger is onderweg", "Utrecht"),
        (T.ATTEMPT_FAILED, 116, "Niet thuis: bezorging niet gelukt", "Utrecht"),
        (T.RETURNED_TO_SENDER, 70, "Retour afzender", "Utrecht"),
    )
    return LampsStory(
        brand=nl, agent=daan, colleague=eva, customer=niels, order=lamps, shipment=parcel
    )


# --- story 5: the customer's guide, played by a Spanish customer -----------------------------


@dataclass(frozen=True)
class GuideStory:
    brand: Brand
    agent: User
    colleague: User
    supervisor: User
    customer: Customer
    order: Order


def guide_story() -> GuideStory:
    es = BrandFactory(
        code="es",
        name="Tienda ES",
        country="ES",
        languages=["es"],
        default_language="es",
        default_register="formal",
        time_zone="Europe/Madrid",
    )
    desk = TeamFactory(brand=es, name="Atención al cliente ES", slug="es-desk")
    lucia = agent(desk, first_name="Lucía", last_name="Romero", language="es")
    javier = agent(desk, first_name="Javier", last_name="Navarro", language="es")
    carmen = make_supervisor(
        es, email="carmen@shop.test", first_name="Carmen", last_name="Ortega", language="es"
    )
    if carmen.role != Role.SUPERVISOR:
        raise AssertionError("make_supervisor made someone else")
    maria = customer(
        es,
        name="María García López",
        email="maria.garcia@example.es",
        language="es",
        register="formal",
        country="ES",
    )
    headphones = order(
        maria,
        number="ES3310457",
        title="Auriculares inalámbricos con cancelación de ruido",
        price="149.00",
        days_ago=3,
    )
    scans(
        ShipmentFactory(
            order=headphones, carrier=carrier("seur", "SEUR"), tracking_number="SEUR0457321"
        ),
        (T.INFO_RECEIVED, 70, "Envío registrado", "Madrid"),
        (T.IN_TRANSIT, 50, "En tránsito", "Plataforma de Coslada"),
        (T.DELIVERED, 26, "Entregado", "Madrid"),
    )
    return GuideStory(
        brand=es, agent=lucia, colleague=javier, supervisor=carmen, customer=maria, order=headphones
    )
