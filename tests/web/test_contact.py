"""The guided contact form (story 5): the steps, who sees which first step, what it files, and
what it says about bad input — before anything is stored."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from amends.accounts.models import Team, User
from amends.cases.models import Case
from amends.commerce.models import Order
from amends.conversations.models import Attachment
from amends.conversations.uploads import MAX_FILE_BYTES
from amends.customers.models import Customer
from amends.inbound.models import InboundMessage, InboundStatus
from tests.factories import (
    BrandFactory,
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    TeamFactory,
    make_customer_user,
)

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def team() -> Team:
    return TeamFactory(
        brand__code="nl",
        brand__name="Winkel NL",
        brand__languages=["nl"],
        brand__default_language="nl",
    )


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "brand": "nl",
        "name": "Niels van Dijk",
        "email": "niels@mail.test",
        "order_number": "",
        "problem": "delivery_failed",
        "wanted_outcome": "redelivery",
        "details": "Er is twee keer niet aangebeld en nu staat er dat het pakket terug is.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def text(response: Any) -> str:
    return str(response.content.decode())


def errors_of(response: Any) -> str:
    return " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', text(response), re.S))


# --- the page ---------------------------------------------------------------------------------


def test_the_form_has_four_steps_in_order_that_work_without_javascript(team: Team) -> None:
    page = text(Client().get("/contact/"))
    steps = re.findall(r'<fieldset class="step" id="step-(\w+)"', page)
    assert steps == ["order", "problem", "outcome", "details"]
    for n in range(1, 5):
        assert f"Step {n} of 4" in page
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<button type="submit">Send</button>', page)
    # Back and Next only appear once the script has taken over.
    assert all(" hidden" in tag for tag in re.findall(r"<div[^>]*data-step-nav[^>]*>", page))
    assert 'x-data="contactSteps"' in page
    assert "/static/amends/contact.js" in page
    assert 'type="file" name="attachments"' in page
    assert "multiple" in re.search(r'<input type="file"[^>]*>', page).group(0)  # type: ignore[union-attr]
    for code in ("delivery_failed", "seller_issue", "cancel_account_or_membership"):
        assert f'value="{code}"' in page
    for code in ("refund", "replacement", "redelivery", "explanation", "cancel_membership"):
        assert f'name="wanted_outcome" value="{code}"' in page


def test_a_visitor_names_the_shop_and_themselves(team: Team) -> None:
    page = text(Client().get("/contact/?order=NL-77"))
    assert 'name="brand"' in page
    assert 'name="email"' in page
    assert 'name="order_number" value="NL-77"' in page
    assert 'name="order"' not in page


def test_about_seller_starts_on_the_sellers_question(team: Team) -> None:
    page = text(Client().get("/contact/?about=seller"))
    assert re.search(r'value="seller_issue"[^>]*checked', page)


@pytest.fixture
def customer(team: Team) -> tuple[Customer, User, Order]:
    customer = CustomerFactory(brand=team.brand, email="niels@mail.test", name="Niels van Dijk")
    order = OrderFactory(customer=customer, number="NL-1001")
    OrderLineFactory(order=order, title="LED-lamp", quantity=2)
    return customer, make_customer_user(customer), order


def test_a_signed_in_customer_picks_one_of_their_orders(
    customer: tuple[Customer, User, Order],
) -> None:
    _customer, user, order = customer
    OrderFactory(customer=CustomerFactory(brand=order.brand), number="NL-9999")
    client = Client()
    client.force_login(user)
    page = text(client.get("/contact/?order=NL-1001"))
    assert 'name="brand"' not in page
    assert 'name="email"' not in page
    assert re.search(r'name="order" value="NL-1001"[^>]*checked', page)
    assert "NL-1001 · " in page
    assert "2 \N{MULTIPLICATION SIGN} LED-lamp" in page
    assert 'value="none"' in page  # "it is not about an order"
    assert "NL-9999" not in page  # someone else's order is not offered


def test_a_signed_in_customer_files_about_their_order(
    customer: tuple[Customer, User, Order], media: Path
) -> None:
    the_customer, user, order = customer
    client = Client()
    client.force_login(user)
    response = client.post(
        "/contact/",
        {
            "order": "NL-1001",
            "problem": "parcel_damaged",
            "wanted_outcome": "replacement",
            "details": "De doos was kapot en één lamp is gebroken.",
            "attachments": [upload("doos.jpg", JPEG, "image/jpeg")],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contact/thanks/{case.reference}/"
    assert case.customer == the_customer
    assert list(case.orders.all()) == [order]
    assert case.intents == ["parcel_damaged"]
    assert case.team.brand == order.brand
    sent = json.loads(bytes(InboundMessage.objects.get().raw))
    assert sent["email"] == "niels@mail.test"
    assert sent["problem"] == "parcel_damaged"
    assert sent["wanted_outcome"] == "replacement"
    assert [a["filename"] for a in sent["attachments"]] == ["doos.jpg"]
    attachment = Attachment.objects.get()
    assert attachment.message.case == case
    assert attachment.size == len(JPEG)


def test_a_signed_in_customer_cannot_pick_someone_elses_order(
    customer: tuple[Customer, User, Order],
) -> None:
    _customer, user, order = customer
    OrderFactory(customer=CustomerFactory(brand=order.brand), number="NL-9999")
    client = Client()
    client.force_login(user)
    response = client.post("/contact/", form(order="NL-9999"))
    assert response.status_code == 200
    assert "NL-9999" in errors_of(response)  # "not one of the available choices"
    assert not InboundMessage.objects.exists()


def test_not_about_an_order(customer: tuple[Customer, User, Order]) -> None:
    _customer, user, _order = customer
    client = Client()
    client.force_login(user)
    client.post("/contact/", form(order="none", problem="billing_payment"))
    case = Case.objects.get()
    assert case.orders.count() == 0
    # The subject is written in the customer's language (this customer's is French).
    assert case.customer.language == "fr"
    assert case.subject == "Facturation ou paiement"


# --- filing -----------------------------------------------------------------------------------


def test_a_visitor_files_a_case_with_photos(team: Team, media: Path) -> None:
    response = Client().post(
        "/contact/",
        form(
            attachments=[
                upload("voordeur.jpg", JPEG, "image/jpeg"),
                upload("../../etc/passwd", b"root:x:0:0\n", "text/plain"),
            ]
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.intents == ["delivery_failed"]
    # Written in the Dutch shop's language, for the agent and the timeline.
    assert case.subject == "Niet bezorgd, of de bezorging is mislukt"
    message = case.messages.get()
    assert "Wat ik graag wil: Een nieuwe bezorging" in message.body_text
    names = sorted(a.filename for a in message.attachments.all())
    assert names == ["passwd.txt", "voordeur.jpg"]  # Django keeps the last part; we add .txt
    for path in media.rglob("*"):
        assert "passwd" not in str(path)


def test_someone_elses_order_number_is_not_linked(team: Team) -> None:
    OrderFactory(customer=CustomerFactory(brand=team.brand), number="NL-5555")
    Client().post("/contact/", form(order_number="NL-5555"))
    case = Case.objects.get()
    assert case.orders.count() == 0
    assert "NL-5555" not in case.subject


def test_the_page_language_goes_with_the_message_when_the_shop_speaks_it(team: Team) -> None:
    Client().post("/contact/", form(), headers={"Accept-Language": "nl"})
    assert json.loads(bytes(InboundMessage.objects.get().raw))["language"] == "nl"


def test_a_page_language_the_shop_does_not_speak_is_not_sent(team: Team) -> None:
    Client().post("/contact/", form(), headers={"Accept-Language": "de"})
    assert json.loads(bytes(InboundMessage.objects.get().raw))["language"] == ""
    assert Case.objects.get().customer.language == "nl"


def test_a_submission_that_cannot_be_filed_is_kept_and_the_page_says_so(db: None) -> None:
    BrandFactory(code="nl", languages=["nl"], default_language="nl")  # no team yet
    response = Client().post("/contact/", form(attachments=[upload("a.png", PNG, "image/png")]))
    assert response.status_code == 202
    assert "kept safe" in text(response)
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED
    assert json.loads(bytes(inbound.raw))["attachments"][0]["filename"] == "a.png"


def test_the_same_submission_twice_is_one_case(team: Team) -> None:
    client = Client()
    first = client.post("/contact/", form())
    second = client.post("/contact/", form())
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem": None}, "Choose what went wrong."),
        ({"problem": "free_money"}, "Select a valid choice"),
        ({"wanted_outcome": None}, "Choose what you would like us to do."),
        ({"details": "Kapot"}, "at least 10 characters"),
        ({"details": "Null\x00bytes are not welcome here"}, "Null characters are not allowed"),
        ({"brand": ""}, "Choose the shop you bought from."),
        ({"brand": "atlantis"}, "Select a valid choice"),
        ({"email": "niels"}, "Enter a valid email address."),
        ({"name": ""}, "Tell us your name."),
    ],
)
def test_bad_answers_are_shown_and_nothing_is_stored(
    team: Team, changes: dict[str, Any], message: str
) -> None:
    response = Client().post("/contact/", form(**changes))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert "Please check what you entered" in text(response)
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload(f"{i}.png", PNG, "image/png") for i in range(6)], "at most 5 files"),
        ([upload("big.txt", b"a" * (MAX_FILE_BYTES + 1), "text/plain")], "at most 10.0"),
        ([upload("vakantie.jpg", EXE, "image/jpeg")], "is a program or an archive"),
        ([upload("\u202egpj.exe", JPEG, "image/jpeg")], "“gpj.exe” has a name ending (.exe)"),
        ([upload("foto.jpg", PNG, "image/jpeg")], "does not contain what its type says"),
        ([upload("notes.txt", b"null \x00 bytes", "text/plain")], "does not contain what"),
        ([upload("x.svg", b"<svg onload=alert(1)>", "image/svg+xml")], "not a photo, PDF"),
        ([upload("leeg.txt", b"", "text/plain")], "is empty"),
        (
            [upload(f"{i}.txt", b"a" * (7 * 1024 * 1024), "text/plain") for i in range(3)],
            "together",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    team: Team, files: list[SimpleUploadedFile], message: str, media: Path
) -> None:
    response = Client().post("/contact/", form(attachments=files))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not InboundMessage.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_ten_megabytes_of_text_in_the_details_is_refused_not_a_crash(team: Team) -> None:
    response = Client().post("/contact/", form(details="a" * (10 * 1024 * 1024)))
    assert response.status_code == 413
    assert "too long" in text(response)
    assert not InboundMessage.objects.exists()


def test_a_body_larger_than_any_form_is_refused_before_it_is_read(team: Team) -> None:
    response = Client().post("/contact/", form(), CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413
    assert "too large" in text(response)
    assert not InboundMessage.objects.exists()


def test_files_larger_than_any_form_are_refused_before_they_are_read(team: Team) -> None:
    files = [upload(f"{i}.txt", b"a" * MAX_FILE_BYTES, "text/plain") for i in range(3)]
    response = Client().post("/contact/", form(attachments=files))
    assert response.status_code == 413
    assert "too large" in text(response)
    assert not InboundMessage.objects.exists()


def test_hundreds_of_files_are_refused_not_a_crash(team: Team) -> None:
    files = [upload(f"{i}.png", PNG, "image/png") for i in range(150)]
    response = Client().post("/contact/", form(attachments=files))
    assert response.status_code == 413
    assert "Too many files" in text(response)
    assert not InboundMessage.objects.exists()


def test_details_longer_than_the_limit_are_refused(team: Team) -> None:
    response = Client().post("/contact/", form(details="a" * 20_001))
    assert response.status_code == 200
    assert "at most 20000 characters" in errors_of(response)


def test_the_form_requires_csrf_even_behind_the_size_check(team: Team) -> None:
    response = Client(enforce_csrf_checks=True).post("/contact/", form())
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_a_refused_form_opens_on_the_first_step_with_a_problem(team: Team) -> None:
    page = text(Client().post("/contact/", form(problem=None, details="short")))
    marked = re.findall(r'<fieldset class="step" id="step-(\w+)"[^>]*data-has-errors', page)
    assert marked == ["problem", "details"]
    assert 'aria-describedby="id_problem_error"' in page
    assert 'href="#id_problem_0"' in page  # the summary links to the first choice
