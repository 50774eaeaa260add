"""Mail in by delivery: the LMTP (or SMTP) endpoint an MTA hands the support addresses' mail to.

The MTA keeps a mail until it hears 250, so 250 is said only once ``intake.mail_store`` has
committed the mail; a database that fails answers 451 4.3.0 and the MTA tries again later (what
was stored already is recognised and stored once). A recipient amends has no mailbox for is
refused at RCPT with 550 5.1.1, and a mail over the size limit with 552 (the limit is advertised
with SIZE). Over LMTP every accepted recipient gets its own answer after the data (RFC 2033).

As the final delivery agent the endpoint adds ``Return-Path`` (the envelope sender) and
``Delivered-To`` (the envelope recipient, with any ``+tag``) on top of the mail, as Dovecot or
Postfix's local delivery do: the reader tells bounces by the first and sees the tag in the second.

Database work runs in worker threads, never on the event loop; each thread keeps its database
connection for the next mail and closes it when it fails (the next call opens a fresh one).
Processing starts after the answer, on a thread of its own, so it neither delays nor fails the
250: what was delivered while the thread was busy is processed together, up to
``tasks.PROCESS_TOGETHER`` mails in one transaction and one search-index write (one mail at a
time when deliveries are few, groups when they come faster than one by one would keep up). Mail
it did not get to stays *received* and is processed at the next start (or by the periodic
sweep).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import connection

from amends.mail.directory import directory
from amends.mail.imap import stop_on_signals
from amends.mail.intake import mail_store
from amends.mail.models import Mailbox
from amends.mail.parsed import MailLimits
from amends.mail.tasks import (
    PROCESS_TOGETHER,
    stored_mail_prepare,
    stored_mail_process_many,
    stored_mail_process_pending,
)
from amends.search.indexing import deferred as deferred_indexing

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8024
MAX_RECIPIENTS = 100
# RFC 5321 allows 1,000 octets a line; some senders write longer ones, and refusing them would
# bounce a customer's mail, so the endpoint reads lines up to this length.
MAX_LINE_BYTES = 1024 * 1024
# Stored mail that no delivery processed (the endpoint stopped first) is taken up this often.
SWEEP_SECONDS = 300.0
SWEEP_AGE = dt.timedelta(minutes=5)
# How long a delivery waits for processing to let go of the database (SQLite) before it tries
# anyway (and the database's own lock decides).
DELIVERY_WAIT_SECONDS = 10.0
# While mail keeps coming, search entries are written at least this often.
INDEX_EVERY_SECONDS = 2.0

TEMPORARY = "451 4.3.0 Temporary failure, please try again later"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")

T = TypeVar("T")


def max_bytes() -> int:
    """The largest mail accepted: ``AMENDS_MAIL_MAX_BYTES``, else the reader's limit."""
    configured = getattr(settings, "AMENDS_MAIL_MAX_BYTES", None)
    return int(configured) if configured else MailLimits().max_bytes


def mailbox_for_address(address: str) -> Mailbox | None:
    """The active mailbox an envelope recipient belongs to: ``support+AM-12@shop.example``
    belongs to ``support@shop.example``. Case does not matter. Read from the in-memory
    directory (``mail.directory``), which any change to a mailbox refreshes."""
    address = address.strip().strip("<>").lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return None
    candidates = [address]
    base = local.split("+", 1)[0] if "+" in local else ""
    if base:
        candidates.append(f"{base}@{domain}")
    for fresh in (False, True):  # before refusing, read the mailboxes again
        mailboxes = directory(fresh=fresh).mailboxes
        for candidate in candidates:
            found = mailboxes.get(candidate)
            if found is not None:
                return found if found.active else None
    return None


def _closing_connection(func: Callable[..., T], *args: Any) -> T:
    """Run database work on this thread's connection. Without a pool (SQLite) the connection is
    kept for the next mail, since opening one costs more than storing a small mail; with a pool
    (PostgreSQL) it goes back to the pool, where it is cheap to take again and where a thread
    must not hold it. A connection that failed is closed either way, so the next call opens a
    fresh one (after a database restart, say).

    SQLite's connection is never "obsolete": Django's ``close_if_unusable_or_obsolete`` would
    close it after every call (``CONN_MAX_AGE`` is 0) and the next call would open it again,
    with its pragmas, for each mail."""
    if connection.vendor != "sqlite":
        connection.close_if_unusable_or_obsolete()
    try:
        return func(*args)
    except BaseException:
        connection.close()
        raise
    finally:
        if connection.settings_dict.get("OPTIONS", {}).get("pool"):
            connection.close()


def _trace_value(value: str) -> str:
    return _UNSAFE.sub("", value)[:500]


def _with_trace(raw: bytes, *, sender: str, recipients: list[str]) -> bytes:
    lines = [f"Return-Path: <{_trace_value(sender)}>"]
    lines += [f"Delivered-To: {_trace_value(rcpt)}" for rcpt in recipients]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8") + raw


class WriteTurns:
    """Whose turn it is to write, for a database with one writer at a time (SQLite), among this
    process's threads: deliveries first, processing between them.

    Left to SQLite, a delivery that finds processing writing waits in SQLite's busy handler,
    which sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries: a store of a millisecond took tens
    of milliseconds before its 250, and with it every client's next mail. Here a delivery waits
    on a condition that wakes it the moment processing lets go, and processing waits while any
    delivery is waiting. A delivery waits at most :data:`DELIVERY_WAIT_SECONDS` for a turn
    (a group stuck on a slow mail must not hold every 250), then goes ahead and leaves it to
    the database. With a database that takes writers side by side (PostgreSQL), nobody waits.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._writing = False
        self._deliveries_waiting = 0

    @staticmethod
    def _needed() -> bool:
        return connection.vendor == "sqlite"

    @contextlib.contextmanager
    def delivery(self) -> Iterator[None]:
        if not self._needed():
            yield
            return
        with self._changed:
            self._deliveries_waiting += 1
            try:
                turn = self._changed.wait_for(
                    lambda: not self._writing, timeout=DELIVERY_WAIT_SECONDS
                )
            finally:
                self._deliveries_waiting -= 1
            if turn:
                self._writing = True
        if not turn:
            logger.warning("no turn to write within %ss; storing anyway", DELIVERY_WAIT_SECONDS)
            yield
            return
        try:
            yield
        finally:
            self._release()

    @contextlib.contextmanager
    def processing(self) -> Iterator[None]:
        if not self._needed():
            yield
            return
        with self._changed:
            self._changed.wait_for(lambda: not self._writing and not self._deliveries_waiting)
            self._writing = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._changed:
            self._writing = False
            self._changed.notify_all()


_turns = WriteTurns()


def _store_all(raw: bytes, sender: str, recipients: list[str]) -> tuple[list[str], list[int]]:
    """Store the mail once per mailbox among the recipients; one status per recipient, and the
    ids of the rows created."""
    with _turns.delivery():
        return _store_each(raw, sender, recipients)


def _store_each(raw: bytes, sender: str, recipients: list[str]) -> tuple[list[str], list[int]]:
    statuses = [TEMPORARY] * len(recipients)
    created: list[int] = []
    by_mailbox: dict[str, tuple[Mailbox | None, list[int]]] = {}
    for index, rcpt in enumerate(recipients):
        try:
            mailbox = mailbox_for_address(rcpt)
        except Exception:
            logger.exception("looking up the mailbox of %s failed", rcpt)
            continue
        # Accepted at RCPT, so stored even if the mailbox was removed since: nothing is lost.
        key = mailbox.address if mailbox is not None else rcpt.lower()
        by_mailbox.setdefault(key, (mailbox, []))[1].append(index)
    for key, (mailbox, indexes) in by_mailbox.items():
        data = _with_trace(raw, sender=sender, recipients=[recipients[i] for i in indexes])
        try:
            result = mail_store(data, mailbox=mailbox, source=key)
        except Exception:  # the database failed: the MTA keeps the mail and tries again
            logger.exception("storing delivered mail for %s failed", key)
            continue
        if result.created:
            created.append(result.inbound.pk)
        for index in indexes:
            statuses[index] = f"250 2.0.0 <{_trace_value(recipients[index])}> stored"
    return statuses, created


class Processing:
    """The thread that processes delivered mail after its 250, a group at a time.

    ``submit`` never blocks and never fails the delivery. The thread takes what is waiting, up
    to :data:`~amends.mail.tasks.PROCESS_TOGETHER` mails, and processes it in one transaction:
    under load the queue fills while a group is processed, so the next group is larger and the
    cost of a commit is shared. Search entries are written when nothing is waiting, and at
    least every :data:`INDEX_EVERY_SECONDS` while mail keeps coming: each changed case once, not
    once per mail. ``stop`` lets the group in hand finish; what was still waiting stays
    *received* (the next start or the sweep takes it up).
    """

    def __init__(self) -> None:
        self._waiting: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="amends-mail-process", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, inbound_ids: list[int]) -> None:
        for inbound_id in inbound_ids:
            self._waiting.put(inbound_id)

    def stop(self) -> None:
        self._stopping.set()
        self._waiting.put(None)
        if self._thread.is_alive():
            self._thread.join()

    def _next_group(self, *, wait: bool) -> list[int] | None:
        """Up to PROCESS_TOGETHER waiting ids; [] when none waits (and ``wait`` is false);
        None once stopped."""
        try:
            first = self._waiting.get(block=wait)
        except queue.Empty:
            return []
        if first is None or self._stopping.is_set():
            return None
        group = [first]
        while len(group) < PROCESS_TOGETHER:
            try:
                more = self._waiting.get_nowait()
            except queue.Empty:
                break
            if more is None:
                break
            group.append(more)
        return group

    def _run(self) -> None:
        with deferred_indexing() as index_now:
            indexed = time.monotonic()
            while True:
                group = self._next_group(wait=False)
                if group == []:  # nothing waiting: the search entries catch up, then wait
                    self._write(index_now)
                    indexed = time.monotonic()
                    group = self._next_group(wait=True)
                if not group:
                    break
                self._read(functools.partial(stored_mail_prepare, inbound_ids=group))
                self._write(
                    functools.partial(stored_mail_process_many, inbound_ids=group, prepared=True)
                )
                if time.monotonic() - indexed >= INDEX_EVERY_SECONDS:
                    self._write(index_now)
                    indexed = time.monotonic()
            self._write(index_now)

    @staticmethod
    def _read(work: Callable[[], object]) -> None:
        """Work that writes nothing (parsing the group), outside the write turn."""
        try:
            _closing_connection(work)
        except Exception:  # met again by the processing that follows
            logger.exception("preparing delivered mail failed")

    @staticmethod
    def _write(work: Callable[[], object]) -> None:
        try:
            with _turns.processing():
                _closing_connection(work)
        except Exception:  # stays received; the sweep or the next start processes it
            logger.exception("processing delivered mail failed; it stays pending")


class Delivery:
    """The aiosmtpd handler: recipients checked against the mailboxes, mail stored before 250."""

    def __init__(self, *, lmtp: bool, processor: Processing) -> None:
        self.lmtp = lmtp
        self.processor = processor

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        try:
            mailbox = await asyncio.to_thread(_closing_connection, mailbox_for_address, address)
        except Exception:
            logger.exception("looking up the mailbox of %s failed", address)
            return TEMPORARY
        if mailbox is None:
            return f"550 5.1.1 <{_trace_value(address)}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        recipients = list(envelope.rcpt_tos)
        statuses, created = await asyncio.to_thread(
            _closing_connection, _store_all, raw, envelope.mail_from or "", recipients
        )
        if created:
            # On a thread of its own: processing neither holds back this answer nor can fail it.
            self.processor.submit(created)
        if self.lmtp:
            return "\r\n".join(statuses)
        if all(status.startswith("250") for status in statuses):
            return "250 2.0.0 Stored"
        return TEMPORARY

    async def handle_exception(self, error: Exception) -> str:
        # A fault of ours must not make the MTA bounce the mail: answer "try again later".
        logger.exception("mail delivery failed", exc_info=error)
        return TEMPORARY


class _LMTPServer(LMTP):
    """aiosmtpd's LMTP, answering once per recipient also when it refuses the data itself (too
    large, a line too long): an LMTP client waits for one reply per accepted recipient."""

    line_length_limit = MAX_LINE_BYTES
    _in_data = False

    def _set_post_data_state(self) -> None:
        self._in_data = False
        super()._set_post_data_state()  # type: ignore[no-untyped-call]

    async def push(self, status: Any) -> None:
        if isinstance(status, str) and status.startswith("354"):
            self._in_data = True
        elif (
            self._in_data
            and isinstance(status, str)
            and "\r\n" not in status
            and self.envelope is not None
            and len(self.envelope.rcpt_tos) > 1
        ):
            status = "\r\n".join([status] * len(self.envelope.rcpt_tos))
        await super().push(status)


class _SMTPServer(SMTP):
    line_length_limit = MAX_LINE_BYTES


class MailEndpoint:
    """The endpoint on an event loop in a thread of its own; ``port=0`` picks a free port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        lmtp: bool = True,
        limit: int | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.lmtp = lmtp
        self.limit = limit or max_bytes()
        self._processor = Processing()
        self._handler = Delivery(lmtp=lmtp, processor=self._processor)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _protocol(self) -> SMTP:
        kind = _LMTPServer if self.lmtp else _SMTPServer
        return kind(
            self._handler,
            data_size_limit=self.limit,
            enable_SMTPUTF8=True,
            hostname=socket.gethostname(),
            ident="amends",
            loop=self._loop,
        )

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                loop.create_server(self._protocol, self.host, self.port)
            )
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            sessions = asyncio.all_tasks(loop)
            for task in sessions:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*sessions, return_exceptions=True))
            # Stores already running in threads finish (their mail is committed; unanswered, the
            # MTA delivers it again and the dedupe recognises it).
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def start(self) -> MailEndpoint:
        self._processor.start()
        self._thread = threading.Thread(target=self._run, name="amends-mail-endpoint", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._processor.stop()
            raise self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._processor.stop()

    def __enter__(self) -> MailEndpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve_lmtp(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    lmtp: bool = True,
    stop: threading.Event | None = None,
) -> None:
    """``amends mail serve``: receive mail by LMTP (or SMTP) until ``stop`` is set (without one
    of the caller's, until SIGTERM or SIGINT)."""
    handle_signals = stop is None
    stop = stop or threading.Event()
    signals = stop_on_signals(stop) if handle_signals else contextlib.nullcontext()
    with signals, MailEndpoint(host, port, lmtp=lmtp) as endpoint:
        logger.info(
            "receiving mail by %s on %s:%s", "LMTP" if lmtp else "SMTP", host, endpoint.port
        )
        _closing_connection(stored_mail_process_pending)
        while not stop.wait(SWEEP_SECONDS):
            _closing_connection(
                functools.partial(stored_mail_process_pending, older_than=SWEEP_AGE)
            )
