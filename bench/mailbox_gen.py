"""A support mailbox of N mails, the same every time for the same seed.

    .venv/bin/python bench/mailbox_gen.py --messages 10000 --out var/bench/mail/mailbox

What a European web shop's support addresses receive: customers writing in eight languages
(French and German most, Lithuanian least) to the storefront of their country, about parcels,
breakage, refunds, sizes and cancellations, with order numbers (``FR31234``) and the carriers'
tracking numbers. About 40 % of the mails answer an earlier mail of the same customer
(``In-Reply-To`` and ``References``), most of them quoting it; a fifth carry a photo or a PDF of
a few KB; some are HTML only, some come from a phone, some in a legacy charset; a few are
out-of-office replies and delivery failures.

Only the standard library: mail is built as a mail program builds it (``email.message``). Each
mail depends only on the seed and the mails before it, so the first 500 mails of a 10,000-mail
box are the 500 mails of a 500-mail box. Files go to ``mail/<storefront>/<index>.eml`` (CRLF
line ends, as on the wire) under the folder, with ``manifest.json`` beside ``mail/``: what each
mail is, and what a reader that threads correctly should make of the whole (``summary``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.policy
import email.utils
import json
import random
import shutil
import struct
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import mailbox_texts as texts  # noqa: E402  (bench/mailbox_texts.py, beside this file)

VERSION = 3  # bump when the mails change: a stored mailbox of another version is written anew

# The demo's storefronts (``amends.demo.reference.BRANDS``) and the address each receives at.
STOREFRONTS: dict[str, str] = {
    "fr": "service-client@fr.demoshop.example",
    "nl": "klantenservice@nl.demoshop.example",
    "be": "service@be.demoshop.example",
    "de": "kundenservice@de.demoshop.example",
    "es": "atencion.cliente@es.demoshop.example",
    "it": "assistenza@it.demoshop.example",
    "pl": "obsluga.klienta@pl.demoshop.example",
    "lt": "pagalba@lt.demoshop.example",
}
LANGUAGE_WEIGHTS = {"fr": 24, "de": 18, "nl": 14, "es": 11, "it": 10, "en": 10, "pl": 7, "lt": 6}
# Which storefront a customer writing in a language buys from.
ROUTES: dict[str, dict[str, int]] = {
    "fr": {"fr": 4, "be": 1},
    "nl": {"nl": 3, "be": 1},
    "en": {"fr": 1, "nl": 1, "de": 1},
    "de": {"de": 1},
    "es": {"es": 1},
    "it": {"it": 1},
    "pl": {"pl": 1},
    "lt": {"lt": 1},
}
REPLY_SHARE = 0.40  # of all mails: a customer answering their own earlier mail
AUTO_REPLY_SHARE = 0.02
BOUNCE_SHARE = 0.01
ATTACHMENT_SHARE = 0.20  # of the mails people write
HTML_ONLY_SHARE = 0.08
ALTERNATIVE_SHARE = 0.30  # text and HTML
QUOTE_SHARE = 0.65  # of the replies
LEGACY_CHARSET_SHARE = 0.10
EIGHT_BIT_SHARE = 0.05
RETURNING_CUSTOMER_SHARE = 0.25  # a new thread from someone who wrote before
MAX_THREAD_MAILS = 5
MAX_CUSTOMER_MAILS = 10  # well under the per-sender rate a mail loop is told by
REPLY_WINDOW = 400  # a reply answers one of the threads active in the last mails
LEGACY_CHARSETS = {
    "fr": "windows-1252",
    "de": "iso-8859-15",
    "nl": "windows-1252",
    "es": "iso-8859-1",
    "it": "iso-8859-1",
    "pl": "iso-8859-2",
    "lt": "windows-1257",
    "en": "us-ascii",
}
INVOICE_NAMES = {
    "en": "invoice",
    "fr": "facture",
    "nl": "factuur",
    "de": "Rechnung",
    "es": "factura",
    "it": "fattura",
    "pl": "faktura",
    "lt": "saskaita",
}
MAIL = "mail"  # the folder of the .eml files inside the mailbox's folder
START = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)


# --- small files -----------------------------------------------------------------------------


def png_bytes(rng: random.Random, *, width: int, height: int) -> bytes:
    """A valid RGB PNG of noise: it does not compress, so its size is about width * height * 3."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(rng: random.Random, *, title: str, lines: int) -> bytes:
    """A valid one-page PDF (with its cross-reference table) listing ``lines`` invoice lines."""
    text = [f"BT /F1 14 Tf 50 800 Td ({title}) Tj ET"]
    for n in range(lines):
        amount = rng.randrange(100, 20_000) / 100
        text.append(
            f"BT /F1 10 Tf 50 {780 - 12 * (n % 60)} Td (Item {n + 1:03d}  {amount:9.2f}) Tj ET"
        )
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- numbers people quote --------------------------------------------------------------------


def s10(rng: random.Random, prefix: str, country: str) -> str:
    """A UPU S10 item number (two letters, eight digits, a check digit, the country)."""
    digits = [rng.randrange(10) for _ in range(8)]
    total = sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"{prefix}{''.join(map(str, digits))}{check}{country}"


def tracking_number(rng: random.Random, storefront: str) -> str:
    """A tracking number of a carrier the storefront ships with."""
    if storefront == "fr":
        return f"6A{rng.randrange(10**11):011d}" if rng.random() < 0.7 else s10(rng, "LA", "FR")
    if storefront in {"nl", "be"}:
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(4))
        return f"3S{letters}{rng.randrange(10**7):07d}"
    if storefront == "de":
        return (
            f"00340434{rng.randrange(10**12):012d}"
            if rng.random() < 0.5
            else (f"{rng.randrange(10**11, 10**12)}")
        )
    if storefront == "pl" and rng.random() < 0.6:  # a parcel locker's 24 digits
        return f"{rng.randrange(10**23, 10**24)}"
    prefix = {"es": "PK", "it": "RR", "pl": "RR", "lt": "CE"}[storefront]
    return s10(rng, prefix, storefront.upper())


def ascii_fold(text: str) -> str:
    """``Łukasz Wiśniewski`` → ``lukasz.wisniewski``: how people turn their name into an address."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(part for part in folded.lower().replace("-", " ").split() if part)


def written_date(language: str, when: dt.datetime, *, sent: bool = False) -> str:
    """A date as people of the language write it; ``sent``: with the year and the time, as a
    mail program writes when a mail was sent."""
    months = texts.MONTHS.get(language)
    month = months[when.month - 1] if months else ""
    template = (texts.SENT_FORMATS if sent else texts.DATE_FORMATS)[language]
    return template.format(
        day=when.day, month=month, mm=when.month, year=when.year, time=f"{when:%H:%M}"
    )


# --- the mailbox -----------------------------------------------------------------------------


@dataclass
class Customer:
    first: str
    last: str
    email: str
    language: str
    storefront: str
    mails: int = 0

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Thread:
    first_index: int
    customer: Customer
    subject: str
    values: dict[str, Any]
    opening: int = 0  # which of the language's first mails started it
    message_ids: list[str] = field(default_factory=list)
    last_index: int = 0
    last_text: str = ""
    last_when: dt.datetime = START
    settled: bool = False


@dataclass(frozen=True)
class GeneratedMail:
    index: int
    path: str  # "mail/<storefront>/<index>.eml", under the mailbox's folder
    raw: bytes
    kind: str  # "new", "reply", "auto_reply" or "bounce"
    language: str
    storefront: str
    sender: str  # the envelope sender: "" for a delivery failure
    recipient: str
    thread: int  # index of the thread's first mail; -1 for automatic mail
    message_id: str
    attachments: tuple[str, ...] = ()  # content types
    html_only: bool = False
    quoted: bool = False

    def meta(self) -> list[Any]:
        return [
            self.path,
            self.kind,
            self.language,
            self.storefront,
            self.sender,
            self.recipient,
            self.thread,
            len(self.attachments),
        ]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class MailboxGenerator:
    """Mails one after another; the state (customers, open threads) is what makes replies."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.index = 0
        self.when = START
        self.customers: dict[str, list[Customer]] = {lang: [] for lang in texts.LANGUAGES}
        self.threads: list[Thread] = []
        self.addresses: set[str] = set()

    # -- who writes

    def _customer(self, language: str) -> Customer:
        rng = self.rng
        known = [c for c in self.customers[language] if c.mails < MAX_CUSTOMER_MAILS - 2]
        if known and rng.random() < RETURNING_CUSTOMER_SHARE:
            return rng.choice(known)
        women, men, surnames = texts.NAMES[language]
        woman = rng.random() < 0.5
        first = rng.choice(women if woman else men)
        his, hers = rng.choice(surnames)
        last = hers if woman else his
        domain = rng.choice(texts.PROVIDERS[language])
        style = rng.randrange(3)
        local = ascii_fold(f"{first} {last}")
        if style == 1:
            local = ascii_fold(f"{first[0]} {last}").replace(".", "")
        elif style == 2:
            local = f"{ascii_fold(first)}{rng.randrange(60, 100)}"
        address = f"{local}@{domain}"
        while address in self.addresses:
            address = f"{local}{rng.randrange(10, 1000)}@{domain}"
        self.addresses.add(address)
        customer = Customer(first, last, address, language, _weighted(rng, ROUTES[language]))
        self.customers[language].append(customer)
        return customer

    def _message_id(self, domain: str) -> str:
        return f"{self.rng.getrandbits(64):016x}.{self.index}@{domain}"

    # -- what they write

    def _body(self, customer: Customer, template: str, values: dict[str, Any]) -> str:
        """The text the customer types (and the phone signs), before any quoted mail."""
        days = self.rng.randrange(3, 15)
        placed = self.when - dt.timedelta(days=days + self.rng.randrange(1, 5))
        text = template.format(
            **values,
            first=customer.first,
            last=customer.last,
            days=days,
            date=written_date(customer.language, placed),
        )
        if self.rng.random() < 0.15:
            text = f"{text}\n\n{texts.MOBILE_SIGNATURES[customer.language]}"
        return text

    def _quote(self, thread: Thread, body: str) -> str:
        customer = thread.customer
        when = written_date(customer.language, thread.last_when)
        if self.rng.random() < 0.3:
            separator, sender, sent, to, subject = texts.ORIGINAL_MESSAGE[customer.language]
            headers = (
                f"{separator}\n{sender}: {customer.name} <{customer.email}>\n"
                f"{sent}: {written_date(customer.language, thread.last_when, sent=True)}\n"
                f"{to}: {STOREFRONTS[customer.storefront]}\n{subject}: {thread.subject}"
            )
            return f"{body}\n\n{headers}\n\n{thread.last_text}\n"
        quoted = "\n".join(f"> {line}" if line else ">" for line in thread.last_text.split("\n"))
        line = texts.ATTRIBUTIONS[customer.language].format(
            when=f"{when} {thread.last_when:%H:%M}", name=customer.name, email=customer.email
        )
        return f"{body}\n\n{line}\n{quoted}\n"

    def _attachments(
        self, customer: Customer, values: dict[str, Any], damage: bool
    ) -> list[tuple[str, str, bytes]]:
        rng = self.rng
        files: list[tuple[str, str, bytes]] = []
        kinds = ["png"] if (damage or rng.random() < 0.5) else ["pdf"]
        if rng.random() < 0.1:
            kinds = ["png", "pdf"]
        for kind in kinds:
            if kind == "png":
                side = rng.randrange(24, 44)
                name = f"IMG_{rng.randrange(1000, 9999)}.png"
                files.append((name, "image/png", png_bytes(rng, width=side, height=side)))
            else:
                name = f"{INVOICE_NAMES[customer.language]}_{values['order']}.pdf"
                title = f"{INVOICE_NAMES[customer.language].title()} {values['order']}"
                files.append(
                    (
                        name,
                        "application/pdf",
                        pdf_bytes(rng, title=title, lines=rng.randrange(20, 60)),
                    )
                )
        return files

    def _compose(
        self,
        *,
        customer: Customer,
        subject: str,
        body: str,
        message_id: str,
        in_reply_to: list[str],
        attachments: list[tuple[str, str, bytes]],
    ) -> tuple[EmailMessage, bool]:
        rng = self.rng
        language = customer.language
        message = EmailMessage(policy=email.policy.SMTP)
        message["From"] = email.utils.formataddr((customer.name, customer.email))
        message["To"] = STOREFRONTS[customer.storefront]
        message["Subject"] = subject
        message["Date"] = email.utils.format_datetime(self.when)
        message["Message-ID"] = f"<{message_id}>"
        if in_reply_to:
            message["In-Reply-To"] = f"<{in_reply_to[-1]}>"
            message["References"] = " ".join(f"<{i}>" for i in in_reply_to[-10:])
        html = "".join(
            f"<div>{'<br>'.join(_escape(p).splitlines())}</div><div><br></div>"
            for p in body.split("\n\n")
        )
        html = f'<html><head><meta charset="utf-8"></head><body dir="ltr">{html}</body></html>'
        shape = rng.random()
        html_only = shape < HTML_ONLY_SHARE
        charset, cte = "utf-8", "quoted-printable"
        roll = rng.random()
        if roll < LEGACY_CHARSET_SHARE:
            charset = LEGACY_CHARSETS[language]
        elif roll < LEGACY_CHARSET_SHARE + EIGHT_BIT_SHARE:
            cte = "8bit"
        elif rng.random() < 0.3:
            cte = "base64"
        try:
            body.encode(charset)
        except UnicodeEncodeError:
            charset = "utf-8"
        if html_only:
            message.set_content(html, subtype="html", charset="utf-8", cte=cte)
        else:
            message.set_content(body, charset=charset, cte=cte)
            if shape < HTML_ONLY_SHARE + ALTERNATIVE_SHARE:
                message.add_alternative(html, subtype="html", charset="utf-8", cte=cte)
        for filename, content_type, data in attachments:
            maintype, subtype = content_type.split("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        for part in message.walk():  # the library draws boundaries from the global random
            if part.is_multipart():
                part.set_boundary(f"=_{rng.getrandbits(96):024x}")
        if rng.random() < 0.4:
            message["User-Agent"] = rng.choice(
                ["Thunderbird 128.3", "Apple Mail (2.3774)", "Microsoft Outlook 16.0"]
            )
        return message, html_only

    # -- one mail

    def _new_thread(self) -> GeneratedMail:
        rng = self.rng
        language = _weighted(rng, LANGUAGE_WEIGHTS)
        customer = self._customer(language)
        storefront = customer.storefront
        which = rng.randrange(len(texts.OPENINGS[language]))
        opening = texts.OPENINGS[language][which]
        values = {
            "order": f"{storefront.upper()}{rng.randrange(10_000, 100_000)}",
            "tracking": tracking_number(rng, storefront),
            "product": rng.choice(texts.PRODUCTS[language]),
        }
        subject = opening.subject.format(**values)
        body = self._body(customer, opening.body, values)
        files = (
            self._attachments(customer, values, damage=which == 1)
            if rng.random() < ATTACHMENT_SHARE or (which == 1 and rng.random() < 0.5)
            else []
        )
        message_id = self._message_id(customer.email.rpartition("@")[2])
        message, html_only = self._compose(
            customer=customer,
            subject=subject,
            body=body,
            message_id=message_id,
            in_reply_to=[],
            attachments=files,
        )
        thread = Thread(self.index, customer, subject, values, opening=which)
        self._remember(thread, message_id, body)
        return self._mail(
            "new",
            customer,
            message,
            message_id,
            thread=self.index,
            files=files,
            html_only=html_only,
        )

    def _reply(self, thread: Thread) -> GeneratedMail:
        rng = self.rng
        customer = thread.customer
        language = customer.language
        follow_ups = texts.FOLLOW_UPS[language]
        # "The parcel came after all" only answers "where is my order?" (the first opening).
        which = rng.randrange(len(follow_ups) if thread.opening == 0 else len(follow_ups) - 1)
        # The last follow-up says the matter is settled: nobody writes "any news?" after it.
        thread.settled = which == len(follow_ups) - 1
        body = self._body(customer, follow_ups[which], thread.values)
        quoted = rng.random() < QUOTE_SHARE
        text = self._quote(thread, body) if quoted else body
        prefix = rng.choice(texts.REPLY_PREFIXES[language])
        subject = f"{prefix} {thread.subject}"
        files = (
            self._attachments(customer, thread.values, damage=False)
            if rng.random() < ATTACHMENT_SHARE * 0.8
            else []
        )
        message_id = self._message_id(customer.email.rpartition("@")[2])
        message, html_only = self._compose(
            customer=customer,
            subject=subject,
            body=text,
            message_id=message_id,
            in_reply_to=thread.message_ids,
            attachments=files,
        )
        self._remember(thread, message_id, body)
        return self._mail(
            "reply",
            customer,
            message,
            message_id,
            thread=thread.first_index,
            files=files,
            html_only=html_only,
            quoted=quoted,
        )

    def _auto_reply(self, thread: Thread) -> GeneratedMail:
        """An out-of-office answer to a reply of ours (whose Message-ID we make up)."""
        rng = self.rng
        customer = thread.customer
        subject_template, body_template = texts.AUTO_REPLIES[customer.language]
        back = self.when + dt.timedelta(days=rng.randrange(3, 20))
        ours = f"amends.{rng.getrandbits(64):016x}@{customer.storefront}.demoshop.example"
        message = EmailMessage(policy=email.policy.SMTP)
        message["From"] = email.utils.formataddr((customer.name, customer.email))
        message["To"] = STOREFRONTS[customer.storefront]
        message["Subject"] = subject_template.format(subject=f"Re: {thread.subject}")
        message["Date"] = email.utils.format_datetime(self.when)
        message_id = self._message_id(customer.email.rpartition("@")[2])
        message["Message-ID"] = f"<{message_id}>"
        message["In-Reply-To"] = f"<{ours}>"
        message["Auto-Submitted"] = "auto-replied"
        if rng.random() < 0.5:
            message["X-Autoreply"] = "yes"
        else:
            message["X-Auto-Response-Suppress"] = "All"
        body = body_template.format(
            date=written_date(customer.language, back), first=customer.first, last=customer.last
        )
        message.set_content(body, cte="quoted-printable")
        return self._mail("auto_reply", customer, message, message_id, thread=-1)

    def _bounce(self, thread: Thread) -> GeneratedMail:
        """A delivery failure (RFC 3464) of a reply of ours to a customer's address."""
        rng = self.rng
        customer = thread.customer
        domain = customer.email.rpartition("@")[2]
        ours = f"amends.{rng.getrandbits(64):016x}@{customer.storefront}.demoshop.example"
        message_id = self._message_id(f"mx.{domain}")
        boundary = f"{rng.getrandbits(48):012x}/mx.{domain}"
        sender = STOREFRONTS[customer.storefront]
        raw = (
            f"Return-Path: <>\r\n"
            f"From: Mail Delivery System <MAILER-DAEMON@mx.{domain}>\r\n"
            f"To: {sender}\r\n"
            f"Subject: Undelivered Mail Returned to Sender\r\n"
            f"Date: {email.utils.format_datetime(self.when)}\r\n"
            f"Message-ID: <{message_id}>\r\n"
            f"Auto-Submitted: auto-replied\r\n"
            f"MIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status;\r\n"
            f'\tboundary="{boundary}"\r\n\r\n'
            f"This is a MIME-encapsulated message.\r\n\r\n"
            f"--{boundary}\r\n"
            f"Content-Description: Notification\r\n"
            f"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"This is the mail system at host mx.{domain}.\r\n\r\n"
            f"I'm sorry to have to inform you that your message could not\r\n"
            f"be delivered to one or more recipients.\r\n\r\n"
            f"<{customer.email}>: host mx.{domain} said: 550 5.1.1 User unknown\r\n\r\n"
            f"--{boundary}\r\n"
            f"Content-Description: Delivery report\r\n"
            f"Content-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.{domain}\r\n"
            f"Arrival-Date: {email.utils.format_datetime(self.when)}\r\n\r\n"
            f"Final-Recipient: rfc822; {customer.email}\r\n"
            f"Original-Recipient: rfc822;{customer.email}\r\n"
            f"Action: failed\r\n"
            f"Status: 5.1.1\r\n"
            f"Diagnostic-Code: smtp; 550 5.1.1 <{customer.email}>: User unknown\r\n\r\n"
            f"--{boundary}\r\n"
            f"Content-Description: Undelivered Message Headers\r\n"
            f"Content-Type: text/rfc822-headers\r\n\r\n"
            f"From: {sender}\r\n"
            f"To: {customer.email}\r\n"
            f"Subject: Re: {thread.values['order']}\r\n"
            f"Message-ID: <{ours}>\r\n\r\n"
            f"--{boundary}--\r\n"
        ).encode("ascii")
        return GeneratedMail(
            index=self.index,
            path=f"{MAIL}/{customer.storefront}/{self.index:06d}.eml",
            raw=raw,
            kind="bounce",
            language=customer.language,
            storefront=customer.storefront,
            sender="",
            recipient=sender,
            thread=-1,
            message_id=message_id,
        )

    def _remember(self, thread: Thread, message_id: str, body: str) -> None:
        if not thread.message_ids:
            self.threads.append(thread)
        thread.message_ids.append(message_id)
        thread.last_index, thread.last_text, thread.last_when = self.index, body, self.when
        thread.customer.mails += 1

    def _mail(
        self,
        kind: str,
        customer: Customer,
        message: EmailMessage,
        message_id: str,
        *,
        thread: int,
        files: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
        html_only: bool = False,
        quoted: bool = False,
    ) -> GeneratedMail:
        return GeneratedMail(
            index=self.index,
            path=f"{MAIL}/{customer.storefront}/{self.index:06d}.eml",
            raw=message.as_bytes(),
            kind=kind,
            language=customer.language,
            storefront=customer.storefront,
            sender=customer.email,
            recipient=STOREFRONTS[customer.storefront],
            thread=thread,
            message_id=message_id,
            attachments=tuple(content_type for _, content_type, _ in files),
            html_only=html_only,
            quoted=quoted,
        )

    def _recent_threads(self) -> list[Thread]:
        # The list is in order of first mail; a thread still active is among the last ones.
        horizon = self.index - REPLY_WINDOW
        return [
            t
            for t in self.threads[-REPLY_WINDOW:]
            if t.last_index >= horizon
            and not t.settled
            and len(t.message_ids) < MAX_THREAD_MAILS
            and t.customer.mails < MAX_CUSTOMER_MAILS
        ]

    def next_mail(self) -> GeneratedMail:
        rng = self.rng
        self.index += 1
        self.when += dt.timedelta(seconds=rng.randrange(20, 400))
        roll = rng.random()
        recent = self._recent_threads() if self.threads else []
        if recent and roll < AUTO_REPLY_SHARE:
            return self._auto_reply(rng.choice(recent))
        if recent and roll < AUTO_REPLY_SHARE + BOUNCE_SHARE:
            return self._bounce(rng.choice(recent))
        if recent and roll < AUTO_REPLY_SHARE + BOUNCE_SHARE + REPLY_SHARE:
            return self._reply(rng.choice(recent))
        return self._new_thread()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def generate(count: int, *, seed: int = 7) -> Iterator[GeneratedMail]:
    """The first ``count`` mails of the mailbox of ``seed``."""
    generator = MailboxGenerator(seed)
    for _ in range(count):
        yield generator.next_mail()


def summarize(mails: list[GeneratedMail] | list[list[Any]]) -> dict[str, Any]:
    """Counts over the mails (or their manifest rows), and what a correct reader makes of them:
    every mail a person wrote becomes a message, every thread a case."""
    rows = [m.meta() if isinstance(m, GeneratedMail) else m for m in mails]
    kinds = Counter(row[1] for row in rows)
    people = kinds["new"] + kinds["reply"]
    return {
        "messages": len(rows),
        "kinds": dict(sorted(kinds.items())),
        "languages": dict(Counter(row[2] for row in rows).most_common()),
        "storefronts": dict(Counter(row[3] for row in rows).most_common()),
        "with_attachments": sum(1 for row in rows if row[7]),
        "senders": len({row[4] for row in rows if row[4]}),
        "threads": kinds["new"],
        "expected_messages": people,
        "expected_cases": kinds["new"],
    }


def write_mailbox(
    folder: Path,
    *,
    count: int,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write the mailbox under ``folder`` (reused as it is when its manifest says it is the same
    mailbox) and return the manifest."""
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        try:
            manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        except ValueError:
            manifest = {}
        if (manifest.get("version"), manifest.get("seed"), manifest.get("count")) == (
            VERSION,
            seed,
            count,
        ) and all((folder / row[0]).exists() for row in manifest["mails"]):
            return manifest
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / MAIL, ignore_errors=True)
    rows: list[list[Any]] = []
    size = 0
    extra: Counter[str] = Counter()
    for mail in generate(count, seed=seed):
        target = folder / mail.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(mail.raw)
        rows.append(mail.meta())
        size += len(mail.raw)
        extra["html_only"] += mail.html_only
        extra["quoted"] += mail.quoted
        if progress is not None and (mail.index % 500 == 0 or mail.index == count):
            progress(mail.index)
    manifest = {
        "version": VERSION,
        "seed": seed,
        "count": count,
        "bytes": size,
        "summary": {**summarize(rows), **extra},
        "columns": [
            "path",
            "kind",
            "language",
            "storefront",
            "sender",
            "recipient",
            "thread",
            "attachments",
        ],
        "mails": rows,
    }
    manifest_path.write_text(json.dumps(manifest))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(Path("var") / "bench" / "mail" / "mailbox"))
    args = parser.parse_args(argv)
    manifest = write_mailbox(
        Path(args.out),
        count=args.messages,
        seed=args.seed,
        progress=lambda n: print(f"\r  {n:,}/{args.messages:,} mails", end="", file=sys.stderr),
    )
    print("", file=sys.stderr)
    print(json.dumps({"folder": args.out, "bytes": manifest["bytes"], **manifest["summary"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
