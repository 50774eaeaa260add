"""The commerce pages of the admin: a Shopify store is mapped to a storefront there, and the
shop's records can be read."""

from __future__ import annotations

import pytest
from django.test import Client

from amends.accounts.models import Role
from amends.brands.models import Brand
from amends.commerce.models import ShopifyShop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_a_shopify_store_is_mapped_to_a_storefront(admin_client: Client, nl_brand: Brand) -> None:
    response = admin_client.post(
        "/admin/commerce/shopifyshop/add/",
        {"domain": "  Amends-NL.myshopify.com ", "brand": nl_brand.pk, "active": "on"},
    )
    assert response.status_code == 302
    shop = ShopifyShop.objects.get()
    assert (shop.domain, shop.brand) == ("amends-nl.myshopify.com", nl_brand)


@pytest.mark.parametrize(
    "domain", ["shop.example.com", "evil.myshopify.com.example", "-x.myshopify.com", ""]
)
def test_a_domain_that_is_not_a_shopify_store_is_refused(
    admin_client: Client, nl_brand: Brand, domain: str
) -> None:
    response = admin_client.post(
        "/admin/commerce/shopifyshop/add/", {"domain": domain, "brand": nl_brand.pk}
    )
    assert response.status_code == 200  # the form again, with the error
    assert not ShopifyShop.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        "shopifyshop",
        "shopifydelivery",
        "shopifyrecord",
        "shopoperation",
        "demoledgerentry",
        "demomembership",
        "democreditbalance",
        "demoreturnlabel",
        "demoredelivery",
    ],
)
def test_the_commerce_lists_open(admin_client: Client, page: str) -> None:
    assert admin_client.get(f"/admin/commerce/{page}/").status_code == 200
