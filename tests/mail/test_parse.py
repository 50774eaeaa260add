"""parse_mail on small hand-built mails: what each field holds, and what hostile mail gets."""

from __future__ import annotations

import base64
import datetime as dt
import struct
from email.message import EmailMessage

import pytest

from amends.mail import charsets, quotes, tnef
from amends.mail.parse import parse_mail
from amends.mail.parsed import MailLimits, MailRejected, ParsedMail

PLAIN = (
    b"From: Anna Example <Anna@Example.ORG>\r\n"
    b"To: help@shop.example, Other <other@shop.example>\r\n"
    b"Subject: Where is my order?\r\n"
    b"Message-ID: <abc.123@example.org>\r\n"
    b"Date: Mon, 03 Jun 2024 10:00:00 +0200\r\n"
    b"\r\n"
    b"Hello, my parcel has not arrived.\r\n"
)


def mail(headers: str, body: bytes = b"Hello\r\n") -> bytes:
    return headers.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


def multipart(subtype: str, *parts: bytes, boundary: str = "b0", headers: str = "") -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"'
    return (headers + head).encode() + b"\r\n\r\n" + body


def part(content_type: str, body: bytes, *extra: str) -> bytes:
    head = "\r\n".join([f"Content-Type: {content_type}", *extra])
    return head.encode() + b"\r\n\r\n" + body


# -- headers ------------------------------------------------------------------------------------


def test_plain_mail_fields() -> None:
    parsed = parse_mail(PLAIN)
    assert parsed.subject == "Where is my order?"
    assert parsed.from_address == "anna@example.org"
    assert parsed.from_name == "Anna Example"
    assert parsed.to == ("help@shop.example", "other@shop.example")
    assert parsed.message_id == "abc.123@example.org"
    assert parsed.date == dt.datetime(2024, 6, 3, 8, 0, tzinfo=dt.UTC)
    assert parsed.text == "Hello, my parcel has not arrived."
    assert parsed.visible_text == parsed.text
    assert parsed.html == ""
    assert parsed.return_path is None
    assert parsed.report is None
    assert parsed.defects == ()
    assert parsed.header("SUBJECT") == "Where is my order?"
    assert [name for name, _value in parsed.headers] == [
        "from",
        "to",
        "subject",
        "message-id",
        "date",
    ]


def test_threading_headers_keep_ids_without_brackets() -> None:
    parsed = parse_mail(
        mail(
            """
Message-ID: <m1@x.example>
In-Reply-To: <p1@shop.example> (garbage here)
References: <r1@shop.example>
 <r2@shop.example>  <p1@shop.example>
Reply-To: Desk <Desk@Other.example>
Cc: a@b.example, , broken, <c@d.example>
Delivered-To: help@shop.example
X-Original-To: help+tag@shop.example
"""
        )
    )
    assert parsed.in_reply_to == ("p1@shop.example",)
    assert parsed.references == ("r1@shop.example", "r2@shop.example", "p1@shop.example")
    assert parsed.reply_to == ("desk@other.example",)
    assert parsed.cc == ("a@b.example", "c@d.example")
    assert parsed.delivered_to == ("help@shop.example", "help+tag@shop.example")


def test_very_long_references_keep_the_root_and_the_latest() -> None:
    ids = " ".join(f"<r{n}@x.example>" for n in range(300))
    parsed = parse_mail(mail(f"References: {ids}"))
    assert len(parsed.references) == 100
    assert parsed.references[0] == "r0@x.example"
    assert parsed.references[-1] == "r299@x.example"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("<>", ""), ("< >", ""), ("<Bounce+X@Shop.example>", "bounce+x@shop.example")],
)
def test_return_path(value: str, expected: str) -> None:
    assert parse_mail(mail(f"Return-Path: {value}")).return_path == expected


def test_missing_message_id_and_date() -> None:
    parsed = parse_mail(mail("Subject: hi"))
    assert parsed.message_id == ""
    assert parsed.date is None


def test_unreadable_date_is_none_with_a_defect() -> None:
    parsed = parse_mail(mail("Date: the day after tomorrow, at noon"))
    assert parsed.date is None
    assert "date unreadable" in parsed.defects


def test_date_without_zone_is_utc() -> None:
    parsed = parse_mail(mail("Date: Mon, 03 Jun 2024 10:00:00 -0000"))
    assert parsed.date == dt.datetime(2024, 6, 3, 10, 0, tzinfo=dt.UTC)


def test_encoded_words_in_subject_and_name() -> None:
    parsed = parse_mail(
        mail(
            """
Subject: =?utf-8?B?Q29tbWFuZGUgbsKw?= =?utf-8?Q?_123_=E2=80=93_ab=C3=AEm=C3=A9e?=
From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <j@example.de>
"""
        )
    )
    assert parsed.subject == "Commande n° 123 \u2013 abîmée"
    assert parsed.from_name == "Jürgen Müller"


def test_koi8_r_subject_and_body() -> None:
    subject = base64.b64encode("Где мой заказ?".encode("koi8-r")).decode()
    raw = mail(
        f"Subject: =?koi8-r?B?{subject}?=\nContent-Type: text/plain; charset=koi8-r",
        "Посылка не пришла.".encode("koi8-r"),
    )
    parsed = parse_mail(raw)
    assert parsed.subject == "Где мой заказ?"
    assert parsed.text == "Посылка не пришла."
    assert parsed.defects == ()


def test_multi_byte_character_split_across_encoded_words() -> None:
    # "é" is C3 A9 in UTF-8; a mailer cut it between two words.
    parsed = parse_mail(mail("Subject: =?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?="))
    assert parsed.subject == "café"


def test_broken_and_unknown_encoded_words_never_raise() -> None:
    parsed = parse_mail(
        mail("Subject: =?x-unknown?Q?caf=E9?= =?utf-8?B?not base64!?= =?utf-8?Q?unterminated")
    )
    assert parsed.subject.startswith("café")
    assert "=?utf-8?Q?unterminated" in parsed.subject
    assert "charset 'x-unknown' unknown, read as windows-1252" in parsed.defects


def test_rfc6532_utf8_headers() -> None:
    raw = "From: Jöhn Dœ <jöhn@exämple.example>\r\nSubject: Säying Hello\r\n\r\nHi".encode()
    parsed = parse_mail(raw)
    assert parsed.subject == "Säying Hello"
    assert parsed.from_name == "Jöhn Dœ"
    assert parsed.from_address == "jöhn@exämple.example"
    assert parsed.defects == ()


def test_eight_bit_latin1_header_is_read_as_windows_1252() -> None:
    raw = b"Subject: Caf\xe9 cr\xe8me\r\n\r\nHi"
    parsed = parse_mail(raw)
    assert parsed.subject == "Café crème"
    assert "8-bit header read as windows-1252" in parsed.defects


def test_header_injection_through_encoded_words_stays_one_line() -> None:
    evil = base64.b64encode(b"hello\r\nBcc: victim@example.org\r\n\r\nbody").decode()
    parsed = parse_mail(
        mail(f"Subject: =?utf-8?B?{evil}?=\nFrom: =?utf-8?Q?a=0D=0Ab?= <x@y.example>")
    )
    assert "\n" not in parsed.subject
    assert "\r" not in parsed.subject
    assert not parsed.has_header("bcc")
    assert parsed.from_address == "x@y.example"
    assert all("\n" not in value for _name, value in parsed.headers)


def test_encoded_address_cannot_add_a_recipient() -> None:
    parsed = parse_mail(mail("To: =?utf-8?Q?evil=40attacker.example=2C?= <help@shop.example>"))
    assert parsed.to == ("help@shop.example",)


def test_duplicated_headers_use_the_first_and_say_so() -> None:
    parsed = parse_mail(
        mail("From: first@x.example\nFrom: second@x.example\nSubject: one\nSubject: two")
    )
    assert parsed.from_address == "first@x.example"
    assert parsed.subject == "one"
    assert parsed.header("subject") == "one"
    assert [v for k, v in parsed.headers if k == "subject"] == ["one", "two"]
    assert "2 'from' headers; the first is used" in parsed.defects


def test_unreadable_from_is_empty() -> None:
    parsed = parse_mail(mail("From: <<<@@@>>> ;;; \x01"))
    assert parsed.from_address == ""


def test_long_header_is_cut_with_a_defect() -> None:
    limits = MailLimits(max_header_chars=100)
    parsed = parse_mail(mail("Subject: " + "word " * 500 + "\nX-Other: fine"), limits)
    assert len(parsed.subject) == 100
    assert parsed.header("x-other") == "fine"
    assert "header 'subject' cut at 100 characters" in parsed.defects


def test_nul_bytes_in_headers_and_body_are_dropped() -> None:
    parsed = parse_mail(b"Subject: a\x00b\r\n\r\nbody\x00text\r\n")
    assert parsed.subject == "ab"
    assert parsed.text == "bodytext"


def test_newline_inside_a_header_value_is_folded() -> None:
    parsed = parse_mail(b"To: a@x.example,\n b@x.example\nSubject: s\n\nHi")
    assert parsed.to == ("a@x.example", "b@x.example")


# -- bodies -------------------------------------------------------------------------------------


def test_no_content_type_is_plain_us_ascii_with_fallback() -> None:
    parsed = parse_mail(b"Subject: x\r\n\r\nna\xc3\xafve caf\xc3\xa9\r\n")
    assert parsed.text == "naïve café"
    assert "8-bit text without a charset, read as utf-8" in parsed.defects


def test_wrong_declared_charset_falls_back() -> None:
    raw = mail("Content-Type: text/plain; charset=utf-8", "Le colis était abîmé".encode("cp1252"))
    parsed = parse_mail(raw)
    assert parsed.text == "Le colis était abîmé"
    assert any("did not fit charset 'utf-8'" in d for d in parsed.defects)


def test_unknown_declared_charset_falls_back() -> None:
    parsed = parse_mail(mail("Content-Type: text/plain; charset=x-klingon", b"ok \xe9"))
    assert parsed.text == "ok é"
    assert "charset 'x-klingon' unknown, read as windows-1252" in parsed.defects


def test_python_only_codecs_are_not_charsets() -> None:
    parsed = parse_mail(mail("Content-Type: text/plain; charset=unicode_escape", b"a\\u0041"))
    assert parsed.text == "a\\u0041"


def test_alternative_prefers_plain_and_keeps_sanitised_html() -> None:
    raw = multipart(
        "alternative",
        part("text/plain; charset=utf-8", b"Plain words"),
        part(
            "text/html; charset=utf-8",
            b'<p onclick="x()">Rich <b>words</b></p><script>alert(1)</script>'
            b'<img src="https://tracker.example/p.gif"><img src="cid:logo@x">',
        ),
    )
    parsed = parse_mail(raw)
    assert parsed.text == "Plain words"
    assert "<b>words</b>" in parsed.html
    assert "script" not in parsed.html
    assert "onclick" not in parsed.html
    assert "tracker.example" not in parsed.html
    assert 'src="cid:logo@x"' in parsed.html


def test_html_only_mail_gets_text_from_the_html() -> None:
    raw = mail(
        "Content-Type: text/html; charset=utf-8",
        b"<html><body><p>Hello</p><ul><li>one</li><li>two</li></ul></body></html>",
    )
    parsed = parse_mail(raw)
    assert "Hello" in parsed.text
    assert "* one" in parsed.text
    assert "<" not in parsed.text
    assert "<li>one</li>" in parsed.html


def test_text_is_capped() -> None:
    parsed = parse_mail(mail("Subject: x", b"a" * 5000), MailLimits(max_text_chars=1000))
    assert len(parsed.text) == 1000
    assert "text cut at 1000 characters" in parsed.defects


def test_missing_end_boundary_keeps_the_text() -> None:
    raw = (
        b'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n'
        b"--zz\r\nContent-Type: text/plain\r\n\r\nStill here\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.text == "Still here"
    assert "missing end boundary" in parsed.defects


def test_multipart_without_boundary_is_recorded() -> None:
    parsed = parse_mail(mail("Content-Type: multipart/mixed", b"just text"))
    assert "multipart without a boundary" in parsed.defects


# -- quotes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intro", "language"),
    [
        ("On Mon, 3 Jun 2024 at 10:00, Shop <help@shop.example> wrote:", "en"),
        ("Le lun. 3 juin 2024 à 10:00, Boutique <help@shop.example> a écrit :", "fr"),
        ("Op ma 3 jun. 2024 om 10:00 schreef Winkel <help@shop.example>:", "nl"),
        ("Am Mo., 3. Juni 2024 um 10:00 Uhr schrieb Laden <help@shop.example>:", "de"),
        ("El lun, 3 jun 2024 a las 10:00, Tienda (<help@shop.example>) escribió:", "es"),
        ("Il giorno lun 3 giu 2024 alle ore 10:00 Negozio <help@shop.example> ha scritto:", "it"),
        ("pon., 3 cze 2024 o 10:00 Sklep <help@shop.example> napisał(a):", "pl"),
        ("2024-06-03, pr, 10:00 Parduotuvė <help@shop.example> rašė:", "lt"),
    ],
)
def test_visible_text_drops_the_quoted_history(intro: str, language: str) -> None:
    text = f"My answer ({language}).\n\n{intro}\n> Earlier message\n> from the shop"
    parsed = parse_mail(mail("Content-Type: text/plain; charset=utf-8", text.encode()))
    assert parsed.visible_text == f"My answer ({language})."
    assert "Earlier message" in parsed.text


def test_visible_text_drops_outlook_headers_and_signature() -> None:
    text = (
        "Thanks, but the parcel never came.\n- one box\n- two boxes\n\n-- \nAnna\n\n"
        "From: Shop\nSent: Monday\nTo: Anna\nSubject: Re: order\n\nOld text"
    )
    visible = quotes.visible_text(text)
    assert visible == "Thanks, but the parcel never came.\n- one box\n- two boxes"


def test_visible_text_is_never_empty_when_text_is_not() -> None:
    text = "On Mon, 3 Jun 2024, Shop <a@b.example> wrote:\n> only quoted"
    assert quotes.visible_text(text).strip()
    assert quotes.visible_text("> a\n> b") == "> a\n> b"


# -- attachments --------------------------------------------------------------------------------


def test_attachment_names_rfc2231_and_rfc2047() -> None:
    raw = multipart(
        "mixed",
        part("text/plain", b"See attached"),
        part(
            "application/pdf",
            base64.b64encode(b"%PDF-1.4 one"),
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename*=utf-8''Re%C3%A7u%20n%C2%B01.pdf",
        ),
        part(
            'image/png; name="=?utf-8?Q?Stra=C3=9Fe.png?="',
            base64.b64encode(b"\x89PNG data"),
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: inline",
            "Content-ID: <img1@x.example>",
        ),
    )
    parsed = parse_mail(raw)
    assert parsed.text == "See attached"
    first, second = parsed.attachments
    assert (first.filename, first.content_type, first.data) == (
        "Reçu n°1.pdf",
        "application/pdf",
        b"%PDF-1.4 one",
    )
    assert not first.inline
    assert (second.filename, second.content_id, second.inline) == (
        "Straße.png",
        "img1@x.example",
        True,
    )
    assert second.data == b"\x89PNG data"


def test_hostile_names_are_kept_as_decoded() -> None:
    names = ["../../etc/passwd", "\u202egpj.exe", "a\\b\\c.txt"]
    parts = [
        part("application/octet-stream", b"x", f'Content-Disposition: attachment; filename="{n}"')
        for n in names[:1] + names[2:]
    ]
    encoded = base64.b64encode(names[1].encode()).decode()
    parts.append(
        part(
            "application/octet-stream",
            b"x",
            f'Content-Disposition: attachment; filename="=?utf-8?B?{encoded}?="',
        )
    )
    parsed = parse_mail(multipart("mixed", *parts))
    assert sorted(a.filename for a in parsed.attachments) == sorted(names)


def test_text_attachment_is_not_body() -> None:
    raw = multipart(
        "mixed",
        part("text/plain", b"Body"),
        part("text/plain", b"notes", 'Content-Disposition: attachment; filename="notes.txt"'),
    )
    parsed = parse_mail(raw)
    assert parsed.text == "Body"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("notes.txt", b"notes")]


def test_attached_message_is_an_eml_file_not_body() -> None:
    inner = mail("Subject: Forwarded one\nFrom: x@y.example", b"Inner body text")
    raw = multipart("mixed", part("text/plain", b"FYI"), part("message/rfc822", inner))
    parsed = parse_mail(raw)
    assert parsed.text == "FYI"
    (attachment,) = parsed.attachments
    assert attachment.filename == "Forwarded one.eml"
    assert attachment.content_type == "message/rfc822"
    assert attachment.data.startswith(b"Subject: Forwarded one")
    assert b"Inner body text" in attachment.data


def test_too_many_attachments_are_refused() -> None:
    parts = [
        part("application/octet-stream", b"x", "Content-Disposition: attachment") for _ in range(43)
    ]
    with pytest.raises(MailRejected) as refused:
        parse_mail(multipart("mixed", *parts), MailLimits(max_attachments=40))
    assert refused.value.reason == "43 attachments; the limit is 40"
    assert refused.value.tell_sender


def test_too_many_parts_are_refused_without_reading_them_all() -> None:
    parts = [part("text/plain", b"x") for _ in range(500)]
    with pytest.raises(MailRejected, match="the limit is 20") as refused:
        parse_mail(multipart("mixed", *parts), MailLimits(max_parts=20))
    assert refused.value.tell_sender


def test_too_large_is_refused_first() -> None:
    with pytest.raises(MailRejected, match=r"^2000 bytes; the limit is 1000$"):
        parse_mail(b"x" * 2000, MailLimits(max_bytes=1000))


def test_expanded_size_is_bounded_before_decoding() -> None:
    blob = base64.b64encode(b"\0" * 30_000)
    parts = [
        part(
            "application/zip",
            blob,
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment",
        )
        for _ in range(3)
    ]
    limits = MailLimits(max_expanded_bytes=50_000)
    with pytest.raises(MailRejected, match="once decoded") as refused:
        parse_mail(multipart("mixed", *parts), limits)
    assert refused.value.tell_sender
    assert len(parse_mail(multipart("mixed", *parts[:1]), limits).attachments[0].data) == 30_000


def test_deep_nesting_is_kept_whole_as_one_opaque_attachment() -> None:
    depth = 1000
    opening = b"".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'.encode()
        for n in range(depth)
    )
    closing = b"".join(f"\r\n--b{n}--".encode() for n in reversed(range(depth)))
    raw = b"Subject: deep\r\n" + opening + b"Content-Type: text/plain\r\n\r\nbottom" + closing
    parsed = parse_mail(raw)
    assert parsed.subject == "deep"
    (opaque,) = parsed.attachments
    assert opaque.source == "opaque"
    assert opaque.content_type == "application/octet-stream"
    assert b"bottom" in opaque.data
    assert opaque.data.startswith(b"Content-Type: multipart/mixed")
    assert "parts nested deeper than 12 levels kept whole" in parsed.defects


def test_nesting_within_the_limit_is_read() -> None:
    inner = part("text/plain", b"deep text")
    for n in range(5):
        inner = multipart("mixed", inner, boundary=f"n{n}")
    parsed = parse_mail(b"Subject: s\r\n" + inner, MailLimits(max_depth=6))
    assert parsed.text == "deep text"
    assert parsed.attachments == ()


# -- security -----------------------------------------------------------------------------------


def test_signed_mail_reads_the_first_part_and_keeps_the_signature() -> None:
    raw = multipart(
        "signed",
        part("text/plain", b"Signed words"),
        part("application/pgp-signature", b"-----BEGIN PGP SIGNATURE-----\r\nxx"),
        headers="MIME-Version: 1.0\r\n",
    ).replace(b"multipart/signed;", b'multipart/signed; protocol="application/pgp-signature";')
    parsed = parse_mail(raw)
    assert parsed.security == "signed"
    assert parsed.text == "Signed words"
    (signature,) = parsed.attachments
    assert (signature.filename, signature.content_type) == (
        "signature.asc",
        "application/pgp-signature",
    )


def test_encrypted_mail_has_no_text_and_keeps_the_payload() -> None:
    raw = multipart(
        "encrypted",
        part("application/pgp-encrypted", b"Version: 1"),
        part("application/octet-stream", b"-----BEGIN PGP MESSAGE-----\r\nxx"),
    )
    parsed = parse_mail(raw)
    assert parsed.security == "encrypted"
    assert parsed.text == parsed.visible_text == parsed.html == ""
    (payload,) = parsed.attachments
    assert payload.filename == "encrypted.asc"
    assert payload.data.startswith(b"-----BEGIN PGP MESSAGE")


@pytest.mark.parametrize(
    ("smime_type", "security"), [("enveloped-data", "encrypted"), ("signed-data", "signed")]
)
def test_smime_pkcs7(smime_type: str, security: str) -> None:
    raw = mail(
        f'Content-Type: application/pkcs7-mime; smime-type={smime_type}; name="smime.p7m"\n'
        "Content-Transfer-Encoding: base64",
        base64.b64encode(b"\x30\x80binary"),
    )
    parsed = parse_mail(raw)
    assert parsed.security == security
    assert parsed.text == ""
    assert parsed.attachments[0].filename == "smime.p7m"
    assert parsed.attachments[0].data == b"\x30\x80binary"


# -- TNEF ---------------------------------------------------------------------------------------


def _tnef_object(level: int, name: int, kind: int, payload: bytes) -> bytes:
    checksum = sum(payload) & 0xFFFF
    return (
        struct.pack("<BHHI", level, name, kind, len(payload))
        + payload
        + struct.pack("<H", checksum)
    )


def test_tnef_that_loops_forever_in_tnefparse_is_stopped() -> None:
    endless = struct.pack("<I", 0xFFFFFFFF) + b"\x02\x00\x01\x00"
    blob = tnef.SIGNATURE + b"\x01\x00" + _tnef_object(1, 0x9003, 6, endless) * 2
    content = tnef.extract(blob)
    assert not content.readable
    assert content.defect == "winmail.dat took too long to read"


def test_tnef_with_too_many_objects_is_not_parsed() -> None:
    blob = tnef.SIGNATURE + b"\x01\x00" + _tnef_object(1, 0x8000, 1, b"x") * 400_000
    assert tnef.extract(blob).defect == "winmail.dat has too many objects to read"


def test_broken_winmail_dat_is_kept_as_it_was() -> None:
    garbage = b"\x78\x9f\x3e\x22\x01\x00" + b"\xff" * 40
    raw = multipart(
        "mixed",
        part("text/plain", b"See the file"),
        part(
            "application/ms-tnef",
            base64.b64encode(garbage),
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="winmail.dat"',
        ),
    )
    parsed = parse_mail(raw)
    (kept,) = parsed.attachments
    assert (kept.filename, kept.data, kept.source) == ("winmail.dat", garbage, "")
    assert any("winmail.dat" in d for d in parsed.defects)


# -- reports ------------------------------------------------------------------------------------

DSN = multipart(
    "report",
    part("text/plain", b"Your mail could not be delivered."),
    part(
        "message/delivery-status",
        b"Reporting-MTA: dns; mx.example\r\n\r\n"
        b"Original-Recipient: rfc822; Customer@Example.org\r\n"
        b"Final-Recipient: rfc822; customer@mail.example.org\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n"
        b"Final-Recipient: rfc822; other@example.org\r\nAction: delayed\r\nStatus: 4.4.1\r\n",
    ),
    part("text/rfc822-headers", b"Message-ID: <sent.1@shop.example>\r\nSubject: Re: order\r\n"),
    headers="From: MAILER-DAEMON@mx.example\r\nReturn-Path: <>\r\n",
).replace(b"multipart/report;", b"multipart/report; report-type=delivery-status;")


def test_delivery_status_report() -> None:
    parsed = parse_mail(DSN)
    assert parsed.report is not None
    assert parsed.report.standard
    assert parsed.report.original_message_id == "sent.1@shop.example"
    failed, delayed = parsed.report.recipients
    assert (failed.address, failed.action, failed.status) == (
        "customer@example.org",
        "failed",
        "5.1.1",
    )
    assert failed.diagnostic == "550 5.1.1 no such user"
    assert failed.permanent
    assert (delayed.address, delayed.action, delayed.permanent) == (
        "other@example.org",
        "delayed",
        False,
    )
    assert parsed.text == "Your mail could not be delivered."
    assert parsed.attachments == ()


def test_free_text_bounce_uses_the_failed_recipients_header() -> None:
    raw = mail(
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "Return-Path: <>\nX-Failed-Recipients: gone@example.org\nSubject: Delivery failure",
        b"Delivery failed.\r\n\r\n----- Original message -----\r\n"
        b"Message-ID: <orig.9@shop.example>\r\n",
    )
    parsed = parse_mail(raw)
    assert parsed.report is not None
    assert not parsed.report.standard
    assert parsed.report.recipients[0].address == "gone@example.org"
    assert parsed.report.recipients[0].status == "5.0.0"
    assert parsed.report.original_message_id == "orig.9@shop.example"


def test_a_customer_writing_about_an_undelivered_parcel_is_not_a_bounce() -> None:
    raw = mail(
        "From: anna@example.org\nSubject: Undelivered: my parcel",
        b"The following addresses had permanent fatal errors: anna@example.org\r\n",
    )
    assert parse_mail(raw).report is None


def test_read_receipt_is_not_a_report() -> None:
    raw = multipart(
        "report",
        part("text/plain", b"Your message was displayed."),
        part(
            "message/disposition-notification",
            b"Final-Recipient: rfc822; a@b.example\r\n"
            b"Disposition: manual-action/MDN-sent-manually; displayed\r\n",
        ),
        headers="Return-Path: <>\r\n",
    ).replace(b"multipart/report;", b"multipart/report; report-type=disposition-notification;")
    parsed = parse_mail(raw)
    assert parsed.report is None
    assert parsed.text == "Your message was displayed."


# -- never raises -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n\r\n",
        b"\x00" * 100,
        b"not a mail at all",
        b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n",
        b"Content-Type: text/plain; charset*=x''%FF\r\n\r\n\xff",
        b"Content-Type: message/rfc822\r\n\r\n",
        b"Content-Disposition: attachment; filename*0*=utf-8''%E2; filename*1*=%82%AC\r\n\r\nx",
        b"From: " + b"a" * 100_000 + b"@x\r\n\r\n",
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!!====",
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=",
        b"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n!!!\r\nend\r\n",
    ],
)
def test_garbage_never_raises(raw: bytes) -> None:
    parsed = parse_mail(raw)
    assert isinstance(parsed, ParsedMail)
    assert "\x00" not in parsed.text
    assert not any(d.startswith("could not be read as MIME") for d in parsed.defects)


def test_charsets_helpers_never_raise_on_odd_labels() -> None:
    for label in ["", "utf-16", "base64", "rot13", "idna", "utf-8*en", '"latin1"', "x" * 500]:
        text, _defect = charsets.decode_bytes(b"\xff\xfeA\x00", label)
        assert isinstance(text, str)


def test_email_package_message_round_trip() -> None:
    message = EmailMessage()
    message["From"] = "Ünïcode Name <u@example.org>"
    message["Subject"] = "Grüße aus Köln"
    message.set_content("Hallo 👋")
    message.add_alternative("<p>Hallo 👋</p>", subtype="html")
    message.add_attachment(
        b"%PDF", maintype="application", subtype="pdf", filename="Rechnung Nr. 5.pdf"
    )
    parsed = parse_mail(message.as_bytes())
    assert parsed.subject == "Grüße aus Köln"
    assert parsed.from_name == "Ünïcode Name"
    assert parsed.text == "Hallo 👋"
    assert "<p>Hallo 👋</p>" in parsed.html
    assert [(a.filename, a.data) for a in parsed.attachments] == [("Rechnung Nr. 5.pdf", b"%PDF")]
