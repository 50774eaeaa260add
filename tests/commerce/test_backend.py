"""The shop backend comes from settings, once, and a wrong setting says what is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from amends.brands.models import Brand
from amends.commerce.adapters.demo import DemoShop
from amends.commerce.backend import shop, shop_sweep
from amends.commerce.models import ShopOperation
from tests.commerce.demo_helpers import demo_order


def test_the_demo_shop_is_the_default() -> None:
    backend = shop()
    assert isinstance(backend, DemoShop)
    assert shop() is backend


def test_options_reach_the_constructor(settings: Settings) -> None:
    settings.AMENDS_COMMERCE = {
        "BACKEND": "amends.commerce.adapters.demo.DemoShop",
        "OPTIONS": {"SETTLE_AFTER_SECONDS": 5},
    }
    backend = shop()
    assert isinstance(backend, DemoShop)
    assert backend.settle_after_seconds == 5


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"BACKEND": "amends.commerce.adapters.nowhere.Shop"}, "cannot be imported"),
        ({"BACKEND": "amends.commerce.adapters.demo.Missing"}, "cannot be imported"),
        ({"BACKEND": ""}, "dotted path"),
        ({}, "dotted path"),
        ({"BACKEND": "collections.OrderedDict"}, "not a shop backend: it has no order_sync"),
        (
            {"BACKEND": "amends.commerce.adapters.demo.DemoShop", "OPTIONS": {"COLOUR": "red"}},
            "do not suit",
        ),
        (
            {
                "BACKEND": "amends.commerce.adapters.demo.DemoShop",
                "OPTIONS": {"SETTLE_AFTER_SECONDS": -1},
            },
            "must not be negative",
        ),
        ({"BACKEND": "amends.commerce.adapters.demo.DemoShop", "OPTIONS": [1]}, "must be a dict"),
    ],
)
def test_a_bad_setting_is_improperly_configured(
    settings: Settings, config: dict[str, object], match: str
) -> None:
    settings.AMENDS_COMMERCE = config
    with pytest.raises(ImproperlyConfigured, match=match):
        shop()


@pytest.mark.django_db
def test_the_sweep_runs_the_backends_own_sweep(settings: Settings, nl_brand: Brand) -> None:
    """The demo shop's sweep settles a refund whose settlement task never ran."""
    settings.AMENDS_COMMERCE = {
        "BACKEND": "amends.commerce.adapters.demo.DemoShop",
        "OPTIONS": {"SETTLE_AFTER_SECONDS": 0},
    }
    demo_order(nl_brand)
    receipt = shop().refund(
        order_number="NL3100001",
        brand_code="nl",
        amount=Decimal("5.00"),
        reason="",
        idempotency_key="k",
    )
    assert shop_sweep() == 1
    assert ShopOperation.objects.get(reference=receipt.reference).confirmed_at is not None
    assert shop_sweep() == 0


def test_a_backend_without_a_sweep_is_left_alone(settings: Settings) -> None:
    settings.AMENDS_COMMERCE = {"BACKEND": "tests.commerce.test_backend.PlainShop"}
    assert shop_sweep() == 0


class PlainShop:
    """A backend with the contract's methods and no sweep (what a real shop's might be)."""

    def order_sync(self, **kwargs: object) -> None: ...
    def refund(self, **kwargs: object) -> None: ...
    def reship(self, **kwargs: object) -> None: ...
    def price_adjustment(self, **kwargs: object) -> None: ...
    def return_label(self, **kwargs: object) -> None: ...
    def redelivery(self, **kwargs: object) -> None: ...
    def goodwill_credit(self, **kwargs: object) -> None: ...
    def membership_cancel(self, **kwargs: object) -> None: ...
