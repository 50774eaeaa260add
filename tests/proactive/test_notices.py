"""The notice: in the customer's language and register, automatic, through the normal outbox."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest
from django.core import mail as django_mail
from django.utils import timezone

from amends.carriers.taxonomy import TrackingStatus as S
from amends.cases.models import Case, CaseEvent
from amends.conversations.models import DeliveryStatus, Direction, Message
from amends.core import register
from amends.core.worker import run_pending
from amends.mail.models import OutboundMail
from amends.proactive.events import ProactiveEventKind
from tests.proactive.conftest import make_world

pytestmark = pytest.mark.django_db

APOLOGY = "We noticed before you had to tell us, and we are sorry for the trouble."
INFORMAL_APOLOGY = "[informal es] lo vimos antes que tú"
FORMAL_APOLOGY = "[formal es] lo vimos antes que usted"


@pytest.fixture
def informal_spanish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An informal Spanish catalogue made for the test, with one of the notice's sentences."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid=APOLOGY, msgstr=INFORMAL_APOLOGY))
    target = tmp_path / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po.save_as_mofile(str(target / "informal.mo"))
    monkeypatch.setattr(register, "LOCALE_DIR", tmp_path)
    register.reset_cache()
    yield
    register.reset_cache()


def notice_of(customer_id: int) -> Message:
    return Message.objects.get(case__customer_id=customer_id, direction=Direction.OUTBOUND)


def mail_of(message: Message) -> email.message.EmailMessage:
    raw = bytes(OutboundMail.objects.get(reply=message).raw)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def test_a_dutch_customer_addressed_formally_gets_a_dutch_formal_notice() -> None:
    world = make_world(country="NL", language="nl", register="formal")
    world.scan(S.DAMAGED, at=timezone.now() - dt.timedelta(hours=1))
    notice = notice_of(world.customer.pk)
    assert notice.language == "nl"
    mail = mail_of(notice)
    assert mail["Content-Language"] == "nl"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["To"].addresses[0].addr_spec == world.customer.primary_email
    assert "[AM-" in mail["Subject"]
    assert world.order.number in mail["Subject"]
    notified = CaseEvent.objects.get(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert (notified.data["language"], notified.data["register"]) == ("nl", "formal")
    # What happened, the parcel, the choices, the carrier's contact for the Netherlands.
    body = notice.body_text
    parts = paragraphs(body)
    assert "Anna" in parts[0]  # the greeting, by first name (worded by the catalogue)
    assert "\n" not in parts[0]
    assert "PostNL" in parts[1]
    assert world.order.number in parts[1]
    assert world.shipment.tracking_number in body
    assert "1. " in body
    assert "+31 88 868 6161" in body
    assert "https://www.postnl.nl/klantenservice/" in body
    assert INFORMAL_APOLOGY not in body
    assert "\n\n\n" not in body


@pytest.mark.usefixtures("informal_spanish")
def test_a_spanish_customer_addressed_informally_gets_the_informal_wording() -> None:
    world = make_world(
        country="ES", language="es", register="informal", carrier="seur", carrier_name="SEUR"
    )
    world.scan(S.RETURNED_TO_SENDER, at=timezone.now() - dt.timedelta(hours=1))
    notice = notice_of(world.customer.pk)
    assert notice.language == "es"
    assert INFORMAL_APOLOGY in notice.body_text
    assert APOLOGY not in notice.body_text
    assert "+34 963 000 000" in notice.body_text
    assert mail_of(notice)["Content-Language"] == "es"
    notified = CaseEvent.objects.get(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert (notified.data["language"], notified.data["register"]) == ("es", "informal")


@pytest.mark.usefixtures("informal_spanish")
def test_the_same_customer_addressed_formally_does_not_get_the_informal_wording() -> None:
    world = make_world(
        country="ES", language="es", register="formal", carrier="seur", carrier_name="SEUR"
    )
    world.scan(S.RETURNED_TO_SENDER, at=timezone.now() - dt.timedelta(hours=1))
    assert INFORMAL_APOLOGY not in notice_of(world.customer.pk).body_text


def test_a_language_amends_does_not_speak_falls_back_to_the_storefronts() -> None:
    world = make_world(country="FR", language="fr")
    world.customer.language = "tlh"
    world.customer.register = "shouty"
    world.customer.save()
    world.scan(S.DAMAGED, at=timezone.now() - dt.timedelta(hours=1))
    notified = CaseEvent.objects.get(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert (notified.data["language"], notified.data["register"]) == ("fr", "formal")
    assert notice_of(world.customer.pk).language == "fr"


def test_the_carrier_contact_of_the_customers_country_comes_first() -> None:
    world = make_world(country="NL", language="nl")
    world.customer.country = "ES"
    world.customer.save()
    world.scan(S.DAMAGED, at=timezone.now() - dt.timedelta(hours=1))
    body = notice_of(world.customer.pk).body_text
    assert "+34 963 000 000" in body
    assert "+31 88 868 6161" not in body


def test_the_notice_leaves_through_the_outbox_once_marked_automatic(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        world.scan(S.DAMAGED, at=timezone.now() - dt.timedelta(hours=1))
    run_pending()
    run_pending()
    notice = notice_of(world.customer.pk)
    assert notice.delivery_status == DeliveryStatus.SENT
    [sent] = django_mail.outbox
    assert sent.to == [world.customer.primary_email]
    message = sent.message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"


def test_the_first_response_clock_is_left_to_the_agents() -> None:
    world = make_world()
    world.scan(S.DAMAGED, at=timezone.now() - dt.timedelta(hours=1))
    case = Case.objects.get(customer=world.customer)
    assert case.first_response_at is None
    assert case.last_message_at is not None
