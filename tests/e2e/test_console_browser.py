"""The console in Chromium, served by Daphne: counts that change live, the shortcuts dialog,
keyboard navigation, countdowns, and axe on every console page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from amends.accounts.models import User
from amends.cases.models import Case, CaseStatus, Priority
from amends.cases.services import case_open, case_set_status
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.console.countdown import countdown_text
from amends.console.queues import QUEUES
from amends.conversations.services import case_add_note, case_reply
from tests.console.daphne_server import daphne_url, release_connections
from tests.e2e.axe import assert_no_problems, check
from tests.e2e.pages import World, build_world, wait_until
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, brand_of, make_agent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server() -> Iterator[str]:
    yield daphne_url()
    release_connections()


def signed_in(context: BrowserContext, base: str, user: User) -> None:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base}])


def watch_errors(page: Page) -> list[str]:
    """Script errors and policy violations seen on the page (both must stay empty)."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def live(page: Page) -> None:
    expect(page.locator("#console")).to_have_attribute("data-live", "ready", timeout=10_000)


def test_a_new_case_shows_up_in_the_counts_without_a_reload(
    page: Page, server: str, screenshot_dir: Path
) -> None:
    team = TeamFactory()
    agent = make_agent(team, first_name="Léa")
    CaseFactory(team=team, brand=brand_of(team))
    errors = watch_errors(page)
    signed_in(page.context, server, agent)
    page.goto(f"{server}/console/?queue=unassigned")
    live(page)
    # The page is sent without counts; console.js fetches them once it has loaded, quietly.
    wait_until(page, "!document.querySelector('[data-count-for][aria-busy]')")
    unassigned = page.locator("[data-count-for=unassigned]")
    expect(unassigned).to_have_text("1")
    expect(page.locator("[data-count-for=all]")).to_have_text("1")
    expect(page.locator(".count.changed")).to_have_count(0)
    notice = page.locator("[data-live-notice=queue]")
    expect(notice).to_be_hidden()

    customer = CustomerFactory(brand=brand_of(team))
    case_open(
        brand=brand_of(team), customer=customer, subject="Pakket kwijt", channel="web", team=team
    )

    expect(unassigned).to_have_text("2", timeout=10_000)
    expect(page.locator("[data-count-for=all]")).to_have_text("2")
    expect(page.locator("[data-count-for=mine]")).to_have_text("0")
    expect(notice).to_be_visible()
    expect(page.locator("#console-live")).to_contain_text("Unassigned 2", timeout=10_000)
    page.screenshot(path=screenshot_dir / "console-live-counts.png")
    notice.get_by_role("link").click()
    expect(page.locator("table")).to_contain_text("Pakket kwijt")
    assert errors == []


def test_a_case_that_changes_under_the_agent_says_so(page: Page, server: str) -> None:
    team = TeamFactory()
    agent = make_agent(team, first_name="Léa")
    colleague = make_agent(team, first_name="Marc")
    case: Case = CaseFactory(team=team, brand=brand_of(team), assignee=agent)
    signed_in(page.context, server, agent)
    page.goto(f"{server}/console/cases/{case.pk}/")
    live(page)
    notice = page.locator("[data-live-notice=case]")

    case_add_note(case=case, actor=agent, text="my own note, from another tab")
    other: Case = CaseFactory(team=team, brand=brand_of(team))
    case_add_note(case=other, actor=colleague, text="another case")
    page.wait_for_timeout(1000)
    expect(notice).to_be_hidden()

    case_reply(case=case, actor=colleague, text="Nous avons relancé le transporteur.")
    expect(notice).to_be_visible(timeout=10_000)
    notice.get_by_role("link").click()
    expect(page.locator(".timeline")).to_contain_text("relancé le transporteur")


def test_the_shortcuts_dialog_opens_traps_focus_and_closes_with_the_keyboard(
    page: Page, server: str
) -> None:
    team = TeamFactory()
    agent = make_agent(team)
    signed_in(page.context, server, agent)
    page.goto(f"{server}/console/")
    expect(page.get_by_text("for keyboard shortcuts")).to_be_visible()
    dialog = page.locator("#console-shortcuts")

    page.locator("#console-search-q").focus()
    page.keyboard.type("?")  # typing in a field is typing, not a shortcut
    expect(dialog).to_be_hidden()
    expect(page.locator("#console-search-q")).to_have_value("?")

    page.locator("#console-search-q").fill("")
    page.locator("main h1").click()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_js_property("open", True)
    expect(dialog).to_contain_text("Next case in this queue")
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.getElementById('console-shortcuts').contains(document.activeElement)"
        ), "focus left the dialog"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(
        "document.getElementById('console-shortcuts').contains(document.activeElement)"
    )
    page.keyboard.press("j")  # shortcuts are off while the dialog is open
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    hint = page.get_by_role("button", name=re.compile("keyboard shortcuts"))
    hint.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")  # on the Close button
    expect(dialog).to_be_hidden()
    expect(hint).to_be_focused()


def test_j_k_enter_n_and_g_q_move_through_a_queue(page: Page, server: str) -> None:
    team = TeamFactory()
    agent = make_agent(team)
    cases = [
        CaseFactory(team=team, brand=brand_of(team), subject=f"Case {n}", priority=Priority.NORMAL)
        for n in range(3)
    ]
    _, second, third = sorted(cases, key=lambda c: -c.pk)  # the queue lists newest first
    signed_in(page.context, server, agent)
    page.goto(f"{server}/console/?queue=unassigned")
    links = page.locator("[data-case-link]")
    expect(links).to_have_count(3)

    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")  # stays on the last one
    expect(links.nth(2)).to_be_focused()
    page.keyboard.press("k")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/console/cases/{second.pk}/\?queue=unassigned$"))
    expect(page.locator("h1")).to_contain_text(second.subject)

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(rf"/console/cases/{third.pk}/\?queue=unassigned$"))
    page.keyboard.press("g")
    page.keyboard.press("q")
    expect(page).to_have_url(re.compile(r"/console/\?queue=unassigned$"))


def test_reply_note_transfer_search_and_take_keys_on_the_case_page(page: Page, server: str) -> None:
    team = TeamFactory()
    agent = make_agent(team, first_name="Léa", last_name="Martin")
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    errors = watch_errors(page)
    signed_in(page.context, server, agent)
    page.goto(f"{server}/console/cases/{case.pk}/")
    text, internal = page.locator("#id_text"), page.locator("#id_internal")
    send = page.locator("[data-reply-button]")

    page.keyboard.press("i")
    expect(text).to_be_focused()
    expect(internal).to_be_checked()
    expect(send).to_have_text("Add the note")
    expect(text).to_have_value("")  # the key itself is not typed
    page.keyboard.type("checked the warehouse")
    page.locator("main h1").click()
    page.keyboard.press("r")
    expect(text).to_be_focused()
    expect(internal).not_to_be_checked()
    expect(send).to_have_text("Send")
    expect(text).to_have_value("checked the warehouse")

    page.locator("main h1").click()
    page.keyboard.press("t")
    expect(page.locator("#id_note")).to_be_focused()
    page.locator("main h1").click()
    page.keyboard.press("/")
    expect(page.locator("#console-search-q")).to_be_focused()

    page.locator("main h1").click()
    page.keyboard.press("a")
    expect(page.locator(".case-facts")).to_contain_text("Léa Martin")
    case.refresh_from_db()
    assert case.assignee == agent
    assert errors == []


def test_countdowns_are_redrawn_in_the_browser_with_the_servers_words(
    page: Page, server: str
) -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team), assignee=agent)
    promise = commitment_make(
        case=case,
        actor=agent,
        kind=CommitmentKind.CALLBACK,
        description="Rappeler la cliente",
        due=Due(at=timezone.now() + dt.timedelta(hours=3, minutes=30)),
    )
    signed_in(page.context, server, agent)
    page.goto(f"{server}/console/cases/{case.pk}/")
    countdown = page.locator(".commitments .countdown")
    expect(countdown).to_have_text(re.compile(r"^in 3 h (29|30) min$"))
    expect(countdown).to_have_class(re.compile("countdown-soon"))

    due_ms = int(promise.due_at.timestamp() * 1000)
    for offset in (
        dt.timedelta(0),
        dt.timedelta(seconds=30),
        dt.timedelta(minutes=-45),
        dt.timedelta(hours=-5, minutes=-10),
        dt.timedelta(days=-3, hours=-2),
        dt.timedelta(hours=2),
        dt.timedelta(days=2, hours=1),
    ):
        now = promise.due_at + offset
        in_browser = page.evaluate(
            "([due, now]) => window.amendsConsole.countdownText(due, now)",
            [due_ms, int(now.timestamp() * 1000)],
        )
        assert in_browser == countdown_text(due_at=promise.due_at, now=now), offset

    later = int((promise.due_at + dt.timedelta(hours=2)).timestamp() * 1000)
    page.evaluate("(now) => window.amendsConsole.refreshCountdowns(now)", later)
    expect(countdown).to_have_text("overdue by 2 h")
    expect(countdown).to_have_class(re.compile("countdown-overdue"))


def test_console_pages_and_the_open_dialog_pass_axe(
    axe_page: Page, server: str, screenshot_dir: Path
) -> None:
    page = axe_page
    world: World = build_world()
    waiting: Case = CaseFactory(
        team=world.case.team, brand=world.case.brand, churn_risk=0.8, priority=Priority.URGENT
    )
    case_set_status(case=waiting, actor=world.agent, status=CaseStatus.WAITING_ON_THIRD_PARTY)
    signed_in(page.context, server, world.agent)
    problems: dict[str, str] = {}
    for key in QUEUES:
        page.goto(f"{server}/console/?queue={key}")
        check(page, f"console queue {key!r}", problems)
    page.goto(f"{server}/console/?queue=mine")
    page.locator("[data-live-notice=queue]").evaluate("(el) => { el.hidden = false; }")
    check(page, "queue with the new-activity notice", problems)

    page.screenshot(path=screenshot_dir / "console-queue-mine.png")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/console/cases/{world.case.pk}/?queue=mine")
    check(page, "console case page", problems)
    page.screenshot(path=screenshot_dir / "console-case-wide.png", full_page=True)
    page.locator("main h1").click()
    page.keyboard.press("?")
    expect(page.locator("#console-shortcuts")).to_be_visible()
    check(page, "shortcuts dialog open", problems)
    page.screenshot(path=screenshot_dir / "console-shortcuts.png")
    page.keyboard.press("Escape")

    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(f"{server}/console/cases/{world.case.pk}/")
    check(page, "console case page, narrow screen", problems)
    page.screenshot(path=screenshot_dir / "console-case-narrow.png", full_page=True)
    assert_no_problems(problems)
