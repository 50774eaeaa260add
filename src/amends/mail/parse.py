"""Raw mail bytes → :class:`~amends.mail.parsed.ParsedMail`, whatever the bytes are.

:func:`parse_mail` raises only :class:`~amends.mail.parsed.MailRejected`, and only for limits
that make a mail unusable (too large, too many parts or files, too much once decoded).
Everything else that is wrong with a mail is read as well as it can be and written down as a
short English defect.

How, and why so:

* The MIME structure comes from the standard library's feed parser with the ``compat32``
  policy. ``policy.default`` builds a header object on every header access; measured on the
  mail corpora it made parsing four to ten times slower, and its header classes leave
  undecodable bytes as surrogates. Headers are therefore decoded by :mod:`.charsets`, and
  address headers by the standard library's RFC 5322 address parser
  (``headerregistry.AddressHeader``), called directly, with ``email.utils.getaddresses`` as the
  fallback when it gives up.
* The parser is stopped where the limits say, while it reads: it counts parts as their headers
  are read (and stops past ``max_parts``), and it does not go inside a container nested deeper
  than ``max_depth``, nor inside any attached message (``message/rfc822``): those are kept as
  the bytes they were, the first as one opaque attachment, the second as an ``.eml`` file. So a
  mail of endless nesting costs one pass over its bytes, and no recursion deeper than the limit.
* Attachments are counted before any is decoded, and each part's decoded size is bounded from
  its encoded size before it is decoded, so ``max_expanded_bytes`` is never overrun in memory.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.utils
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from email.feedparser import BytesFeedParser
from email.headerregistry import AddressHeader
from email.message import Message
from email.policy import compat32
from typing import Any, cast

from amends.mail import charsets, html_text, quotes, reports, tnef
from amends.mail.parsed import (
    DeliveryReport,
    MailAttachment,
    MailLimits,
    MailRejected,
    ParsedMail,
)

logger = logging.getLogger(__name__)

MAX_HEADERS = 1000  # headers kept in ParsedMail.headers; more are counted in a defect
MAX_NESTING = 100  # never nest deeper than this, whatever the limits say (the walk recurses)
MAX_DEFECTS = 50
MAX_REFERENCES = 100
HTML_CHARS_PER_TEXT_CHAR = 10  # the HTML kept may be this many times max_text_chars
_RETURNED_HEADER_BYTES = 64 * 1024

_PKCS7 = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_MACHINE_REPORTS = frozenset({"message/disposition-notification", "message/feedback-report"})
_SIGNATURE_NAMES = {
    "application/pgp-signature": "signature.asc",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
}
_ANGLE_IDS = re.compile(r"<([^<>\s]{1,250})>")
_FOLD = re.compile(r"\r?\n|\r")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# C0 controls but tab, line feed and form feed; DEL; carriage returns are turned into line feeds.
_CONTROLS = dict.fromkeys([*range(0, 9), 11, *range(14, 32), 127])
_DEFECT_NAMES = {
    "CloseBoundaryNotFoundDefect": "missing end boundary",
    "StartBoundaryNotFoundDefect": "start boundary not found",
    "NoBoundaryInMultipartDefect": "multipart without a boundary",
    "MultipartInvariantViolationDefect": "multipart without parts",
    "MissingHeaderBodySeparatorDefect": "no blank line after the headers",
    "FirstHeaderLineIsContinuationDefect": "first header line is a continuation",
    "MisplacedEnvelopeHeaderDefect": "envelope header among the headers",
    "InvalidMultipartContentTransferEncodingDefect": "multipart with a transfer encoding",
}


class _TooManyParts(Exception):
    pass


class _Part(Message):
    """A MIME part that may have been kept whole: then it claims to be plain bytes, so that the
    feed parser reads its body as lines and does not go inside it."""

    kept_whole: str | None = None  # its header lines, when kept whole

    def get_content_type(self) -> str:
        if self.kept_whole is not None:
            return "application/octet-stream"
        return super().get_content_type()

    def declared_type(self) -> str:
        return super().get_content_type()


class _Parser(BytesFeedParser):
    """The standard feed parser, stopped where the limits say (see the module docstring).

    It hooks ``_parse_headers``, which the parser calls once per part as soon as the part's
    headers are read and before it decides how to read the body.
    """

    def __init__(self, *, max_parts: int, max_depth: int) -> None:
        super().__init__(_factory=_Part, policy=compat32)
        self.max_parts = max_parts
        self.max_depth = max_depth
        self.parts = 0
        self.too_deep = 0

    def _parse_headers(self, lines: list[str]) -> None:
        BytesFeedParser._parse_headers(self, lines)  # type: ignore[attr-defined]
        stack: list[_Part] = self._msgstack  # type: ignore[attr-defined]
        part = stack[-1]
        if len(stack) > 1 and stack[-2].get_content_type() == "message/delivery-status":
            return  # a block of a delivery report's fields, not a MIME part
        self.parts += 1
        if self.parts > self.max_parts:
            raise _TooManyParts
        content_type = part.get_content_type()
        maintype = content_type.partition("/")[0]
        if maintype not in {"multipart", "message"}:
            return
        deep = len(stack) > self.max_depth
        if not deep and (maintype == "multipart" or content_type == "message/delivery-status"):
            return
        part.kept_whole = "".join(lines)
        self.too_deep += deep


@dataclass
class _Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


@dataclass
class _Found:
    """An attachment found by the walk, read only once all are counted."""

    part: _Part
    filename: str
    content_type: str
    content_id: str = ""
    inline: bool = False
    kind: str = ""  # "message", "opaque", "tnef" or "" for an ordinary file


def _ids(value: str) -> list[str]:
    found = _ANGLE_IDS.findall(value)
    if found:
        return found
    return [token.strip("<>")[:250] for token in value.split() if "@" in token][:MAX_REFERENCES]


def _clean_text(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROLS).lstrip("\ufeff").rstrip()


def _defect_name(defect: object) -> str:
    name = type(defect).__name__
    return _DEFECT_NAMES.get(name) or _CAMEL.sub(" ", name.removesuffix("Defect")).lower()


def _decoded_bound(part: Message) -> int:
    """An upper bound of the part's decoded size, from its encoded size alone."""
    payload = getattr(part, "_payload", "")  # as stored: get_payload() would decode it
    size = len(payload) if isinstance(payload, str | bytes) else 0
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    return size * 3 // 4 + 3 if encoding == "base64" else size


def _raw_bytes(part: _Part) -> bytes:
    payload = getattr(part, "_payload", "")
    if not isinstance(payload, str):
        return b""
    return payload.encode("utf-8", "surrogateescape")


def _old_parser_addresses(value: str) -> list[tuple[str, str]]:
    try:
        return email.utils.getaddresses([value])
    except Exception:  # nothing readable in it
        return []


def _date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000": the time is UTC, the zone unknown (RFC 5322 3.3)
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _return_path(value: str) -> str:
    inside = re.search(r"<([^<>]*)>", value)
    address = inside.group(1) if inside else (value.split() or [""])[0]
    return address.strip().lower()[:320]


def _valid_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return (
        bool(at and local and domain)
        and len(address) <= 320
        and not any(ch.isspace() or ch in "<>,;\x00" for ch in address)
    )


class _Reader:
    """One mail being read; :meth:`read` is called once."""

    def __init__(self, raw: bytes, limits: MailLimits) -> None:
        self.raw = raw
        self.limits = limits
        self.defects: list[str] = []
        self.security = ""
        self.found: list[_Found] = []
        self.status_parts: list[_Part] = []
        self.returned: list[bytes] = []
        self.report_type = ""
        self.expanded = 0
        self.charset_hint: str | None = None

    # -- limits ----------------------------------------------------------------------------

    def _spend(self, part: Message) -> None:
        bound = _decoded_bound(part)
        if self.expanded + bound > self.limits.max_expanded_bytes:
            raise MailRejected(
                f"more than {self.limits.max_expanded_bytes} bytes once decoded; "
                f"the limit is {self.limits.max_expanded_bytes}",
                tell_sender=True,
            )

    def _decode(self, part: Message) -> bytes:
        self._spend(part)
        try:
            data = part.get_payload(decode=True)
        except Exception:  # a transfer encoding broken beyond what the library forgives
            self.defect("undecodable part kept as it was")
            data = _raw_bytes(part) if isinstance(part, _Part) else b""
        data = data if isinstance(data, bytes) else b""
        self.expanded += len(data)
        return data

    def _count(self, files: int) -> None:
        if files > self.limits.max_attachments:
            raise MailRejected(
                f"{files} attachments; the limit is {self.limits.max_attachments}",
                tell_sender=True,
            )

    def defect(self, text: str) -> None:
        if text and text not in self.defects and len(self.defects) < MAX_DEFECTS:
            self.defects.append(text)

    # -- headers ---------------------------------------------------------------------------

    def _header(self, name: str, raw: str) -> str:
        limit = self.limits.max_header_chars
        defects: list[str] = []
        value = charsets.header_text(raw[: limit * 8], hint=self.charset_hint, defects=defects)
        for defect in defects:
            self.defect(defect)
        if len(value) > limit:
            self.defect(f"header '{name[:40]}' cut at {limit} characters")
            value = value[:limit]
        return value

    def _addresses(self, raws: list[str]) -> list[tuple[str, str]]:
        """(display name, lower-cased addr-spec) of every readable address in the values."""
        found: list[tuple[str, str]] = []
        for raw in raws:
            value, _defect = charsets.unescape_surrogates(
                _FOLD.sub(" ", raw[: self.limits.max_header_chars]), hint=self.charset_hint
            )
            try:
                kwds: dict[str, Any] = {}
                AddressHeader.parse(value, kwds)
                pairs = [(a.display_name, a.addr_spec) for g in kwds["groups"] for a in g.addresses]
            except Exception:  # the RFC 5322 parser gives up on some garbage; try the old one
                pairs = _old_parser_addresses(value)
            for name, address in pairs:
                address = address.strip().lower()
                if _valid_address(address):
                    found.append((charsets.header_text(name or ""), address))
        return found

    def _read_headers(self, root: _Part) -> dict[str, Any]:
        items = list(root.raw_items())
        headers: list[tuple[str, str]] = []
        raw_by_name: dict[str, list[str]] = {}
        for index, (name, raw) in enumerate(items):
            if index >= MAX_HEADERS:
                self.defect(f"{len(items) - MAX_HEADERS} headers beyond {MAX_HEADERS} not kept")
                break
            key = name.strip().lower()[:200]
            raw_value = str(raw)
            raw_by_name.setdefault(key, []).append(raw_value)
            headers.append((key, self._header(key, raw_value)))
        for key in ("from", "subject", "message-id", "date", "in-reply-to", "content-type"):
            if len(raw_by_name.get(key, ())) > 1:
                self.defect(f"{len(raw_by_name[key])} '{key}' headers; the first is used")
        first: dict[str, str] = {}
        for key, value in headers:
            first.setdefault(key, value)

        def raws(*names: str) -> list[str]:
            return [value for name in names for value in raw_by_name.get(name, [])]

        sender = self._addresses(raws("from")[:1])
        date_text = first.get("date", "")
        date = _date(date_text) if date_text else None
        if date_text and date is None:
            self.defect("date unreadable")
        return_paths = raws("return-path")
        references = _ids(" ".join(_FOLD.sub(" ", v) for v in raws("references")))
        if len(references) > MAX_REFERENCES:  # keep the thread's root and the latest
            references = references[:1] + references[-(MAX_REFERENCES - 1) :]
        message_ids = raws("message-id")
        in_reply_to = raws("in-reply-to")
        return {
            "headers": tuple(headers),
            "subject": first.get("subject", ""),
            "from_name": sender[0][0] if sender else "",
            "from_address": sender[0][1] if sender else "",
            "reply_to": tuple(a for _n, a in self._addresses(raws("reply-to"))),
            "to": tuple(a for _n, a in self._addresses(raws("to"))),
            "cc": tuple(a for _n, a in self._addresses(raws("cc"))),
            "delivered_to": tuple(
                dict.fromkeys(a for _n, a in self._addresses(raws("delivered-to", "x-original-to")))
            ),
            "return_path": _return_path(return_paths[0]) if return_paths else None,
            "date": date,
            "message_id": reports.message_id(_FOLD.sub(" ", message_ids[0])) if message_ids else "",
            "in_reply_to": tuple(_ids(_FOLD.sub(" ", in_reply_to[0]))[:MAX_REFERENCES])
            if in_reply_to
            else (),
            "references": tuple(references),
        }

    # -- structure -------------------------------------------------------------------------

    def _filename(self, part: Message) -> str:
        try:
            name = part.get_filename()
        except Exception:  # RFC 2231 parameters broken beyond repair
            name = None
        if not name:
            return ""
        name, defect = charsets.unescape_surrogates(name, hint=self.charset_hint)
        self.defect(defect)
        defects: list[str] = []
        name = charsets.decode_words(name, defects)
        for defect in defects:
            self.defect(defect)
        return name[: self.limits.max_header_chars]

    def _attach(
        self, part: _Part, *, kind: str = "", content_type: str = "", name: str = ""
    ) -> None:
        disposition = part.get_content_disposition()
        content_id = str(part.get("content-id", "") or "").strip().strip("<>").strip()[:250]
        self.found.append(
            _Found(
                part=part,
                filename=self._filename(part) or name,
                content_type=content_type or part.get_content_type(),
                content_id="".join(ch for ch in content_id if ch.isprintable()),
                inline=disposition == "inline" or (disposition is None and bool(content_id)),
                kind=kind,
            )
        )

    def _note_defects(self, part: Message) -> None:
        for defect in part.defects:
            self.defect(_defect_name(defect))

    def walk(self, part: _Part, body: _Body, *, in_report: bool = False) -> None:
        self._note_defects(part)
        if part.kept_whole is not None:
            self._kept_whole(part, in_report=in_report)
            return
        content_type = part.get_content_type()
        maintype, _slash, subtype = content_type.partition("/")
        # get_payload() on a leaf would decode it (and can raise): ask is_multipart() first.
        children = part.get_payload() if part.is_multipart() else None
        if maintype == "multipart" and isinstance(children, list):
            parts = [child for child in children if isinstance(child, _Part)]
            if subtype == "alternative":
                self._alternative(parts, body)
            elif subtype == "signed" and parts:
                self.security = self.security or "signed"
                self.walk(parts[0], body)
                for signature in parts[1:]:
                    name = _SIGNATURE_NAMES.get(signature.get_content_type(), "signature")
                    self._attach(signature, name=name)
            elif subtype == "encrypted":
                self.security = "encrypted"
                for child in parts:
                    if child.get_content_type() != "application/pgp-encrypted":
                        self._attach(child, name="encrypted.asc")
            elif subtype == "report":
                self.report_type = (
                    self.report_type or str(part.get_param("report-type") or "").lower()
                )
                for child in parts:
                    self.walk(child, body, in_report=True)
            else:
                for child in parts:
                    self.walk(child, body, in_report=in_report)
        elif content_type == "message/delivery-status":
            self.status_parts.append(part)
        else:
            self._leaf(part, body, in_report=in_report)

    def _alternative(self, parts: list[_Part], body: _Body) -> None:
        """The plain text of the first alternative that has some, the HTML of the last."""
        options = []
        for child in parts:
            option = _Body()
            self.walk(child, option)
            options.append(option)
        plain = next((o.plain for o in options if any(p.strip() for p in o.plain)), [])
        html = next((o.html for o in reversed(options) if any(h.strip() for h in o.html)), [])
        body.plain.extend(plain)
        body.html.extend(html)

    def _kept_whole(self, part: _Part, *, in_report: bool) -> None:
        declared = part.declared_type()
        if declared.startswith("message/"):
            if declared in _MACHINE_REPORTS:
                return
            if in_report:
                self.returned.append(_raw_bytes(part))
            content_type = (
                "message/rfc822" if declared in {"message/rfc822", "message/global"} else declared
            )
            self._attach(part, kind="message", content_type=content_type)
        else:
            self._attach(part, kind="opaque", content_type="application/octet-stream")

    def _leaf(self, part: _Part, body: _Body, *, in_report: bool) -> None:
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = self._filename(part)
        if content_type in _TNEF_TYPES or filename.lower() == "winmail.dat":
            self._attach(part, kind="tnef", name="winmail.dat")
        elif content_type in _PKCS7:
            smime_type = str(part.get_param("smime-type") or "").lower()
            if smime_type == "signed-data":
                self.security = self.security or "signed"
                self.defect("S/MIME signed-data: the text inside was not read")
            else:
                self.security = "encrypted"
            self._attach(part, name="smime.p7m")
        elif content_type == "text/rfc822-headers" and in_report:
            self.returned.append(self._decode(part))
        elif (
            content_type in {"text/plain", "text/html"}
            and disposition != "attachment"
            and (not filename or disposition == "inline")
        ):
            data = self._decode(part)
            try:
                declared = part.get_content_charset()
            except Exception:  # a charset parameter the library cannot even read
                declared = None
            text, defect = charsets.decode_bytes(data, declared)
            self.defect(defect)
            (body.html if content_type == "text/html" else body.plain).append(text)
        else:
            self._attach(part)

    # -- attachments -----------------------------------------------------------------------

    def _message_name(self, data: bytes) -> str:
        try:
            headers = email.parser.BytesHeaderParser(policy=compat32).parsebytes(
                data[:_RETURNED_HEADER_BYTES]
            )
            subject = next((str(v) for k, v in headers.raw_items() if k.lower() == "subject"), "")
        except Exception:  # the enclosed message's headers are broken: no name from them
            subject = ""
        subject = charsets.header_text(subject, hint=self.charset_hint)[:100].strip()
        return f"{subject or 'message'}.eml"

    def attachments(self, body: _Body) -> tuple[MailAttachment, ...]:
        self._count(len(self.found))
        files: list[MailAttachment] = []
        for found in self.found:
            part = found.part
            if found.kind == "opaque":
                self._spend(part)
                head = (found.part.kept_whole or "").encode("utf-8", "surrogateescape")
                data = head + b"\n" + _raw_bytes(part)
                self.expanded += len(data)
            else:
                data = self._decode(part)
            if found.kind == "tnef":
                files.extend(self._tnef(found, data, body))
                self._count(len(files) + len(self.found) - 1)
                continue
            filename = found.filename
            if found.kind == "message" and not filename:
                filename = self._message_name(data)
            files.append(
                MailAttachment(
                    filename=filename,
                    content_type=found.content_type,
                    data=data,
                    content_id=found.content_id,
                    inline=found.inline,
                    source="opaque" if found.kind == "opaque" else "",
                )
            )
        return tuple(files)

    def _tnef(self, found: _Found, data: bytes, body: _Body) -> list[MailAttachment]:
        content = tnef.extract(data)
        if not content.readable:
            self.defect(content.defect or "winmail.dat held nothing readable; kept as it was")
            return [
                MailAttachment(
                    filename=found.filename or "winmail.dat",
                    content_type=found.content_type,
                    data=data,
                )
            ]
        self.expanded += sum(len(f.data) for f in content.files)
        if self.expanded > self.limits.max_expanded_bytes:
            raise MailRejected(
                f"more than {self.limits.max_expanded_bytes} bytes once decoded; "
                f"the limit is {self.limits.max_expanded_bytes}",
                tell_sender=True,
            )
        if not any(p.strip() for p in body.plain) and content.text.strip():
            body.plain.append(content.text)
        if not any(h.strip() for h in body.html) and content.html.strip():
            body.html.append(content.html)
        return [
            MailAttachment(
                filename=f.name,
                content_type=mimetypes.guess_type(f.name)[0] or "application/octet-stream",
                data=f.data,
                source="tnef",
            )
            for f in content.files
        ]

    # -- the whole -------------------------------------------------------------------------

    def _text(self, body: _Body) -> tuple[str, str]:
        """(text, sanitised HTML) of the body."""
        if self.security == "encrypted":
            return "", ""
        plain = "\n".join(body.plain)
        html_source = "\n".join(body.html)
        html_limit = self.limits.max_text_chars * HTML_CHARS_PER_TEXT_CHAR
        if len(html_source) > html_limit:
            self.defect(f"html cut at {html_limit} characters")
            html_source = html_source[:html_limit]
        has_html = bool(html_source.strip())
        text = plain if plain.strip() or not has_html else html_text.html_to_text(html_source)
        text = _clean_text(text)
        if len(text) > self.limits.max_text_chars:
            self.defect(f"text cut at {self.limits.max_text_chars} characters")
            text = text[: self.limits.max_text_chars].rstrip()
        return text, html_text.sanitise_html(html_source) if has_html else ""

    def read(self) -> ParsedMail:
        parser = _Parser(
            max_parts=self.limits.max_parts, max_depth=min(self.limits.max_depth, MAX_NESTING)
        )
        try:
            parser.feed(self.raw)
            root = cast(_Part, parser.close())  # the factory makes every part a _Part
        except _TooManyParts:
            raise MailRejected(
                f"more than {self.limits.max_parts} parts; the limit is {self.limits.max_parts}",
                tell_sender=True,
            ) from None
        if not root.is_multipart():
            try:
                self.charset_hint = root.get_content_charset()
            except Exception:  # an unreadable parameter gives no hint
                self.charset_hint = None
        fields = self._read_headers(root)
        body = _Body()
        self.walk(root, body)
        if parser.too_deep:
            limit = min(self.limits.max_depth, MAX_NESTING)
            self.defect(f"parts nested deeper than {limit} levels kept whole")
        attachments = self.attachments(body)
        text, html = self._text(body)
        return ParsedMail(
            **fields,
            text=text,
            html=html,
            visible_text=quotes.visible_text(text) if text else "",
            attachments=attachments,
            security=self.security,
            report=self._report(root, fields, text),
            defects=tuple(self.defects),
        )

    def _report(self, root: _Part, fields: dict[str, Any], text: str) -> DeliveryReport | None:
        if self.report_type not in {"", "delivery-status"}:
            return None  # read receipts and abuse reports are not bounces
        for part in self.status_parts:
            report = reports.delivery_report(part, self.returned)
            if report is not None:
                return report
        failed = " ".join(v for k, v in fields["headers"] if k == "x-failed-recipients")
        standard = self.report_type == "delivery-status" or bool(self.status_parts)
        if not standard and not reports.is_from_mail_system(
            from_address=fields["from_address"],
            return_path=fields["return_path"],
            has_failed_header=bool(failed),
        ):
            return None
        return reports.free_text_report(
            root, size=len(self.raw), text=text, failed_header=failed, returned=self.returned
        )


def _unreadable(raw: bytes, limits: MailLimits, exc: Exception) -> ParsedMail:
    """What is left when reading failed for a reason nobody foresaw: the bytes as text."""
    logger.exception("mail could not be read as MIME; kept as raw text")
    head = raw[: 512 * 1024]
    match = re.search(rb"(?im)^message-id:[ \t]*<([^<>\s]{1,250})>", head)
    text = _clean_text(charsets.decode_bytes(raw[: limits.max_text_chars * 4], None)[0])
    text = text[: limits.max_text_chars]
    return ParsedMail(
        message_id=match.group(1).decode("ascii", "replace") if match else "",
        text=text,
        visible_text=text,
        defects=(f"could not be read as MIME ({type(exc).__name__}); kept as raw text",),
    )


def parse_mail(raw: bytes, limits: MailLimits = MailLimits()) -> ParsedMail:  # noqa: B008
    """Read a mail. Raises :class:`MailRejected` only for the limits in ``limits``."""
    if len(raw) > limits.max_bytes:
        raise MailRejected(f"{len(raw)} bytes; the limit is {limits.max_bytes}", tell_sender=True)
    try:
        return _Reader(raw, limits).read()
    except MailRejected:
        raise
    except Exception as exc:  # never lose a mail to a parser bug: keep its bytes as text
        return _unreadable(raw, limits, exc)
