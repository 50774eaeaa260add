"""The Content-Security-Policy in a real browser: our pages run under it with no violation
(htmx and the CSP build of Alpine load and start), and an inline script is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route

from tests.e2e.pages import CONSOLE_QUEUES, build_world, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_errors(page: Page) -> list[str]:
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return seen


def test_pages_run_under_the_policy_without_violations(page: Page, live_server: object) -> None:
    base = str(live_server)
    world = build_world()
    errors = csp_errors(page)
    for path in ["/", "/contact/", "/accounts/login/"]:
        page.goto(base + path)
        wait_until(page, "window.htmx && window.Alpine")
    page.goto(f"{base}/api/v1/docs")
    page.locator("#swagger-ui .info").wait_for()  # Swagger UI rendered from ninja's static files
    sign_in(page, base, world.agent)
    for queue in CONSOLE_QUEUES:
        page.goto(f"{base}/console/?queue={queue}")
    page.goto(f"{base}/console/cases/{world.case.pk}/")
    wait_until(page, "window.htmx && window.Alpine")
    assert errors == []


def test_an_inline_script_is_blocked(page: Page, live_server: object) -> None:
    """The real home page, with the real policy header, plus an inline script and handler."""

    def inject(route: Route) -> None:
        response = route.fetch()
        assert "Content-Security-Policy" in {k.title() for k in response.headers}
        body = response.text().replace(
            "</main>",
            "<script>window.inlineRan = true</script>"
            '<img src="data:," onerror="window.handlerRan = true"></main>',
        )
        route.fulfill(response=response, body=body)

    errors = csp_errors(page)
    page.route(f"{live_server}/", inject)
    page.goto(f"{live_server}/")
    wait_until(page, "window.htmx && window.Alpine")
    assert page.evaluate("window.inlineRan") is None
    assert page.evaluate("window.handlerRan") is None
    assert any("inline script" in e or "script-src" in e for e in errors), errors
