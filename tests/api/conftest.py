"""Two mirror-image sides of a shop, and an API client for each role.

Side ``a`` and side ``b`` each have a storefront, a team with an agent, a supervisor, a
customer with a login, a seller with a login, an order of that customer fulfilled by that
seller (with a shipment and a tracking event), a case about that order, a message from the
customer, an internal note, an open commitment and a remedy waiting for a supervisor's approval
(a price-drop adjustment above an agent's limit). The admin sees both sides; every other role
belongs to exactly one side.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amends.accounts.models import Role, Team, User
from amends.brands.models import Brand
from amends.carriers.models import Shipment, TrackingEvent
from amends.cases.models import Case
from amends.commerce.models import Order, Remedy, RemedyKind, Seller
from amends.commerce.remedies import remedy_grant
from amends.commitments.models import Commitment
from amends.commitments.services import Due, commitment_make
from amends.conversations.models import Message
from amends.conversations.services import case_add_note, message_receive
from amends.customers.models import Customer
from amends.policies.ruleset import active_rules_forget
from tests.factories import (
    BrandFactory,
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    SellerFactory,
    ShipmentFactory,
    TeamFactory,
    UserFactory,
    make_agent,
    make_customer_user,
    make_seller_user,
    make_supervisor,
    make_token,
)

API = "/api/v1"

ROLES = (
    "admin",
    "supervisor_a",
    "supervisor_b",
    "agent_a",
    "agent_b",
    "customer_x",
    "customer_y",
    "seller_s",
    "seller_t",
    "anonymous",
)
STAFF_KINDS = frozenset({"admin", "supervisor", "agent"})


def role_kind(role: str) -> str:
    return role.split("_")[0]


def role_side(role: str) -> str | None:
    """Which side a role belongs to: customer X and seller S are side a, Y and T side b."""
    suffix = role.rsplit("_", 1)[-1] if "_" in role else ""
    return {"a": "a", "x": "a", "s": "a", "b": "b", "y": "b", "t": "b"}.get(suffix)


def sees(role: str, side: str) -> bool:
    return role == "admin" or role_side(role) == side


@dataclass
class Side:
    name: str
    brand: Brand
    team: Team
    agent: User
    supervisor: User
    customer: Customer
    customer_user: User
    seller: Seller
    seller_user: User
    order: Order
    shipment: Shipment
    case: Case
    message: Message
    note: Message
    commitment: Commitment
    remedy: Remedy


@dataclass
class World:
    admin: User
    a: Side
    b: Side

    def side(self, name: str) -> Side:
        return self.a if name == "a" else self.b

    def user(self, role: str) -> User | None:
        if role == "anonymous":
            return None
        if role == "admin":
            return self.admin
        kind = role_kind(role)
        side = self.side(role_side(role) or "a")
        return {
            "supervisor": side.supervisor,
            "agent": side.agent,
            "customer": side.customer_user,
            "seller": side.seller_user,
        }[kind]


def build_side(name: str) -> Side:
    brand = BrandFactory(code=f"shop{name}")
    team = TeamFactory(brand=brand, name=f"Team {name.upper()}")
    agent = make_agent(team, first_name=f"Agent{name.upper()}", last_name="Smith")
    supervisor = make_supervisor(brand, first_name=f"Super{name.upper()}")
    customer = CustomerFactory(brand=brand, name=f"Customer {name.upper()}")
    customer_user = make_customer_user(customer)
    seller = SellerFactory(name=f"Seller {name.upper()}")
    seller_user = make_seller_user(seller)
    order = OrderFactory(customer=customer, seller=seller)
    OrderLineFactory(order=order, seller=seller)
    shipment = ShipmentFactory(order=order)
    TrackingEvent.objects.create(
        shipment=shipment,
        status="in_transit",
        carrier_code="TRN",
        description="In transit",
        location="Paris",
        occurred_at=timezone.now() - dt.timedelta(days=1),
    )
    case = CaseFactory(customer=customer, brand=brand, team=team, subject=f"Lamp {name}")
    case.orders.add(order)
    message = message_receive(case=case, text="My lamp arrived broken", channel="web")
    note = case_add_note(case=case, actor=agent, text=f"secret note {name}")
    commitment = commitment_make(
        case=case,
        actor=agent,
        kind="callback",
        description="Call the customer back",
        due=Due(business_days=2),
    )
    active_rules_forget()  # the built-in rules: another test's stored ones are rolled back
    remedy = remedy_grant(
        case=case,
        order=order,
        remedy=RemedyKind.PRICE_ADJUSTMENT,
        actor=agent,
        idempotency_key=f"world-{name}",
        current_price=Decimal("5.00"),  # 54.90 back: above an agent's 50, a supervisor approves
    )
    case.refresh_from_db()
    return Side(
        name=name,
        brand=brand,
        team=team,
        agent=agent,
        supervisor=supervisor,
        customer=customer,
        customer_user=customer_user,
        seller=seller,
        seller_user=seller_user,
        order=order,
        shipment=shipment,
        case=case,
        message=message,
        note=note,
        commitment=commitment,
        remedy=remedy,
    )


@pytest.fixture
def world(db: None) -> World:
    admin = UserFactory(role=Role.ADMIN, first_name="Ada", last_name="Admin")
    return World(admin=admin, a=build_side("a"), b=build_side("b"))


def token_client(user: User | None) -> Client:
    if user is None:
        return Client()
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


ClientFor = Callable[[str], Client]


@pytest.fixture
def client_for(world: World) -> ClientFor:
    """``client_for("agent_a")``: a client authenticated with that role's API token."""
    cache: dict[str, Client] = {}

    def get(role: str) -> Client:
        if role not in cache:
            cache[role] = token_client(world.user(role))
        return cache[role]

    return get


def call(
    client: Client,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """Send a JSON request to ``/api/v1`` + ``path``; returns the response."""
    url = API + path
    if body is None and method == "GET":
        return client.get(url, headers=headers)
    data = body if isinstance(body, (bytes, str)) else json.dumps(body if body is not None else {})
    return client.generic(method, url, data=data, content_type="application/json", headers=headers)
