"""Factories for tests: a storefront with a team, agents, customers, orders and cases.

Each factory is exposed as a typed function (``TeamFactory(**overrides) -> Team``) so tests stay
type-checked; the factory_boy classes behind them are private.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from amends.accounts.models import AgentProfile, ApiToken, Role, Team, User
from amends.brands.models import Brand
from amends.carriers.models import Carrier, Shipment
from amends.cases.models import Case, Channel
from amends.commerce.models import Order, OrderLine, Seller
from amends.customers.models import Customer, CustomerIdentity, IdentityKind


class _BrandFactory(factory.django.DjangoModelFactory[Brand]):
    class Meta:
        model = Brand
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"b{n}")
    name = factory.LazyAttribute(lambda o: f"Shop {o.code.upper()}")
    country = "FR"
    languages = factory.LazyFunction(lambda: ["fr", "en"])
    default_language = "fr"
    default_register = "formal"
    time_zone = "Europe/Paris"
    sender_email = factory.LazyAttribute(lambda o: f"support@{o.code}.example")


class _TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    brand = factory.SubFactory(_BrandFactory)


class _UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def make_agent(*teams: Team, role: str = Role.AGENT, **kwargs: Any) -> User:
    user = UserFactory(role=role, **kwargs)
    profile = AgentProfile.objects.create(user=user, languages=["en"])
    profile.teams.set(teams)
    return user


def make_supervisor(*brands: Brand, **kwargs: Any) -> User:
    user = make_agent(role=Role.SUPERVISOR, **kwargs)
    user.brands.set(brands)
    return user


def make_token(user: User) -> str:
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", key_hash=ApiToken.hash(raw))
    return raw


class _CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    brand = factory.SubFactory(_BrandFactory)
    name = factory.Sequence(lambda n: f"Customer {n}")
    language = "fr"
    register = "formal"
    country = "FR"

    @factory.post_generation
    def email(obj: Customer, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create:
            CustomerIdentity.objects.create(
                customer=obj,
                kind=IdentityKind.EMAIL,
                value=(extracted or f"customer{obj.pk}@mail.test").lower(),
            )


def make_customer_user(customer: Customer) -> User:
    user = UserFactory(role=Role.CUSTOMER, email=customer.primary_email)
    customer.user = user
    customer.save(update_fields=["user"])
    return user


class _SellerFactory(factory.django.DjangoModelFactory[Seller]):
    class Meta:
        model = Seller

    name = factory.Sequence(lambda n: f"Seller {n}")
    email = factory.Sequence(lambda n: f"seller{n}@example.test")


def make_seller_user(seller: Seller) -> User:
    return UserFactory(role=Role.SELLER, seller=seller)


class _OrderFactory(factory.django.DjangoModelFactory[Order]):
    class Meta:
        model = Order

    customer = factory.SubFactory(_CustomerFactory)
    brand = factory.LazyAttribute(lambda o: o.customer.brand)
    number = factory.Sequence(lambda n: f"ORD-{100000 + n}")
    placed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    total = Decimal("59.90")


class _OrderLineFactory(factory.django.DjangoModelFactory[OrderLine]):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(_OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU{n}")
    title = "LED lamp"
    unit_price = Decimal("29.95")
    quantity = 2


class _CarrierFactory(factory.django.DjangoModelFactory[Carrier]):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = "dhl"
    name = "DHL"


class _ShipmentFactory(factory.django.DjangoModelFactory[Shipment]):
    class Meta:
        model = Shipment

    order = factory.SubFactory(_OrderFactory)
    carrier = factory.SubFactory(_CarrierFactory)
    tracking_number = factory.Sequence(lambda n: f"JVGL{n:010d}")


class _CaseFactory(factory.django.DjangoModelFactory[Case]):
    class Meta:
        model = Case

    customer = factory.SubFactory(_CustomerFactory)
    brand = factory.LazyAttribute(lambda o: o.customer.brand)
    team = factory.SubFactory(_TeamFactory, brand=factory.SelfAttribute("..brand"))
    subject = factory.Sequence(lambda n: f"Problem {n}")
    origin_channel = Channel.WEB
    language = "fr"


# --- typed entry points -----------------------------------------------------------------------


def BrandFactory(**overrides: Any) -> Brand:
    return _BrandFactory.create(**overrides)


def TeamFactory(**overrides: Any) -> Team:
    return _TeamFactory.create(**overrides)


def UserFactory(**overrides: Any) -> User:
    return _UserFactory.create(**overrides)


def CustomerFactory(**overrides: Any) -> Customer:
    return _CustomerFactory.create(**overrides)


def SellerFactory(**overrides: Any) -> Seller:
    return _SellerFactory.create(**overrides)


def OrderFactory(**overrides: Any) -> Order:
    return _OrderFactory.create(**overrides)


def OrderLineFactory(**overrides: Any) -> OrderLine:
    return _OrderLineFactory.create(**overrides)


def CarrierFactory(**overrides: Any) -> Carrier:
    return _CarrierFactory.create(**overrides)


def ShipmentFactory(**overrides: Any) -> Shipment:
    return _ShipmentFactory.create(**overrides)


def CaseFactory(**overrides: Any) -> Case:
    return _CaseFactory.create(**overrides)


def brand_of(team: Team) -> Brand:
    """The storefront of a team made by TeamFactory (which always gives it one)."""
    if team.brand is None:
        raise AssertionError(f"team {team} has no storefront")
    return team.brand
