"""Reads of customers, and who may see which customer.

* admin: every customer;
* supervisor: customers of the brands they answer for;
* agent: customers of their teams' brands, and the customer of any case they can see;
* customer: themselves;
* seller: customers who ordered from them.

A customer who exists but is not visible is reported exactly like one that does not exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from amends.accounts.models import Role, User
from amends.cases.selectors import cases_visible_to, is_admin, teams_of
from amends.core.errors import NotFound
from amends.customers.models import Customer

MAX_ID = 2**63 - 1


def valid_id(value: int) -> bool:
    """Whether ``value`` can be a primary key at all (huge and negative ids never exist)."""
    return 0 < value <= MAX_ID


def customers_visible_to(user: User) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    if user.role == Role.SUPERVISOR:
        return qs.filter(brand__in=user.brands.all())
    if user.role == Role.AGENT:
        with_visible_case = cases_visible_to(user).filter(customer=OuterRef("pk"))
        team_brands = teams_of(user).filter(brand__isnull=False).values("brand_id")
        return qs.filter(Q(brand_id__in=team_brands) | Q(Exists(with_visible_case)))
    if user.role == Role.CUSTOMER:
        return qs.filter(user=user)
    if user.role == Role.SELLER and user.seller_id is not None:
        from amends.commerce.models import Order

        ordered = Order.objects.filter(customer=OuterRef("pk"), seller_id=user.seller_id)
        return qs.filter(Exists(ordered))
    return qs.none()


def customer_may_see_identities(user: User) -> bool:
    """Staff and the customer themself see email addresses and phone numbers; sellers do not
    (they reach the customer through the seller relay)."""
    return user.role != Role.SELLER


def customer_get(*, user: User, customer_id: int) -> Customer:
    if not valid_id(customer_id):
        raise NotFound(f"customer {customer_id} not found")
    try:
        return (
            customers_visible_to(user)
            .select_related("brand")
            .prefetch_related("identities")
            .get(pk=customer_id)
        )
    except Customer.DoesNotExist as exc:
        raise NotFound(f"customer {customer_id} not found") from exc


def customer_list(
    *,
    user: User,
    brand: str | None = None,
    q: str | None = None,
    email: str | None = None,
) -> QuerySet[Customer]:
    """Visible customers, newest first, filtered. The caller slices (keyset pagination)."""
    qs = customers_visible_to(user).select_related("brand")
    if brand:
        qs = qs.filter(brand__code=brand.lower())
    if q:
        qs = qs.filter(name__icontains=q)
    if email:
        from amends.customers.models import CustomerIdentity, IdentityKind

        matching = CustomerIdentity.objects.filter(
            customer=OuterRef("pk"), kind=IdentityKind.EMAIL, value=email.strip().lower()
        )
        qs = qs.filter(Exists(matching))
    return qs.order_by("-id")
