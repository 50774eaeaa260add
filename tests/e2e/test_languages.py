"""The contact form and the customer's case page in French, Dutch and German, through the
language switcher; screenshots for a person to look at in var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import build_world, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "fr": ("Nous contacter", "Ce que nous vous avons promis", "Changer de langue"),
    "nl": ("Neem contact op", "Wat wij u hebben beloofd", "Taal wijzigen"),
    "de": ("Kontakt", "Was wir Ihnen zugesagt haben", "Sprache ändern"),
}


def switch_language(page: Page, language: str) -> None:
    page.select_option("#language-select", language)
    page.click("footer button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("language", sorted(PAGES))
def test_contact_form_and_case_page_in_three_languages(
    page: Page, live_server: object, screenshot_dir: Path, language: str
) -> None:
    base = str(live_server)
    contact_title, promised, switch = PAGES[language]
    world = build_world()

    page.goto(f"{base}/contact/")
    switch_language(page, language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(contact_title)
    expect(page.locator("footer button")).to_have_text(switch)
    page.screenshot(path=screenshot_dir / f"contact-{language}.png", full_page=True)

    # The customer's saved language is French; the choice made in this browser wins.
    sign_in(page, base, world.customer)
    page.goto(f"{base}/my/cases/{world.case.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main h2").first).to_have_text(promised)
    page.screenshot(path=screenshot_dir / f"portal-case-{language}.png", full_page=True)
