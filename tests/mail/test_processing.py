"""Reading stored mail: threading, loops, bounces, strangers, attachments, refusals."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amends.brands.models import Brand
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent, CaseStatus
from amends.conversations.models import Attachment, DeliveryStatus, Direction, Message
from amends.core.worker import run_pending
from amends.inbound.models import InboundMessage, InboundStatus
from amends.mail.intake import mail_receive, message_id_of
from amends.mail.loops import forget_own_addresses
from amends.mail.models import (
    AddressState,
    MailAddressStatus,
    Mailbox,
    MailKind,
    OutboundMail,
    OutboundStatus,
    ReceivedMail,
    SenderNotice,
)
from tests.factories import (
    BrandFactory,
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    TeamFactory,
)
from tests.mail.builders import PNG, build_mail, delivery_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_own_addresses() -> None:
    forget_own_addresses()


@pytest.fixture
def mailbox() -> Mailbox:
    brand = BrandFactory(code="fr", sender_email="support@shop.example")
    TeamFactory(brand=brand)
    return Mailbox.objects.create(brand=brand, address="support@shop.example")


def receive(raw: bytes, mailbox: Mailbox | None) -> InboundMessage:
    result = mail_receive(raw, mailbox=mailbox)
    return result.inbound


def _outbound_on(case: Case, message_id: str, to: str) -> OutboundMail:
    reply = Message.objects.create(
        case=case,
        channel="email",
        direction=Direction.OUTBOUND,
        body_text="Nous regardons.",
        delivery_status=DeliveryStatus.SENT,
    )
    return OutboundMail.objects.create(
        reply=reply,
        message_id=message_id,
        sender="support@shop.example",
        recipients=[to],
        raw=b"",
        status=OutboundStatus.SENT,
    )


# --- a first mail ---------------------------------------------------------------------------


def test_a_first_mail_opens_a_case_for_a_new_customer(mailbox: Mailbox) -> None:
    raw = build_mail(message_id="<first@mail.test>")
    inbound = receive(raw, mailbox)
    assert inbound.status == InboundStatus.PROCESSED, inbound.reason
    case = inbound.case
    assert case is not None
    assert case.origin_channel == "email"
    assert case.subject == "Où est mon colis ?"
    assert case.customer.name == "Claire Martin"
    message = case.messages.get()
    assert message.external_id == "first@mail.test"
    assert "mon colis n'est pas arrivé" in message.body_text
    assert bytes(inbound.raw) == raw  # the raw bytes, unchanged
    received = ReceivedMail.objects.get(inbound=inbound)
    assert (received.kind, received.sender) == (MailKind.MESSAGE, "claire@mail.test")


def test_the_same_mail_twice_is_stored_once(mailbox: Mailbox) -> None:
    raw = build_mail()
    first = mail_receive(raw, mailbox=mailbox)
    second = mail_receive(raw, mailbox=mailbox)
    assert first.created
    assert not second.created
    assert InboundMessage.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_mail_without_message_id_gets_one_from_its_bytes(mailbox: Mailbox) -> None:
    raw = build_mail().replace(b"Message-ID:", b"X-Old-ID:")
    assert message_id_of(raw) == message_id_of(raw)
    assert message_id_of(raw).endswith("@no-message-id.amends.invalid")
    receive(raw, mailbox)
    assert mail_receive(raw, mailbox=mailbox).created is False


# --- threading ------------------------------------------------------------------------------


def test_a_reply_to_our_mail_joins_its_case(mailbox: Mailbox) -> None:
    first = receive(build_mail(message_id="<a1@mail.test>"), mailbox)
    assert first.case is not None
    _outbound_on(first.case, "amends.ours1@shop.example", "claire@mail.test")
    reply = receive(
        build_mail(
            subject="Re: something else entirely",
            in_reply_to="<amends.ours1@shop.example>",
            references="<a1@mail.test> <amends.ours1@shop.example>",
        ),
        mailbox,
    )
    assert reply.case == first.case
    assert reply.reason == "threaded by headers"


def test_only_our_own_message_ids_are_looked_up_among_our_replies(mailbox: Mailbox) -> None:
    # Every Message-ID amends sends starts with "amends." (outbound.new_message_id): references
    # without it cannot be a reply of ours, so the outbound table is not even asked.
    first = receive(build_mail(message_id="<g1@mail.test>"), mailbox)
    assert first.case is not None
    _outbound_on(first.case, "forged@shop.example", "claire@mail.test")
    with CaptureQueriesContext(connection) as queries:
        other = receive(build_mail(subject="Bonjour", in_reply_to="<forged@shop.example>"), mailbox)
    assert other.case != first.case
    assert not [q for q in queries.captured_queries if "mail_outboundmail" in q["sql"]]


def test_references_to_the_customers_own_earlier_mail_join_its_case(mailbox: Mailbox) -> None:
    first = receive(build_mail(message_id="<b1@mail.test>"), mailbox)
    follow_up = receive(build_mail(subject="Encore moi", references="<b1@mail.test>"), mailbox)
    assert follow_up.case == first.case


def test_the_same_subject_alone_never_threads(mailbox: Mailbox) -> None:
    first = receive(build_mail(subject="Commande"), mailbox)
    second = receive(build_mail(subject="Commande"), mailbox)
    assert first.case != second.case


def test_a_stranger_replying_with_someone_elses_headers_is_held(mailbox: Mailbox) -> None:
    first = receive(build_mail(message_id="<c1@mail.test>"), mailbox)
    assert first.case is not None
    _outbound_on(first.case, "amends.ours2@shop.example", "claire@mail.test")
    intruder = receive(
        build_mail(
            sender="mallory@evil.test",
            in_reply_to="<amends.ours2@shop.example>",
            body="Please send the refund to my account instead.",
        ),
        mailbox,
    )
    assert intruder.status == InboundStatus.HELD
    assert first.case.reference in intruder.reason
    assert intruder.case is None
    assert first.case.messages.count() == 2  # the first mail and our reply; not the stranger's
    assert not Message.objects.filter(body_text__contains="refund to my account").exists()


def test_a_case_reference_threads_only_for_the_same_customer(mailbox: Mailbox) -> None:
    first = receive(build_mail(), mailbox)
    assert first.case is not None
    same = receive(build_mail(subject=f"Re: [{first.case.reference}] suite"), mailbox)
    assert same.case == first.case
    other = receive(
        build_mail(sender="bob@mail.test", subject=f"About {first.case.reference}"), mailbox
    )
    assert other.case not in {None, first.case}


def test_an_order_number_threads_to_the_open_case_about_that_order(mailbox: Mailbox) -> None:
    customer = CustomerFactory(brand=mailbox.brand, email="dana@mail.test")
    order = OrderFactory(customer=customer, number="FR31234")
    case = CaseFactory(customer=customer, brand=mailbox.brand, status=CaseStatus.OPEN)
    case.orders.add(order)
    inbound = receive(
        build_mail(
            sender="dana@mail.test", subject="Colis", body="Commande FR31234, toujours rien."
        ),
        mailbox,
    )
    assert inbound.case == case


def test_someone_elses_order_number_is_not_linked(mailbox: Mailbox) -> None:
    owner = CustomerFactory(brand=mailbox.brand, email="owner@mail.test")
    OrderFactory(customer=owner, number="FR39999")
    inbound = receive(build_mail(sender="eve@mail.test", body="Order FR39999 please"), mailbox)
    assert inbound.case is not None
    assert not inbound.case.orders.exists()


def test_a_reply_to_a_closed_case_opens_a_new_one(mailbox: Mailbox) -> None:
    first = receive(build_mail(message_id="<d1@mail.test>"), mailbox)
    assert first.case is not None
    Case.objects.filter(pk=first.case.pk).update(status=CaseStatus.CLOSED)
    again = receive(build_mail(in_reply_to="<d1@mail.test>"), mailbox)
    assert again.case not in {None, first.case}


def test_a_reply_reopens_a_solved_case(mailbox: Mailbox) -> None:
    first = receive(build_mail(message_id="<e1@mail.test>"), mailbox)
    assert first.case is not None
    Case.objects.filter(pk=first.case.pk).update(status=CaseStatus.SOLVED)
    receive(build_mail(in_reply_to="<e1@mail.test>", body="Toujours pas reçu."), mailbox)
    first.case.refresh_from_db()
    assert first.case.status == CaseStatus.OPEN


# --- loops ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated; owner-email=x@y.test"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
        {"List-Id": "<news.shop.example>"},
        {"Return-Path": "<>"},
    ],
)
def test_automatic_mail_opens_no_case(mailbox: Mailbox, headers: dict[str, str]) -> None:
    inbound = receive(build_mail(headers=headers, subject="Absent du bureau"), mailbox)
    assert inbound.status == InboundStatus.PROCESSED
    assert inbound.case is None
    assert "automatic reply" in inbound.reason
    assert not Case.objects.exists()
    assert ReceivedMail.objects.get().kind == MailKind.AUTO_REPLY


def test_auto_submitted_no_is_a_person(mailbox: Mailbox) -> None:
    inbound = receive(build_mail(headers={"Auto-Submitted": "no"}), mailbox)
    assert inbound.case is not None


def test_an_out_of_office_answer_to_our_reply_is_shown_but_changes_nothing(
    mailbox: Mailbox,
) -> None:
    first = receive(build_mail(message_id="<f1@mail.test>"), mailbox)
    assert first.case is not None
    Case.objects.filter(pk=first.case.pk).update(status=CaseStatus.WAITING_ON_CUSTOMER)
    _outbound_on(first.case, "amends.ours3@shop.example", "claire@mail.test")
    ooo = receive(
        build_mail(
            in_reply_to="<amends.ours3@shop.example>", headers={"Auto-Submitted": "auto-replied"}
        ),
        mailbox,
    )
    assert ooo.case is None
    first.case.refresh_from_db()
    assert first.case.status == CaseStatus.WAITING_ON_CUSTOMER
    assert first.case.messages.count() == 2
    assert CaseEvent.objects.filter(case=first.case, kind=EventKind.AUTO_REPLY_RECEIVED).exists()


def test_mail_from_our_own_address_or_domain_never_opens_a_case(mailbox: Mailbox) -> None:
    own_sender = receive(build_mail(sender="support@shop.example"), mailbox)
    tagged = receive(build_mail(sender="support+c12x00@shop.example"), mailbox)
    own_id = receive(build_mail(message_id="<amends.loop1@shop.example>"), mailbox)
    for inbound in (own_sender, tagged, own_id):
        assert inbound.status == InboundStatus.PROCESSED
        assert inbound.case is None, inbound.reason
    assert not Case.objects.exists()
    customer_here = receive(build_mail(message_id="<loop1@shop.example>"), mailbox)
    assert customer_here.case is not None  # the domain alone does not make it ours


def test_a_sender_writing_faster_than_a_person_is_stopped(
    mailbox: Mailbox, settings: object
) -> None:
    settings.AMENDS_MAIL_SENDER_RATE = "3/600"  # type: ignore[attr-defined]
    results = [
        receive(build_mail(sender="bot@mail.test", subject=f"Ticket {i}"), mailbox)
        for i in range(5)
    ]
    assert [r.case is not None for r in results] == [True, True, True, False, False]
    assert "sent 4 mails" in results[3].reason
    assert ReceivedMail.objects.filter(kind=MailKind.LOOP).count() == 2
    assert InboundMessage.objects.count() == 5  # stored all the same


# --- delivery reports -----------------------------------------------------------------------


def test_a_bounce_marks_our_reply_and_the_address(mailbox: Mailbox) -> None:
    first = receive(build_mail(), mailbox)
    assert first.case is not None
    outbound = _outbound_on(first.case, "ours4@shop.example", "claire@mail.test")
    bounce = receive(
        delivery_report(original_message_id="ours4@shop.example", recipient="claire@mail.test"),
        mailbox,
    )
    assert bounce.status == InboundStatus.PROCESSED
    assert bounce.case is None
    assert "bounce of our mail <ours4@shop.example>" in bounce.reason
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.BOUNCED
    assert Message.objects.get(pk=outbound.reply_id).delivery_status == DeliveryStatus.FAILED
    status = MailAddressStatus.objects.get(address="claire@mail.test")
    assert status.state == AddressState.BOUNCING
    assert "5.1.1" in status.detail
    assert CaseEvent.objects.filter(case=first.case, kind=EventKind.DELIVERY_FAILED).exists()
    assert ReceivedMail.objects.get(inbound=bounce).answers == outbound


def test_a_delay_notice_does_not_fail_the_reply(mailbox: Mailbox) -> None:
    first = receive(build_mail(), mailbox)
    assert first.case is not None
    outbound = _outbound_on(first.case, "ours5@shop.example", "claire@mail.test")
    receive(
        delivery_report(
            original_message_id="ours5@shop.example",
            recipient="claire@mail.test",
            action="delayed",
            status="4.4.7",
        ),
        mailbox,
    )
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert MailAddressStatus.objects.get().state == AddressState.DELAYED
    assert CaseEvent.objects.filter(case=first.case, kind=EventKind.DELIVERY_DELAYED).exists()


def test_a_bounce_for_mail_we_never_sent_opens_nothing(mailbox: Mailbox) -> None:
    bounce = receive(
        delivery_report(original_message_id="forged@elsewhere.test", recipient="x@mail.test"),
        mailbox,
    )
    assert bounce.status == InboundStatus.PROCESSED
    assert bounce.reason == "delivery report for no mail we sent"
    assert not Case.objects.exists()


# --- what is kept ---------------------------------------------------------------------------


def test_attachments_are_kept_and_programs_withheld(mailbox: Mailbox) -> None:
    inbound = receive(
        build_mail(
            attachments=[
                ("photo colis.png", "image/png", PNG),
                ("facture.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 64),
            ]
        ),
        mailbox,
    )
    assert inbound.status == InboundStatus.PROCESSED, inbound.reason
    message = Message.objects.get()
    assert [a.filename for a in message.attachments.all()] == ["photo colis.png"]
    assert any(label.startswith("withheld:facture.exe") for label in message.labels)


def test_an_inline_image_is_served_through_the_guarded_attachment_url(mailbox: Mailbox) -> None:
    raw = build_mail(
        html='<p>Voici <img src="cid:img1@mail.test"> le carton</p>',
        inline=[("img1@mail.test", "image/png", PNG)],
    )
    inbound = receive(raw, mailbox)
    assert inbound.status == InboundStatus.PROCESSED, inbound.reason
    attachment = Attachment.objects.get()
    assert attachment.inline
    assert attachment.content_id == "img1@mail.test"
    message = Message.objects.get()
    assert f"/attachments/{attachment.pk}/" in message.body_html
    assert "cid:" not in message.body_html


def test_quoted_history_is_hidden_and_the_whole_text_kept(mailbox: Mailbox) -> None:
    body = (
        "Toujours rien reçu.\n\n"
        "Le lun. 3 mars 2025 à 10:00, Service client <support@shop.example> a écrit :\n"
        "> Nous regardons votre commande.\n> Bien à vous\n"
    )
    receive(build_mail(body=body), mailbox)
    message = Message.objects.get()
    assert message.body_text.strip() == "Toujours rien reçu."
    assert "Nous regardons votre commande" in message.body_full


def test_an_empty_mail_with_only_an_attachment_is_kept(mailbox: Mailbox) -> None:
    inbound = receive(build_mail(body="", attachments=[("a.png", "image/png", PNG)]), mailbox)
    assert inbound.status == InboundStatus.PROCESSED, inbound.reason
    assert Message.objects.get().attachments.count() == 1


# --- refusals -------------------------------------------------------------------------------


def test_a_mail_over_the_size_limit_is_quarantined_and_its_sender_told_once(
    mailbox: Mailbox, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.AMENDS_MAIL_MAX_BYTES = 2000  # type: ignore[attr-defined]
    big = [("scan.png", "image/png", PNG + b"\x00" * 3000)]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        first = receive(build_mail(attachments=big, subject="un"), mailbox)
        second = receive(build_mail(attachments=big, subject="deux"), mailbox)
    run_pending()
    assert first.status == second.status == InboundStatus.QUARANTINED
    assert "limit" in first.reason
    assert SenderNotice.objects.filter(address="claire@mail.test").count() == 1
    assert len(django_mail.outbox) == 1
    notice = django_mail.outbox[0]
    assert notice.to == ["claire@mail.test"]
    assert notice.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "Bonjour" not in notice.body or "Hello" not in notice.body  # one language only


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<news.shop.example>"},
        {"Return-Path": "<>"},
    ],
)
def test_automatic_mail_over_the_limit_is_never_answered(
    mailbox: Mailbox,
    settings: object,
    django_capture_on_commit_callbacks: object,
    headers: dict[str, str],
) -> None:
    settings.AMENDS_MAIL_MAX_BYTES = 2000  # type: ignore[attr-defined]
    big = [("scan.png", "image/png", PNG + b"\x00" * 3000)]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        receive(build_mail(attachments=big, headers=headers), mailbox)
    run_pending()
    assert not SenderNotice.objects.exists()
    assert django_mail.outbox == []


def test_mail_for_no_storefront_is_quarantined_with_the_address() -> None:
    for code in ("fr", "nl"):
        TeamFactory(brand=BrandFactory(code=code))
    inbound = receive(build_mail(to="someone@elsewhere.test"), None)
    assert inbound.status == InboundStatus.QUARANTINED
    assert "someone@elsewhere.test" in inbound.reason


def test_mail_without_a_readable_sender_is_quarantined(mailbox: Mailbox) -> None:
    inbound = receive(build_mail(sender="undisclosed-recipients:;"), mailbox)
    assert inbound.status == InboundStatus.QUARANTINED
    assert "sender" in inbound.reason


def test_without_a_mailbox_the_recipient_chooses_the_storefront() -> None:
    fr = BrandFactory(code="fr", sender_email="service@shop.fr")
    nl = BrandFactory(code="nl", sender_email="klantenservice@shop.nl")
    for brand in (fr, nl):
        TeamFactory(brand=brand)
    inbound = receive(build_mail(to="Klantenservice <klantenservice@shop.nl>"), None)
    assert inbound.case is not None
    assert Brand.objects.get(pk=inbound.case.brand_id) == nl


def test_a_reviewer_decides_where_a_held_mail_goes(mailbox: Mailbox) -> None:
    from amends.mail.processing import mail_release

    first = receive(build_mail(message_id="<g1@mail.test>"), mailbox)
    assert first.case is not None
    colleague = receive(
        build_mail(sender="partner@mail.test", in_reply_to="<g1@mail.test>", body="Je confirme."),
        mailbox,
    )
    other = receive(
        build_mail(sender="unknown@mail.test", in_reply_to="<g1@mail.test>", body="Moi aussi."),
        mailbox,
    )
    assert colleague.status == other.status == InboundStatus.HELD
    joined = mail_release(colleague, join_case=True)
    assert joined.status == InboundStatus.PROCESSED
    assert joined.case == first.case
    separate = mail_release(other, join_case=False)
    assert separate.case not in {None, first.case}
    with pytest.raises(ValueError, match="not held"):
        mail_release(joined, join_case=True)


def test_a_mailbox_moved_to_another_storefront_takes_effect_at_once(mailbox: Mailbox) -> None:
    before = receive(build_mail(sender="a@mail.test"), mailbox)
    assert before.case is not None
    assert before.case.brand_id == mailbox.brand_id
    belgium = BrandFactory(code="be", sender_email="service@shop.be")
    TeamFactory(brand=belgium)
    mailbox.brand = belgium
    mailbox.save()
    after = receive(build_mail(sender="b@mail.test"), mailbox)
    assert after.case is not None
    assert after.case.brand_id == belgium.pk
