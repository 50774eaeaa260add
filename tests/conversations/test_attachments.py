"""Attachments: names made safe, files checked by their first bytes, stored under generated keys,
downloaded only by those who may see the message and never rendered by the browser; and message
HTML that reaches a page only through nh3."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from amends.accounts.models import User
from amends.conversations.filenames import MAX_LENGTH, clean_filename
from amends.conversations.models import Attachment, Message
from amends.conversations.services import case_add_note, message_receive
from amends.conversations.storage import discard_files_on_error
from amends.conversations.templatetags.message_html import sanitize_html
from amends.conversations.uploads import (
    MAX_FILE_BYTES,
    RejectedFile,
    Upload,
    inspect_file,
)
from amends.core.errors import InvalidInput
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    TeamFactory,
    brand_of,
    make_agent,
    make_customer_user,
    make_supervisor,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
SRC = Path(__file__).resolve().parents[2] / "src" / "amends"


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\cmd.exe", "cmd.exe"),
        ("/absolute/path/scan.pdf", "scan.pdf"),
        ("\u202egpj.exe", "gpj.exe"),  # right-to-left override: would show as "exe.jpg"
        ("invoice\u2066.pdf\u2069.exe", "invoice.pdf.exe"),  # isolates
        ("zero\u200bwidth\ufeff.png", "zerowidth.png"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("line\r\nbreak.txt", "linebreak.txt"),
        ('a<b>c:d"e|f?g*h.png', "a_b_c_d_e_f_g_h.png"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("Com1.tar.gz", "_Com1.tar.gz"),
        ("LPT9 .pdf", "_LPT9.pdf"),
        ("trailing dots...", "trailing dots"),
        ("   spaced    out   .txt  ", "spaced out.txt"),
        ("", "attachment"),
        ("..", "attachment"),
        ("///", "attachment"),
        (".hidden", "hidden"),
        ("Résumé ünïcödé.pdf", "Résumé ünïcödé.pdf"),
        ("e\u0301te\u0301.txt", "été.txt"),  # composed (NFC)
    ],
)
def test_a_file_name_is_made_safe_to_show(raw: str, shown: str) -> None:
    assert clean_filename(raw) == shown


def test_a_long_name_is_cut_in_the_stem_and_keeps_its_extension() -> None:
    name = clean_filename("x" * 500 + ".jpeg")
    assert len(name) == MAX_LENGTH
    assert name.endswith("x.jpeg")


@given(st.text(max_size=400))
def test_any_name_comes_out_short_flat_and_visible(raw: str) -> None:
    name = clean_filename(raw)
    assert 0 < len(name) <= MAX_LENGTH
    assert "/" not in name
    assert "\\" not in name
    assert name == name.strip(" .") or name == "attachment"
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in name)
    assert not re.search(r'[<>:"|?*]', name)
    stem = name.split(".")[0].upper()
    assert stem not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


# --- what may be attached --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "declared", "data", "content_type", "shown"),
    [
        ("photo.JPG", "image/jpeg", JPEG, "image/jpeg", "photo.JPG"),
        ("photo.jpg", "image/jpg", JPEG, "image/jpeg", "photo.jpg"),
        ("screen.png", "image/png", PNG, "image/png", "screen.png"),
        ("invoice.pdf", "application/pdf", PDF, "application/pdf", "invoice.pdf"),
        ("notes.txt", "text/plain; charset=utf-8", "Grüße\n".encode(), "text/plain", "notes.txt"),
        ("scan", "application/pdf", PDF, "application/pdf", "scan.pdf"),
        ("../../etc/passwd", "text/plain", b"root:x:0:0\n", "text/plain", "passwd.txt"),
    ],
)
def test_images_pdf_and_text_pass(
    filename: str, declared: str, data: bytes, content_type: str, shown: str
) -> None:
    checked = inspect_file(filename=filename, declared_type=declared, data=data)
    assert checked.content_type == content_type
    assert checked.filename == shown
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("filename", "declared", "data", "code"),
    [
        ("holiday.jpg", "image/jpeg", EXE, "executable"),  # a program calling itself a photo
        ("holiday.jpg", "image/jpeg", ELF, "executable"),
        ("run.txt", "text/plain", b"#!/bin/sh\nrm -rf ~\n", "executable"),
        ("docs.pdf", "application/pdf", b"PK\x03\x04" + b"\x00" * 40, "executable"),
        ("setup.exe", "application/x-msdownload", EXE, "executable"),
        ("photo.jpg", "image/jpeg", PNG, "content_mismatch"),  # PNG bytes, JPEG claim
        ("photo.jpg", "image/jpeg", b"<html><script>alert(1)</script>", "content_mismatch"),
        ("notes.txt", "text/plain", b"text with a \x00 NUL byte", "content_mismatch"),
        ("notes.txt", "text/plain", b"\xff\xfe\xfd not UTF-8", "content_mismatch"),
        ("notes.txt", "text/plain", PDF, "content_mismatch"),
        ("\u202egpj.exe", "image/jpeg", JPEG, "name_mismatch"),
        ("photo.jpg.html", "image/jpeg", JPEG, "name_mismatch"),
        ("drawing.svg", "image/svg+xml", b"<svg onload=alert(1)>", "type_not_accepted"),
        ("page.html", "text/html", b"<p>hi</p>", "type_not_accepted"),
        ("blob", "", JPEG, "type_not_accepted"),
        ("empty.txt", "text/plain", b"", "empty"),
        ("big.txt", "text/plain", b"a" * (MAX_FILE_BYTES + 1), "too_large"),
    ],
)
def test_programs_mismatches_and_other_files_are_refused(
    filename: str, declared: str, data: bytes, code: str
) -> None:
    with pytest.raises(RejectedFile) as refused:
        inspect_file(filename=filename, declared_type=declared, data=data)
    assert refused.value.code == code
    assert refused.value.reason  # English, for the API and the quarantine
    assert clean_filename(filename) in refused.value.message  # for the person, by name


def test_ten_megabytes_of_text_is_the_limit_not_over_it() -> None:
    checked = inspect_file(
        filename="log.txt", declared_type="text/plain", data=b"a" * MAX_FILE_BYTES
    )
    assert checked.size == MAX_FILE_BYTES


# --- storing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_keeps_its_files_under_generated_keys(media: Path) -> None:
    case = CaseFactory()
    message = message_receive(
        case=case,
        text="Photos attached.",
        channel="web",
        attachments=[
            Upload("../../etc/passwd", "text/plain", b"root:x:0:0\n"),
            Upload("\u202egnp.png", "image/png", PNG),
        ],
    )
    first, second = message.attachments.order_by("id")
    assert (first.filename, first.content_type, first.size) == ("passwd.txt", "text/plain", 11)
    assert first.sha256 == hashlib.sha256(b"root:x:0:0\n").hexdigest()
    assert second.filename == "gnp.png"
    for attachment in (first, second):
        key = attachment.file.name or ""
        assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", key), key
        assert "passwd" not in key
        assert ".." not in key
    with first.file.open("rb") as handle:
        assert handle.read() == b"root:x:0:0\n"
    assert all(p.resolve().is_relative_to(media.resolve()) for p in stored_files(media))


@pytest.mark.django_db
def test_the_service_checks_files_again_and_keeps_nothing_of_a_refused_message(
    media: Path,
) -> None:
    case = CaseFactory()
    with pytest.raises(InvalidInput, match="Windows program"), discard_files_on_error():
        message_receive(
            case=case,
            text="Two files",
            channel="web",
            attachments=[Upload("ok.png", "image/png", PNG), Upload("x.jpg", "image/jpeg", EXE)],
        )
    assert stored_files(media) == []  # the PNG written first was removed again


@pytest.mark.django_db
def test_more_than_five_files_are_refused_by_the_service() -> None:
    with pytest.raises(InvalidInput, match="at most 5"):
        message_receive(
            case=CaseFactory(),
            text="Six files",
            channel="web",
            attachments=[Upload(f"{i}.png", "image/png", PNG) for i in range(6)],
        )
    assert not Message.objects.exists()


# --- downloading -----------------------------------------------------------------------------


class DownloadWorld:
    def __init__(self) -> None:
        self.team = TeamFactory(brand__code="fr")
        self.case = CaseFactory(team=self.team, brand=self.team.brand)
        self.owner = make_customer_user(self.case.customer)
        self.other_customer = make_customer_user(CustomerFactory(brand=self.team.brand))
        self.agent = make_agent(self.team)
        other_team = TeamFactory(brand__code="nl")
        self.other_agent = make_agent(other_team)
        self.supervisor = make_supervisor(brand_of(self.team))
        self.other_supervisor = make_supervisor(brand_of(other_team))
        message = message_receive(
            case=self.case,
            text="Here is the photo.",
            channel="web",
            attachments=[Upload("Café déchiré.jpg", "image/jpeg", JPEG)],
        )
        self.public = message.attachments.get()
        note = case_add_note(case=self.case, actor=self.agent, text="warehouse photo")
        self.note = Attachment.objects.create(
            message=note, filename="internal.pdf", content_type="application/pdf", size=len(PDF)
        )
        self.note.file.save("ignored", ContentFile(PDF))


@pytest.fixture
def world(db: None) -> DownloadWorld:
    return DownloadWorld()


def get(user: User | None, attachment_id: int) -> tuple[int, bytes, dict[str, str]]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/attachments/{attachment_id}/")
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return response.status_code, body, dict(response.headers)


@pytest.mark.parametrize(
    ("who", "public", "note"),
    [
        ("owner", 200, 404),  # a customer never sees internal notes, nor their files
        ("other_customer", 404, 404),
        ("agent", 200, 200),
        ("other_agent", 404, 404),  # an agent of another storefront
        ("supervisor", 200, 200),
        ("other_supervisor", 404, 404),
        ("anonymous", 404, 404),
    ],
)
def test_who_may_download(world: DownloadWorld, who: str, public: int, note: int) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    assert get(user, world.public.pk)[0] == public
    assert get(user, world.note.pk)[0] == note


def test_a_forbidden_file_looks_exactly_like_a_missing_one(world: DownloadWorld) -> None:
    forbidden = get(world.other_customer, world.public.pk)
    missing = get(world.other_customer, 10**9)
    huge = get(world.other_customer, 10**30)
    assert forbidden[0] == missing[0] == huge[0] == 404
    assert forbidden[1] == missing[1].replace(b"1000000000", str(world.public.pk).encode())


def test_the_download_is_never_rendered_by_the_browser(world: DownloadWorld) -> None:
    status, body, headers = get(world.owner, world.public.pk)
    assert status == 200
    assert body == JPEG
    assert headers["Content-Disposition"] == (
        "attachment; filename*=utf-8''Caf%C3%A9%20d%C3%A9chir%C3%A9.jpg"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Content-Security-Policy"] == "sandbox"
    assert headers["Content-Length"] == str(len(JPEG))


def test_a_plain_ascii_name_is_quoted(world: DownloadWorld) -> None:
    headers = get(world.agent, world.note.pk)[2]
    assert headers["Content-Disposition"] == 'attachment; filename="internal.pdf"'
    assert headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("stored", ["text/html", "image/svg+xml", "application/javascript", ""])
def test_a_type_off_the_allow_list_goes_out_as_octet_stream(
    world: DownloadWorld, stored: str
) -> None:
    Attachment.objects.filter(pk=world.public.pk).update(content_type=stored)
    assert get(world.owner, world.public.pk)[2]["Content-Type"] == "application/octet-stream"


def test_text_is_sent_as_utf8_text(world: DownloadWorld) -> None:
    Attachment.objects.filter(pk=world.public.pk).update(content_type="text/plain")
    assert get(world.owner, world.public.pk)[2]["Content-Type"] == "text/plain; charset=utf-8"


def test_a_file_missing_from_storage_is_a_404_not_a_crash(world: DownloadWorld) -> None:
    default_storage.delete(world.public.file.name or "")
    assert get(world.owner, world.public.pk)[0] == 404


def test_only_get_is_allowed(world: DownloadWorld) -> None:
    client = Client()
    client.force_login(world.owner)
    assert client.post(f"/attachments/{world.public.pk}/").status_code in {403, 405}


def test_case_pages_list_the_files_with_links(world: DownloadWorld) -> None:
    agent, customer = Client(), Client()
    agent.force_login(world.agent)
    customer.force_login(world.owner)
    console = agent.get(f"/console/cases/{world.case.pk}/").content.decode()
    portal = customer.get(f"/my/cases/{world.case.pk}/").content.decode()
    assert f'href="/attachments/{world.public.pk}/"' in console
    assert f'href="/attachments/{world.note.pk}/"' in console
    assert "Café déchiré.jpg" in console
    assert f'href="/attachments/{world.public.pk}/"' in portal
    assert f"/attachments/{world.note.pk}/" not in portal  # the note is not shown to them


def test_attachment_names_are_escaped_on_pages(world: DownloadWorld) -> None:
    Attachment.objects.filter(pk=world.public.pk).update(filename='<img src=x onerror="1">.jpg')
    html = Template('{% include "conversations/attachments.html" with message=m %}').render(
        Context({"m": world.public.message})
    )
    assert "<img" not in html
    assert "&lt;img" in html


# --- message HTML ----------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt&colon;alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<div onmouseover="alert(1)">hover</div>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_is_made_harmless(html: str) -> None:
    clean = sanitize_html(html).lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onmouseover",
        "javascript:",
        "<style",
        "style=",
        "<svg",
        "<iframe",
        "<form",
        "<input",
        "<object",
        "<embed",
        "<meta",
        "<base",
        "<img",
        "data:",
        "<math",
    ):
        assert bad not in clean, (html, clean)


def test_ordinary_formatting_and_links_survive() -> None:
    html = (
        "<p>Hello <strong>Niels</strong>,</p><ul><li>one</li></ul>"
        '<a href="https://shop.example/track">track</a> <a href="mailto:a@b.example">mail</a>'
    )
    clean = sanitize_html(html)
    assert "<strong>Niels</strong>" in clean
    assert "<li>one</li>" in clean
    assert 'href="https://shop.example/track"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean
    assert 'href="mailto:a@b.example"' in clean


def test_the_template_filter_marks_only_cleaned_html_safe() -> None:
    template = Template(
        "{% load message_html %}{{ html|sanitized_html }}|{{ none|sanitized_html }}"
    )
    out = template.render(
        Context({"html": '<b onclick="x()">hi</b><script>1</script>', "none": None})
    )
    assert out == "<b>hi</b>|"


def test_no_template_renders_message_html_unsanitised() -> None:
    offenders = []
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        for match in re.finditer(r"\{\{[^}]*body_html[^}]*\}\}", template.read_text()):
            if "|sanitized_html" not in match.group(0):
                offenders.append(f"{template.relative_to(SRC)}: {match.group(0)}")
    assert not offenders, offenders
