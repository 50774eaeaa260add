from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from amends.brands.models import Brand
from amends.commerce.models import ShopifyShop
from tests.commerce.shopify_helpers import DOMAIN, SECRET
from tests.factories import BrandFactory


@pytest.fixture
def nl_brand() -> Brand:
    return BrandFactory(
        code="nl",
        country="NL",
        languages=["nl", "en"],
        default_language="nl",
        time_zone="Europe/Amsterdam",
    )


@pytest.fixture
def shop(nl_brand: Brand, settings: Settings) -> ShopifyShop:
    settings.AMENDS_SHOPIFY_WEBHOOK_SECRET = SECRET
    return ShopifyShop.objects.create(domain=DOMAIN, brand=nl_brand)
