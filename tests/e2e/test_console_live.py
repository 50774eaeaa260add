"""The console's websocket, for real: Daphne serves the ASGI application, Chromium connects.

Changes are made by the test's own thread through the services, as another agent's request or
the worker would make them; the socket must carry a signal to exactly those who may see the
case, and nothing to anyone else.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from amends.accounts.models import Team, User
from amends.cases.models import Case
from amends.cases.services import case_assign, case_transfer
from tests.console.daphne_server import daphne_url, release_connections, ws_url
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    TeamFactory,
    brand_of,
    make_agent,
    make_customer_user,
    make_supervisor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIET_SECONDS = 1.0  # how long "receives nothing" is watched for

OPEN_SOCKET = """
(url) => new Promise((resolve) => {
  window.frames_ = [];
  window.closed_ = null;
  const ws = new WebSocket(url);
  window.ws_ = ws;
  ws.onmessage = (event) => {
    let frame = null;
    try { frame = JSON.parse(event.data); } catch (error) { frame = {raw: event.data}; }
    window.frames_.push(frame);
    if (frame.type === "hello") resolve("ready");
  };
  ws.onclose = (event) => { window.closed_ = event.code; resolve("closed:" + event.code); };
})
"""


@pytest.fixture
def server() -> Iterator[str]:
    yield daphne_url()
    release_connections()


@pytest.fixture
def listen(browser: Browser, server: str) -> Iterator[Callable[[User | None], Page]]:
    """Open the console websocket as ``user`` (or signed out) in a browser context of its own."""
    contexts = []

    def open_as(user: User | None) -> Page:
        context = browser.new_context()
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server}]
            )
        page = context.new_page()
        page.goto(f"{server}/accounts/login/")
        page.evaluate(OPEN_SOCKET, ws_url())
        return page

    yield open_as
    for context in contexts:
        context.close()


def frames(page: Page) -> list[dict[str, Any]]:
    return [f for f in page.evaluate("window.frames_") if f.get("type") == "changed"]


def wait_for_frame(
    page: Page, matches: Callable[[dict[str, Any]], bool], *, timeout: float = 10.0
) -> dict[str, Any]:
    """The first frame received that ``matches``, polled from Python.

    Not ``page.wait_for_function``: when its condition is not true at once, Playwright polls it
    by compiling the string in the page, which the page's Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout
    while True:
        found: list[dict[str, Any]] = [f for f in page.evaluate("window.frames_") if matches(f)]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no matching frame within {timeout} s: {page.evaluate('window.frames_')}"
            )
        page.wait_for_timeout(50)


def wait_for_signal(page: Page, case: Case) -> dict[str, Any]:
    return wait_for_frame(page, lambda f: f.get("type") == "changed" and f.get("case") == case.pk)


@pytest.fixture
def desk() -> dict[str, Any]:
    team = TeamFactory()
    other_team = TeamFactory(brand=brand_of(team))
    return {
        "team": team,
        "other_team": other_team,
        "agent": make_agent(team, first_name="Léa"),
        "colleague": make_agent(team, first_name="Marc"),
        "next_door": make_agent(other_team, first_name="Eva"),
        "elsewhere": make_agent(TeamFactory(), first_name="Jan"),  # another storefront
        "case": CaseFactory(team=team, brand=brand_of(team), subject="Colis perdu"),
    }


def test_signed_out_visitors_are_closed_with_4403(listen: Callable[[User | None], Page]) -> None:
    page = listen(None)
    assert page.evaluate("window.closed_") == 4403
    assert frames(page) == []


def test_customers_are_closed_with_4403(listen: Callable[[User | None], Page]) -> None:
    customer = make_customer_user(CustomerFactory())
    page = listen(customer)
    if page.evaluate("window.closed_") == 1006:
        # 1006 is the browser's "the connection dropped without a close frame": a transport
        # hiccup of the in-process test server on a loaded machine, not the server's answer.
        # Ask once more; the answer itself must be 4403.
        page.evaluate(OPEN_SOCKET, ws_url())
    assert page.evaluate("window.closed_") == 4403


def test_an_agent_hears_about_a_case_of_their_team_and_no_one_else_does(
    listen: Callable[[User | None], Page], desk: dict[str, Any]
) -> None:
    agent, next_door, elsewhere = (listen(desk[k]) for k in ("agent", "next_door", "elsewhere"))
    for page in (agent, next_door, elsewhere):
        assert page.evaluate("window.closed_") is None

    case: Case = desk["case"]
    case_assign(case=case, assignee=desk["colleague"], actor=desk["colleague"])

    signal = wait_for_signal(agent, case)
    assert signal == {"type": "changed", "case": case.pk, "kind": "case_assigned", "mine": False}
    time.sleep(QUIET_SECONDS)
    assert frames(next_door) == [], "an agent of another team heard about the case"
    assert frames(elsewhere) == [], "an agent of another storefront heard about the case"


def test_the_assignee_and_supervisors_of_the_storefront_hear_it_too(
    listen: Callable[[User | None], Page], desk: dict[str, Any]
) -> None:
    team: Team = desk["team"]
    supervisor = make_supervisor(brand_of(team))
    other_supervisor = make_supervisor(brand_of(desk["elsewhere"].agent.teams.get()))
    colleague, boss, other_boss = (
        listen(u) for u in (desk["colleague"], supervisor, other_supervisor)
    )

    case: Case = desk["case"]
    case_assign(case=case, assignee=desk["colleague"], actor=desk["agent"])

    assert wait_for_signal(colleague, case)["mine"] is False
    assert wait_for_signal(boss, case)["kind"] == "case_assigned"
    time.sleep(QUIET_SECONDS)
    assert frames(other_boss) == []


def test_a_case_handed_to_another_team_is_announced_to_the_old_team_without_its_id(
    listen: Callable[[User | None], Page], desk: dict[str, Any]
) -> None:
    agent, next_door = listen(desk["agent"]), listen(desk["next_door"])
    case: Case = desk["case"]
    case_transfer(
        case=case, actor=desk["agent"], to_team=desk["other_team"], note="Carrier claim, theirs"
    )
    assert wait_for_signal(next_door, case)["kind"] == "case_transferred"
    wait_for_frame(agent, lambda f: f.get("type") == "changed")
    assert frames(agent) == [{"type": "changed", "case": None, "kind": None, "mine": False}]


def test_the_agents_own_change_is_marked_as_theirs(
    listen: Callable[[User | None], Page], desk: dict[str, Any]
) -> None:
    agent = listen(desk["agent"])
    case: Case = desk["case"]
    case_assign(case=case, assignee=desk["agent"], actor=desk["agent"])
    assert wait_for_signal(agent, case)["mine"] is True


def test_what_a_client_sends_is_ignored_and_the_socket_stays_open(
    listen: Callable[[User | None], Page], desk: dict[str, Any]
) -> None:
    page = listen(desk["agent"])
    page.evaluate(
        """() => {
          window.ws_.send("{not json");
          window.ws_.send(JSON.stringify({type: "case.changed", case: 1, kind: "x"}));
          window.ws_.send(new Uint8Array([0, 159, 146, 150]));
          window.ws_.send("x".repeat(100000));
          window.ws_.send("ping");
        }"""
    )
    wait_for_frame(page, lambda f: f.get("type") == "pong")
    assert frames(page) == [], "a client made the server announce a change"
    case: Case = desk["case"]
    case_assign(case=case, assignee=desk["colleague"], actor=desk["colleague"])
    wait_for_signal(page, case)
    assert page.evaluate("window.closed_") is None


def _handshake(path: str, origin: str) -> str:
    """A raw websocket handshake; returns the server's status line."""
    parts = urlsplit(daphne_url())
    assert parts.hostname
    assert parts.port
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(request.encode())
        return conn.recv(1024).decode("latin-1").split("\r\n", 1)[0]


def test_another_sites_page_cannot_open_the_socket(server: str, desk: dict[str, Any]) -> None:
    assert " 101 " in _handshake("/ws/console/", server)
    assert " 403 " in _handshake("/ws/console/", "http://evil.example")
    assert " 403 " in _handshake("/ws/unknown/", server)


def test_signals_carry_no_case_data(
    listen: Callable[[User | None], Page], desk: dict[str, Any]
) -> None:
    page = listen(desk["agent"])
    case: Case = desk["case"]
    case_assign(case=case, assignee=desk["colleague"], actor=desk["colleague"])
    signal = wait_for_signal(page, case)
    assert set(signal) == {"type", "case", "kind", "mine"}
    assert "Colis perdu" not in json.dumps(page.evaluate("window.frames_"))
