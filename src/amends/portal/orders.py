"""My orders: each order with its parcels, who to contact about what, and the rules for it.

Who to contact is always concrete: the shop (refunds, returns, payment) and a third-party seller
(product and shipping questions, relayed by the shop) through the guided contact form with the
order filled in; the carrier (delivery) by its own phone number or web page for the customer's
country, else the storefront's, else its international page. A carrier with no known contact at
all is never shown as a bare "contact the carrier": the shop offers to contact it instead.

Only customers have orders here. A seller's orders are other people's purchases; a seller (and
staff) asking for these pages is sent to the place made for them, with a message saying why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from amends.accounts.models import Role, User
from amends.carriers.directory import Contact, carrier_contact_for
from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import PROBLEMS, TrackingStatus
from amends.cases.selectors import user_may_work_case
from amends.commerce.consistency import parcel_shown
from amends.commerce.models import Order, Seller
from amends.commerce.selectors import (
    order_of_customer,
    order_state,
    orders_of_customer,
    parcel_state,
)
from amends.core.errors import NotFound
from amends.policies.order_terms import RuleLine, order_rules
from amends.policies.selectors import order_facts, terms_for_brand, today_for_brand
from amends.portal.views import outside_user

MAX_ORDERS = 100  # the newest; older ones are a number away on their own page

# Where the carrier contact shown comes from.
FOR_CUSTOMER_COUNTRY = "customer"
FOR_SHOP_COUNTRY = "shop"
INTERNATIONAL = "international"
NO_CONTACT = "none"


@dataclass(frozen=True)
class ParcelView:
    shipment: Shipment
    events: list[TrackingEvent]
    contact: Contact | None
    contact_scope: str
    status: str  # as shown: see commerce.consistency.parcel_shown
    status_label: str
    estimate: dt.date | None
    has_problem: bool


@dataclass(frozen=True)
class OrderView:
    order: Order
    parcels: list[ParcelView]
    seller: Seller | None
    rules: list[RuleLine]


def _parcel(
    shipment: Shipment, *, order: Order, customer_country: str, shop_country: str
) -> ParcelView:
    contact = carrier_contact_for(
        carrier=shipment.carrier, countries=[customer_country, shop_country]
    )
    if contact is None:
        scope = NO_CONTACT
    elif contact.is_international:
        scope = INTERNATIONAL
    elif contact.country == customer_country.upper():
        scope = FOR_CUSTOMER_COUNTRY
    else:
        scope = FOR_SHOP_COUNTRY
    events = list(shipment.events.all())
    # What the customer is shown agrees with the rest: no estimate for a parcel that will not
    # come or an order paid back; a parcel returned to sender never "in transit".
    shown = parcel_shown(order_state(order, parcels=()), parcel_state(shipment, events))
    return ParcelView(
        shipment=shipment,
        events=events,
        contact=contact,
        contact_scope=scope,
        status=shown.status,
        status_label=str(TrackingStatus(shown.status).label),
        estimate=shown.estimate,
        has_problem=shown.status in PROBLEMS,
    )


def order_view(order: Order, *, with_rules: bool = False) -> OrderView:
    customer_country = order.customer.country or order.brand.country
    parcels = [
        _parcel(s, order=order, customer_country=customer_country, shop_country=order.brand.country)
        for s in order.shipments.all()
    ]
    seller = order.seller or next(
        (line.seller for line in order.lines.all() if line.seller is not None), None
    )
    rules: list[RuleLine] = []
    if with_rules:
        rules = order_rules(
            facts=order_facts(order=order),
            terms=terms_for_brand(order.brand),
            today=today_for_brand(order.brand),
        )
    return OrderView(order=order, parcels=parcels, seller=seller, rules=rules)


def _elsewhere(request: HttpRequest, user: User) -> HttpResponse:
    """Orders pages are a customer's: staff go to the console, sellers to their cases."""
    if user_may_work_case(user):
        return redirect("console-queue")
    if user.role == Role.SELLER:
        messages.info(
            request,
            gettext(
                "Orders are shown to the customers who placed them. The cases about the orders "
                "you sell are listed here."
            ),
        )
    return redirect("portal-cases")


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    user = outside_user(request)
    if user.role != Role.CUSTOMER:
        return _elsewhere(request, user)
    orders = [order_view(o) for o in orders_of_customer(user=user)[:MAX_ORDERS]]
    return render(request, "portal/orders.html", {"orders": orders})


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = outside_user(request)
    if user.role != Role.CUSTOMER:
        return _elsewhere(request, user)
    try:
        order = order_of_customer(user=user, number=number)
    except NotFound as exc:
        # The same answer for someone else's order as for a number that does not exist.
        raise Http404("order not found") from exc
    return render(request, "portal/order.html", {"view": order_view(order, with_rules=True)})
