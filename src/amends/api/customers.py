"""``/customers``: staff see the customers of the brands they reach (agents also the customer
of any case they can see), a customer sees themself, a seller the customers who ordered from
them — without their email addresses and phone numbers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from amends.api.pagination import page_by_id
from amends.api.permissions import current_user
from amends.api.schemas.common import ERRORS_LIST, ERRORS_READ
from amends.api.schemas.customers import (
    CustomerDetail,
    CustomerFilters,
    CustomerListItem,
    CustomerPage,
    IdentityOut,
)
from amends.customers.models import Customer
from amends.customers.selectors import customer_get, customer_list, customer_may_see_identities

router = Router(tags=["customers"])


def _item(customer: Customer) -> CustomerListItem:
    return CustomerListItem(
        id=customer.pk,
        name=customer.name,
        brand=customer.brand.code,
        language=customer.language,
        country=customer.country,
        is_premium=customer.is_premium,
        created_at=customer.created_at,
    )


@router.get("/customers", response={200: CustomerPage, **ERRORS_LIST})
def customers_index(request: HttpRequest, filters: Query[CustomerFilters]) -> CustomerPage:
    user = current_user(request)
    qs = customer_list(user=user, brand=filters.brand, q=filters.q, email=filters.email)
    rows, next_cursor = page_by_id(qs, cursor=filters.cursor, limit=filters.limit)
    return CustomerPage(items=[_item(c) for c in rows], next_cursor=next_cursor)


@router.get(
    "/customers/{customer_id}", response={200: CustomerDetail, **ERRORS_READ}, by_alias=True
)
def customer_read(request: HttpRequest, customer_id: int) -> CustomerDetail:
    user = current_user(request)
    customer = customer_get(user=user, customer_id=customer_id)
    identities = (
        [
            IdentityOut(kind=i.kind, value=i.value, verified=i.verified)
            for i in sorted(customer.identities.all(), key=lambda i: i.pk)
        ]
        if customer_may_see_identities(user)
        else []
    )
    return CustomerDetail(
        **_item(customer).model_dump(), register=customer.register, identities=identities
    )
