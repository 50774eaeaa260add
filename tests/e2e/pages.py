"""A small, complete world for the browser tests that visit every page: one shop, an agent, a
customer with an order, a shipment, a conversation and a promise."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.utils import timezone
from playwright.sync_api import Page

from amends.accounts.models import User
from amends.cases.models import Case
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.console.queues import QUEUES
from amends.conversations.services import case_add_note, case_reply, message_receive
from tests.factories import (
    CaseFactory,
    OrderFactory,
    OrderLineFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
)

PASSWORD = "correct horse battery"  # tests/factories.py gives every user this one
CONSOLE_QUEUES = tuple(QUEUES)  # every queue the console has


@dataclass(frozen=True)
class World:
    agent: User
    customer: User
    case: Case


def build_world() -> World:
    team = TeamFactory(brand__code="fr", brand__name="Boutique FR")
    agent = make_agent(team, email="lea@shop.test", first_name="Léa", last_name="Martin")
    case = CaseFactory(team=team, brand=team.brand, subject="Table abîmée", assignee=agent)
    CaseFactory(team=team, brand=team.brand, customer=case.customer, subject="Colis en retard")
    order = OrderFactory(customer=case.customer)
    OrderLineFactory(order=order)
    ShipmentFactory(order=order)
    case.orders.add(order)
    message_receive(case=case, text="La table est arrivée cassée.", channel="web")
    case_reply(case=case, actor=agent, text="Toutes nos excuses ; nous vous remboursons.")
    case_add_note(case=case, actor=agent, text="photos requested")
    commitment_make(
        case=case,
        actor=agent,
        kind=CommitmentKind.REFUND,
        description="Remboursement de la table",
        due=Due(at=timezone.now() + dt.timedelta(days=2)),
    )
    return World(agent=agent, customer=make_customer_user(case.customer), case=case)


def sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def wait_until(page: Page, expression: str, *, timeout: float = 10.0) -> None:
    """Wait until the JavaScript ``expression`` is truthy in the page, polled from Python.

    Not ``page.wait_for_function``: when its condition is not true at once, Playwright polls it
    by compiling the string in the page, which the Content-Security-Policy forbids — so it fails
    only when the machine is slow."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)
