"""Shopify customers into amends' customers, one person however they reach us.

A customer is found by their Shopify id first (``ShopifyRecord``), then by an email address or
phone number amends already knows (``CustomerIdentity`` — the same person may have written to
us before they ordered), and only then created. New addresses and numbers are added as
identities; old ones are kept, since mail from them still belongs to this person. The language
is set once, when the customer is created: afterwards it is the customer's own choice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from amends.commerce.models import ShopifyKind, ShopifyShop
from amends.commerce.shopify import payloads as p
from amends.commerce.shopify.records import Refused, is_stale, record_claim
from amends.customers.models import Customer, CustomerIdentity, IdentityKind

_E164 = re.compile(r"\+[1-9]\d{6,14}")


@dataclass(frozen=True)
class Person:
    """What a payload says about a customer, whichever resource it came in."""

    shopify_id: int | None
    email: str
    phone: str
    name: str
    country: str
    locale: str
    updated_at: dt.datetime | None


def clean_email(value: str | None) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def clean_phone(value: str | None) -> str:
    phone = re.sub(r"[^\d+]", "", value or "")
    return phone if _E164.fullmatch(phone) else ""


def _name(*parts: str | None) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())[:200]


def person_of_customer(customer: p.Customer) -> Person:
    address = customer.default_address
    return Person(
        shopify_id=customer.id,
        email=clean_email(customer.email),
        phone=clean_phone(customer.phone),
        name=_name(customer.first_name, customer.last_name),
        country=(address.country_code if address and address.country_code else ""),
        locale="",
        updated_at=customer.updated_at,
    )


def person_of_order(order: p.Order) -> Person:
    """The buyer of an order: its customer, else the guest checkout's address and email."""
    base = person_of_customer(order.customer) if order.customer else None
    address = order.shipping_address or order.billing_address
    address_name = ""
    if address is not None:
        address_name = _name(address.first_name, address.last_name) or (address.name or "").strip()
    country = (address.country_code if address and address.country_code else "") or (
        base.country if base else ""
    )
    return Person(
        shopify_id=base.shopify_id if base else None,
        email=(base.email if base and base.email else "")
        or clean_email(order.email)
        or clean_email(order.contact_email),
        phone=(base.phone if base and base.phone else "") or clean_phone(order.phone),
        name=(base.name if base else "") or address_name[:200],
        country=country,
        locale=order.customer_locale or "",
        updated_at=base.updated_at if base else None,
    )


def _identity_add(customer: Customer, kind: str, value: str) -> None:
    if not value or CustomerIdentity.objects.filter(kind=kind, value=value).exists():
        return
    try:
        with transaction.atomic():
            CustomerIdentity.objects.create(customer=customer, kind=kind, value=value)
    except IntegrityError:
        pass  # claimed a moment ago by someone else's import: that person keeps it


def _known(person: Person) -> Customer | None:
    for kind, value in ((IdentityKind.EMAIL, person.email), (IdentityKind.PHONE, person.phone)):
        if value:
            identity = (
                CustomerIdentity.objects.select_related("customer")
                .filter(kind=kind, value=value)
                .first()
            )
            if identity is not None:
                return identity.customer
    return None


def customer_upsert(*, shop: ShopifyShop, person: Person) -> tuple[Customer, bool]:
    """The amends customer for ``person``, created or brought up to date.

    Returns ``(customer, stale)``; ``stale`` when what ``person`` says is older than what was
    imported before (then nothing about the customer changes). Raises ``Refused`` when there is
    no one to file it under: no Shopify id we know, no email address and no phone number.
    """
    record = None
    customer: Customer | None = None
    if person.shopify_id is not None:
        record, _created = record_claim(
            shop=shop, kind=ShopifyKind.CUSTOMER, shopify_id=person.shopify_id
        )
        customer = record.customer
        if customer is not None and is_stale(record, person.updated_at):
            return customer, True
    customer = customer or _known(person)
    brand = shop.brand
    if customer is None:
        if not person.email and not person.phone:
            raise Refused("no customer: the payload has no email address or phone number")
        language = person.locale.split("-")[0].lower()
        customer = Customer.objects.create(
            brand=brand,
            name=person.name or (person.email or person.phone).split("@")[0],
            language=language if language in brand.languages else brand.default_language,
            register=brand.default_register,
            country=(person.country or brand.country).upper()[:2],
            external_id=f"shopify:{person.shopify_id}" if person.shopify_id else "",
        )
    else:
        changed: list[str] = []
        if person.name and person.name != customer.name:
            customer.name, changed = person.name, [*changed, "name"]
        if person.country and person.country.upper() != customer.country:
            customer.country, changed = person.country.upper()[:2], [*changed, "country"]
        if changed:
            customer.save(update_fields=[*changed, "updated_at"])
    _identity_add(customer, IdentityKind.EMAIL, person.email)
    _identity_add(customer, IdentityKind.PHONE, person.phone)
    if record is not None:
        record.customer = customer
        if person.updated_at is not None:
            record.remote_updated_at = person.updated_at
        record.save()
    return customer, False


def customer_import(*, shop: ShopifyShop, payload: p.Customer) -> list[str]:
    """``customers/create`` and ``customers/update``."""
    person = person_of_customer(payload)
    if not person.email and not person.phone:
        return [f"ignored: Shopify customer {payload.id} has no email address or phone number"]
    customer, stale = customer_upsert(shop=shop, person=person)
    if stale:
        return [f"ignored: customer {payload.id} as of {payload.updated_at} is older than ours"]
    return [f"customer {payload.id} is amends customer {customer.pk}"]
