"""IMAP intake against a real Dovecot: every mail stored once, acknowledged only after, none missed.

Processing is whatever ``inbound_process`` does with a mail; these tests look at what was stored
(``InboundMessage`` rows and their bytes), what the server was told, and what the mailbox records.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from imapclient import IMAPClient

from amends.inbound.models import InboundMessage, InboundStatus
from amends.mail import imap
from amends.mail.imap import STORED_KEYWORD, run_imap
from amends.mail.intake import mail_store
from amends.mail.models import Mailbox
from amends.mail.tasks import mailbox_poll, stored_mail_process_many
from tests.factories import BrandFactory
from tests.mail.dovecot import (
    Dovecot,
    append,
    dovecot,
    folder_state,
    message,
    new_folder,
    recreate,
    uidvalidity,
)

__all__ = ["dovecot"]

SEEN = b"\\Seen"
KEYWORD = STORED_KEYWORD.encode()
WAIT_SECONDS = 30.0


def make_mailbox(server: Dovecot, folder: str, **overrides: Any) -> Mailbox:
    fields: dict[str, Any] = {
        "brand": BrandFactory(code="shop"),
        "address": f"{folder}@shop.test",
        "imap_host": server.host,
        "imap_port": server.port,
        "imap_security": "none",
        "imap_user": server.user,
        "imap_password": server.password,
        "imap_folder": folder,
    }
    fields.update(overrides)
    return Mailbox.objects.create(**fields)


def stored(mailbox: Mailbox) -> list[InboundMessage]:
    return list(InboundMessage.objects.filter(source=mailbox.address).order_by("id"))


def digests(raws: list[bytes]) -> list[str]:
    return sorted(hashlib.sha256(raw).hexdigest() for raw in raws)


def poll_once(mailbox: Mailbox) -> dict[str, Any]:
    return run_imap([mailbox.pk], idle=False, once=True)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait until the condition holds; fail after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


# --- polling ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_poll_stores_every_message_once_then_only_new_ones(dovecot: Dovecot) -> None:
    folder = new_folder()
    first = [message(n, tag=folder) for n in range(120)]
    append(dovecot, folder, first)
    mailbox = make_mailbox(dovecot, folder)

    summary = poll_once(mailbox)

    assert (summary["fetched"], summary["stored"], summary["errors"]) == (120, 120, 0)
    rows = stored(mailbox)
    assert digests([bytes(row.raw) for row in rows]) == digests(first)
    assert not [row.pk for row in rows if row.status == InboundStatus.RECEIVED]
    flags = folder_state(dovecot, folder)
    assert len(flags) == 120
    assert all(SEEN in f and KEYWORD in f for f in flags.values())
    mailbox.refresh_from_db()
    assert mailbox.last_uid == max(flags)
    assert mailbox.uidvalidity == uidvalidity(dovecot, folder)
    assert mailbox.last_error == ""
    assert mailbox.last_polled_at is not None

    # The server answers "UID 121:*" with the last message (UID 120): it must not come again.
    again = poll_once(mailbox)
    assert (again["fetched"], again["stored"]) == (0, 0)

    later = [message(n, tag=folder) for n in range(120, 125)]
    append(dovecot, folder, later)
    third = poll_once(mailbox)
    assert (third["fetched"], third["stored"], third["duplicates"]) == (5, 5, 0)
    assert digests([bytes(row.raw) for row in stored(mailbox)]) == digests(first + later)


@pytest.mark.django_db
def test_a_new_uidvalidity_fetches_the_folder_again_without_duplicates(dovecot: Dovecot) -> None:
    folder = new_folder()
    mails = [message(n, tag=folder) for n in range(30)]
    append(dovecot, folder, mails)
    mailbox = make_mailbox(dovecot, folder)
    poll_once(mailbox)
    before = uidvalidity(dovecot, folder)

    recreate(dovecot, folder)
    newcomer = message(999, tag=folder)
    append(dovecot, folder, [*mails, newcomer])
    assert uidvalidity(dovecot, folder) != before  # the premise: UIDs started over

    summary = poll_once(mailbox)

    # UIDs now run 1..31, all at or below the stored last_uid of 30: trusting it would miss the
    # newcomer. The whole folder is fetched again, and only the newcomer is new.
    assert (summary["fetched"], summary["stored"], summary["duplicates"]) == (31, 1, 30)
    assert digests([bytes(row.raw) for row in stored(mailbox)]) == digests([*mails, newcomer])
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity == uidvalidity(dovecot, folder)
    assert mailbox.last_uid == 31


@pytest.mark.django_db
def test_stored_mail_moves_to_the_done_folder(dovecot: Dovecot) -> None:
    folder, done = new_folder(), new_folder()
    mails = [message(n, tag=folder) for n in range(12)]
    append(dovecot, folder, mails)
    mailbox = make_mailbox(dovecot, folder, imap_done_folder=done)

    summary = poll_once(mailbox)

    assert summary["stored"] == 12
    assert folder_state(dovecot, folder) == {}
    moved = folder_state(dovecot, done)
    assert len(moved) == 12
    assert all(SEEN in f and KEYWORD in f for f in moved.values())
    append(dovecot, folder, [message(12, tag=folder)])
    assert poll_once(mailbox)["stored"] == 1
    assert len(folder_state(dovecot, done)) == 13


@pytest.mark.django_db
def test_without_move_the_mail_is_copied_then_expunged(
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = IMAPClient.has_capability

    def no_move(self: Any, capability: str) -> bool:
        return capability.upper() != "MOVE" and bool(real(self, capability))

    monkeypatch.setattr(IMAPClient, "has_capability", no_move)
    folder, done = new_folder(), new_folder()
    append(dovecot, folder, [message(n, tag=folder) for n in range(5)])
    mailbox = make_mailbox(dovecot, folder, imap_done_folder=done)

    assert poll_once(mailbox)["stored"] == 5

    assert folder_state(dovecot, folder) == {}
    assert len(folder_state(dovecot, done)) == 5


@pytest.mark.django_db
def test_bodies_are_fetched_in_bounded_chunks(
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunk = 20_000
    monkeypatch.setattr(imap, "CHUNK_BYTES", chunk)
    largest: list[int] = []
    real_fetch = IMAPClient.fetch

    def measuring_fetch(self: Any, messages: Any, data: Any, modifiers: Any = None) -> Any:
        result = real_fetch(self, messages, data, modifiers)
        bodies = [len(d.get(b"BODY[]", b"")) for d in result.values()]
        if "BODY.PEEK[]" in data:
            largest.append(sum(bodies) if len(bodies) > 1 else 0)
        return result

    monkeypatch.setattr(IMAPClient, "fetch", measuring_fetch)
    folder = new_folder()
    mails = [message(n, tag=folder, size=3_000 + 1_000 * (n % 7)) for n in range(40)]
    mails.append(message(40, tag=folder, size=3 * chunk))  # larger than a chunk: fetched alone
    append(dovecot, folder, mails)
    mailbox = make_mailbox(dovecot, folder)

    assert poll_once(mailbox)["stored"] == 41

    assert len(largest) > 1
    assert max(largest) <= chunk
    assert digests([bytes(row.raw) for row in stored(mailbox)]) == digests(mails)


@pytest.mark.django_db
def test_odd_mail_is_stored_and_exact_repeats_once(dovecot: Dovecot) -> None:
    folder = new_folder()
    twin_a = message(1, tag=folder)
    twin_b = twin_a.replace(b"message 1.", b"message 1 (edited).")  # same Message-ID
    no_id = b"From: a@mail.test\r\nSubject: no id\r\n\r\nhello\r\n"
    junk = b"\xff\xfe not a mail at all, \x80\x81 no headers\r\n" * 10  # IMAP forbids NUL
    append(dovecot, folder, [twin_a, twin_b, no_id, junk, twin_a])
    mailbox = make_mailbox(dovecot, folder)

    summary = poll_once(mailbox)

    assert (summary["fetched"], summary["stored"], summary["duplicates"]) == (5, 4, 1)
    assert digests([bytes(row.raw) for row in stored(mailbox)]) == digests(
        [twin_a, twin_b, no_id, junk]
    )
    assert all(SEEN in f for f in folder_state(dovecot, folder).values())


@pytest.mark.django_db
def test_mail_stored_but_not_processed_is_processed_at_the_next_start() -> None:
    """A crash between storing and processing leaves the mail *received*; it is not lost."""
    left = mail_store(message(1, tag="left-behind"), source="crashed@shop.test").inbound
    assert left.status == InboundStatus.RECEIVED

    summary = run_imap(None, idle=False, once=True)

    left.refresh_from_db()
    assert left.status != InboundStatus.RECEIVED
    assert summary["pending_processed"] == 1


@pytest.mark.django_db
def test_search_entries_are_written_during_a_long_round_and_at_its_end(
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round writes the search entries of what it read every INDEX_EVERY mails and when it
    ends, each case once: a long backlog does not keep every new case out of search until it
    is done, and each batch does not rewrite them."""
    from amends.cases.models import Case
    from amends.search import indexing
    from amends.search.models import SearchEntry
    from tests.factories import TeamFactory

    folder = new_folder()
    append(dovecot, folder, [message(n, tag=folder) for n in range(120)])
    mailbox = make_mailbox(dovecot, folder)
    TeamFactory(brand=mailbox.brand)
    monkeypatch.setattr(imap, "INDEX_EVERY", 100)  # two batches of 50
    real = indexing.index_objects
    processed_at_flush: list[int] = []

    def watched(*, kind: str, pks: Sequence[int]) -> Any:
        if kind == "case":
            processed_at_flush.append(
                InboundMessage.objects.filter(status=InboundStatus.PROCESSED).count()
            )
        return real(kind=kind, pks=pks)

    monkeypatch.setattr(indexing, "index_objects", watched)
    poll_once(mailbox)

    assert processed_at_flush == [100, 120]
    cases = set(Case.objects.values_list("pk", flat=True))
    assert len(cases) == 120
    indexed = set(SearchEntry.objects.filter(kind="case").values_list("object_id", flat=True))
    assert indexed == cases


@pytest.mark.django_db
def test_the_task_polls_one_mailbox(dovecot: Dovecot) -> None:
    folder = new_folder()
    append(dovecot, folder, [message(n, tag=folder) for n in range(3)])
    mailbox = make_mailbox(dovecot, folder)

    summary = mailbox_poll.call(mailbox_id=mailbox.pk)

    assert summary["stored"] == 3
    assert len(stored(mailbox)) == 3


# --- failures the mailbox records ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_password_is_recorded_not_raised(dovecot: Dovecot) -> None:
    folder = new_folder()
    append(dovecot, folder, [message(1, tag=folder)])
    wrong = make_mailbox(dovecot, folder, imap_password="not-the-password")
    other = new_folder()
    append(dovecot, other, [message(1, tag=other)])
    fine = make_mailbox(dovecot, other)

    summary = run_imap([wrong.pk, fine.pk], idle=False, once=True)

    wrong.refresh_from_db()
    assert "login failed" in wrong.last_error
    assert "not-the-password" not in wrong.last_error
    assert wrong.last_polled_at is not None
    assert stored(wrong) == []
    assert summary["errors"] == 1
    assert len(stored(fine)) == 1  # one broken mailbox does not stop the others


@pytest.mark.django_db
def test_a_missing_folder_is_recorded(dovecot: Dovecot) -> None:
    mailbox = make_mailbox(dovecot, new_folder())

    poll_once(mailbox)

    mailbox.refresh_from_db()
    assert mailbox.last_error


@pytest.mark.django_db
def test_plain_text_imap_is_refused_to_a_remote_host() -> None:
    mailbox = Mailbox.objects.create(
        brand=BrandFactory(code="shop"),
        address="remote@shop.test",
        imap_host="imap.example.org",
        imap_port=143,
        imap_security="none",
        imap_user="support",
        imap_password="secret",
    )

    poll_once(mailbox)

    mailbox.refresh_from_db()
    assert "loopback" in mailbox.last_error


def _with_tls(server: Dovecot) -> Dovecot:
    if server.certificate is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    return server


@pytest.mark.django_db
@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_an_untrusted_certificate_is_refused(dovecot: Dovecot, security: str) -> None:
    server = _with_tls(dovecot)
    folder = new_folder()
    append(server, folder, [message(1, tag=folder)])
    port = server.tls_port if security == "tls" else server.port
    mailbox = make_mailbox(server, folder, imap_security=security, imap_port=port)

    poll_once(mailbox)

    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_error
    assert stored(mailbox) == []


@pytest.mark.django_db
@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_and_starttls_poll_a_trusted_server(
    dovecot: Dovecot, security: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _with_tls(dovecot)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.certificate))  # trust the test's own CA
    folder = new_folder()
    append(server, folder, [message(1, tag=folder)])
    port = server.tls_port if security == "tls" else server.port
    mailbox = make_mailbox(server, folder, imap_security=security, imap_port=port)

    assert poll_once(mailbox)["stored"] == 1

    mailbox.refresh_from_db()
    assert mailbox.last_error == ""


# --- IDLE ---------------------------------------------------------------------------------------


class Watcher:
    """``run_imap`` (IDLE, or polling every 0.2 s) on a thread, stopped at the end of the test."""

    def __init__(self, mailbox: Mailbox | None, *, idle: bool = True) -> None:
        self.stop = threading.Event()
        self.summary: dict[str, Any] = {}
        ids = [mailbox.pk] if mailbox is not None else None
        self.thread = threading.Thread(target=self._run, args=(ids, idle), daemon=True)
        self.thread.start()

    def _run(self, ids: list[int] | None, idle: bool) -> None:
        self.summary = run_imap(ids, idle=idle, once=False, stop=self.stop, interval=0.2)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT_SECONDS)
        assert not self.thread.is_alive(), "the IDLE loop did not stop"


@pytest.fixture
def watch() -> Iterator[Callable[..., Watcher]]:
    watchers: list[Watcher] = []

    def start(mailbox: Mailbox | None, *, idle: bool = True) -> Watcher:
        watchers.append(Watcher(mailbox, idle=idle))
        return watchers[-1]

    yield start
    for watcher in watchers:
        watcher.close()


@pytest.mark.django_db(transaction=True)
def test_idle_stores_new_mail_as_it_arrives(
    dovecot: Dovecot, watch: Callable[..., Watcher]
) -> None:
    folder = new_folder()
    append(dovecot, folder, [message(0, tag=folder)])
    mailbox = make_mailbox(dovecot, folder)
    watcher = watch(mailbox)
    wait_for(lambda: len(stored(mailbox)) == 1, "the mail already there")

    append(dovecot, folder, [message(1, tag=folder), message(2, tag=folder)])
    wait_for(lambda: len(stored(mailbox)) == 3, "the new mail")

    watcher.close()
    assert watcher.summary["stored"] == 3
    assert all(KEYWORD in f for f in folder_state(dovecot, folder).values())


@pytest.mark.django_db(transaction=True)
def test_mail_arriving_during_a_round_is_fetched_before_idling(
    dovecot: Dovecot, watch: Callable[..., Watcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server tells of it once, at the end of our next command, not in the IDLE after."""
    folder = new_folder()
    append(dovecot, folder, [message(0, tag=folder)])
    mailbox = make_mailbox(dovecot, folder)
    real_process = stored_mail_process_many
    arrived: list[bool] = []

    def process_while_mail_arrives(*, inbound_ids: Sequence[int]) -> None:
        if not arrived:
            arrived.append(True)
            append(dovecot, folder, [message(1, tag=folder)])
        real_process(inbound_ids=inbound_ids)

    monkeypatch.setattr(imap, "stored_mail_process_many", process_while_mail_arrives)
    watch(mailbox)

    wait_for(lambda: len(stored(mailbox)) == 2, "the mail that arrived during the round")


@pytest.mark.django_db(transaction=True)
def test_a_mailbox_added_while_idling_is_watched_too(
    dovecot: Dovecot, watch: Callable[..., Watcher]
) -> None:
    first, second = new_folder(), new_folder()
    append(dovecot, first, [message(0, tag=first)])
    watch(None)
    early = make_mailbox(dovecot, first)
    wait_for(lambda: len(stored(early)) == 1, "the first mailbox's mail")

    late = make_mailbox(dovecot, second)
    append(dovecot, second, [message(0, tag=second)])

    wait_for(lambda: len(stored(late)) == 1, "the mailbox added later")


@pytest.mark.django_db(transaction=True)
def test_without_idle_the_folder_is_polled_at_the_interval(
    dovecot: Dovecot, watch: Callable[..., Watcher]
) -> None:
    folder = new_folder()
    mailbox = make_mailbox(dovecot, folder)
    append(dovecot, folder, [message(0, tag=folder)])
    watcher = watch(mailbox, idle=False)
    wait_for(lambda: len(stored(mailbox)) == 1, "the first round")

    append(dovecot, folder, [message(1, tag=folder)])

    wait_for(lambda: len(stored(mailbox)) == 2, "a later round")
    watcher.close()
    assert watcher.summary["stored"] == 2


class Proxy:
    """A TCP relay to Dovecot that the test can cut, or make refuse, like a server going away."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.refusing = threading.Event()
        self.accepted = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if self.refusing.is_set():
                self.refused += 1
                client.close()
                continue
            self.accepted += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open = []

    def close(self) -> None:
        self.listener.close()
        self.cut()


@pytest.mark.django_db(transaction=True)
def test_idle_reconnects_when_the_server_goes_away(
    dovecot: Dovecot, watch: Callable[..., Watcher]
) -> None:
    proxy = Proxy(dovecot.port)
    try:
        folder = new_folder()
        append(dovecot, folder, [message(0, tag=folder)])
        mailbox = make_mailbox(dovecot, folder, imap_port=proxy.port)
        watch(mailbox)
        wait_for(lambda: len(stored(mailbox)) == 1, "the first mail")

        proxy.refusing.set()
        proxy.cut()
        wait_for(lambda: proxy.refused >= 1, "a reconnection attempt")
        wait_for(lambda: Mailbox.objects.get(pk=mailbox.pk).last_error != "", "the error recorded")
        append(dovecot, folder, [message(1, tag=folder)])  # arrives while the server is away
        proxy.refusing.clear()

        wait_for(lambda: len(stored(mailbox)) == 2, "the mail sent while away")
        wait_for(lambda: Mailbox.objects.get(pk=mailbox.pk).last_error == "", "the error cleared")
        assert proxy.accepted >= 2
    finally:
        proxy.close()
