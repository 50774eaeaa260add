"""A customer writes through the contact form; an agent takes, answers and hands the case over."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from amends.cases.models import Case
from amends.conversations.models import Direction
from tests.factories import TeamFactory, make_agent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")


def test_contact_form_to_a_warm_hand_off(
    page: Page, live_server: object, screenshot_dir: Path
) -> None:
    base = str(live_server)
    team = TeamFactory(
        brand__code="nl",
        brand__name="Winkel NL",
        brand__languages=["nl"],
        brand__default_language="nl",
        brand__default_register="informal",  # Daan writes "je" to Niels
    )
    daan = make_agent(team, email="daan@shop.test", first_name="Daan")
    make_agent(team, email="eva@shop.test", first_name="Eva")

    page.goto(f"{base}/contact/")
    page.select_option("#id_brand", "nl")
    page.fill("#id_name", "Niels van Dijk")
    page.fill("#id_email", "niels@example.net")
    page.click("#step-order button.next")
    page.check("input[name=problem][value=delivery_failed]")
    page.click("#step-problem button.next")
    page.check("input[name=wanted_outcome][value=redelivery]")
    page.click("#step-outcome button.next")
    page.fill(
        "#id_details", "Er is twee keer niet aangebeld en nu is mijn pakket terug naar de winkel."
    )
    page.click("#step-details button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Thank you")
    case = Case.objects.get()
    expect(page.locator("main strong")).to_have_text(case.reference)

    sign_in(page, base, daan.email)
    page.goto(f"{base}/console/?queue=unassigned")
    page.screenshot(path=screenshot_dir / "console-queue.png")
    page.click(f"text={case.reference}")
    page.click("text=Take this case")
    expect(page.locator(".facts")).to_contain_text("Daan")
    page.fill(
        "#id_text", "Hoi Niels, sorry! We sturen het pakket vandaag opnieuw, morgen is het bij je."
    )
    page.click("form[action$='/write'] button")
    expect(page.locator(".msg-out")).to_contain_text("opnieuw")

    eva_value = page.locator("#id_to_assignee option", has_text="Eva").get_attribute("value")
    assert eva_value
    page.select_option("#id_to_assignee", eva_value)
    page.fill("#id_note", "Herverzending beloofd voor morgen; graag bevestigen met het magazijn.")
    page.click("form[action$='/transfer'] button")
    expect(page.locator(".facts")).to_contain_text("1 bounce")
    page.screenshot(path=screenshot_dir / "console-case-after-handoff.png", full_page=True)

    case.refresh_from_db()
    assert case.assignee is not None
    assert case.assignee.email == "eva@shop.test"
    assert [m.direction for m in case.messages.order_by("id")] == [
        Direction.INBOUND,
        Direction.OUTBOUND,
    ]
