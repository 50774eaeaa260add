"""Every page passes axe-core (from the npm registry, locked in package-lock.json) with no
serious or critical violation.

axe is injected as an inline ``<script>``, which our own Content-Security-Policy forbids (that is
the point of the policy), so these pages are opened in a context created with
``bypass_csp=True``. The policy itself is checked, with CSP on, in ``test_csp.py``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.axe import assert_no_problems, check
from tests.e2e.pages import CONSOLE_QUEUES, World, build_world, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_has_no_serious_or_critical_violations(
    axe_page: Page, live_server: object
) -> None:
    page, base = axe_page, str(live_server)
    world: World = build_world()
    problems: dict[str, str] = {}

    for name, path in [
        ("home", "/"),
        ("contact form", "/contact/"),
        ("sign-in", "/accounts/login/"),
    ]:
        page.goto(base + path)
        check(page, name, problems)

    page.goto(f"{base}/contact/")
    page.click("#step-order button.next")
    page.wait_for_selector("#step-order [data-problems] li")
    check(page, "contact form with errors", problems)

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "nobody@example.test")
    page.fill("#id_password", "wrong password")
    page.click("main button[type=submit]")
    page.wait_for_selector(".errorlist")
    check(page, "sign-in with an error", problems)

    sign_in(page, base, world.agent)
    for queue in CONSOLE_QUEUES:
        page.goto(f"{base}/console/?queue={queue}")
        check(page, f"console queue {queue!r}", problems)
    page.goto(f"{base}/console/cases/{world.case.pk}/")
    check(page, "console case page", problems)
    page.goto(f"{base}/console/search/?q={world.case.reference}")
    check(page, "console search results", problems)
    sign_out(page)

    sign_in(page, base, world.customer)
    page.goto(f"{base}/my/cases/")
    check(page, "portal: my cases", problems)
    page.goto(f"{base}/my/cases/{world.case.pk}/")
    check(page, "portal: case page", problems)

    assert_no_problems(problems)


def test_keyboard_skip_link_moves_focus_to_the_main_content(
    page: Page, live_server: object
) -> None:
    page.goto(f"{live_server}/contact/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible(), "the skip link shows when it has the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page's own content, not the header
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
