"""The delivery endpoint, driven over loopback by smtplib as the MTA: 250 only for stored mail.

An LMTP server answers the data once per accepted recipient; ``deliver`` reads every answer, as
an MTA does (``smtplib.LMTP.sendmail`` would read only the first).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import smtplib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import OperationalError

from amends.conversations.models import Message
from amends.inbound.models import InboundMessage, InboundStatus
from amends.mail import lmtp, tasks
from amends.mail.intake import mail_store
from amends.mail.lmtp import MailEndpoint, mailbox_for_address, serve_lmtp
from amends.mail.models import Mailbox
from tests.factories import BrandFactory, TeamFactory
from tests.mail.dovecot import message

pytestmark = pytest.mark.django_db(transaction=True)

SENDER = "customer@mail.test"


@pytest.fixture
def mailboxes() -> dict[str, Mailbox]:
    brand = BrandFactory(code="shop")
    return {
        name: Mailbox.objects.create(brand=brand, address=f"{name}@shop.test")
        for name in ("support", "returns")
    }


@pytest.fixture
def endpoint() -> Iterator[MailEndpoint]:
    with MailEndpoint("127.0.0.1", 0) as server:
        yield server


def connect(server: MailEndpoint) -> smtplib.SMTP:
    if server.lmtp:
        client: smtplib.SMTP = smtplib.LMTP("127.0.0.1", server.port, timeout=30)
    else:
        client = smtplib.SMTP("127.0.0.1", server.port, timeout=30)
    client.ehlo_or_helo_if_needed()
    return client


def deliver(
    client: smtplib.SMTP, recipients: list[str], raw: bytes, *, lmtp_replies: bool = True
) -> tuple[dict[str, int], dict[str, int]]:
    """One transaction: (RCPT code per recipient, DATA code per accepted recipient)."""
    code, reply = client.mail(SENDER)
    assert code == 250, reply
    at_rcpt = {rcpt: client.rcpt(rcpt)[0] for rcpt in recipients}
    accepted = [rcpt for rcpt, code in at_rcpt.items() if code == 250]
    if not accepted:
        client.rset()
        return at_rcpt, {}
    first = client.data(raw)[0]
    at_data = {accepted[0]: first}
    if lmtp_replies:
        for rcpt in accepted[1:]:
            at_data[rcpt] = client.getreply()[0]
    return at_rcpt, at_data


def rows(mailbox: Mailbox) -> list[InboundMessage]:
    return list(InboundMessage.objects.filter(source=mailbox.address).order_by("id"))


def test_mail_is_stored_per_known_recipient_and_unknown_ones_refused(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox]
) -> None:
    mails = [message(n, tag="lmtp") for n in range(3)]
    client = connect(endpoint)
    try:
        first = deliver(client, ["support@shop.test", "nobody@shop.test"], mails[0])
        second = deliver(client, ["support@shop.test", "Returns@Shop.test"], mails[1])
        third = deliver(client, ["returns+AM-12@shop.test"], mails[2])
    finally:
        client.quit()

    assert first == (
        {"support@shop.test": 250, "nobody@shop.test": 550},
        {"support@shop.test": 250},
    )
    assert second[1] == {"support@shop.test": 250, "Returns@Shop.test": 250}
    assert third[1] == {"returns+AM-12@shop.test": 250}
    support, returns = rows(mailboxes["support"]), rows(mailboxes["returns"])
    assert [bytes(r.raw).endswith(m) for r, m in zip(support, mails[:2], strict=True)] == [True] * 2
    assert [bytes(r.raw).endswith(m) for r, m in zip(returns, mails[1:], strict=True)] == [True] * 2
    assert InboundMessage.objects.count() == 4
    # As the final delivery agent: the envelope sender and recipient on top of the mail.
    assert bytes(returns[1].raw).startswith(
        b"Return-Path: <customer@mail.test>\r\nDelivered-To: returns+AM-12@shop.test\r\n"
    )


def test_unknown_recipient_alone_gets_no_data_phase(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox]
) -> None:
    client = connect(endpoint)
    try:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail(SENDER, ["ghost@shop.test"], message(1, tag="ghost"))
    finally:
        client.quit()
    assert refused.value.recipients["ghost@shop.test"][0] == 550
    assert InboundMessage.objects.count() == 0


def test_the_same_mail_delivered_twice_is_stored_once(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox]
) -> None:
    mail = message(1, tag="twice")
    for _attempt in range(2):
        client = connect(endpoint)
        try:
            assert deliver(client, ["support@shop.test"], mail)[1] == {"support@shop.test": 250}
        finally:
            client.quit()

    assert len(rows(mailboxes["support"])) == 1


def test_a_database_failure_answers_451_and_a_retry_stores_once(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_store = mail_store
    failing = {"support@shop.test"}

    def flaky_store(raw: bytes, **kwargs: Any) -> Any:
        mailbox = kwargs.get("mailbox")
        if mailbox is not None and mailbox.address in failing:
            raise OperationalError("database is locked")
        return real_store(raw, **kwargs)

    monkeypatch.setattr(lmtp, "mail_store", flaky_store)
    mail = message(1, tag="flaky")
    recipients = ["support@shop.test", "returns@shop.test"]
    client = connect(endpoint)
    try:
        first = deliver(client, recipients, mail)[1]
        failing.clear()  # the database is back; the MTA retries the recipient that got 451
        retry = deliver(client, ["support@shop.test"], mail)[1]
        again = deliver(client, recipients, mail)[1]  # an MTA that resends to everyone
    finally:
        client.quit()

    assert first == {"support@shop.test": 451, "returns@shop.test": 250}
    assert retry == {"support@shop.test": 250}
    assert again == {"support@shop.test": 250, "returns@shop.test": 250}
    assert len(rows(mailboxes["support"])) == 1
    assert len(rows(mailboxes["returns"])) == 1


def test_a_database_failure_at_rcpt_is_temporary(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(address: str) -> Mailbox | None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(lmtp, "mailbox_for_address", down)
    client = connect(endpoint)
    try:
        code, reply = client.mail(SENDER)
        code, reply = client.rcpt("support@shop.test")
    finally:
        client.quit()
    assert code == 451
    assert reply.startswith(b"4.3.0")


def test_a_bug_while_storing_is_temporary_too(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong on our side, the MTA must keep the mail rather than bounce it."""

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(lmtp, "_store_all", broken)
    client = connect(endpoint)
    try:
        at_data = deliver(client, ["support@shop.test", "returns@shop.test"], message(1, tag="b"))
    finally:
        client.close()
    assert at_data[1] == {"support@shop.test": 451, "returns@shop.test": 451}


def test_slow_or_failing_processing_never_holds_back_the_250(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def stuck(*, inbound_ids: list[int], prepared: bool = False) -> None:
        release.wait(30)
        raise OperationalError("gone")

    monkeypatch.setattr(lmtp, "stored_mail_process_many", stuck)
    client = connect(endpoint)
    try:
        at_data = deliver(client, ["support@shop.test"], message(1, tag="stuck"))[1]
    finally:
        client.quit()
        release.set()
    assert at_data == {"support@shop.test": 250}
    (row,) = rows(mailboxes["support"])
    assert row.status == InboundStatus.RECEIVED  # kept for the sweep and the next start


def test_mail_waiting_to_be_processed_is_processed_together(
    mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six mails stored while the processing thread was busy (here: not started yet) go
    through as one group, one transaction; each is processed exactly once."""
    TeamFactory(brand=mailboxes["support"].brand)
    groups: list[list[int]] = []
    real = tasks.stored_mail_process_many

    def recorded(*, inbound_ids: list[int], prepared: bool = False) -> None:
        groups.append(list(inbound_ids))
        real(inbound_ids=inbound_ids, prepared=prepared)

    monkeypatch.setattr(lmtp, "stored_mail_process_many", recorded)
    ids = [
        mail_store(message(n, tag="group"), mailbox=mailboxes["support"]).inbound.pk
        for n in range(6)
    ]
    processing = lmtp.Processing()
    processing.submit(ids)
    processing.start()
    try:
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and InboundMessage.objects.filter(pk__in=ids, status=InboundStatus.RECEIVED).exists()
        ):
            time.sleep(0.05)
    finally:
        processing.stop()
    assert groups == [ids]
    assert {r.status for r in rows(mailboxes["support"])} == {InboundStatus.PROCESSED}
    assert Message.objects.filter(inbound__in=ids).count() == 6


def test_a_stuck_group_delays_deliveries_only_for_a_while(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processing that hangs holds the write turn; the next deliveries wait for it a bounded
    time, then store anyway and get their 250."""
    monkeypatch.setattr(lmtp, "DELIVERY_WAIT_SECONDS", 0.3)
    release = threading.Event()

    def stuck(*, inbound_ids: list[int], prepared: bool = False) -> None:
        release.wait(30)

    monkeypatch.setattr(lmtp, "stored_mail_process_many", stuck)
    client = connect(endpoint)
    try:
        answers = [
            deliver(client, ["support@shop.test"], message(n, tag="wait"))[1] for n in range(3)
        ]
    finally:
        client.quit()
        release.set()
    assert answers == [{"support@shop.test": 250}] * 3
    assert len(rows(mailboxes["support"])) == 3


def test_mail_over_the_limit_is_refused_with_552(mailboxes: dict[str, Mailbox]) -> None:
    with MailEndpoint("127.0.0.1", 0, limit=10_000) as server:
        client = connect(server)
        try:
            assert client.has_extn("size")
            assert client.esmtp_features["size"] == "10000"
            big = message(1, tag="big", size=20_000)
            # An MTA that reads SIZE is refused at MAIL FROM, before sending anything.
            assert client.mail(SENDER, [f"SIZE={len(big)}"])[0] == 552
            client.rset()
            # One that does not is refused after the data, once per recipient (LMTP).
            at_data = deliver(client, ["support@shop.test", "returns@shop.test"], big)[1]
            # And the session goes on.
            small = deliver(client, ["support@shop.test"], message(2, tag="small"))[1]
        finally:
            client.quit()
    assert at_data == {"support@shop.test": 552, "returns@shop.test": 552}
    assert small == {"support@shop.test": 250}
    assert InboundMessage.objects.count() == 1


def test_long_lines_are_accepted_not_bounced(
    endpoint: MailEndpoint, mailboxes: dict[str, Mailbox]
) -> None:
    mail = message(1, tag="long").replace(b"Hello,", b"Hello, " + b"y" * 5000)
    client = connect(endpoint)
    try:
        assert deliver(client, ["support@shop.test"], mail)[1] == {"support@shop.test": 250}
    finally:
        client.quit()
    assert bytes(rows(mailboxes["support"])[0].raw).endswith(mail)


def test_envelope_addresses_cannot_add_headers(mailboxes: dict[str, Mailbox]) -> None:
    """aiosmtpd already ends a command at a bare LF; the trace headers do not rely on it."""
    envelope = Envelope()
    envelope.mail_from = "evil@mail.test\nX-Injected: yes"
    envelope.rcpt_tos = ["support+x\r\nX-Also: yes@shop.test", "support@shop.test"]
    envelope.original_content = message(1, tag="inject")
    processor = lmtp.Processing()
    processor.start()
    try:
        handler = lmtp.Delivery(lmtp=True, processor=processor)
        data = handler.handle_DATA(cast(SMTP, None), cast(Session, None), envelope)
        # On a thread of its own: a browser test earlier in this process may have left an event
        # loop running on this one, and asyncio.run refuses to start a second.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as runner:
            status = runner.submit(asyncio.run, data).result()
    finally:
        processor.stop()

    assert status.splitlines()[1].startswith("250")
    (row,) = rows(mailboxes["support"])
    head = bytes(row.raw).split(b"\r\n\r\n")[0].split(b"\r\n")
    assert not [line for line in head if line.startswith((b"X-Injected", b"X-Also"))]
    assert head[:3] == [
        b"Return-Path: <evil@mail.testX-Injected: yes>",
        b"Delivered-To: support+xX-Also: yes@shop.test",
        b"Delivered-To: support@shop.test",
    ]


def test_smtp_mode_answers_once_and_stores(mailboxes: dict[str, Mailbox]) -> None:
    with MailEndpoint("127.0.0.1", 0, lmtp=False) as server:
        client = connect(server)
        try:
            refused = client.sendmail(
                SENDER, ["support@shop.test", "nobody@shop.test"], message(1, tag="smtp")
            )
        finally:
            client.quit()
    assert refused == {"nobody@shop.test": (550, b"5.1.1 <nobody@shop.test>: no such mailbox here")}
    assert len(rows(mailboxes["support"])) == 1


def test_smtp_mode_answers_451_when_any_recipient_failed(
    mailboxes: dict[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_store = mail_store

    def flaky_store(raw: bytes, **kwargs: Any) -> Any:
        if kwargs["mailbox"].address == "returns@shop.test":
            raise OperationalError("database is locked")
        return real_store(raw, **kwargs)

    monkeypatch.setattr(lmtp, "mail_store", flaky_store)
    with MailEndpoint("127.0.0.1", 0, lmtp=False) as server:
        client = connect(server)
        try:
            at_data = deliver(
                client,
                ["support@shop.test", "returns@shop.test"],
                message(1, tag="x"),
                lmtp_replies=False,
            )[1]
        finally:
            client.quit()
    assert at_data == {"support@shop.test": 451}


def test_the_mailbox_of_an_address(mailboxes: dict[str, Mailbox]) -> None:
    support = mailboxes["support"]
    assert mailbox_for_address("support@shop.test") == support
    assert mailbox_for_address("<SUPPORT@Shop.Test>") == support
    assert mailbox_for_address("support+AM-12+x@shop.test") == support
    assert mailbox_for_address("+AM-12@shop.test") is None
    assert mailbox_for_address("support@other.test") is None
    assert mailbox_for_address("support") is None
    assert mailbox_for_address("") is None
    support.active = False
    support.save()
    assert mailbox_for_address("support@shop.test") is None


def test_serve_lmtp_runs_until_stopped(mailboxes: dict[str, Mailbox]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    stop = threading.Event()
    serving = threading.Thread(target=serve_lmtp, args=("127.0.0.1", port), kwargs={"stop": stop})
    serving.start()
    try:
        client = _connect_when_up(port)
        try:
            assert deliver(client, ["support@shop.test"], message(1, tag="serve"))[1] == {
                "support@shop.test": 250
            }
        finally:
            client.quit()
    finally:
        stop.set()
        serving.join(timeout=30)
    assert not serving.is_alive()
    assert len(rows(mailboxes["support"])) == 1


def _connect_when_up(port: int) -> smtplib.SMTP:
    deadline = time.monotonic() + 30
    while True:
        try:
            client = smtplib.LMTP("127.0.0.1", port, timeout=30)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            continue
        client.ehlo_or_helo_if_needed()
        return client
