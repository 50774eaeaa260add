"""Mail in by IMAP: poll a mailbox's folder, or wait on it with IDLE, and store what is new.

The order of the steps is what makes it safe to stop or crash anywhere:

1. fetch a batch of new messages with ``BODY.PEEK[]`` (fetching does not mark them read);
2. commit them with ``intake.mail_store``, a chunk per transaction (the same mail fetched twice
   is stored once);
3. only then acknowledge the batch on the server: ``\\Seen`` and the ``$AmendsStored`` keyword,
   then a move to the done folder when the mailbox has one;
4. record the highest UID done (``Mailbox.last_uid``);
5. process what was stored (``tasks.stored_mail_process_many``).

A crash before 3 fetches the batch again, and the dedupe absorbs it; a crash before 5 leaves the
mail *received*, and every run starts by processing ``intake.pending()``.

UIDs only mean something together with the folder's UIDVALIDITY. When it differs from the stored
one (a first poll, a folder deleted and created again, a server that rebuilt its index) every
message in the folder is fetched again; the dedupe keeps what was stored before from doubling.

Memory stays bounded: UIDs are fetched 50 at a time, and the bodies of a batch in chunks of at
most ``CHUNK_BYTES`` (by the sizes the server reports), so a mailbox of thousands of messages is
never held at once. A single mail is fetched whole, however large: the parser quarantines what is
over the limit, and the raw bytes stay for an agent to see.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import signal
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from types import FrameType
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from amends.inbound.services import InboundResult
from amends.mail.intake import mail_store
from amends.mail.models import ImapSecurity, Mailbox
from amends.mail.tasks import stored_mail_process_many, stored_mail_process_pending
from amends.search.indexing import deferred as deferred_indexing

logger = logging.getLogger(__name__)

STORED_KEYWORD = "$AmendsStored"
BATCH = 50
# Search entries are written after this many mails of a round (and at its end).
INDEX_EVERY = 200
CHUNK_BYTES = 16 * 1024 * 1024
SOCKET_TIMEOUT = 60.0
POLL_SECONDS = 60.0
# RFC 2177: a client re-issues IDLE at least every 29 minutes, or servers log it out.
IDLE_RENEW_SECONDS = 29 * 60.0
# How often an idling connection looks at the stop event.
IDLE_CHECK_SECONDS = 1.0
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 300.0
# A database that went away mid-batch is retried this many times before the round gives up.
DB_ATTEMPTS = 4

_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"


class ImapSettingsError(Exception):
    """The mailbox's IMAP settings cannot work as they are; the message says what to change."""


@dataclass
class PollOutcome:
    mailbox_id: int
    address: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    error: str = ""


# --- connection ---------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    name = host.strip().rstrip(".").strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def imap_connect(mailbox: Mailbox) -> Any:
    """A logged-in IMAPClient for the mailbox. TLS certificates are verified; plain text is
    refused unless the server is on this machine, where nobody can listen in."""
    security = mailbox.imap_security
    if security == ImapSecurity.NONE and not _is_loopback(mailbox.imap_host):
        raise ImapSettingsError(
            f"IMAP without TLS is only allowed to a loopback address, not {mailbox.imap_host!r}; "
            "choose TLS or STARTTLS"
        )
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=security == ImapSecurity.TLS,
        ssl_context=context if security == ImapSecurity.TLS else None,
        timeout=SOCKET_TIMEOUT,
    )
    try:
        if security == ImapSecurity.STARTTLS:
            client.starttls(context)
        client.login(mailbox.imap_user, mailbox.imap_password)
    except BaseException:
        _close(client)
        raise
    return client


def _close(client: Any) -> None:
    try:
        client.logout()
    except Exception:  # the connection is gone already
        try:
            client.shutdown()
        except Exception:
            logger.debug("closing the IMAP connection failed", exc_info=True)


@contextlib.contextmanager
def _session(mailbox: Mailbox) -> Iterator[Any]:
    client = imap_connect(mailbox)
    try:
        yield client
    finally:
        _close(client)


# --- one round: fetch, store, acknowledge, record, process -------------------------------------


def _store(raws: list[bytes], mailbox: Mailbox, stop: threading.Event) -> list[InboundResult]:
    """``mail_store`` for a chunk of mails, in one transaction, riding out a database connection
    that was cut (restart, failover): the whole chunk is stored again, and what was stored
    already is found stored."""
    for attempt in range(DB_ATTEMPTS):
        try:
            with transaction.atomic():
                return [mail_store(raw, mailbox=mailbox) for raw in raws]
        except (OperationalError, InterfaceError):
            if attempt == DB_ATTEMPTS - 1 or connection.in_atomic_block:
                raise
            logger.warning("database error while storing mail; reconnecting", exc_info=True)
            connection.close()
            stop.wait(BACKOFF_FIRST * 2**attempt)
    raise AssertionError("unreachable")


def _chunks(uids: Sequence[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """Consecutive runs of UIDs whose bodies together stay under CHUNK_BYTES (a larger mail
    alone)."""
    chunk: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if chunk and total + size > CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
        chunk.append(uid)
        total += size
    if chunk:
        yield chunk


def _acknowledge(client: Any, mailbox: Mailbox, uids: list[int], *, keywords: bool) -> None:
    """Mark stored mail on the server: read, with our keyword, and moved if the mailbox says so.

    Runs only after the mail is committed. Without the MOVE extension the move is COPY, then
    ``\\Deleted`` and an expunge of those UIDs (UIDPLUS), or of the folder's deleted mail."""
    if not uids:
        return
    flags = [_SEEN, STORED_KEYWORD.encode()] if keywords else [_SEEN]
    client.add_flags(uids, flags, silent=True)
    folder = mailbox.imap_done_folder
    if not folder:
        return
    if client.has_capability("MOVE"):
        client.move(uids, folder)
        return
    client.copy(uids, folder)
    client.add_flags(uids, [_DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()


def _ingest(
    client: Any,
    mailbox: Mailbox,
    uids: list[int],
    *,
    keywords: bool,
    outcome: PollOutcome,
    stop: threading.Event,
) -> list[int]:
    """Store one batch, then acknowledge it and record its last UID; the new rows' ids."""
    created: list[int] = []
    stored_uids: list[int] = []
    sizes = {
        int(uid): int(data.get(b"RFC822.SIZE", 0))
        for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items()
    }
    for chunk in _chunks(uids, sizes):
        bodies = client.fetch(chunk, ["BODY.PEEK[]"])
        fetched = [
            (uid, bytes(raw))
            for uid in chunk
            # None: expunged by another client meanwhile
            if (raw := bodies.get(uid, {}).get(b"BODY[]")) is not None
        ]
        del bodies
        results = _store([raw for _uid, raw in fetched], mailbox, stop)
        for (uid, _raw), result in zip(fetched, results, strict=True):
            outcome.fetched += 1
            stored_uids.append(uid)
            if result.created:
                outcome.stored += 1
                created.append(result.inbound.pk)
            else:
                outcome.duplicates += 1
        del fetched
    _acknowledge(client, mailbox, stored_uids, keywords=keywords)
    # Monotonic: a concurrent round that got further is not set back.
    Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uids[-1]).update(last_uid=uids[-1])
    mailbox.last_uid = max(mailbox.last_uid, uids[-1])
    return created


def _ensure_folder(client: Any, folder: str) -> None:
    if folder and not client.folder_exists(folder):
        client.create_folder(folder)


def _sync(client: Any, mailbox: Mailbox, outcome: PollOutcome, stop: threading.Event) -> None:
    """Fetch and store everything new in the mailbox's folder, batch by batch."""
    selected = client.select_folder(mailbox.imap_folder)
    # Keywords need the server's leave to create new ones ("\\*" among the permanent flags).
    keywords = b"\\*" in selected.get(b"PERMANENTFLAGS", ())
    uidvalidity = int(selected[b"UIDVALIDITY"])
    if mailbox.uidvalidity != uidvalidity:
        if mailbox.uidvalidity is not None:
            logger.warning(
                "%s: UIDVALIDITY of %s changed (%s → %s); fetching the folder again",
                mailbox.address,
                mailbox.imap_folder,
                mailbox.uidvalidity,
                uidvalidity,
            )
        # Stored together, so a crash from here on fetches the whole folder again next time.
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
        mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
    # Search entries are written every INDEX_EVERY mails and when the round ends, each changed
    # case once, not once per batch.
    with deferred_indexing() as index_now:
        since_index = 0
        while True:
            _take_announcements(client)  # what the search below covers anyway
            uids = _new_uids(client, mailbox)
            if not uids and not _take_announcements(client):
                return  # nothing new, and nothing arrived during the search: IDLE may begin
            for start in range(0, len(uids), BATCH):
                if stop.is_set():
                    return
                batch = uids[start : start + BATCH]
                created = _ingest(
                    client, mailbox, batch, keywords=keywords, outcome=outcome, stop=stop
                )
                stored_mail_process_many(inbound_ids=created)
                since_index += len(batch)
                if since_index >= INDEX_EVERY:
                    index_now()
                    since_index = 0


def _take_announcements(client: Any) -> bool:
    """Whether the server announced new mail (EXISTS) since the last look, and forget what it
    announced.

    A server tells of new mail once, at the end of whichever command is running when it sees
    it — often one of our searches, whose result is already computed without that mail. IMAP
    libraries keep such unsolicited answers aside (imapclient leaves them with imaplib, until
    asked): missing one would leave the mail unfetched until the next IDLE renewal.
    """
    imap = getattr(client, "_imap", None)
    pending = getattr(imap, "untagged_responses", None)
    if not isinstance(pending, dict):
        return True  # cannot tell: search once more
    announced = bool(pending.get("EXISTS"))
    pending.clear()  # EXPUNGE answers to our moves would otherwise pile up for as long as we idle
    return announced


def _new_uids(client: Any, mailbox: Mailbox) -> list[int]:
    # "UID n:*" always matches the last message, even when its UID is below n: filter.
    found = client.search(["UID", f"{mailbox.last_uid + 1}:*"])
    return sorted(int(uid) for uid in found if int(uid) > mailbox.last_uid)


def _record(mailbox: Mailbox, *, error: str) -> None:
    try:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=timezone.now(), last_error=error[:2000]
        )
    except DatabaseError:
        logger.exception("could not record the poll of %s", mailbox.address)
        connection.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, LoginError):
        return f"login failed: {exc}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


# What a server, a network or a database does; anything else is logged with its traceback.
_EXPECTED = (IMAPClientError, OSError, ImapSettingsError, DatabaseError)


def _failed(mailbox: Mailbox, exc: Exception) -> str:
    """Log a failed round and return the error to record on the mailbox."""
    error = _describe(exc)
    if isinstance(exc, _EXPECTED):
        logger.warning("%s: IMAP failed: %s", mailbox.address, error)
    else:
        logger.exception("%s: IMAP failed", mailbox.address)
    if isinstance(exc, DatabaseError):
        connection.close()
    return error


def mailbox_fetch(mailbox: Mailbox, *, stop: threading.Event | None = None) -> PollOutcome:
    """One round for one mailbox: connect, store what is new, disconnect. Never raises for the
    server or the network; the error is recorded on the mailbox and returned."""
    stop = stop or threading.Event()
    outcome = PollOutcome(mailbox_id=mailbox.pk, address=mailbox.address)
    try:
        with _session(mailbox) as client:
            _ensure_folder(client, mailbox.imap_done_folder)
            _sync(client, mailbox, outcome, stop)
    except Exception as exc:  # whatever the server or the network did, the next round retries
        outcome.error = _failed(mailbox, exc)
    _record(mailbox, error=outcome.error)
    return outcome


# --- IDLE ---------------------------------------------------------------------------------------


def _idle_until_news(client: Any, stop: threading.Event) -> None:
    """Wait in IDLE until the server announces new mail, the stop event is set, or it is time to
    renew the IDLE. Raises when the connection turns out to be gone."""
    client.idle()
    started = time.monotonic()
    try:
        while not stop.is_set() and time.monotonic() - started < IDLE_RENEW_SECONDS:
            checked = time.monotonic()
            responses = client.idle_check(timeout=IDLE_CHECK_SECONDS)
            if any(_announces_mail(response) for response in responses):
                return
            if not responses and time.monotonic() - checked < IDLE_CHECK_SECONDS / 2:
                # Woken with nothing to read: the server closed the connection. Ending the IDLE
                # below reads from it, which raises, and the caller reconnects.
                return
    finally:
        client.idle_done()


def _announces_mail(response: Any) -> bool:
    return isinstance(response, tuple) and len(response) >= 2 and response[1] == b"EXISTS"


def _wait_for_news(client: Any, stop: threading.Event) -> None:
    if client.has_capability("IDLE"):
        _idle_until_news(client, stop)
    else:  # a server without IDLE is polled on the same connection
        stop.wait(POLL_SECONDS)
        client.noop()


def _watch(mailbox_id: int, stop: threading.Event, totals: _Totals) -> None:
    """Keep one mailbox in IDLE until stopped, reconnecting with backoff when the connection or
    the database fails."""
    backoff = BACKOFF_FIRST
    try:
        while not stop.is_set():
            try:
                mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
            except DatabaseError:
                logger.warning("database unavailable; again in %.0f s", backoff, exc_info=True)
                connection.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            if mailbox is None or not mailbox.polls_imap:
                return
            outcome = PollOutcome(mailbox_id=mailbox.pk, address=mailbox.address)
            try:
                with _session(mailbox) as client:
                    _ensure_folder(client, mailbox.imap_done_folder)
                    while not stop.is_set():
                        _sync(client, mailbox, outcome, stop)
                        _record(mailbox, error="")
                        backoff = BACKOFF_FIRST
                        if not stop.is_set():
                            _wait_for_news(client, stop)
            except Exception as exc:  # reconnect, whatever went wrong
                outcome.error = _failed(mailbox, exc)
                _record(mailbox, error=outcome.error)
                stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
            finally:
                totals.add(outcome)
    finally:
        connection.close()


# --- the command --------------------------------------------------------------------------------


class _Totals:
    """Outcomes of every round, per mailbox, gathered from the watching threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_mailbox: dict[int, PollOutcome] = {}

    def add(self, outcome: PollOutcome) -> None:
        with self._lock:
            total = self._by_mailbox.setdefault(
                outcome.mailbox_id, PollOutcome(outcome.mailbox_id, outcome.address)
            )
            total.fetched += outcome.fetched
            total.stored += outcome.stored
            total.duplicates += outcome.duplicates
            total.error = outcome.error

    def summary(self, processed: int) -> dict[str, Any]:
        with self._lock:
            rows = [asdict(o) for o in sorted(self._by_mailbox.values(), key=lambda o: o.address)]
        return {
            "mailboxes": rows,
            "fetched": sum(row["fetched"] for row in rows),
            "stored": sum(row["stored"] for row in rows),
            "duplicates": sum(row["duplicates"] for row in rows),
            "errors": sum(1 for row in rows if row["error"]),
            "pending_processed": processed,
        }


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set the stop event (in the main thread; elsewhere the caller's event
    is the only way to stop)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def request_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %s: stopping after the current batch", signum)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _mailboxes(mailbox_ids: list[int] | None) -> list[Mailbox]:
    """The mailboxes to poll; none while the database cannot be read (the next round retries)."""
    qs = Mailbox.objects.filter(active=True).exclude(imap_host="").exclude(imap_user="")
    if mailbox_ids:
        qs = qs.filter(pk__in=mailbox_ids)
    try:
        return list(qs.order_by("address"))
    except DatabaseError:
        logger.exception("could not read the mailboxes")
        connection.close()
        return []


def _watch_all(
    mailbox_ids: list[int] | None, stop: threading.Event, totals: _Totals, rescan: float
) -> None:
    """A watching thread per mailbox; mailboxes added (or activated) later are picked up at the
    next rescan, and a thread whose mailbox was deactivated ends."""
    watchers: dict[int, threading.Thread] = {}
    while not stop.is_set():
        for mailbox in _mailboxes(mailbox_ids):
            running = watchers.get(mailbox.pk)
            if running is None or not running.is_alive():
                watchers[mailbox.pk] = threading.Thread(
                    target=_watch,
                    args=(mailbox.pk, stop, totals),
                    name=f"amends-imap-{mailbox.pk}",
                    daemon=True,
                )
                watchers[mailbox.pk].start()
        connection.close()
        stop.wait(rescan)
    for watcher in watchers.values():
        while watcher.is_alive():
            watcher.join(timeout=1.0)


def run_imap(
    mailbox_ids: list[int] | None,
    *,
    idle: bool,
    once: bool,
    stop: threading.Event | None = None,
    interval: float = POLL_SECONDS,
) -> dict[str, Any]:
    """``amends mail poll``: fetch the new mail of every active IMAP mailbox (or the given ones).

    * ``once``: one round, then return (``idle`` is ignored);
    * ``idle``: one connection per mailbox waits in IDLE and fetches as soon as mail arrives;
      the mailboxes are looked up again every ``interval`` seconds;
    * neither: a round every ``interval`` seconds.

    Runs until ``stop`` is set and returns what it did. Without a ``stop`` event of the
    caller's, SIGTERM and SIGINT stop it (in the main thread), after the batch in hand. Mail
    stored earlier but never processed (a crash, a stop) is processed first.
    """
    handle_signals = stop is None
    stop = stop or threading.Event()
    totals = _Totals()
    with stop_on_signals(stop) if handle_signals else contextlib.nullcontext():
        processed = stored_mail_process_pending()
        if idle and not once:
            _watch_all(mailbox_ids, stop, totals, interval)
            return totals.summary(processed)
        while True:
            for mailbox in _mailboxes(mailbox_ids):
                if stop.is_set():
                    break
                totals.add(mailbox_fetch(mailbox, stop=stop))
            if once or stop.wait(interval):
                break
            processed += stored_mail_process_pending()
    return totals.summary(processed)
