"""Reference data of the demo: storefronts, teams, people, the seller and the carriers.

Created directly (it is configuration, not history); the cases on top of it are built through
the services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password

from amends.accounts.models import AgentProfile, Role, Team, User
from amends.brands.models import Brand, Register
from amends.carriers.models import Carrier
from amends.commerce.models import Seller
from amends.customers.models import Customer, CustomerIdentity, IdentityKind
from amends.demo.clock import DemoClock
from amends.mail.models import Mailbox

DEMO_PASSWORD = "amends-demo"  # noqa: S105  (printed by `amends demo`; demo data only)
STAFF_DOMAIN = "demoshop.example"
ADMIN_EMAIL = f"admin@{STAFF_DOMAIN}"


def _hours(
    weekdays: list[list[str]], sat: list[list[str]], sun: list[list[str]] | None = None
) -> dict[str, list[list[str]]]:
    days = {day: [list(i) for i in weekdays] for day in ("mon", "tue", "wed", "thu", "fri")}
    return days | {"sat": [list(i) for i in sat], "sun": [list(i) for i in sun or []]}


# code, name, country, languages, register, time zone, hours, sender, currency
BRANDS: list[dict[str, Any]] = [
    {
        "code": "fr",
        "name": "Demo Shop France",
        "country": "FR",
        "languages": ["fr", "en"],
        "default_register": Register.FORMAL,
        "time_zone": "Europe/Paris",
        "business_hours": _hours([["08:00", "20:00"]], [["09:00", "18:00"]]),
        "sender_email": "service-client@fr.demoshop.example",
        "currency": "EUR",
    },
    {
        # Dutch web shops address their customers with "je"; the demo follows them.
        "code": "nl",
        "name": "Demo Shop Nederland",
        "country": "NL",
        "languages": ["nl", "en"],
        "default_register": Register.INFORMAL,
        "time_zone": "Europe/Amsterdam",
        "business_hours": _hours([["08:00", "21:00"]], [["10:00", "17:00"]], [["10:00", "17:00"]]),
        "sender_email": "klantenservice@nl.demoshop.example",
        "currency": "EUR",
    },
    {
        "code": "be",
        "name": "Demo Shop België / Belgique",
        "country": "BE",
        "languages": ["nl", "fr"],
        "default_register": Register.FORMAL,
        "time_zone": "Europe/Brussels",
        "business_hours": _hours([["08:30", "18:00"]], [["09:00", "13:00"]]),
        "sender_email": "service@be.demoshop.example",
        "currency": "EUR",
    },
    {
        "code": "de",
        "name": "Demo Shop Deutschland",
        "country": "DE",
        "languages": ["de", "en"],
        "default_register": Register.FORMAL,
        "time_zone": "Europe/Berlin",
        "business_hours": _hours([["08:00", "20:00"]], [["09:00", "16:00"]]),
        "sender_email": "kundenservice@de.demoshop.example",
        "currency": "EUR",
    },
    {
        # Spanish shops write to customers with "tú"; so does the demo's Spanish storefront.
        "code": "es",
        "name": "Demo Shop España",
        "country": "ES",
        "languages": ["es"],
        "default_register": Register.INFORMAL,
        "time_zone": "Europe/Madrid",
        "business_hours": _hours([["09:00", "14:00"], ["15:00", "19:00"]], []),
        "sender_email": "atencion.cliente@es.demoshop.example",
        "currency": "EUR",
    },
    {
        "code": "it",
        "name": "Demo Shop Italia",
        "country": "IT",
        "languages": ["it"],
        "default_register": Register.FORMAL,
        "time_zone": "Europe/Rome",
        "business_hours": _hours([["09:00", "13:00"], ["14:00", "18:00"]], []),
        "sender_email": "assistenza@it.demoshop.example",
        "currency": "EUR",
    },
    {
        "code": "pl",
        "name": "Demo Shop Polska",
        "country": "PL",
        "languages": ["pl"],
        "default_register": Register.FORMAL,
        "time_zone": "Europe/Warsaw",
        "business_hours": _hours([["08:00", "18:00"]], [["09:00", "15:00"]]),
        "sender_email": "obsluga.klienta@pl.demoshop.example",
        "currency": "PLN",
    },
    {
        "code": "lt",
        "name": "Demo Shop Lietuva",
        "country": "LT",
        "languages": ["lt"],
        "default_register": Register.FORMAL,
        "time_zone": "Europe/Vilnius",
        "business_hours": _hours([["08:00", "17:00"]], []),
        "sender_email": "pagalba@lt.demoshop.example",
        "currency": "EUR",
    },
]
BRAND_CODES = tuple(spec["code"] for spec in BRANDS)

# slug, name, brand code (None: all storefronts), senior, languages
TEAMS: list[tuple[str, str, str | None, bool, list[str]]] = [
    ("fr-desk", "France", "fr", False, ["fr", "en"]),
    ("nl-desk", "Nederland", "nl", False, ["nl", "en"]),
    ("be-desk", "België / Belgique", "be", False, ["nl", "fr"]),
    ("de-desk", "Deutschland", "de", False, ["de", "en"]),
    ("es-desk", "España", "es", False, ["es"]),
    ("it-desk", "Italia", "it", False, ["it"]),
    ("pl-desk", "Polska", "pl", False, ["pl"]),
    ("lt-desk", "Lietuva", "lt", False, ["lt"]),
    ("fr-stores", "Boutiques France (Lyon Part-Dieu)", "fr", False, ["fr"]),
    ("senior", "Senior desk", None, True, ["en", "fr", "es", "de", "nl", "it"]),
]


@dataclass(frozen=True)
class Person:
    key: str
    first: str
    last: str
    role: str
    teams: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    senior: bool = False
    brands: tuple[str, ...] = ()  # supervisors
    leads: tuple[str, ...] = ()  # team slugs this person leads

    @property
    def email(self) -> str:
        local = f"{self.first}.{self.last}".lower()
        return f"{ascii_fold(local).replace(' ', '')}@{STAFF_DOMAIN}"


A, S = Role.AGENT, Role.SUPERVISOR
STAFF: list[Person] = [
    Person(
        "claire",
        "Claire",
        "Martin",
        S,
        ("fr-desk", "fr-stores", "be-desk"),
        ("fr", "en", "nl"),
        ("escalations",),
        brands=("fr", "be"),
        leads=("fr-desk", "fr-stores", "be-desk"),
    ),
    Person(
        "sanne",
        "Sanne",
        "Bakker",
        S,
        ("nl-desk",),
        ("nl", "en", "de"),
        ("escalations",),
        brands=("nl", "de"),
        leads=("nl-desk", "de-desk"),
    ),
    Person(
        "alejandro",
        "Alejandro",
        "Ortega",
        S,
        ("es-desk", "it-desk"),
        ("es", "it", "en"),
        ("escalations", "sellers"),
        brands=("es", "it", "pl", "lt"),
        leads=("es-desk", "it-desk", "pl-desk", "lt-desk"),
    ),
    Person(
        "isabelle",
        "Isabelle",
        "Fontaine",
        A,
        ("senior",),
        ("fr", "en", "es"),
        ("premium", "churn", "refunds"),
        senior=True,
        leads=("senior",),
    ),
    Person(
        "hannah",
        "Hannah",
        "Becker",
        A,
        ("senior",),
        ("de", "en", "nl"),
        ("carriers", "refunds"),
        senior=True,
    ),
    Person(
        "marco",
        "Marco",
        "Bianchi",
        A,
        ("senior",),
        ("it", "es", "en"),
        ("sellers", "refunds"),
        senior=True,
    ),
    Person("julien", "Julien", "Petit", A, ("fr-desk",), ("fr", "en"), ("telecom", "phone")),
    Person("amelie", "Amélie", "Laurent", A, ("fr-desk",), ("fr",), ("telecom", "number-porting")),
    Person("karim", "Karim", "Benali", A, ("fr-desk",), ("fr", "en"), ("billing",)),
    Person(
        "sophie", "Sophie", "Moreau", A, ("fr-desk",), ("fr", "en", "es"), ("billing", "refunds")
    ),
    Person("lea", "Léa", "Garnier", A, ("fr-stores",), ("fr",), ("in-store", "telecom")),
    Person("thomas", "Thomas", "Roux", A, ("fr-stores",), ("fr", "en"), ("in-store",)),
    Person("daan", "Daan", "Visser", A, ("nl-desk",), ("nl", "en", "de"), ("carriers",)),
    Person("emma", "Emma", "de Jong", A, ("nl-desk",), ("nl", "en"), ("returns",)),
    Person("lotte", "Lotte", "Peeters", A, ("be-desk",), ("nl", "fr", "en"), ("returns",)),
    Person("maxime", "Maxime", "Dubois", A, ("be-desk",), ("fr", "nl"), ("carriers",)),
    Person("jonas", "Jonas", "Weber", A, ("de-desk",), ("de", "en"), ("refunds", "price-drop")),
    Person("lena", "Lena", "Schmidt", A, ("de-desk",), ("de",), ("carriers",)),
    Person("lucia", "Lucía", "García", A, ("es-desk",), ("es", "en"), ("carriers", "sellers")),
    Person("pablo", "Pablo", "Fernández", A, ("es-desk",), ("es", "it"), ("refunds", "phone")),
    Person("giulia", "Giulia", "Romano", A, ("it-desk",), ("it", "en"), ("returns",)),
    Person("luca", "Luca", "Esposito", A, ("it-desk",), ("it", "es"), ("carriers",)),
    Person("katarzyna", "Katarzyna", "Nowak", A, ("pl-desk",), ("pl", "en"), ("returns",)),
    Person("piotr", "Piotr", "Wiśniewski", A, ("pl-desk",), ("pl", "lt", "en"), ("carriers",)),
    Person("ruta", "Rūta", "Kazlauskienė", A, ("lt-desk",), ("lt", "pl", "en"), ("returns",)),
    Person("mantas", "Mantas", "Jankauskas", A, ("lt-desk",), ("lt", "en"), ("carriers",)),
]

SELLER_EMAIL = "ventas@muebles-ortiz.example"

# Customer-service contacts per storefront country. Only numbers and pages published by the
# carriers themselves; where no number is known for sure, only the official web address.
CARRIERS: list[tuple[str, str, dict[str, dict[str, str]]]] = [
    (
        "dhl",
        "DHL",
        {
            "NL": {"web": "https://www.dhlparcel.nl/en/consumer/faq"},
            "BE": {"web": "https://www.dhl.com/be-nl/home.html"},
            "DE": {"web": "https://www.dhl.de/"},
            "FR": {"web": "https://www.dhl.com/fr-fr/home.html"},
            "IT": {"web": "https://www.dhl.com/it-it/home.html"},
            "PL": {"phone": "+48 42 6 345 345", "web": "https://www.dhl.com/pl-pl/home.html"},
            "LT": {"web": "https://www.dhl.com/lt-lt/home.html"},
            "ES": {"web": "https://www.dhl.com/es-es/home.html"},
        },
    ),
    (
        "postnl",
        "PostNL",
        {
            "NL": {"web": "https://www.postnl.nl/klantenservice/"},
            "BE": {"web": "https://www.postnl.be/contact/"},
        },
    ),
    (
        "seur",
        "SEUR",
        {
            "ES": {
                "phone": "+34 902 10 10 10",
                "web": "https://www.seur.com/es/ayuda/centro-de-reclamaciones/",
            },
        },
    ),
    (
        "colissimo",
        "Colissimo (La Poste)",
        {
            "FR": {"phone": "3634", "web": "https://www.colissimo.fr/"},
            "BE": {"web": "https://www.colissimo.fr/"},
        },
    ),
    (
        "dpd",
        "DPD",
        {
            "NL": {"web": "https://www.dpd.com/nl/nl/"},
            "BE": {"web": "https://www.dpd.com/be/nl/"},
            "DE": {"web": "https://www.dpd.com/de/de/"},
            "PL": {"web": "https://www.dpd.com/pl/pl/"},
            "LT": {"web": "https://www.dpd.com/lt/lt/"},
            "FR": {"web": "https://www.dpd.fr/"},
            # In Spain DPD parcels are delivered by SEUR, in Italy by BRT.
            "ES": {"web": "https://www.seur.com/"},
            "IT": {"web": "https://www.brt.it/"},
        },
    ),
    (
        "ups",
        "UPS",
        {
            country: {"web": f"https://www.ups.com/{country.lower()}/{language}/Home.page"}
            for country, language in (
                ("NL", "nl"),
                ("BE", "nl"),
                ("DE", "de"),
                ("FR", "fr"),
                ("ES", "es"),
                ("IT", "it"),
                ("PL", "pl"),
                ("LT", "lt"),
            )
        },
    ),
]


def ascii_fold(text: str) -> str:
    import unicodedata

    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@dataclass
class DemoWorld:
    """Everything the stories and the ordinary cases build on."""

    rng: random.Random
    clock: DemoClock
    password_hash: str
    brands: dict[str, Brand] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)
    agent_languages: dict[int, list[str]] = field(default_factory=dict)
    carriers: dict[str, Carrier] = field(default_factory=dict)
    seller: Seller | None = None
    seller_user: User | None = None
    admin: User | None = None

    @property
    def now(self) -> dt.datetime:
        return self.clock.real_now

    def team_members(self, slug: str) -> list[User]:
        return [self.staff[p.key] for p in STAFF if slug in p.teams]

    def login_user(self, *, email: str, first: str, last: str, role: str, **extra: Any) -> User:
        user = User(email=email, first_name=first, last_name=last, role=role, **extra)
        user.password = self.password_hash
        user.save()
        return user

    def customer(
        self,
        *,
        brand: str,
        name: str,
        email: str,
        language: str,
        register: str | None = None,
        premium: bool = False,
        login: bool = False,
        country: str | None = None,
    ) -> Customer:
        b = self.brands[brand]
        user = None
        if login:
            first, _, last = name.partition(" ")
            user = self.login_user(
                email=email, first=first, last=last, role=Role.CUSTOMER, language=language
            )
        customer = Customer.objects.create(
            brand=b,
            name=name,
            language=language,
            register=register or b.default_register,
            country=country or b.country,
            is_premium=premium,
            user=user,
            external_id=f"demo:{email}",
        )
        CustomerIdentity.objects.create(
            customer=customer, kind=IdentityKind.EMAIL, value=email.lower(), verified=True
        )
        return customer


def build_reference(*, rng: random.Random, clock: DemoClock) -> DemoWorld:
    world = DemoWorld(rng=rng, clock=clock, password_hash=make_password(DEMO_PASSWORD))
    for spec in BRANDS:
        brand = Brand(default_language=spec["languages"][0], **spec)
        brand.full_clean()
        brand.save()
        world.brands[brand.code] = brand
        # Mail to the storefront's address lands here (`amends mail import --mailbox …`, or an
        # MTA delivering to `amends mail serve`); no IMAP account in the demo.
        Mailbox.objects.create(brand=brand, address=brand.sender_email)
    for slug, name, brand_code, senior, languages in TEAMS:
        world.teams[slug] = Team.objects.create(
            slug=slug,
            name=name,
            brand=world.brands[brand_code] if brand_code else None,
            is_senior=senior,
            languages=languages,
        )
    world.admin = world.login_user(
        email=ADMIN_EMAIL,
        first="Ada",
        last="Admin",
        role=Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    for person in STAFF:
        user = world.login_user(
            email=person.email,
            first=person.first,
            last=person.last,
            role=person.role,
            language=person.languages[0],
        )
        profile = AgentProfile.objects.create(
            user=user,
            languages=list(person.languages),
            skills=list(person.skills),
            is_senior=person.senior,
        )
        profile.teams.set([world.teams[slug] for slug in person.teams])
        if person.brands:
            user.brands.set([world.brands[code] for code in person.brands])
        for slug in person.leads:
            Team.objects.filter(pk=world.teams[slug].pk).update(lead=user)
            world.teams[slug].lead = user
        world.staff[person.key] = user
        world.agent_languages[user.pk] = list(person.languages)
    world.carriers = {
        code: Carrier.objects.create(code=code, name=name, contacts=contacts)
        for code, name, contacts in CARRIERS
    }
    world.seller = Seller.objects.create(
        name="Muebles Ortiz S.L.", email=SELLER_EMAIL, country="ES"
    )
    world.seller_user = world.login_user(
        email=SELLER_EMAIL,
        first="Rosa",
        last="Ortiz",
        role=Role.SELLER,
        seller=world.seller,
        language="es",
    )
    return world
