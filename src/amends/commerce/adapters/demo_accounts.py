"""The demo shop's customer accounts: store credit and memberships.

A goodwill credit adds to the customer's store-credit balance in the storefront's currency. A
membership cancellation ends the membership today and refunds the pro-rated amount the policy
worked out, through the payment ledger like any refund: pending until it settles. Each
``*_execute`` function is the work of one operation; ``demo.DemoShop`` runs it once per
idempotency key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from amends.brands.models import Brand
from amends.commerce.adapters import demo_books as books
from amends.commerce.adapters.base import Receipt, ShopError
from amends.commerce.models import (
    DemoCreditBalance,
    DemoLedgerEntry,
    DemoMembership,
    LedgerKind,
)
from amends.customers.models import Customer, CustomerIdentity, IdentityKind


def _customer(*, email: str, brand_code: str) -> tuple[Customer, Brand]:
    brand = Brand.objects.filter(code=brand_code).first()
    if brand is None:
        raise ShopError(f"storefront {brand_code!r} is not known", permanent=True)
    identity = (
        CustomerIdentity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=email.strip().lower())
        .first()
    )
    if identity is None:
        raise ShopError(f"no customer with the address {email!r}", permanent=True)
    return identity.customer, brand


def membership_open(
    *,
    customer: Customer,
    brand: Brand,
    plan: str,
    price_paid: Decimal,
    period_start: dt.date,
    period_end: dt.date,
) -> DemoMembership:
    """Sell a membership in the demo shop: the membership and its settled payment."""
    price = books.checked_amount(price_paid, what="price")
    if period_end <= period_start:
        raise ShopError("a membership must end after it starts", permanent=True)
    with transaction.atomic():
        membership = DemoMembership.objects.create(
            customer=customer,
            brand=brand,
            plan=plan,
            price_paid=price,
            currency=brand.currency,
            period_start=period_start,
            period_end=period_end,
        )
        DemoLedgerEntry.objects.create(
            membership=membership,
            kind=LedgerKind.MEMBERSHIP_PAYMENT,
            amount=price,
            currency=brand.currency,
            reference=books.new_reference("MP"),
            reason=plan,
            settled_at=timezone.now(),
        )
    return membership


def goodwill_credit_execute(*, email: str, brand_code: str, amount: Decimal) -> Receipt:
    customer, brand = _customer(email=email, brand_code=brand_code)
    credit, _created = DemoCreditBalance.objects.select_for_update().get_or_create(
        customer=customer, currency=brand.currency
    )
    credit.balance += amount
    credit.save(update_fields=["balance", "updated_at"])
    return Receipt(
        reference=books.new_reference("GC"),
        confirmed=True,
        amount=amount,
        currency=brand.currency,
        detail={"balance": f"{credit.balance:.2f}"},
    )


def membership_cancel_execute(
    *, email: str, brand_code: str, refund: Decimal, settle_later: Callable[[str], None]
) -> Receipt:
    customer, brand = _customer(email=email, brand_code=brand_code)
    membership = (
        DemoMembership.objects.select_for_update()
        .filter(customer=customer, brand=brand, cancelled_at__isnull=True)
        .order_by("-period_end")
        .first()
    )
    if membership is None:
        raise ShopError(f"{email} has no membership to cancel", permanent=True)
    if refund > membership.price_paid:
        raise ShopError(
            f"{refund} is more than the {membership.price_paid} paid for the membership",
            permanent=True,
        )
    membership.cancelled_at = timezone.now()
    membership.period_end = min(membership.period_end, books.local_today(brand))
    membership.save(update_fields=["cancelled_at", "period_end"])
    detail = {"plan": membership.plan, "period_end": membership.period_end.isoformat()}
    if refund == 0:
        return Receipt(
            reference=books.new_reference("MC"),
            confirmed=True,
            amount=Decimal("0.00"),
            currency=membership.currency,
            detail=detail,
        )
    entry = DemoLedgerEntry.objects.create(
        membership=membership,
        kind=LedgerKind.MEMBERSHIP_REFUND,
        amount=refund,
        currency=membership.currency,
        reference=books.new_reference("MR"),
        reason="pro-rated refund on cancellation",
    )
    settle_later(entry.reference)
    return Receipt(
        reference=entry.reference,
        confirmed=False,
        amount=refund,
        currency=membership.currency,
        expected_by=books.expected_by(brand),
        detail=detail,
    )
