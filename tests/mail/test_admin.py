"""The mail pages of the admin: held mail decided, uncertain mail sent again, mailboxes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from amends.accounts.models import Role
from amends.conversations.models import DeliveryStatus, Direction, Message
from amends.core.worker import run_pending
from amends.inbound.models import InboundStatus
from amends.mail.intake import mail_receive
from amends.mail.models import Mailbox, OutboundMail, OutboundStatus
from tests.factories import BrandFactory, TeamFactory, UserFactory
from tests.mail.builders import build_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def mailbox() -> Mailbox:
    brand = BrandFactory(code="fr", sender_email="support@shop.example")
    TeamFactory(brand=brand)
    return Mailbox.objects.create(brand=brand, address="support@shop.example")


def test_a_held_mail_is_added_to_the_case_it_answers_from_the_admin(
    admin_client: Client, mailbox: Mailbox
) -> None:
    first = mail_receive(build_mail(message_id="<h1@mail.test>"), mailbox=mailbox).inbound
    held = mail_receive(
        build_mail(sender="partner@mail.test", in_reply_to="<h1@mail.test>"), mailbox=mailbox
    ).inbound
    assert held.status == InboundStatus.HELD
    response = admin_client.post(
        "/admin/inbound/inboundmessage/",
        {"action": "join_answered_case", "_selected_action": [held.pk]},
        follow=True,
    )
    assert "1 of 1 held mail accepted" in response.content.decode()
    held.refresh_from_db()
    assert held.status == InboundStatus.PROCESSED
    assert held.case == first.case


def test_an_uncertain_mail_is_sent_again_only_when_a_person_says_so(
    admin_client: Client,
    mailbox: Mailbox,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.AMENDS_SMTP = {"host": ""}
    case = mail_receive(build_mail(), mailbox=mailbox).inbound.case
    assert case is not None
    reply = Message.objects.create(
        case=case,
        channel="email",
        direction=Direction.OUTBOUND,
        body_text="Bonjour",
        delivery_status=DeliveryStatus.UNCERTAIN,
    )
    row = OutboundMail.objects.create(
        reply=reply,
        message_id="amends.x1@shop.example",
        sender="support@shop.example",
        recipients=["claire@mail.test"],
        raw=build_mail(message_id="<amends.x1@shop.example>"),
        status=OutboundStatus.UNCERTAIN,
        attempts=1,
    )
    run_pending()
    assert OutboundMail.objects.get().status == OutboundStatus.UNCERTAIN  # not by itself
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/mail/outboundmail/", {"action": "send_again", "_selected_action": [row.pk]}
        )
    run_pending()
    row.refresh_from_db()
    reply.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    assert reply.delivery_status == DeliveryStatus.SENT


def test_the_mailbox_pages_open(admin_client: Client, mailbox: Mailbox) -> None:
    for path in (
        "/admin/mail/mailbox/",
        f"/admin/mail/mailbox/{mailbox.pk}/change/",
        "/admin/mail/outboundmail/",
        "/admin/mail/receivedmail/",
        "/admin/mail/mailaddressstatus/",
    ):
        assert admin_client.get(path).status_code == 200, path
