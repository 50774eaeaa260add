"""The bytes of an outgoing mail, built from plain values: no database, so every header can be
tested against hostile input.

Every value that reaches a header passes through :func:`header_text`, which turns line breaks of
any kind (CR, LF, NEL, the Unicode line and paragraph separators, other control characters) into
spaces; the standard library's ``email`` package, with the SMTP policy, then quotes display names
and encodes non-ASCII text as RFC 2047 words. A subject such as ``"x\\r\\nBcc: victim@x"`` thus
stays one Subject header and never becomes a second header.

Message-ID, In-Reply-To and References get a header class of their own (:class:`MessageIdsHeader`):
the standard library treats the last two as free text and writes an id longer than a line as an
encoded word, which no mail program reads back as an id, so threading would break.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address, BaseHeader
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from email._header_value_parser import TokenList
    from email.errors import MessageDefect

# Characters that end a line somewhere (str.splitlines' list) and the other control characters.
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
# An id as RFC 5322 writes it inside <…>: printable ASCII, no space, no angle brackets, one "@"
# at least. Ids from other programs are checked against it before they are written again.
_MESSAGE_ID = re.compile(r"[!-;=?-~]+@[!-;=?-~]+")
_MESSAGE_ID_MAX = 250
_LOCAL_PART = re.compile(r"[!-~]+")
# Prefixes mail programs put before a subject when answering, in the storefronts' languages.
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|antw|ats|odp|rif)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
# RFC 5322 atext words: a display name of these needs neither quotes nor encoding.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_REFERENCE_TAG = re.compile(r"\[AM-\d+\]\s*")

NAME_MAX = 120
PLAIN_NAME_MAX = 60
LINE_MAX = 78
POLICY = email.policy.SMTP
SUBJECT_MAX = 250
REFERENCES_MAX = 20


class UnusableAddress(ValueError):
    """An address that cannot be written into a mail; ``str(exc)`` says why."""


def header_text(value: str, *, limit: int = 1000) -> str:
    """``value`` as one line of header text: breaks and control characters become spaces, and
    ``=?`` becomes ``= ?``.

    The second is not cosmetic: the standard library reads an RFC 2047 encoded word in a value
    it is given (``=?utf-8?q?x=0D=0ABcc=3A_v=40x?=``) and, in the Python versions amends runs
    on, writes what it decodes to, line break included, as is. With no ``=?`` left there is no
    encoded word to decode.
    """
    text = _SPACES.sub(" ", _UNSAFE_IN_HEADER.sub(" ", value)).strip()
    return text.replace("=?", "= ?")[:limit]


def is_message_id(value: str) -> bool:
    """Whether ``value`` (without angle brackets) may be written as a Message-ID."""
    return (
        len(value) <= _MESSAGE_ID_MAX
        and _MESSAGE_ID.fullmatch(value) is not None
        and "=?" not in value
    )


def ascii_address(address: str) -> str:
    """``local@domain`` with the domain lower-cased and in IDNA form, for headers and for the
    SMTP envelope. Raises :class:`UnusableAddress` for what no server would accept."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise UnusableAddress(f"{address!r} is not an email address")
    if "=?" in address:
        raise UnusableAddress(f"{address!r} looks like an encoded word, not an address")
    if _LOCAL_PART.fullmatch(local) is None:
        raise UnusableAddress(
            f"{address!r} has spaces or non-ASCII characters before the @, "
            "which cannot be sent without SMTPUTF8"
        )
    try:
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise UnusableAddress(f"{address!r} has an invalid domain") from exc
    result = f"{local}@{domain}"
    try:
        Address(addr_spec=result)  # the standard parser: rejects trailing junk, stray quotes
    except (ValueError, IndexError) as exc:
        raise UnusableAddress(f"{address!r} is not an email address: {exc}") from exc
    return result


@dataclass(frozen=True)
class Party:
    """A display name and an address, as written in From, To and Reply-To."""

    name: str
    address: str


@dataclass(frozen=True)
class Draft:
    """Everything an outgoing mail says. ``message_id`` and the ids are without brackets."""

    message_id: str
    sender: Party
    recipient: Party
    subject: str
    body: str
    date: dt.datetime
    reply_to: Party | None = None
    in_reply_to: str = ""
    references: Sequence[str] = ()
    automatic: bool = False
    language: str = ""


class WrittenHeader(BaseHeader):
    """A header whose lines amends wrote itself, already folded and 7-bit; written as is.

    Used where the standard library's folding goes wrong: it writes In-Reply-To and References
    as free text, turning an id longer than a line into an encoded word no mail program reads
    as an id; and when it folds a long display name it can drop the name's quotes, so that
    ``"Shop <x@evil.test>"`` would be read back as an address.
    """

    max_count: ClassVar[Literal[1] | None] = 1  # RFC 5322 §3.6: each of these at most once
    lines: tuple[str, ...]

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        lines = tuple(value.split("\n"))
        if not value.isascii() or any("\r" in line or not line.strip() for line in lines):
            raise ValueError(f"not a folded 7-bit header value: {value!r}")
        kwds["decoded"] = " ".join(line.strip() for line in lines)
        kwds["parse_tree"] = None
        kwds["lines"] = lines

    def init(
        self,
        name: str,
        *,
        parse_tree: TokenList,
        defects: Iterable[MessageDefect],
        lines: tuple[str, ...] = (),
    ) -> None:
        super().init(name, parse_tree=parse_tree, defects=defects)
        self.lines = lines

    def fold(self, *, policy: email.policy.Policy) -> str:
        linesep = policy.linesep
        return f"{self.name}: " + f"{linesep} ".join(self.lines) + linesep


def _written(name: str, lines: Sequence[str]) -> WrittenHeader:
    return WrittenHeader(name, "\n".join(lines))


def _ids_header(name: str, ids: Sequence[str]) -> WrittenHeader:
    """``<id>`` tokens, one per line; the ids are checked first (some come from other mail)."""
    return _written(name, [f"<{i}>" for i in ids if is_message_id(i)])


def _address_header(name: str, party: Party) -> WrittenHeader:
    """``Name <local@domain>``: a plain name as it is, any other as RFC 2047 encoded words (which
    carry quotes, commas and angle brackets as text), the address on a line of its own when the
    last line has no room left. Raises :class:`UnusableAddress`."""
    addr = ascii_address(party.address)
    display = header_text(party.name, limit=NAME_MAX)
    if not display:
        return _written(name, [addr])
    if _PLAIN_NAME.fullmatch(display) and len(display) <= PLAIN_NAME_MAX:
        lines = [display]
    else:
        encoded = Header(display, "utf-8", header_name=name).encode(splitchars=" ", linesep="\n")
        lines = [line.strip() for line in encoded.split("\n")]
    width = len(name) + 2 if len(lines) == 1 else 1
    if width + len(lines[-1]) + len(addr) + 3 <= LINE_MAX:
        lines[-1] = f"{lines[-1]} <{addr}>"
    else:
        lines.append(f"<{addr}>")
    return _written(name, lines)


def reply_subject(subject: str, *, reference: str, answering: bool) -> str:
    """``Re: [AM-000123] The lamp arrived broken``: the case's reference in brackets (inbound
    mail is threaded by it when the ids are lost), "Re: " when answering the customer's mail.
    Prefixes and tags already in the case's subject are not repeated."""
    text = header_text(subject, limit=SUBJECT_MAX)
    text = _REFERENCE_TAG.sub("", _REPLY_PREFIX.sub("", text)).strip()
    tagged = f"[{header_text(reference, limit=40)}] {text}".strip()
    return f"Re: {tagged}" if answering else tagged


def thread_references(ids: Sequence[str]) -> list[str]:
    """The ids for References, oldest first: the first mail of the thread and the latest ones,
    at most ``REFERENCES_MAX`` (RFC 5322 §3.6.4 allows dropping the ones in between)."""
    usable = list(dict.fromkeys(i for i in ids if is_message_id(i)))
    if len(usable) <= REFERENCES_MAX:
        return usable
    return [usable[0], *usable[-(REFERENCES_MAX - 1) :]]


def compose(draft: Draft) -> bytes:
    """The mail as CRLF-terminated bytes, ready for DATA. Raises :class:`UnusableAddress`."""
    if not is_message_id(draft.message_id):
        raise ValueError(f"not a Message-ID: {draft.message_id!r}")
    msg = EmailMessage(policy=POLICY)
    msg["Date"] = draft.date
    msg["From"] = _address_header("From", draft.sender)
    msg["To"] = _address_header("To", draft.recipient)
    if draft.reply_to is not None:
        msg["Reply-To"] = _address_header("Reply-To", draft.reply_to)
    msg["Subject"] = header_text(draft.subject, limit=SUBJECT_MAX)
    msg["Message-ID"] = _ids_header("Message-ID", [draft.message_id])
    if is_message_id(draft.in_reply_to):
        msg["In-Reply-To"] = _ids_header("In-Reply-To", [draft.in_reply_to])
    references = thread_references(draft.references)
    if references:
        msg["References"] = _ids_header("References", references)
    if draft.automatic:
        # RFC 3834: no auto-replies to this; the second one is what Exchange honours.
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Auto-Response-Suppress"] = "All"
    body = draft.body.replace("\r\n", "\n").replace("\r", "\n")
    if not body.endswith("\n"):
        body += "\n"
    msg.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    if _LANGUAGE_TAG.fullmatch(draft.language):  # after set_content, which clears Content-*
        msg["Content-Language"] = draft.language
    return msg.as_bytes()
