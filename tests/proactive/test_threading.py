"""A customer who writes after the proactive notice lands in that same case."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from amends.carriers.taxonomy import TrackingStatus as S
from amends.cases.models import Case
from amends.conversations.models import Direction, Message
from amends.inbound.models import InboundStatus
from amends.inbound.services import inbound_receive
from amends.mail.intake import mail_receive
from amends.mail.loops import forget_own_addresses
from amends.mail.models import Mailbox, OutboundMail
from tests.mail.builders import build_mail
from tests.proactive.conftest import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed() -> tuple[World, Case, Mailbox]:
    forget_own_addresses()
    world = make_world()
    mailbox = Mailbox.objects.create(brand=world.brand, address=world.brand.sender_email)
    world.scan(S.DAMAGED, at=timezone.now() - dt.timedelta(hours=1))
    case = Case.objects.get(customer=world.customer)
    return world, case, mailbox


def customer_mail(world: World, *, subject: str, body: str, in_reply_to: str = "") -> bytes:
    return build_mail(
        sender=f"Anna de Vries <{world.customer.primary_email}>",
        to=world.brand.sender_email,
        subject=subject,
        body=body,
        in_reply_to=in_reply_to,
    )


def landed(raw: bytes, mailbox: Mailbox) -> Case | None:
    inbound = mail_receive(raw, mailbox=mailbox).inbound
    assert inbound.status == InboundStatus.PROCESSED, inbound.reason
    return inbound.case


def test_an_answer_to_the_notice_lands_in_its_case(noticed: tuple[World, Case, Mailbox]) -> None:
    world, case, mailbox = noticed
    notice = OutboundMail.objects.get(reply__case=case)
    raw = customer_mail(
        world,
        subject="Re: kapot",
        body="Stuur maar een nieuwe (1).",
        in_reply_to=f"<{notice.message_id}>",
    )
    assert landed(raw, mailbox) == case
    assert case.messages.filter(direction=Direction.INBOUND).count() == 1


def test_a_new_mail_naming_the_order_lands_in_the_case(
    noticed: tuple[World, Case, Mailbox],
) -> None:
    world, case, mailbox = noticed
    raw = customer_mail(
        world,
        subject=f"Bestelling {world.order.number}",
        body="Mijn pakket is kapot aangekomen, wat nu?",
    )
    assert landed(raw, mailbox) == case
    assert Case.objects.filter(customer=world.customer).count() == 1


def test_the_contact_form_naming_the_order_lands_in_the_case(
    noticed: tuple[World, Case, Mailbox],
) -> None:
    world, case, _mailbox = noticed
    payload = {
        "brand": world.brand.code,
        "email": world.customer.primary_email,
        "message": "Het pakket is kapot. Graag een nieuwe.",
        "order_number": world.order.number,
    }
    result = inbound_receive(channel="web", raw=json.dumps(payload).encode())
    assert result.case == case
    assert Message.objects.filter(case=case, direction=Direction.INBOUND).count() == 1


def test_a_new_mail_naming_only_the_tracking_number_lands_in_the_case(
    noticed: tuple[World, Case, Mailbox],
) -> None:
    world, case, mailbox = noticed
    raw = customer_mail(
        world,
        subject="Pakket kapot",
        body=f"Het pakket {world.shipment.tracking_number} is beschadigd.",
    )
    assert landed(raw, mailbox) == case
