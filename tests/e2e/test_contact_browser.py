"""The guided contact form in Chromium, driven by the keyboard alone: one step at a time, the step
heading takes the focus, an incomplete step says what is missing, Back keeps the answers, and the
files arrive with the case. axe checks every step and every error state."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from amends.cases.models import Case
from amends.conversations.models import Attachment
from tests.e2e.axe import assert_no_problems, check
from tests.e2e.pages import sign_in, wait_until
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    TeamFactory,
    make_customer_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 500
EXE = b"MZ\x90\x00\x03" + b"\x00" * 500


def focused(page: Page) -> str:
    """What has the focus: its id, or its text for an element without one."""
    return str(
        page.evaluate(
            "() => document.activeElement.id || document.activeElement.textContent.trim()"
        )
    )


def tab_to(page: Page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}; last focus: {focused(page)}")


def tab_to_button(page: Page, label: str, limit: int = 20) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "BUTTON" and (
            focused(page) == label
        ):
            return
    raise AssertionError(f"Tab never reached the {label!r} button; last focus: {focused(page)}")


def expect_step(page: Page, step: str, number: int) -> None:
    current = page.locator(f"#step-{step}")
    expect(current).to_be_visible()
    expect(page.locator("fieldset.step:visible")).to_have_count(1)
    heading = current.locator(".step-heading")
    expect(heading).to_be_focused()
    expect(heading).to_contain_text(f"Step {number} of 4")


def test_a_visitor_steps_through_the_form_with_the_keyboard_only(
    axe_page: Page, live_server: object, screenshot_dir: Path
) -> None:
    page, base = axe_page, str(live_server)
    TeamFactory(
        brand__code="nl",
        brand__name="Winkel NL",
        brand__languages=["nl"],
        brand__default_language="nl",
    )
    problems: dict[str, str] = {}

    page.goto(f"{base}/contact/")
    wait_until(page, "document.querySelector('#step-problem').hidden")
    expect(page.locator("#step-order")).to_be_visible()
    expect(page.locator("#step-order .step-of")).to_have_text("Step 1 of 4")
    check(page, "contact step 1", problems)

    # Step 1: shop and name, but no email address yet.
    tab_to(page, "id_brand")
    page.keyboard.type("Winkel")
    expect(page.locator("#id_brand")).to_have_value("nl")
    page.keyboard.press("Tab")
    page.keyboard.type("Niels van Dijk")
    tab_to_button(page, "Next")
    page.keyboard.press("Enter")
    expect(page.locator("#step-order [data-problems]")).to_contain_text("Give your email address.")
    expect(page.locator("#id_email")).to_be_focused()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    check(page, "contact step 1 with a problem", problems)
    page.screenshot(path=screenshot_dir / "contact-step-1-problem.png", full_page=True)

    page.keyboard.type("niels@example.net")
    page.keyboard.press("Enter")  # Enter in a field goes to the next step; it does not send
    expect_step(page, "problem", 2)
    expect(page.locator("#step-order [data-problems]")).to_be_empty()
    check(page, "contact step 2", problems)

    # Step 2: Next without a choice, then arrow keys to choose.
    tab_to_button(page, "Next")
    page.keyboard.press("Enter")
    expect(page.locator("#step-problem [data-problems]")).to_contain_text("Choose what went wrong.")
    expect(page.locator("#id_problem_0")).to_be_focused()
    check(page, "contact step 2 with a problem", problems)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_problem_1")).to_be_checked()  # parcel damaged
    tab_to_button(page, "Next")
    page.keyboard.press("Enter")
    expect_step(page, "outcome", 3)
    check(page, "contact step 3", problems)

    # Step 3: choose, go back (the answer stays), come forward again.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#id_wanted_outcome_0")).to_be_checked()  # refund
    tab_to_button(page, "Back")
    page.keyboard.press("Enter")
    expect_step(page, "problem", 2)
    expect(page.locator("#id_problem_1")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_problem_1")).to_be_focused()
    page.keyboard.press("Enter")
    expect_step(page, "outcome", 3)
    page.keyboard.press("Tab")
    expect(page.locator("#id_wanted_outcome_0")).to_be_focused()
    page.keyboard.press("Enter")
    expect_step(page, "details", 4)
    check(page, "contact step 4", problems)

    # Step 4: too short, then enough; a photo chosen in the file dialog.
    page.keyboard.press("Tab")
    expect(page.locator("#id_details")).to_be_focused()
    page.keyboard.type("Kapot")
    page.set_input_files(
        "#id_attachments", files=[FilePayload(name="doos.jpg", mimeType="image/jpeg", buffer=JPEG)]
    )
    tab_to_button(page, "Send")
    page.keyboard.press("Enter")
    expect(page.locator("#step-details [data-problems]")).to_contain_text("at least 10")
    expect(page.locator("#id_details")).to_be_focused()
    check(page, "contact step 4 with a problem", problems)
    page.keyboard.type(": de doos was geplet en de lamp is gebroken.")
    tab_to_button(page, "Send")
    page.screenshot(path=screenshot_dir / "contact-step-4.png", full_page=True)
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_contain_text("Thank you")
    case = Case.objects.get()
    expect(page.locator("main strong")).to_have_text(case.reference)
    assert case.intents == ["parcel_damaged"]
    assert case.messages.get().body_text.endswith(
        "Kapot: de doos was geplet en de lamp is gebroken."
    )
    assert Attachment.objects.get().filename == "doos.jpg"
    check(page, "contact thanks", problems)
    assert_no_problems(problems)


def test_a_customer_starts_from_an_order_and_the_server_refuses_a_disguised_program(
    axe_page: Page, live_server: object, screenshot_dir: Path
) -> None:
    page, base = axe_page, str(live_server)
    team = TeamFactory(brand__code="fr", brand__name="Boutique FR")
    customer = CustomerFactory(brand=team.brand, language="en", name="James Whitfield")
    order = OrderFactory(customer=customer, number="FR4478830")
    OrderLineFactory(order=order, title="Wine glasses", quantity=6)
    user = make_customer_user(customer)
    problems: dict[str, str] = {}

    sign_in(page, base, user)
    page.goto(f"{base}/contact/?order=FR4478830")
    wait_until(page, "document.querySelector('#step-problem').hidden")
    order_choice = page.locator("input[name=order][value=FR4478830]")
    expect(order_choice).to_be_checked()
    expect(page.locator("#step-order")).to_contain_text("6 \N{MULTIPLICATION SIGN} Wine glasses")
    check(page, "contact step 1, signed in", problems)

    page.keyboard.press("Tab")  # skip link
    tab_to(page, str(order_choice.get_attribute("id")))
    page.keyboard.press("Enter")
    expect_step(page, "problem", 2)
    page.keyboard.press("Tab")
    for _ in range(6):  # the seventh choice: billing or payment
        page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=problem][value=billing_payment]")).to_be_checked()
    page.keyboard.press("Enter")
    expect_step(page, "outcome", 3)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect_step(page, "details", 4)
    page.keyboard.press("Tab")
    page.keyboard.type("I was charged twice for the same order.")
    page.set_input_files(
        "#id_attachments",
        files=[FilePayload(name="statement.jpg", mimeType="image/jpeg", buffer=EXE)],
    )
    tab_to_button(page, "Send")
    page.keyboard.press("Enter")

    # The server looked at the first bytes: the page comes back on the step with the problem.
    page.wait_for_selector("#form-problems")
    expect_step(page, "details", 4)
    expect(page.locator("#step-details .errorlist")).to_contain_text(
        "“statement.jpg” is a program or an archive"
    )
    expect(page.locator("#id_attachments")).to_have_attribute("aria-invalid", "true")
    check(page, "contact form refused by the server", problems)
    page.screenshot(path=screenshot_dir / "contact-refused-file.png", full_page=True)
    assert not Case.objects.exists()

    # The list of problems links to the field, in whichever step it is.
    page.locator("#form-problems a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_attachments")).to_be_focused()
    assert_no_problems(problems)


def test_without_javascript_all_steps_show_and_the_form_still_files(
    browser: Browser, live_server: object
) -> None:
    TeamFactory(brand__code="nl", brand__name="Winkel NL", brand__languages=["nl"])
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/contact/")
    for step in ("order", "problem", "outcome", "details"):
        expect(page.locator(f"#step-{step}")).to_be_visible()
    expect(page.locator("button", has_text="Next")).to_have_count(3)
    expect(page.locator("button:visible", has_text="Next")).to_have_count(0)
    page.select_option("#id_brand", "nl")
    page.fill("#id_name", "Niels van Dijk")
    page.fill("#id_email", "niels@example.net")
    page.check("input[name=problem][value=late_delivery]")
    page.check("input[name=wanted_outcome][value=explanation]")
    page.fill("#id_details", "Het pakket is al een week te laat.")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Thank you")
    assert Case.objects.get().intents == ["late_delivery"]
    context.close()
