"""Replies by mail, against a real SMTP server on loopback: sent once, threaded, retried."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from amends.accounts.models import User
from amends.cases.events import EventKind
from amends.cases.models import Case, Channel
from amends.conversations.models import DeliveryStatus, Direction, Message
from amends.conversations.services import case_reply, message_receive
from amends.conversations.tasks import message_deliver
from amends.core.worker import run_pending
from amends.customers.models import CustomerIdentity
from amends.inbound.models import InboundMessage
from amends.mail import outbound, smtp, tokens
from amends.mail.models import (
    AddressState,
    MailAddressStatus,
    OutboundMail,
    OutboundStatus,
    ReceivedMail,
)
from tests.factories import CaseFactory, CustomerFactory, TeamFactory, make_agent
from tests.mail import smtp_peer as smtp_peer_module
from tests.mail.smtp_peer import SmtpPeer

pytestmark = pytest.mark.django_db
smtp_peer = smtp_peer_module.smtp_peer  # the fixture

CUSTOMER = "claire.dubois@mail.test"


@pytest.fixture
def agent_and_case() -> tuple[User, Case]:
    team = TeamFactory()
    agent = make_agent(team)
    customer = CustomerFactory(brand=team.brand, email=CUSTOMER, name="Claire Dubois")
    case = CaseFactory(
        team=team,
        brand=team.brand,
        customer=customer,
        origin_channel=Channel.EMAIL,
        subject="La lampe est arrivée cassée",
    )
    return agent, case


def customer_wrote(case: Case, message_id: str, text: str = "Ma lampe est cassée.") -> Message:
    """A mail from the customer, as the intake leaves it: a message and its ReceivedMail."""
    inbound = InboundMessage.objects.create(
        channel="email",
        dedupe_key=message_id,
        raw=b"From: claire\r\n\r\n" + text.encode(),
        content_type="message/rfc822",
        sha256="0" * 64,
        case=case,
    )
    message = message_receive(
        case=case, text=text, channel="email", inbound=inbound, external_id=message_id
    )
    ReceivedMail.objects.create(
        inbound=inbound, message_id=message_id, sender=CUSTOMER, case_message=message
    )
    return message


def reply(case: Case, agent: User, text: str, capture: Any) -> Message:
    with capture(execute=True):
        return case_reply(case=case, actor=agent, text=text)


def time_passes() -> None:
    """Bring every deferred attempt and task due now, as if their time had come."""
    past = timezone.now() - dt.timedelta(seconds=1)
    OutboundMail.objects.filter(status=OutboundStatus.QUEUED).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=past)


def run_tasks() -> int:
    return run_pending()


def _row(message: Message) -> OutboundMail:
    return OutboundMail.objects.get(reply=message)


def _status(message: Message) -> str:
    message.refresh_from_db()
    return message.delivery_status


def test_a_reply_reaches_the_server_once_threaded_under_the_customers_mail(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    customer_wrote(case, "first.1@mail.test")
    customer_wrote(case, "second.2@mail.test")
    message = reply(
        case, agent, "Bonjour,\n.\nle remboursement est parti.", django_capture_on_commit_callbacks
    )
    row = _row(message)
    assert message.external_id == row.message_id  # fixed in the reply's transaction
    assert row.status == OutboundStatus.QUEUED

    assert run_tasks() == 1
    assert _status(message) == DeliveryStatus.SENT
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 1

    (received,) = smtp_peer.received
    assert received.mail_from == case.brand.sender_email
    assert received.rcpt_tos == (CUSTOMER,)
    assert received.data == bytes(row.raw)  # the stored bytes, as they are
    mail = received.message()
    assert mail["Message-ID"] == f"<{row.message_id}>"
    assert row.message_id.endswith(f".{case.pk}@{case.brand.sender_email.partition('@')[2]}")
    assert mail["In-Reply-To"] == "<second.2@mail.test>"
    assert mail["References"] == "<first.1@mail.test> <second.2@mail.test>"
    assert mail["Subject"] == f"Re: [{case.reference}] La lampe est arrivée cassée"
    assert mail["From"].addresses[0].display_name == case.brand.name
    assert mail["From"].addresses[0].addr_spec == case.brand.sender_email
    assert mail["To"].addresses[0].addr_spec == CUSTOMER
    (reply_to,) = mail["Reply-To"].addresses
    assert tokens.case_id_from_address(reply_to.addr_spec) == case.pk
    assert "Auto-Submitted" not in mail  # an agent wrote it
    assert mail.get_content().replace("\r\n", "\n") == (
        "Bonjour,\n.\nle remboursement est parti.\n"
    )

    # The task running again (a retry, a duplicate) sends nothing more.
    message_deliver.enqueue(message_id=message.pk)
    assert run_tasks() == 1
    assert outbound.outbound_send(message=message) == DeliveryStatus.SENT
    assert len(smtp_peer.received) == 1


def test_the_next_reply_references_the_previous_one(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    customer_wrote(case, "first.1@mail.test")
    first = reply(case, agent, "Premier message", django_capture_on_commit_callbacks)
    second = reply(case, agent, "Second message", django_capture_on_commit_callbacks)
    run_tasks()
    assert [r.message()["Message-ID"] for r in smtp_peer.received] == [
        f"<{first.external_id}>",
        f"<{second.external_id}>",
    ]
    later = smtp_peer.received[1].message()
    assert later["In-Reply-To"] == "<first.1@mail.test>"  # the customer's mail it answers
    assert later["References"] == f"<first.1@mail.test> <{first.external_id}>"


def test_a_reply_on_a_case_the_customer_opened_elsewhere_is_not_a_re(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    mail = smtp_peer.received[0].message()
    assert mail["Subject"] == f"[{case.reference}] La lampe est arrivée cassée"
    assert "In-Reply-To" not in mail
    assert "References" not in mail


def test_mail_no_person_wrote_says_it_is_automatic(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case]
) -> None:
    _agent, case = agent_and_case
    with transaction.atomic():
        message = Message.objects.create(
            case=case,
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            body_text="Nous avons bien reçu votre demande.",
            delivery_status=DeliveryStatus.QUEUED,
        )
        outbound.EmailAdapter().prepare(message)
    assert message_deliver.call(message_id=message.pk) == DeliveryStatus.SENT
    mail = smtp_peer.received[0].message()
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Auto-Response-Suppress"] == "All"


def test_server_down_the_reply_waits_and_leaves_once_it_is_back(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    smtp_peer.stop()  # nothing listens on the port
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    before = timezone.now()
    assert run_tasks() == 1
    row = _row(message)
    assert row.status == OutboundStatus.QUEUED
    assert row.attempts == 1
    assert "cannot reach" in row.last_error
    assert row.next_attempt_at is not None
    wait = row.next_attempt_at - before
    assert dt.timedelta(seconds=50) < wait < dt.timedelta(seconds=70)  # 1 minute ± jitter
    assert _status(message) == DeliveryStatus.QUEUED
    # The task enqueued itself for that time; the backend does not retry anything.
    (retry,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.run_after == row.next_attempt_at
    assert run_tasks() == 0  # not yet

    time_passes()
    assert run_tasks() == 1  # still down: the second wait is longer
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at is not None
    assert row.next_attempt_at - timezone.now() > dt.timedelta(minutes=4)

    smtp_peer.start()
    time_passes()
    assert run_tasks() == 1
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    assert row.attempts == 3
    assert row.last_error == ""
    assert _status(message) == DeliveryStatus.SENT
    (received,) = smtp_peer.received
    assert received.message()["Message-ID"] == f"<{message.external_id}>"  # stable
    time_passes()
    assert run_tasks() == 0


@pytest.mark.parametrize(
    ("stage", "answer"),
    [
        ("data", "451 4.3.0 Try again later"),
        ("data", "421 4.7.0 Too busy, closing"),
        ("rcpt", "450 4.2.0 Greylisted, come back later"),
    ],
)
def test_a_4xx_answer_means_later_and_the_mail_leaves_once(
    smtp_peer: SmtpPeer,
    agent_and_case: tuple[User, Case],
    django_capture_on_commit_callbacks: Any,
    stage: str,
    answer: str,
) -> None:
    agent, case = agent_and_case
    smtp_peer.answer(answer, stage=stage)
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    row = _row(message)
    assert row.status == OutboundStatus.QUEUED
    assert answer in row.last_error
    assert smtp_peer.received == []
    time_passes()
    run_tasks()
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    assert row.attempts == 2
    assert len(smtp_peer.received) == 1
    assert smtp_peer.received[0].data == bytes(row.raw)


@pytest.mark.parametrize(
    ("stage", "answer"),
    [
        ("rcpt", "550 5.1.1 <claire.dubois@mail.test>: Recipient address rejected"),
        ("data", "554 5.7.1 Message rejected as spam"),
    ],
)
def test_a_5xx_answer_fails_the_reply_visibly_and_for_good(
    smtp_peer: SmtpPeer,
    agent_and_case: tuple[User, Case],
    django_capture_on_commit_callbacks: Any,
    stage: str,
    answer: str,
) -> None:
    agent, case = agent_and_case
    smtp_peer.answer(answer, stage=stage)
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    assert _status(message) == DeliveryStatus.FAILED
    row = _row(message)
    assert row.status == OutboundStatus.FAILED
    assert answer in row.last_error
    event = case.events.get(kind=EventKind.DELIVERY_FAILED)
    assert event.data["message_id"] == message.pk
    assert event.data["status"] == answer[:3]
    assert answer in event.data["detail"]
    # Nothing tries it again.
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    message_deliver.call(message_id=message.pk)
    time_passes()
    assert run_tasks() == 0
    assert smtp_peer.received == []


def test_no_answer_after_the_whole_mail_is_uncertain_and_never_sent_again(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    smtp_peer.drop_during_data()
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    row = _row(message)
    assert row.status == OutboundStatus.UNCERTAIN
    assert "may or may not have been delivered" in row.last_error
    assert _status(message) == DeliveryStatus.UNCERTAIN  # the agent is asked to look
    assert len(smtp_peer.dropped) == 1
    message_deliver.call(message_id=message.pk)
    assert outbound.outbound_send(message=message) == DeliveryStatus.UNCERTAIN
    assert outbound.outbox_sweep(now=timezone.now() + dt.timedelta(days=3)) == {
        "uncertain": 0,
        "requeued": 0,
    }
    run_tasks()
    assert smtp_peer.received == []
    assert len(smtp_peer.dropped) == 1


def test_after_ten_attempts_the_reply_fails_visibly(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    smtp_peer.stop()
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    for _ in range(outbound.MAX_ATTEMPTS):
        assert run_tasks() == 1
        time_passes()
    row = _row(message)
    assert row.status == OutboundStatus.FAILED
    assert row.attempts == outbound.MAX_ATTEMPTS
    assert row.last_error.startswith("not sent after 10 attempts; the last: cannot reach")
    assert _status(message) == DeliveryStatus.FAILED
    assert run_tasks() == 0


def test_the_backoff_grows_to_about_two_days_in_ten_attempts() -> None:
    waits = [outbound.retry_delay(n) for n in range(1, outbound.MAX_ATTEMPTS)]
    assert all(a < b for a, b in itertools.pairwise(waits))
    assert waits[0] < dt.timedelta(minutes=2)
    assert dt.timedelta(hours=36) < sum(waits, dt.timedelta()) < dt.timedelta(hours=60)
    assert outbound.retry_delay(50) <= outbound.BACKOFF[-1] * (1 + outbound.JITTER)


def test_an_address_that_bounced_before_is_not_written_to(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    MailAddressStatus.objects.create(
        address=CUSTOMER, state=AddressState.BOUNCING, detail="550 5.1.1 user unknown"
    )
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    assert _status(message) == DeliveryStatus.FAILED
    row = _row(message)
    assert row.last_error == f"address bounced before: {CUSTOMER}: 550 5.1.1 user unknown"
    assert smtp_peer.received == []


def test_an_address_whose_mail_was_only_delayed_is_still_written_to(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    MailAddressStatus.objects.create(address=CUSTOMER, state=AddressState.DELAYED)
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    assert _status(message) == DeliveryStatus.SENT
    assert len(smtp_peer.received) == 1


def test_a_customer_without_an_email_address_is_told_in_the_reply_itself(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    CustomerIdentity.objects.filter(customer=case.customer).delete()
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.FAILED  # what the agent's screen shows
    assert _status(message) == DeliveryStatus.FAILED
    row = _row(message)
    assert row.status == OutboundStatus.FAILED
    assert row.last_error == outbound.NO_ADDRESS
    assert row.recipients == []
    run_tasks()
    assert smtp_peer.received == []


def test_an_address_no_server_would_take_fails_at_once(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    CustomerIdentity.objects.filter(customer=case.customer).update(value="clàire@mail.test")
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    assert _status(message) == DeliveryStatus.FAILED
    assert "non-ASCII characters before the @" in _row(message).last_error
    run_tasks()
    assert smtp_peer.received == []


def test_hostile_subject_and_names_add_no_header_and_no_recipient(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    Case.objects.filter(pk=case.pk).update(subject="x\r\nBcc: victim@evil.test")
    case.refresh_from_db()
    case.brand.name = "Shop\r\nBcc: victim2@evil.test"
    case.brand.save()
    case.customer.name = "Claire\u2028Bcc: victim3@evil.test"
    case.customer.save()
    reply(case, agent, "Bonjour\r\nBcc: victim4@evil.test", django_capture_on_commit_callbacks)
    run_tasks()
    (received,) = smtp_peer.received
    assert received.rcpt_tos == (CUSTOMER,)
    mail = received.message()
    assert "Bcc" not in mail
    assert len(mail.get_all("Subject") or []) == 1
    assert mail["Subject"] == f"[{case.reference}] x Bcc: victim@evil.test"
    assert [a.addr_spec for a in mail["To"].addresses] == [CUSTOMER]
    assert [a.addr_spec for a in mail["From"].addresses] == [case.brand.sender_email]


def test_without_an_smtp_host_the_reply_goes_through_djangos_mail_backend(
    settings: Any, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    settings.AMENDS_SMTP = {"host": ""}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    agent, case = agent_and_case
    customer_wrote(case, "first.1@mail.test")
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    assert _status(message) == DeliveryStatus.SENT
    assert _row(message).status == OutboundStatus.SENT
    (sent,) = django_mail.outbox
    assert sent.to == [CUSTOMER]
    assert sent.from_email == case.brand.sender_email
    mail = sent.message()
    assert mail["Message-ID"] == f"<{message.external_id}>"
    assert mail["In-Reply-To"] == "<first.1@mail.test>"
    message_deliver.call(message_id=message.pk)
    assert len(django_mail.outbox) == 1


def test_without_a_relay_the_demo_keeps_replies_as_files(
    settings: Any,
    tmp_path: Path,
    agent_and_case: tuple[User, Case],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.AMENDS_SMTP = {"host": ""}
    settings.AMENDS_MAIL_REPLY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "sent-mail")
    agent, case = agent_and_case
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    assert _status(message) == DeliveryStatus.SENT
    written = "".join(p.read_text() for p in (tmp_path / "sent-mail").iterdir())
    assert f"Message-ID: <{message.external_id}>" in written
    assert django_mail.outbox == []  # not through EMAIL_BACKEND, which prints sign-in links


def test_the_relays_login_is_used_and_a_refused_one_is_retried(
    settings: Any, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    peer = SmtpPeer(user="amends", password="s3cret pass")
    peer.start()
    try:
        settings.AMENDS_SMTP = peer.settings(password="wrong")
        agent, case = agent_and_case
        message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
        run_tasks()
        row = _row(message)
        assert row.status == OutboundStatus.QUEUED  # fixing the settings lets it leave
        assert "login to 127.0.0.1" in row.last_error
        assert "wrong" not in row.last_error
        settings.AMENDS_SMTP = peer.settings()
        time_passes()
        run_tasks()
        assert _status(message) == DeliveryStatus.SENT
        assert peer.logins == ["amends"]
        assert len(peer.received) == 1
    finally:
        peer.stop()


def test_broken_smtp_settings_keep_the_mail_queued_with_the_reason(
    settings: Any, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    settings.AMENDS_SMTP = {"host": "127.0.0.1", "security": "ssl-please"}
    agent, case = agent_and_case
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    row = _row(message)
    assert row.status == OutboundStatus.QUEUED
    assert "security is 'ssl-please'" in row.last_error


def test_a_task_that_finds_the_row_taken_or_not_due_sends_nothing(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    with django_capture_on_commit_callbacks(execute=False):
        message = case_reply(case=case, actor=agent, text="Bonjour")
    # Another worker claimed it a moment ago (its lease runs).
    OutboundMail.objects.filter(reply=message).update(
        attempts=1, next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    assert message_deliver.call(message_id=message.pk) == DeliveryStatus.QUEUED
    # Another worker is in DATA right now.
    OutboundMail.objects.filter(reply=message).update(status=OutboundStatus.SENDING)
    assert message_deliver.call(message_id=message.pk) == DeliveryStatus.QUEUED
    assert smtp_peer.received == []
    assert not DBTaskResult.objects.exists()  # and it does not start a second chain


def test_the_sweep_enqueues_a_due_reply_whose_task_was_lost_once(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    with django_capture_on_commit_callbacks(execute=False):  # the task is never enqueued
        message = case_reply(case=case, actor=agent, text="Bonjour")
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 0}  # within the grace
    OutboundMail.objects.update(
        created_at=timezone.now() - outbound.SWEEP_GRACE - dt.timedelta(seconds=1)
    )
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 1}
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 0}  # not every 30 s
    assert run_tasks() == 1
    assert _status(message) == DeliveryStatus.SENT
    assert len(smtp_peer.received) == 1


def test_the_sweep_turns_a_sender_that_died_in_data_into_uncertain(
    smtp_peer: SmtpPeer, agent_and_case: tuple[User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    agent, case = agent_and_case
    with django_capture_on_commit_callbacks(execute=False):
        message = case_reply(case=case, actor=agent, text="Bonjour")
    lease_end = timezone.now() + dt.timedelta(minutes=10)
    OutboundMail.objects.filter(reply=message).update(
        status=OutboundStatus.SENDING, attempts=1, next_attempt_at=lease_end
    )
    assert outbound.outbox_sweep() == {"uncertain": 0, "requeued": 0}  # its lease runs
    after = lease_end + dt.timedelta(seconds=1)
    assert outbound.outbox_sweep(now=after) == {"uncertain": 1, "requeued": 0}
    row = _row(message)
    assert row.status == OutboundStatus.UNCERTAIN
    assert "check with the customer before sending again" in row.last_error
    assert _status(message) == DeliveryStatus.UNCERTAIN
    message_deliver.call(message_id=message.pk)
    assert smtp_peer.received == []


def test_preparing_the_mail_costs_the_reply_a_few_queries(
    agent_and_case: tuple[User, Case], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    agent, case = agent_and_case
    customer_wrote(case, "first.1@mail.test")
    case = Case.objects.get(pk=case.pk)  # as a view loads it: nothing cached
    message = Message.objects.create(
        case=case,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        author_user=agent,
        body_text="Bonjour",
        delivery_status=DeliveryStatus.QUEUED,
    )
    # brand, customer's address, the thread's ids, the row, the message's Message-ID
    with django_assert_max_num_queries(5):
        outbound.outbound_prepare(message=message)


def test_starttls_that_the_relay_does_not_offer_is_not_skipped(
    smtp_peer: SmtpPeer,
    settings: Any,
    agent_and_case: tuple[User, Case],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.AMENDS_SMTP = smtp_peer.settings(security="starttls")
    agent, case = agent_and_case
    message = reply(case, agent, "Bonjour", django_capture_on_commit_callbacks)
    run_tasks()
    row = _row(message)
    assert row.status == OutboundStatus.QUEUED  # never sent in clear instead
    assert "does not support" in row.last_error
    assert "STARTTLS" in row.last_error
    assert smtp_peer.received == []


def test_smtp_settings_come_from_the_settings_then_the_environment(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "TIMEOUT"):
        monkeypatch.delenv(f"AMENDS_SMTP_{name}", raising=False)
    settings.AMENDS_SMTP = None
    assert smtp.smtp_config() is None  # the embedded default: Django's mail backend
    monkeypatch.setenv("AMENDS_SMTP_HOST", "relay.example")
    monkeypatch.setenv("AMENDS_SMTP_USER", "amends")
    monkeypatch.setenv("AMENDS_SMTP_PASSWORD", " secret with spaces ")
    config = smtp.smtp_config()
    assert config == smtp.SmtpConfig(
        host="relay.example", port=587, security="starttls", user="amends",
        password=" secret with spaces ", timeout=smtp.DEFAULT_TIMEOUT,
    )  # fmt: skip
    assert "secret" not in repr(config)
    settings.AMENDS_SMTP = {"security": "tls", "timeout": "5"}
    config = smtp.smtp_config()
    assert config is not None
    assert (config.host, config.port, config.timeout) == ("relay.example", 465, 5.0)
    settings.AMENDS_SMTP = {"host": ""}  # the settings win over the environment
    assert smtp.smtp_config() is None
    settings.AMENDS_SMTP = {"host": "relay.example", "port": "twenty-five"}
    with pytest.raises(ImproperlyConfigured, match="not a number"):
        smtp.smtp_config()


@pytest.mark.parametrize(
    ("raw", "on_the_wire"),
    [
        (b"a\r\nb\r\n", b"a\r\nb\r\n.\r\n"),
        (b"a\nb", b"a\r\nb\r\n.\r\n"),
        (b".\r\n..x\r\n", b"..\r\n...x\r\n.\r\n"),
        (b"a\r\n.\r\nb\r\n", b"a\r\n..\r\nb\r\n.\r\n"),
    ],
)
def test_data_ends_with_one_lone_dot_and_doubles_the_others(raw: bytes, on_the_wire: bytes) -> None:
    assert smtp.dot_stuffed(raw) == on_the_wire
