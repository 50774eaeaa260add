"""The customer portal in a real browser: my orders with the carrier's real number for the
customer's country, the rules for an order, a second opinion asked for from the case page; every
new page passes axe and runs under the Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from amends.carriers.models import Carrier
from amends.commerce.models import Order
from tests.e2e.axe import assert_no_problems, check
from tests.e2e.pages import World, build_world, sign_in, wait_until
from tests.factories import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Made up for the test; the demo's carriers carry the real ones.
PHONE = "+33 1 23 45 67 89"


def portal_world() -> tuple[World, Order]:
    world = build_world()
    order = world.case.orders.get()
    Carrier.objects.filter(shipments__order=order).update(
        contacts={"FR": {"phone": PHONE, "web": "https://parcel.example/fr/aide"}}
    )
    make_supervisor(world.case.brand, first_name="Claire", last_name="Martin")
    return world, order


def test_orders_page_gives_the_carriers_phone_number_for_the_customers_country(
    page: Page, live_server: object, screenshot_dir: Path
) -> None:
    base = str(live_server)
    world, order = portal_world()
    csp: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp.append(message.text)

    page.on("console", on_console)
    sign_in(page, base, world.customer)
    page.click("header nav a[href='/my/orders/']")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # the customer's language
    phone = page.locator("li.carrier-contact a.phone")
    expect(phone).to_have_text(PHONE)
    expect(phone).to_have_attribute("href", "tel:+33123456789")
    contact_shop = page.locator(f"a[href='/contact/?order={order.number}']")
    expect(contact_shop).to_have_count(1)
    page.screenshot(path=screenshot_dir / "portal-orders.png", full_page=True)

    page.click(f"a[href='/my/orders/{order.number}/']")
    page.wait_for_load_state()
    expect(page.locator("#rules-heading")).to_be_visible()
    expect(page.locator(".rules dt").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "portal-order-rules.png", full_page=True)
    wait_until(page, "window.htmx && window.Alpine")
    assert csp == []


def test_second_opinion_from_the_case_page_by_keyboard(page: Page, live_server: object) -> None:
    base = str(live_server)
    world, _ = portal_world()
    sign_in(page, base, world.customer)
    page.goto(f"{base}/my/cases/{world.case.pk}/")
    reason = page.locator("#id_reason")
    reason.focus()
    page.keyboard.type("La table est cassée et on me refuse le remboursement.")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("type", "submit")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    notice = page.locator(".second-opinion-notice")
    expect(notice).to_contain_text("Claire")
    expect(page.locator("#id_reason")).to_have_count(0)  # once, while it is pending
    assert "Martin" not in page.locator("main").inner_text()


def test_new_portal_pages_have_no_serious_or_critical_violations(
    axe_page: Page, live_server: object
) -> None:
    page, base = axe_page, str(live_server)
    world, order = portal_world()
    problems: dict[str, str] = {}
    sign_in(page, base, world.customer)
    for name, path in [
        ("portal: my orders", "/my/orders/"),
        ("portal: an order and its rules", f"/my/orders/{order.number}/"),
        ("portal: my cases", "/my/cases/"),
        ("portal: case page with the second-opinion form", f"/my/cases/{world.case.pk}/"),
    ]:
        page.goto(base + path)
        check(page, name, problems)
    page.fill("#id_reason", "Merci de revoir mon dossier.")
    page.click("section.second-opinion button[type=submit]")
    page.wait_for_selector(".second-opinion-notice")
    check(page, "portal: case page after a second opinion", problems)
    Carrier.objects.update(contacts={})
    page.goto(f"{base}/my/orders/")
    check(page, "portal: my orders, carrier without contacts", problems)
    assert_no_problems(problems)
