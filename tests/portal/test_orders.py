"""My orders: only the customer's own, each with its parcels and a concrete "who to contact about
what" (story 2: never "contact the carrier" without a number or address), and the rules for the
order computed for that order (story 5)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from amends.accounts.models import User
from amends.carriers.models import Carrier, Shipment, TrackingEvent
from amends.commerce.models import Order
from amends.commerce.selectors import orders_of_customer
from tests.factories import (
    BrandFactory,
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    SellerFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
    make_seller_user,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A made-up carrier with made-up numbers: the tests say what is shown, not who to call.
CONTACTS = {
    "NL": {
        "phone": "+31 20 555 0100",
        "web": "https://parcel.example/nl/help",
        "hours": "Mon-Fri 8:00-20:00",
    },
    "BE": {"web": "https://parcel.example/be/help"},
    "INT": {"web": "https://parcel.example/international"},
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass(frozen=True)
class Shop:
    customer: User
    order: Order
    shipment: Shipment
    carrier: Carrier


def make_shop(*, country: str = "NL", placed_at: dt.datetime | None = None) -> Shop:
    brand = BrandFactory(
        code="nl", name="Shop NL", country="NL", languages=["nl", "en"], time_zone=AMSTERDAM.key
    )
    customer = CustomerFactory(brand=brand, language="en", country=country, name="Niels de Vries")
    carrier = CarrierFactory(code="fastparcel", name="Fast Parcel", contacts=CONTACTS)
    order = OrderFactory(
        customer=customer,
        number="NL-2031-0042",
        placed_at=placed_at or dt.datetime(2031, 3, 3, 10, tzinfo=AMSTERDAM),
        total=Decimal("59.90"),
    )
    OrderLineFactory(order=order, title="LED lamp", quantity=2, unit_price=Decimal("29.95"))
    shipment = ShipmentFactory(
        order=order,
        carrier=carrier,
        tracking_number="FP0000012345",
        status="attempt_failed",
        estimated_delivery=dt.date(2031, 3, 8),
    )
    TrackingEvent.objects.create(
        shipment=shipment,
        status="attempt_failed",
        description="Recipient not at home",
        location="Utrecht",
        occurred_at=dt.datetime(2031, 3, 5, 14, 2, tzinfo=AMSTERDAM),
    )
    return Shop(make_customer_user(customer), order, shipment, carrier)


def text(html: str) -> str:
    """The page as a reader sees it: tags out, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- whose orders ---------------------------------------------------------------------------------


def test_the_selector_returns_only_the_customers_own_orders_newest_first() -> None:
    shop = make_shop()
    customer = shop.order.customer
    older = OrderFactory(customer=customer, placed_at=shop.order.placed_at - dt.timedelta(days=9))
    newer = OrderFactory(customer=customer, placed_at=shop.order.placed_at + dt.timedelta(days=1))
    OrderFactory()  # somebody else's
    assert list(orders_of_customer(user=shop.customer)) == [newer, shop.order, older]
    assert not orders_of_customer(user=make_agent(TeamFactory())).exists()
    assert not orders_of_customer(user=make_seller_user(SellerFactory())).exists()


def test_someone_elses_order_is_exactly_like_one_that_does_not_exist() -> None:
    shop = make_shop()
    stranger = make_customer_user(CustomerFactory(brand=shop.order.brand, language="en"))
    theirs = signed_in(stranger).get(f"/my/orders/{shop.order.number}/")
    unknown = signed_in(stranger).get("/my/orders/NL-9999-0000/")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content.replace(b"NL-2031-0042", b"N") == unknown.content.replace(
        b"NL-9999-0000", b"N"
    )
    listing = signed_in(stranger).get("/my/orders/").content.decode()
    assert shop.order.number not in listing
    assert "You have no orders with us yet." in listing


def test_signing_in_is_required() -> None:
    shop = make_shop()
    response = Client().get(f"/my/orders/{shop.order.number}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sellers_and_staff_are_sent_where_their_work_is() -> None:
    shop = make_shop()
    seller = SellerFactory()
    shop.order.seller = seller
    shop.order.save()
    seller_client = signed_in(make_seller_user(seller))
    response = seller_client.get("/my/orders/")
    assert (response.status_code, response["Location"]) == (302, "/my/cases/")
    page = seller_client.get("/my/cases/").content.decode()
    assert "The cases about the orders you sell are listed here." in page
    detail = seller_client.get(f"/my/orders/{shop.order.number}/")
    assert (detail.status_code, detail["Location"]) == (302, "/my/cases/")
    agent = make_agent(TeamFactory())
    assert signed_in(agent).get("/my/orders/")["Location"] == "/console/"


# --- what an order shows --------------------------------------------------------------------------


def test_orders_page_shows_lines_parcels_and_the_tracking_history() -> None:
    shop = make_shop()
    page = text(signed_in(shop.customer).get("/my/orders/").content.decode())
    assert "Order NL-2031-0042" in page
    assert "LED lamp" in page
    assert "€59.90" in page
    assert "Fast Parcel" in page
    assert "Delivery attempt failed" in page
    assert "Recipient not at home · Utrecht" in page
    assert "03/05/2031 2:02 p.m." in page  # Amsterdam time, not UTC (1:02 p.m.)
    assert "expected on March 8, 2031" in page


def test_no_stale_delivery_estimate_once_the_parcel_is_back_with_the_shop() -> None:
    shop = make_shop()
    Shipment.objects.filter(pk=shop.shipment.pk).update(status="returned_to_sender")
    page = text(signed_in(shop.customer).get("/my/orders/").content.decode())
    assert "Returned to sender" in page
    assert "expected on" not in page


def test_a_refunded_order_shows_no_delivery_estimate_for_its_parcel() -> None:
    shop = make_shop()
    Shipment.objects.filter(pk=shop.shipment.pk).update(status="in_transit")
    Order.objects.filter(pk=shop.order.pk).update(
        status="refunded", refunded_total=Decimal("59.90")
    )
    page = text(signed_in(shop.customer).get("/my/orders/").content.decode())
    assert "In transit" in page
    assert "expected on" not in page


def test_a_parcel_returned_to_sender_is_not_shown_in_transit_after_a_late_scan() -> None:
    shop = make_shop()
    TrackingEvent.objects.create(
        shipment=shop.shipment,
        status="returned_to_sender",
        occurred_at=dt.datetime(2031, 3, 7, 9, tzinfo=AMSTERDAM),
    )
    # A stray scan that the carrier sent late set the status back.
    Shipment.objects.filter(pk=shop.shipment.pk).update(status="in_transit")
    page = text(signed_in(shop.customer).get("/my/orders/").content.decode())
    assert "Returned to sender" in page.split("Tracking history")[0]
    assert "expected on" not in page


def test_who_to_contact_the_shop_and_the_carrier_for_the_customers_country() -> None:
    shop = make_shop(country="NL")
    html = signed_in(shop.customer).get("/my/orders/").content.decode()
    assert 'href="/contact/?order=NL-2031-0042"' in html
    assert 'href="tel:+31205550100"' in html
    assert "+31 20 555 0100" in html
    assert "(Mon-Fri 8:00-20:00)" in html
    assert 'href="https://parcel.example/nl/help"' in html
    assert "about=seller" not in html  # no third-party seller on this order
    assert "international prefix" not in html


def test_a_sellers_order_says_the_seller_is_reached_through_the_shop() -> None:
    shop = make_shop()
    shop.order.seller = SellerFactory(name="Muebles Ortiz")
    shop.order.save()
    html = signed_in(shop.customer).get("/my/orders/").content.decode()
    assert 'href="/contact/?order=NL-2031-0042&amp;about=seller"' in html
    assert "Write to Muebles Ortiz" in html
    assert "your own address is not shared" in html


def test_customer_abroad_gets_the_shops_country_with_a_word_about_dialling() -> None:
    shop = make_shop(country="LT")  # the carrier lists no Lithuanian contact
    page = text(signed_in(shop.customer).get("/my/orders/").content.decode())
    assert "+31 20 555 0100" in page
    assert "These contact details are for Netherlands" in page


def test_no_local_contact_anywhere_gives_the_international_page() -> None:
    shop = make_shop(country="LT")
    Carrier.objects.filter(pk=shop.carrier.pk).update(
        contacts={"INT": {"web": "https://parcel.example/international"}}
    )
    html = signed_in(shop.customer).get("/my/orders/").content.decode()
    assert 'href="https://parcel.example/international"' in html
    assert "international customer service" in html


def test_a_carrier_with_no_contacts_at_all_is_never_a_bare_contact_the_carrier() -> None:
    shop = make_shop()
    Carrier.objects.filter(pk=shop.carrier.pk).update(contacts={})
    page = signed_in(shop.customer).get("/my/orders/").content.decode()
    assert "we contact them for you" in page
    assert 'href="/contact/?order=NL-2031-0042&amp;about=carrier"' in page
    assert "tel:" not in page


def test_an_order_not_shipped_yet_says_when_the_carriers_contact_appears() -> None:
    shop = make_shop()
    Shipment.objects.filter(pk=shop.shipment.pk).delete()
    page = text(signed_in(shop.customer).get(f"/my/orders/{shop.order.number}/").content.decode())
    assert "Not shipped yet." in page
    assert "appear here once your order has shipped" in page


# --- the rules for this order ---------------------------------------------------------------------


def rules_of(shop: Shop, *, now: dt.datetime) -> str:
    with time_machine.travel(now, tick=False):
        response = signed_in(shop.customer).get(f"/my/orders/{shop.order.number}/")
    assert response.status_code == 200
    page = text(response.content.decode())
    return page[page.index("The rules for this order") :]


def test_price_drop_refund_is_open_on_day_seven_and_ended_on_day_eight() -> None:
    shop = make_shop()  # bought on 3 March 2031, 10:00 in Amsterdam
    day7 = rules_of(shop, now=dt.datetime(2031, 3, 10, 23, 30, tzinfo=AMSTERDAM))
    assert "we refund the difference until March 10, 2031 (7 days from your purchase)" in day7
    day8 = rules_of(shop, now=dt.datetime(2031, 3, 11, 0, 30, tzinfo=AMSTERDAM))
    assert "The price-drop refund period ended on March 10, 2031." in day8
    assert "we refund the difference until" not in day8


def test_return_window_before_delivery_and_long_after_it() -> None:
    shop = make_shop()
    waiting = rules_of(shop, now=dt.datetime(2031, 3, 6, 9, tzinfo=AMSTERDAM))
    assert "You will have 30 days to return it. It starts when the parcel is delivered." in waiting
    assert "The law gives you at least 14 days" in waiting
    Shipment.objects.filter(pk=shop.shipment.pk).update(
        status="delivered", delivered_at=dt.datetime(2031, 3, 7, 11, tzinfo=AMSTERDAM)
    )
    soon = rules_of(shop, now=dt.datetime(2031, 3, 8, 9, tzinfo=AMSTERDAM))
    assert "You can return it until April 6, 2031 (30 days from delivery)." in soon
    assert "Your parcel was delivered, so this no longer applies." in soon
    later = rules_of(shop, now=dt.datetime(2031, 9, 1, 9, tzinfo=AMSTERDAM))
    assert "The return period ended on April 6, 2031." in later


def test_a_parcel_with_no_news_for_too_long_is_treated_as_lost() -> None:
    shop = make_shop()
    Shipment.objects.filter(pk=shop.shipment.pk).update(status="in_transit")
    # Last scan 5 March; ten days without news (the default) takes it to 15 March.
    before = rules_of(shop, now=dt.datetime(2031, 3, 14, 9, tzinfo=AMSTERDAM))
    assert "If there is still no new scan of your parcel after March 15, 2031" in before
    assert "You do not need to wait for the carrier's investigation." in before
    after = rules_of(shop, now=dt.datetime(2031, 3, 16, 9, tzinfo=AMSTERDAM))
    assert "no new scan for more than 10 days, so we treat it as lost" in after
    assert "refund you in full (59.90 EUR)" in after


def test_reported_lost_or_damaged_applies_now() -> None:
    shop = make_shop()
    Shipment.objects.filter(pk=shop.shipment.pk).update(status="lost")
    lost = rules_of(shop, now=dt.datetime(2031, 3, 9, 9, tzinfo=AMSTERDAM))
    assert "The carrier reports your parcel as lost." in lost
    Shipment.objects.filter(pk=shop.shipment.pk).update(status="damaged")
    damaged = rules_of(shop, now=dt.datetime(2031, 3, 9, 9, tzinfo=AMSTERDAM))
    assert "The carrier reports your parcel as damaged." in damaged


def test_the_rules_come_in_the_customers_language() -> None:
    shop = make_shop()
    shop.order.customer.language = "fr"
    shop.order.customer.save()
    with time_machine.travel(dt.datetime(2031, 3, 9, 9, tzinfo=AMSTERDAM), tick=False):
        html = signed_in(shop.customer).get(f"/my/orders/{shop.order.number}/").content.decode()
    assert '<html lang="fr">' in html
    assert "10 mars 2031" in html  # the date in French, whatever the sentence around it


# --- hostile input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "' OR '1'='1",
        "NL-2031-0042' --",
        "<script>alert(1)</script>",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "NL-2031-0042%00",
        "..%2F..%2Fadmin",
        "a/b/c",
        "x" * 5000,
        "%F0%9F%92%A5" * 30,
    ],
)
def test_hostile_order_numbers_get_a_plain_not_found(number: str) -> None:
    shop = make_shop()
    response = signed_in(shop.customer).get(f"/my/orders/{number}/")
    assert response.status_code == 404
    assert b"<script>alert(1)" not in response.content


def test_an_order_number_with_odd_characters_still_has_its_page_and_safe_links() -> None:
    shop = make_shop()
    Order.objects.filter(pk=shop.order.pk).update(number="A&B/7?x=<1>")
    response = signed_in(shop.customer).get("/my/orders/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A&amp;B/7?x=&lt;1&gt;" in html
    assert 'href="/contact/?order=A%26B%2F7%3Fx%3D%3C1%3E"' in html
    assert "<1>" not in html
    detail = signed_in(shop.customer).get("/my/orders/A%26B/7%3Fx%3D%3C1%3E/")
    assert detail.status_code == 200


def test_what_the_carrier_and_the_shop_sent_is_shown_as_text_never_run() -> None:
    shop = make_shop()
    TrackingEvent.objects.filter(shipment=shop.shipment).update(
        description="<img src=x onerror=alert(1)>", location="<b>Utrecht</b>"
    )
    shop.order.lines.update(title="<script>alert('lamp')</script>")
    Carrier.objects.filter(pk=shop.carrier.pk).update(
        name="<i>Fast</i>",
        contacts={"NL": {"web": "javascript:alert(1)", "phone": "+31 20 555 0100"}},
    )
    html = signed_in(shop.customer).get(f"/my/orders/{shop.order.number}/").content.decode()
    assert "<img src=x" not in html
    assert "<script>alert('lamp')" not in html
    assert "<i>Fast</i>" not in html
    assert "javascript:" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="tel:+31205550100"' in html


def test_the_orders_page_costs_the_same_queries_for_three_orders_or_twelve() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shop = make_shop()
    client = signed_in(shop.customer)

    def add_orders(count: int) -> None:
        for _ in range(count):
            order = OrderFactory(customer=shop.order.customer)
            OrderLineFactory(order=order)
            shipment = ShipmentFactory(order=order, carrier=shop.carrier)
            TrackingEvent.objects.create(
                shipment=shipment, status="in_transit", occurred_at=shop.order.placed_at
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/my/orders/").status_code == 200
        return len(captured.captured_queries)

    add_orders(2)
    few = queries()
    add_orders(9)
    assert queries() == few
