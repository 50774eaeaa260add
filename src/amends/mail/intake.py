"""Mail in: raw bytes are committed first, then the mail is read and threaded.

Every way mail arrives (IMAP, LMTP delivery, ``amends mail import``) calls :func:`mail_store`,
which commits the raw bytes as an ``InboundMessage`` before it returns, and only then may the
caller acknowledge the mail (flag it, answer 250). :func:`mail_receive` stores and processes.

Deduplication is by (mailbox, Message-ID, sha256 of the bytes): the same mail fetched twice,
delivered twice by an MTA retrying, or imported twice is stored once. A mail without a
Message-ID gets a deterministic one from its hash, so that it too is stored once.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import hashlib
import re

from amends.inbound.models import InboundMessage
from amends.inbound.services import InboundResult, inbound_process, inbound_store
from amends.mail.models import Mailbox
from amends.mail.reports import message_id as normalise_message_id

CHANNEL = "email"
CONTENT_TYPE = "message/rfc822"
MISSING_ID_DOMAIN = "no-message-id.amends.invalid"

_HEADER_END = re.compile(rb"\r?\n\r?\n")
# Enough to find the Message-ID without reading a huge body; headers beyond it are not needed.
_HEADER_SCAN_BYTES = 512 * 1024


def headers_of(raw: bytes, *, scan_bytes: int = _HEADER_SCAN_BYTES) -> email.message.Message | None:
    """The mail's header block alone, read leniently (compat32), without touching the body;
    None when even that cannot be read. For the few headers needed before or without the full
    parse: the Message-ID, the sender."""
    head = raw[:scan_bytes]
    end = _HEADER_END.search(head)
    if end is not None:
        head = head[: end.start()]
    try:
        return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    except Exception:  # the full parser reports what is wrong; here a few headers matter
        return None


def message_id_of(raw: bytes) -> str:
    """The mail's Message-ID, or a deterministic one made from the hash of its bytes."""
    headers = headers_of(raw)
    found = normalise_message_id(str(headers.get("Message-ID", "") or "")) if headers else ""
    if found:
        return found
    return f"{hashlib.sha256(raw).hexdigest()[:40]}@{MISSING_ID_DOMAIN}"


def mail_store(raw: bytes, *, mailbox: Mailbox | None = None, source: str = "") -> InboundResult:
    """Commit the raw mail (or find it stored already). Acknowledge the mail only after this."""
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    return inbound_store(
        channel=CHANNEL,
        raw=raw,
        content_type=CONTENT_TYPE,
        source=mailbox.address if mailbox is not None else source,
        external_id=f"{message_id}\x1f{sha256}",
    )


def mail_receive(raw: bytes, *, mailbox: Mailbox | None = None, source: str = "") -> InboundResult:
    """Store, then read and thread the mail. Never raises for bad content: it quarantines."""
    result = mail_store(raw, mailbox=mailbox, source=source)
    if result.created:
        inbound_process(inbound=result.inbound)
        result.inbound.refresh_from_db()
    return result


def pending() -> list[InboundMessage]:
    """Stored mail not processed yet (a crash between store and process leaves some)."""
    return list(InboundMessage.objects.filter(channel=CHANNEL, status="received").order_by("id"))
