"""Every mail other software keeps as a problem fixture is read or refused, never a crash or a hang.

The corpora live beside the repository (``../shared/corpora/mail``); see their README for where
each folder comes from. ``tnef/`` holds raw winmail.dat bodies, not mails: they go through the
TNEF reader directly.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from amends.mail import tnef
from amends.mail.importer import OverBudget, time_budget
from amends.mail.parse import parse_mail
from amends.mail.parsed import MailRejected, ParsedMail
from tests.mail.corpora import CORPORA, needs_corpora

BUDGET_SECONDS = 10

pytestmark = needs_corpora


def _files(folder: Path, *, tnef_bodies: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.name != "README.md"
        and ((path.relative_to(folder).parts[0] == "tnef") == tnef_bodies)
    )


MAILS = _files(CORPORA, tnef_bodies=False)
TNEF_BODIES = _files(CORPORA, tnef_bodies=True)


def _id(path: Path) -> str:
    return str(path.relative_to(CORPORA))


@contextmanager
def budget(seconds: float, what: str) -> Iterator[None]:
    """Fail naming ``what`` when the block runs longer than ``seconds`` (the import's own
    per-mail budget, so the test holds the parser to what ``amends mail import`` allows)."""
    try:
        with time_budget(seconds):
            yield
    except OverBudget as exc:
        pytest.fail(f"{what}: {exc}")


def read(path: Path) -> ParsedMail:
    with budget(BUDGET_SECONDS, _id(path)):
        return parse_mail(path.read_bytes())


def test_the_corpora_are_there() -> None:
    assert len(MAILS) > 300
    assert len(TNEF_BODIES) >= 20


@pytest.mark.parametrize("path", MAILS, ids=_id)
def test_every_mail_is_read_or_refused(path: Path) -> None:
    try:
        parsed = read(path)
    except MailRejected:
        return  # refused for a limit: kept raw and quarantined by the caller
    assert "\x00" not in parsed.text
    assert not [d for d in parsed.defects if d.startswith("could not be read as MIME")]
    if parsed.text.strip():
        assert parsed.visible_text.strip()


def winmail_mail(blob: bytes) -> bytes:
    return (
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\n"
        b"See files\r\n--b\r\nContent-Type: application/ms-tnef\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="winmail.dat"\r\n\r\n'
        + base64.encodebytes(blob)
        + b"\r\n--b--\r\n"
    )


@pytest.mark.parametrize("path", TNEF_BODIES, ids=_id)
def test_every_tnef_body_gives_its_files_or_is_kept(path: Path) -> None:
    blob = path.read_bytes()
    with budget(BUDGET_SECONDS, _id(path)):
        parsed = parse_mail(winmail_mail(blob))
    sources = {a.source for a in parsed.attachments}
    if sources == {"tnef"}:
        assert all(a.data for a in parsed.attachments)
    elif not sources:  # a winmail.dat holding only the text, which the mail has already
        assert tnef.extract(blob).text or tnef.extract(blob).html
    else:
        (kept,) = parsed.attachments
        assert (kept.filename, kept.data) == ("winmail.dat", blob)
        assert any("winmail.dat" in d for d in parsed.defects)


def mail_at(name: str) -> ParsedMail:
    return read(CORPORA / name)


def test_cyrillic_subject() -> None:
    parsed = mail_at("flanker/messages/bilingual-simple.eml")
    assert parsed.subject == "Simple text. How are you? Как ты поживаешь?"


@pytest.mark.parametrize(
    ("name", "address", "status", "permanent"),
    [
        (
            "flanker/messages/bounce/zed.eml",
            "asdfasdfasdfasdfasdfasdfewrqertrtyrthsfgdfgadfqeadvxzvz@gmail.com",
            "5.1.1",
            True,
        ),
        ("flanker/messages/bounce/mailbox-full.eml", "user@aol.com", "5.2.2", True),
        ("flanker/messages/bounce/office365.eml", "noname@example.com", "5.1.10", True),
        ("flanker/messages/bounce/no-mx.eml", "user@example.com", "4.4.4", False),
        ("flanker/messages/bounce/delayed.eml", "foo@example.com", "4.0.0", True),
        ("flanker/messages/bounce/delayed-broken.eml", "demo@example.com", "4.2.2", True),
    ],
)
def test_standard_bounces(name: str, address: str, status: str, permanent: bool) -> None:
    report = mail_at(name).report
    assert report is not None
    assert report.standard
    assert [(r.address, r.status) for r in report.recipients] == [(address, status)]
    assert report.permanent is permanent


def test_standard_bounce_names_the_bounced_mail() -> None:
    report = mail_at("flanker/messages/bounce/office365.eml").report
    assert report is not None
    assert report.original_message_id == "20171013111011.20866.254C2F3A4D7AA526@ninomail.com"


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("flanker/messages/bounce/gmail-no-dns.eml", "user@example.comm"),
        (
            "flanker/messages/bounce/gmail-invalid-address.eml",
            "awfawfawfawfawfaw@someserverhere.com",
        ),
    ],
)
def test_free_text_bounces(name: str, address: str) -> None:
    report = mail_at(name).report
    assert report is not None
    assert not report.standard
    assert report.permanent
    assert address in [r.address for r in report.recipients]


def test_multi_recipient_bounce() -> None:
    report = mail_at("ruby-mail/emails/multipart_report_emails/multi_address_bounce1.eml").report
    assert report is not None
    assert len(report.recipients) == 5
    assert all(r.status == "5.1.1" for r in report.recipients)


def test_read_receipt_is_no_bounce() -> None:
    assert mail_at("flanker/messages/disposition-notification.eml").report is None


def test_torture_completes() -> None:
    parsed = mail_at("flanker/messages/torture.eml")
    assert parsed.attachments


def test_endless_enclosure_is_one_attachment() -> None:
    parsed = mail_at("flanker/messages/enclosed-endless.eml")
    assert parsed.subject == "Wow"
    (enclosed,) = parsed.attachments
    assert enclosed.content_type == "message/rfc822"
    assert len(enclosed.data) > 2_000_000


def test_long_header_is_cut() -> None:
    parsed = mail_at("flanker/messages/long-header.eml")
    assert len(parsed.subject) == 16 * 1024
    assert "header 'subject' cut at 16384 characters" in parsed.defects


def test_signed_mail() -> None:
    parsed = mail_at("ruby-mail/emails/mime_emails/sig_only_email.eml")
    assert parsed.security == "signed"
    assert parsed.text


def test_rfc6532_utf8_headers() -> None:
    parsed = mail_at("ruby-mail/emails/rfc6532/utf8_headers.eml")
    assert parsed.subject == "Säying Hello"
    assert parsed.from_address == "jdöe@mächine.example"


def test_japanese_iso_2022_jp() -> None:
    parsed = mail_at("ruby-mail/emails/multi_charset/japanese_iso_2022.eml")
    assert parsed.text
    assert all(ord(ch) < 0x3000 or ch.isprintable() for ch in parsed.text)
    assert "\x1b" not in parsed.text


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("two-files.tnef", ["AUTHORS", "README"]),
        ("umlaut.tnef", ["TBZ PARIV GmbH.jpg", "image003.jpg", "UmlautAnhang-äüö.txt"]),
        ("long-filename.tnef", ["allproductsmar2000.dat"]),
        ("bad_checksum.tnef", ["image001.png"]),
        (
            "duplicate_filename.tnef",
            ["file_abcdefgh.txt", "file_abcdefgh.txt", "VIA_Nytt_14021.htm"],
        ),
        ("minimal_attachment.tnef", [""]),
    ],
)
def test_tnef_files(name: str, files: list[str]) -> None:
    content = tnef.extract((CORPORA / "tnef" / name).read_bytes())
    assert [f.name for f in content.files] == files
    assert all(f.data for f in content.files)


def test_tnef_without_files_but_a_body() -> None:
    content = tnef.extract((CORPORA / "tnef" / "body.tnef").read_bytes())
    assert content.files == ()
    assert content.html.strip()


def test_tnef_garbage_at_end_is_not_readable() -> None:
    content = tnef.extract((CORPORA / "tnef" / "garbage-at-end.tnef").read_bytes())
    assert not content.readable


def test_winmail_dat_in_a_mail_becomes_its_files() -> None:
    parsed = parse_mail(winmail_mail((CORPORA / "tnef" / "two-files.tnef").read_bytes()))
    assert [(a.filename, a.source) for a in parsed.attachments] == [
        ("AUTHORS", "tnef"),
        ("README", "tnef"),
    ]
    assert parsed.text == "See files"


def test_winmail_dat_body_becomes_the_text_when_the_mail_has_none() -> None:
    raw = winmail_mail((CORPORA / "tnef" / "body.tnef").read_bytes())
    raw = raw.replace(b"See files", b"")
    parsed = parse_mail(raw)
    assert parsed.text.strip()
    assert parsed.html
