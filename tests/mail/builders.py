"""Mail for tests, built with the standard library like a mail program would."""

from __future__ import annotations

import email.policy
import email.utils
import itertools
from email.message import EmailMessage

_counter = itertools.count(1)


def build_mail(
    *,
    sender: str = "Claire Martin <claire@mail.test>",
    to: str = "support@shop.example",
    subject: str = "Où est mon colis ?",
    body: str = "Bonjour,\n\nmon colis n'est pas arrivé.\n\nClaire",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    html: str = "",
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    inline: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = message_id or f"<m{next(_counter)}.{id(message)}@mail.test>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
        if inline:
            related = message.get_payload()[1]  # type: ignore[index]
            assert isinstance(related, EmailMessage)
            for cid, content_type, data in inline:
                maintype, subtype = content_type.split("/")
                related.add_related(data, maintype=maintype, subtype=subtype, cid=f"<{cid}>")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def delivery_report(
    *,
    original_message_id: str,
    recipient: str,
    action: str = "failed",
    status: str = "5.1.1",
    to: str = "support@shop.example",
) -> bytes:
    """A bounce as RFC 3464 describes it, from a mailer daemon to the null sender."""
    boundary = "dsn-boundary-1"
    return (
        f"Return-Path: <>\r\n"
        f"From: Mail Delivery System <MAILER-DAEMON@mx.mail.test>\r\n"
        f"To: {to}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn{next(_counter)}@mx.mail.test>\r\n"
        f"Auto-Submitted: auto-replied\r\n"
        f"MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        f"\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: text/plain\r\n\r\n"
        f"Your message could not be delivered.\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.mail.test\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@shop.example\r\n"
        f"To: {recipient}\r\n"
        f"Subject: Re: your parcel\r\n"
        f"Message-ID: <{original_message_id}>\r\n"
        f"--{boundary}--\r\n"
    ).encode()
