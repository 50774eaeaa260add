"""Delivery reports: who did not get a mail, for good or for now, and which mail it was.

Standard reports (RFC 3464, ``multipart/report; report-type=delivery-status``) are read field
by field from their ``message/delivery-status`` part. Bounces in free text, which many servers
still send, are read with flufl.bounce (Apache-2.0, the GNU Mailman project's detectors for
dozens of mail servers), and only for mail that comes from a mail system (null sender,
``MAILER-DAEMON``, ``postmaster``, or an ``X-Failed-Recipients`` header): a customer who writes
about an "undelivered parcel" is not a bounce.

The bounced mail is found by the Message-ID in the returned message or headers, or in a
returned copy quoted in the text.
"""

from __future__ import annotations

import contextlib
import email.parser
import re
from collections.abc import Iterable, Sequence
from email.message import Message
from email.policy import compat32

from flufl.bounce import all_failures

from amends.mail.charsets import decode_bytes, header_text
from amends.mail.parsed import DeliveryReport, ReportedRecipient

# Above this, free-text detection is not tried (its detectors read every line of every part).
MAX_HEURISTIC_BYTES = 2 * 1024 * 1024
MAX_RECIPIENTS = 100
_RETURNED_HEADER_BYTES = 64 * 1024
_SYSTEM_SENDERS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_DEFAULT_STATUS = {"failed": "5.0.0", "delayed": "4.0.0"}
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_ANGLE_ID = re.compile(r"<([^<>\s]{1,250})>")
_QUOTED_ID = re.compile(r"(?im)^[ \t>]*Message-ID:[ \t]*<([^<>\s]{1,250})>")
_ADDRESS = re.compile(r"[^\s<>@,;\"]{1,64}@[^\s<>@,;\"]{1,255}")


def message_id(value: str) -> str:
    """``<abc@example.org>`` → ``abc@example.org``; the first token when there are no brackets."""
    match = _ANGLE_ID.search(value)
    if match:
        return match.group(1)
    tokens = value.split()
    return tokens[0].strip("<>")[:250] if tokens else ""


def is_from_mail_system(
    *, from_address: str, return_path: str | None, has_failed_header: bool
) -> bool:
    local = from_address.partition("@")[0]
    return return_path == "" or local in _SYSTEM_SENDERS or has_failed_header


def _fields(block: Message) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in block.raw_items():
        fields.setdefault(name.strip().lower(), header_text(str(value))[:1000])
    return fields


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a ``message/delivery-status`` part, however it was sent."""
    if part.is_multipart():
        return [block for block in part.get_payload() if isinstance(block, Message)]
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a transfer encoding broken beyond what the library forgives
        data = b""
    text = decode_bytes(data if isinstance(data, bytes) else b"", "utf-8")[0]
    parser = email.parser.HeaderParser(policy=compat32)
    chunks = re.split(r"\r?\n[ \t]*\r?\n", text)
    return [parser.parsestr(chunk) for chunk in chunks[: MAX_RECIPIENTS + 1] if chunk.strip()]


def _address(value: str) -> str:
    kind, semicolon, rest = value.partition(";")
    address = (rest if semicolon else kind).strip().strip("<>").strip()
    return address.lower()[:320]


def _recipient(fields: dict[str, str]) -> ReportedRecipient | None:
    original = _address(fields.get("original-recipient", ""))
    final = _address(fields.get("final-recipient", ""))
    address = original if "@" in original else final or original
    if not address:
        return None
    action = (fields.get("action", "").split() or [""])[0].lower()[:20]
    status_match = _STATUS.search(fields.get("status", ""))
    status = status_match.group(0) if status_match else _DEFAULT_STATUS.get(action, "")
    diagnostic = fields.get("diagnostic-code", "")
    kind, semicolon, rest = diagnostic.partition(";")
    return ReportedRecipient(
        address=address,
        action=action,
        status=status,
        diagnostic=(rest if semicolon else kind).strip(),
    )


def returned_message_id(returned: Iterable[bytes]) -> str:
    """The Message-ID of the first returned message (or returned headers) that has one."""
    parser = email.parser.BytesHeaderParser(policy=compat32)
    for data in returned:
        try:
            items = list(parser.parsebytes(data[:_RETURNED_HEADER_BYTES]).raw_items())
        except Exception:  # the returned copy is whatever the bounce put there: no id in it
            items = []
        for name, value in items:
            if name.strip().lower() == "message-id":
                found = message_id(header_text(str(value)))
                if found:
                    return found
    return ""


def delivery_report(status_part: Message, returned: Sequence[bytes]) -> DeliveryReport | None:
    """The RFC 3464 report in ``status_part``; None when it names no recipient."""
    recipients = []
    for block in _blocks(status_part)[1:]:
        recipient = _recipient(_fields(block))
        if recipient is not None:
            recipients.append(recipient)
    if not recipients:
        return None
    return DeliveryReport(
        recipients=tuple(recipients[:MAX_RECIPIENTS]),
        original_message_id=returned_message_id(returned),
    )


def _addresses(values: Iterable[bytes | str]) -> list[str]:
    found: list[str] = []
    for value in values:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        found.extend(match.lower() for match in _ADDRESS.findall(text))
    return found


def free_text_report(
    root: Message,
    *,
    size: int,
    text: str,
    failed_header: str,
    returned: Sequence[bytes],
) -> DeliveryReport | None:
    """A non-standard bounce read by flufl.bounce (and ``X-Failed-Recipients``); None when no
    failed or delayed address is found."""
    temporary: set[str] = set()
    permanent: set[str] = set(_addresses([failed_header]))
    if size <= MAX_HEURISTIC_BYTES:
        found_temporary: Iterable[bytes] = ()
        found_permanent: Iterable[bytes] = ()
        # A detector tripping over a broken mail finds nothing.
        with contextlib.suppress(Exception):
            found_temporary, found_permanent = all_failures(root)
        permanent.update(_addresses(found_permanent))
        temporary.update(_addresses(found_temporary))
    recipients = [
        ReportedRecipient(address=a, action="failed", status="5.0.0") for a in sorted(permanent)
    ]
    recipients += [
        ReportedRecipient(address=a, action="delayed", status="4.0.0")
        for a in sorted(temporary - permanent)
    ]
    if not recipients:
        return None
    original = returned_message_id(returned)
    if not original:
        quoted = _QUOTED_ID.search(text)
        original = quoted.group(1) if quoted else ""
    return DeliveryReport(
        recipients=tuple(recipients[:MAX_RECIPIENTS]),
        original_message_id=original,
        standard=False,
    )
