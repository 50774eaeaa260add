"""A customer signs in with an emailed link in a real browser; the sign-in pages pass axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Page, expect

from amends.core.worker import run_pending
from tests.e2e.axe import assert_no_problems, check
from tests.e2e.pages import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_throttle() -> Iterator[None]:
    """The throttle's counters are in the cache table, which outlives transactional tests."""
    cache.clear()
    yield
    cache.clear()


def mailed_link(address: str) -> str:
    run_pending()  # what the worker does in the background
    sent = [m for m in mail.outbox if m.to == [address]]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    match = re.search(r"https?://\S+", str(sent[0].body))
    assert match
    return match.group(0)


def ask_for_link(page: Page, base: str, address: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_link_email", address)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("h1")).to_have_text("Check your email")


def test_a_customer_signs_in_with_the_emailed_link(
    page: Page, live_server: object, screenshot_dir: Path
) -> None:
    base = str(live_server)
    world = build_world()
    address = world.customer.email

    page.goto(f"{base}/accounts/login/")
    page.screenshot(path=screenshot_dir / "signin.png")
    ask_for_link(page, base, address)
    expect(page.locator("main")).to_contain_text(address)
    link = mailed_link(address)
    assert link.startswith(f"{base}/accounts/login/link/?token=")

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Confirm sign-in")
    expect(page.locator("main")).to_contain_text(address)
    page.screenshot(path=screenshot_dir / "signin-confirm.png")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{base}/my/cases/")
    expect(page.locator("main")).to_contain_text(world.case.reference)
    expect(page.locator("header.site")).to_contain_text(address)

    # The same link a second time, in another browser: refused, clearly.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("This sign-in link cannot be used")


def test_the_sign_in_pages_have_no_serious_or_critical_violations(
    axe_page: Page, live_server: object
) -> None:
    page, base = axe_page, str(live_server)
    world = build_world()
    problems: dict[str, str] = {}

    page.goto(f"{base}/accounts/login/")
    check(page, "sign-in", problems)

    page.fill("#id_link_email", "not an address")
    page.eval_on_selector("#id_link_email", "e => e.type = 'text'")  # past the browser's check
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.wait_for_selector("#link_error")
    check(page, "sign-in: link form with an error", problems)

    ask_for_link(page, base, world.customer.email)
    check(page, "link sent", problems)

    page.goto(mailed_link(world.customer.email))
    page.wait_for_selector("main form button")
    check(page, "confirm sign-in", problems)

    page.goto(f"{base}/accounts/login/link/?token=u.tampered")
    check(page, "link cannot be used", problems)

    for _ in range(5):
        ask_for_link(page, base, "nobody@example.test")
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_link_email", "nobody@example.test")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("h1")).to_have_text("Too many attempts")
    check(page, "throttled", problems)

    assert_no_problems(problems)
