"""Stories 1, 2 and 5 of the mission, played in Chromium through both faces in one flow.

The customer files through the guided form; an agent finds the case in the queue, takes it and
hands it over with a note; the colleague replies and records a promise; the customer reads the
reply, who handles the case and what was promised by when. Each story runs in its customer's
language and register (English; Dutch with "je"; Spanish with "usted") and leaves screenshots
named ``story<N>-<language>-<page>.png`` for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import FilePayload, Page, expect

from amends.accounts.models import User
from amends.cases.models import Case
from amends.commitments.models import Commitment
from amends.conversations.models import Attachment, Direction
from tests.e2e.pages import sign_in, sign_out, wait_until
from tests.e2e.stories import (
    CARRIER_CONTACTS,
    account,
    guide_story,
    lamps_story,
    local_day,
    premium_story,
    tiny_png,
)
from tests.i18n.test_catalogues import INFORMAL_WORDS, words
from tests.i18n.test_register import formal_words_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How the Spanish pages address a customer formally: usted, and its su, le, tenga…
USTED = {"usted", "su", "sus", "le", "tenga", "puede"}


# --- both faces ---------------------------------------------------------------------------------


class Camera:
    """Screenshots of one story, named story<N>-<language>-<page>.png.

    The whole page, in a window as tall as the page: the console's side column scrolls on its
    own within the window's height, and would otherwise be cut off in the picture.
    """

    def __init__(self, page: Page, directory: Path, story: int, language: str) -> None:
        self.page, self.directory, self.prefix = page, directory, f"story{story}-{language}"

    def __call__(self, name: str) -> None:
        window = self.page.viewport_size or {"width": 1280, "height": 720}
        height = window["height"]
        for _ in range(3):  # a taller window may let the side column grow the page
            needed = int(self.page.evaluate("document.documentElement.scrollHeight"))
            if needed <= height:
                break
            height = needed
            self.page.set_viewport_size({"width": window["width"], "height": height})
        self.page.screenshot(path=self.directory / f"{self.prefix}-{name}.png")
        self.page.set_viewport_size(window)


def become(page: Page, base: str, user: User, language: str) -> None:
    """Sign out whoever was signed in, sign in as ``user``; their pages are in ``language``."""
    sign_out(page)
    sign_in(page, base, user)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", language)


def file_through_the_guided_form(
    page: Page,
    camera: Camera,
    *,
    order_number: str,
    problem: str,
    outcome: str,
    details: str,
    files: Sequence[FilePayload] = (),
) -> str:
    """On the contact page, signed in: the four steps, one at a time. Returns the reference."""
    wait_until(page, "document.querySelector('#step-problem').hidden")
    order_choice = page.locator(f"input[name=order][value='{order_number}']")
    order_choice.check()
    expect(order_choice).to_be_checked()
    page.click("#step-order button.next")
    expect(page.locator("#step-problem")).to_be_visible()
    page.check(f"input[name=problem][value={problem}]")
    camera("contact-problem")
    page.click("#step-problem button.next")
    expect(page.locator("#step-outcome")).to_be_visible()
    page.check(f"input[name=wanted_outcome][value={outcome}]")
    page.click("#step-outcome button.next")
    expect(page.locator("#step-details")).to_be_visible()
    page.fill("#id_details", details)
    if files:
        page.set_input_files("#id_attachments", files=list(files))
    camera("contact-details")
    page.click("#step-details button[type=submit]")
    page.wait_for_url(re.compile(r"/contact/thanks/[^/]+/$"))
    reference = page.locator("main strong")
    expect(reference).to_have_text(re.compile(r"^AM-\d+$"))
    camera("contact-thanks")
    return reference.inner_text()


def open_from_queue(
    page: Page, base: str, case: Case, queue: str, camera: Camera, who: str
) -> None:
    """The agent finds the case in a queue by its reference and opens it."""
    page.goto(f"{base}/console/?queue={queue}")
    expect(page.locator(f"[data-queue={queue}]")).to_have_attribute("aria-current", "page")
    link = page.get_by_role("link", name=case.reference, exact=True)
    expect(link).to_be_visible()
    camera(f"queue-{queue}-{who}")
    link.click()
    expect(page.locator("main h1")).to_contain_text(case.reference)


def take(page: Page, agent: User) -> None:
    page.locator("form[data-take] button[type=submit]").click()
    expect(page.locator(".case-facts")).to_contain_text(agent.get_full_name())
    expect(page.locator("form[data-take]")).to_have_count(0)


def hand_over(page: Page, to: User, note: str) -> None:
    """A warm hand-off: to a named colleague, with a note."""
    page.select_option("#id_to_assignee", str(to.pk))
    page.fill("#id_note", note)
    page.locator("form[action$='/transfer'] button[type=submit]").click()
    page.wait_for_load_state()


def reply(page: Page, text: str) -> None:
    expect(page.locator("#id_internal")).not_to_be_checked()
    page.fill("#id_text", text)
    page.locator("[data-reply-button]").click()
    expect(page.locator(".timeline .msg-out").last).to_contain_text(text[:40])


def promise(page: Page, *, kind: str, description: str, business_days: int) -> None:
    section = page.locator("section[aria-labelledby=promises-title]")
    section.locator("details > summary").click()
    page.select_option("#id_kind", kind)
    page.fill("#id_description", description)
    page.fill("#id_within_business_days", str(business_days))
    section.locator("form[action$='/commitments'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".commitments li").filter(has_text=description)).to_be_visible()
    expect(page.locator(".commitments .countdown")).to_have_count(1)


def due_as_shown(commitment: Commitment, language: str) -> str:
    """The due time as the portal prints it: the storefront's time zone, the reader's language."""
    zone = ZoneInfo(commitment.case.brand.time_zone)
    with translation.override(language):
        return date_format(timezone.localtime(commitment.due_at, zone), "DATETIME_FORMAT")


def the_customer_sees_the_answer(
    page: Page, case: Case, *, reply_text: str, owner: User, language: str
) -> Commitment:
    """The portal's case page: the reply, the owner's first name only, the promise and its due
    time."""
    commitment = Commitment.objects.select_related("case__brand").get(case=case)
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text(owner.first_name)
    expect(facts).not_to_contain_text(owner.last_name)
    expect(page.locator("article.msg-out").last).to_contain_text(reply_text[:40])
    promised = page.locator("ul.promises li").filter(has_text=commitment.description)
    expect(promised).to_contain_text(due_as_shown(commitment, language))
    return commitment


def main_text(page: Page) -> str:
    """Everything the page says in its main part, hidden steps of the form included."""
    return page.locator("main").text_content() or ""


def own_words(page: Page) -> str:
    """What the page itself says in its main part, without the messages people wrote."""
    return str(
        page.evaluate(
            """() => {
                const main = document.querySelector('main').cloneNode(true);
                main.querySelectorAll('article.msg').forEach((m) => m.remove());
                return main.textContent;
            }"""
        )
    )


def assert_informal(page: Page, language: str, where: str) -> None:
    """The page addresses the reader informally (je/jouw) and never formally (u/uw)."""
    formal = formal_words_in(language, main_text(page))
    assert not formal, f"{where}: formal address {sorted(formal)} on an informal page"
    assert words(own_words(page)) & {"je", "jouw"}, f"{where}: the page never says je or jouw"


def assert_formal(page: Page, language: str, where: str, *, markers: set[str]) -> None:
    """The page never addresses the reader informally (tú, tu, te…), and does so formally."""
    informal = words(main_text(page)) & set(INFORMAL_WORDS[language])
    assert not informal, f"{where}: informal address {sorted(informal)} on a formal page"
    assert words(own_words(page)) & markers, f"{where}: the page never says {sorted(markers)}"


# --- story 1 -----------------------------------------------------------------------------------


def test_story_1_three_broken_orders_one_view_a_warm_hand_off_an_apology_and_a_date(
    page: Page, live_server: object, screenshot_dir: Path
) -> None:
    base, story = str(live_server), premium_story()
    camera = Camera(page, screenshot_dir, 1, "en")
    james = account(story.customer)

    # The customer writes about the third order, through the guided form.
    become(page, base, james, "en")
    page.goto(f"{base}/my/orders/")
    expect(page.locator("main h2")).to_have_count(3)
    camera("orders")
    page.goto(f"{base}/contact/")
    reference = file_through_the_guided_form(
        page,
        camera,
        order_number=story.glasses.number,
        problem="late_delivery",
        outcome="refund",
        details=(
            "The wine glasses were due three days ago and the tracking has not moved since. "
            "This is the third order in a row that has gone wrong."
        ),
    )
    case = Case.objects.get(orders=story.glasses)
    assert reference == case.reference
    assert case.intents == ["late_delivery"]
    assert case.team.slug == "fr-desk"

    # The French desk's agent finds it, sees the customer's other open problems, takes it and
    # hands it to a senior colleague with a note.
    become(page, base, story.agent, "en")
    open_from_queue(page, base, case, "unassigned", camera, "agent")
    others = page.locator("ul.customer-cases")
    expect(others.locator("li")).to_have_count(3)
    for other in (story.case_machine, story.case_vacuum):
        row = others.locator("li").filter(has=page.get_by_role("link", name=other.reference))
        expect(row).to_contain_text(other.orders.get().number)
    expect(others.locator("strong")).to_have_text(case.reference)
    expect(page.locator(".case-side .order h3")).to_contain_text(story.glasses.number)
    take(page, story.agent)
    camera("console-case-taken")
    # A hand-off without a note does not leave the page.
    page.select_option("#id_to_assignee", str(story.senior.pk))
    page.locator("form[action$='/transfer'] button[type=submit]").click()
    expect(page.locator("#id_note:invalid")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"/console/cases/{case.pk}/"))
    hand_over(
        page,
        story.senior,
        "Premium member with three broken orders at once (see the open problems); the machine "
        "case was argued with. Please apologise and refund the glasses.",
    )
    # The case left the agent's teams: back to the queue, which says where it went.
    expect(page).to_have_url(re.compile(r"/console/\?queue=unassigned$"))
    done = page.locator("main .notice[role=status]")
    expect(done).to_contain_text(case.reference)
    expect(done).to_contain_text(story.senior.get_full_name())
    expect(page.get_by_role("link", name=case.reference, exact=True)).to_have_count(0)
    camera("queue-after-hand-off")
    case.refresh_from_db()
    assert case.assignee == story.senior
    assert case.bounces == 1

    # The senior colleague apologises, says what will happen, and records the promise.
    become(page, base, story.senior, "en")
    open_from_queue(page, base, case, "mine", camera, "senior")
    expect(page.locator(".case-facts [data-bounces]")).to_have_attribute("data-bounces", "1")
    expect(page.locator(".timeline")).to_contain_text("Premium member with three broken orders")
    answer = (
        "Dear Mr Whitfield, you are right and I am sorry: three orders going wrong at once is "
        "not the service you pay for. I have refunded the wine glasses in full today; the money "
        "will be on your card within 3 business days."
    )
    reply(page, answer)
    promise(
        page,
        kind="refund",
        description="Refund of the wine glasses (39.90 EUR) within 3 business days",
        business_days=3,
    )
    camera("console-case")

    # The customer reads the reply, who handles the case and what was promised by when.
    become(page, base, james, "en")
    page.goto(f"{base}/my/cases/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    page.get_by_role("link", name=case.reference).click()
    the_customer_sees_the_answer(page, case, reply_text=answer, owner=story.senior, language="en")
    camera("portal-case")


# --- story 2 -----------------------------------------------------------------------------------


def test_story_2_failed_delivery_the_carriers_contact_and_one_register_in_dutch(
    page: Page, live_server: object, screenshot_dir: Path
) -> None:
    base, story = str(live_server), lamps_story()
    camera = Camera(page, screenshot_dir, 2, "nl")
    niels = account(story.customer)

    # My orders: DHL's own contact for the Netherlands and the shop's, never a bare "contact
    # the carrier".
    become(page, base, niels, "nl")
    page.goto(f"{base}/my/orders/")
    dhl = page.locator("li.carrier-contact")
    expect(dhl).to_have_count(1)
    expect(dhl).to_contain_text("DHL")
    expect(dhl).to_contain_text(story.shipment.tracking_number)
    web = CARRIER_CONTACTS["dhl"]["NL"]["web"]
    carrier_link = dhl.locator(f"a[href='{web}']")
    expect(carrier_link).to_be_visible()
    expect(carrier_link).to_have_text(re.compile(r"\w+ .*DHL|DHL.* \w+"))  # names the carrier
    expect(dhl.locator("a[href*='about=carrier']")).to_have_count(0)
    write_to_shop = page.locator(f"a[href='/contact/?order={story.order.number}']")
    expect(write_to_shop).to_be_visible()
    expect(page.locator(".badge-problem")).to_be_visible()  # returned to sender
    assert_informal(page, "nl", "my orders")
    camera("orders")

    # One click from the order to the guided form, the order already chosen.
    write_to_shop.click()
    expect(page.locator(f"input[name=order][value='{story.order.number}']")).to_be_checked()
    assert_informal(page, "nl", "the contact form")
    reference = file_through_the_guided_form(
        page,
        camera,
        order_number=story.order.number,
        problem="delivery_failed",
        outcome="refund",
        details=(
            "Twee keer 'niet thuis' terwijl ik gewoon thuis was: er is niet aangebeld. "
            "Nu staat er dat het pakket terug is naar de winkel. Ik wil mijn geld terug."
        ),
    )
    assert_informal(page, "nl", "thank you page")
    case = Case.objects.get(orders=story.order)
    assert reference == case.reference
    assert case.language == "nl"

    # Daan takes it and hands it to Eva with a note; the bounce is counted and shown.
    become(page, base, story.agent, "nl")
    open_from_queue(page, base, case, "unassigned", camera, "agent")
    take(page, story.agent)
    hand_over(page, story.colleague, "Retour afzender na twee pogingen; graag terugbetalen.")
    expect(page.locator(".case-facts [data-bounces]")).to_have_attribute("data-bounces", "1")
    expect(page.locator(".case-facts")).to_contain_text(story.colleague.get_full_name())

    # Eva answers in the customer's register and promises the refund by a date.
    become(page, base, story.colleague, "nl")
    open_from_queue(page, base, case, "mine", camera, "colleague")
    expect(page.locator(".timeline")).to_contain_text("Retour afzender na twee pogingen")
    answer = (
        "Hoi Niels, sorry! Je had gewoon thuis moeten worden aangebeld. We betalen je € 25,90 "
        "terug; het staat binnen 3 werkdagen op je rekening."
    )
    reply(page, answer)
    promise(
        page,
        kind="refund",
        description="€ 25,90 terug op je rekening binnen 3 werkdagen",
        business_days=3,
    )
    camera("console-case")

    # Niels reads the answer, in Dutch with "je" throughout.
    become(page, base, niels, "nl")
    page.goto(f"{base}/my/cases/{case.pk}/")
    the_customer_sees_the_answer(
        page, case, reply_text=answer, owner=story.colleague, language="nl"
    )
    assert_informal(page, "nl", "the case page")
    camera("portal-case")


# --- story 5 -----------------------------------------------------------------------------------


def test_story_5_the_rules_a_guided_form_with_a_photo_and_a_second_opinion_in_spanish(
    page: Page, live_server: object, screenshot_dir: Path
) -> None:
    base, story = str(live_server), guide_story()
    camera = Camera(page, screenshot_dir, 5, "es")
    maria = account(story.customer)
    png = tiny_png()

    # The rules for an order bought three days ago: until when a price drop is refunded.
    become(page, base, maria, "es")
    page.goto(f"{base}/my/orders/{story.order.number}/")
    last_day = local_day(story.order.placed_at, story.brand) + dt.timedelta(days=7)
    with translation.override("es"):
        until = date_format(last_day, "DATE_FORMAT")
    rules = page.locator("section.rules")
    expect(rules.locator("#rules-heading")).to_be_visible()
    price_drop = rules.locator("dd").filter(has_text=until)
    expect(price_drop).to_have_count(1)
    expect(price_drop).to_contain_text("7")  # days from the purchase
    assert_formal(page, "es", "the rules for the order", markers=USTED)
    camera("order-rules")

    # The guided form from the order, with a screenshot of the lower price.
    page.goto(f"{base}/contact/?order={story.order.number}")
    expect(page.locator(f"input[name=order][value='{story.order.number}']")).to_be_checked()
    assert_formal(page, "es", "the contact form", markers=USTED)
    reference = file_through_the_guided_form(
        page,
        camera,
        order_number=story.order.number,
        problem="price_drop_adjustment",
        outcome="refund",
        details=(
            "Compré los auriculares hace tres días por 149,00 € y hoy cuestan 119,00 €. "
            "Adjunto una captura de la página con el precio nuevo."
        ),
        files=[FilePayload(name="precio-nuevo.png", mimeType="image/png", buffer=png)],
    )
    case = Case.objects.get(orders=story.order)
    assert reference == case.reference
    assert case.intents == ["price_drop_adjustment"]
    attachment = Attachment.objects.get(message__case=case)
    assert attachment.filename == "precio-nuevo.png"

    # Lucía takes it and hands it to Javier, who answers and records the promise.
    become(page, base, story.agent, "es")
    open_from_queue(page, base, case, "unassigned", camera, "agent")
    take(page, story.agent)
    hand_over(page, story.colleague, "Bajada de precio dentro de los 7 días; revisar y reembolsar.")
    expect(page.locator(".case-facts [data-bounces]")).to_have_attribute("data-bounces", "1")

    become(page, base, story.colleague, "es")
    open_from_queue(page, base, case, "mine", camera, "colleague")
    answer = (
        "Estimada Sra. García: tiene usted razón y le pedimos disculpas. Le reembolsamos la "
        "diferencia de 30,00 €; la verá en su tarjeta en un plazo de 3 días hábiles."
    )
    reply(page, answer)
    promise(
        page,
        kind="refund",
        description="Reembolso de la diferencia (30,00 €) en 3 días hábiles",
        business_days=3,
    )
    camera("console-case")

    # María reads the answer and, not convinced, asks for a second opinion.
    become(page, base, maria, "es")
    page.goto(f"{base}/my/cases/{case.pk}/")
    the_customer_sees_the_answer(
        page, case, reply_text=answer, owner=story.colleague, language="es"
    )
    assert_formal(page, "es", "the case page", markers=USTED)
    camera("portal-case")
    page.fill("#id_reason", "El precio bajó aún más ayer; quisiera que lo revise otra persona.")
    page.locator("section.second-opinion button[type=submit]").click()
    notice = page.locator(".second-opinion-notice")
    expect(notice).to_contain_text(story.supervisor.first_name)
    expect(page.locator("#id_reason")).to_have_count(0)
    assert_formal(page, "es", "the case page after a second opinion", markers=USTED)
    camera("portal-second-opinion")
    case.refresh_from_db()
    assert case.assignee == story.supervisor

    # The storefront's supervisor finds it assigned to them, with everything said and the photo.
    become(page, base, story.supervisor, "es")
    open_from_queue(page, base, case, "mine", camera, "supervisor")
    timeline = page.locator(".timeline")
    expect(timeline.locator(".msg-in").first).to_contain_text("149,00 €")
    expect(timeline.locator(".msg-out")).to_contain_text(answer[:40])
    expect(timeline).to_contain_text("quisiera que lo revise otra persona")
    download = timeline.locator("ul.attachments a").filter(has_text="precio-nuevo.png")
    expect(download).to_have_count(1)
    href = download.get_attribute("href")
    assert href
    response = page.request.get(base + href)
    assert response.status == 200
    assert response.body() == png
    assert [m.direction for m in case.messages.order_by("id")][:2] == [
        Direction.INBOUND,
        Direction.OUTBOUND,
    ]
    camera("console-supervisor")
