"""What a parsed mail is: plain data the rest of amends works with, whatever the bytes were.

``amends.mail.parse.parse_mail`` turns raw bytes into a :class:`ParsedMail` or raises
:class:`MailRejected` with the reason the mail is quarantined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from amends.conversations.uploads import Upload


class MailRejected(Exception):
    """The mail is kept raw but not turned into a message; ``str(exc)`` is the reason."""

    def __init__(self, reason: str, *, tell_sender: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # Limits the sender can act on (too large, too many files): told once.
        self.tell_sender = tell_sender


@dataclass(frozen=True)
class MailLimits:
    """Checked before anything is expanded."""

    max_bytes: int = 30 * 1024 * 1024
    max_parts: int = 300
    max_depth: int = 12  # deeper parts are kept whole as one opaque attachment
    max_attachments: int = 40
    max_expanded_bytes: int = 60 * 1024 * 1024  # all decoded parts and archive members together
    max_header_chars: int = 16 * 1024  # one header's value, after which it is cut
    max_text_chars: int = 100_000


@dataclass(frozen=True)
class MailAttachment:
    filename: str  # decoded (RFC 2047/2231), not yet cleaned
    content_type: str
    data: bytes
    content_id: str = ""  # without angle brackets
    inline: bool = False
    source: str = ""  # "tnef" when extracted from winmail.dat, "opaque" for cut-off nesting

    def upload(self) -> Upload:
        return Upload(filename=self.filename, content_type=self.content_type, data=self.data)


@dataclass(frozen=True)
class ReportedRecipient:
    address: str
    action: str  # failed, delayed, delivered, relayed, expanded (RFC 3464)
    status: str  # e.g. 5.1.1
    diagnostic: str = ""

    @property
    def permanent(self) -> bool:
        return self.action == "failed" or self.status.startswith("5")


@dataclass(frozen=True)
class DeliveryReport:
    """A bounce or delay notice (RFC 3464 multipart/report, or a non-standard bounce)."""

    recipients: tuple[ReportedRecipient, ...]
    original_message_id: str = ""  # of the mail that bounced, without angle brackets
    standard: bool = True  # False when read off a non-standard bounce

    @property
    def permanent(self) -> bool:
        return any(r.permanent for r in self.recipients)


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without angle brackets; "" when the mail has none
    subject: str = ""
    from_address: str = ""  # lower-cased addr-spec; "" when unreadable
    from_name: str = ""
    reply_to: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    delivered_to: tuple[str, ...] = ()  # Delivered-To / X-Original-To
    return_path: str | None = None  # None: no header; "": the null sender <>
    date: dt.datetime | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Every header as (lower-case name, decoded value cut to the limit), in order.
    headers: tuple[tuple[str, str], ...] = ()
    text: str = ""  # the whole text; from the HTML when the mail has no text part
    html: str = ""  # sanitised with nh3; "" when the mail has no HTML part
    visible_text: str = ""  # text without the quoted history and the signature
    attachments: tuple[MailAttachment, ...] = ()
    security: str = ""  # "signed", "encrypted" or ""
    report: DeliveryReport | None = None
    defects: tuple[str, ...] = field(default_factory=tuple)

    def header(self, name: str) -> str:
        """The first value of a header, "" when absent."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), "")

    def has_header(self, name: str) -> bool:
        name = name.lower()
        return any(key == name for key, _value in self.headers)
