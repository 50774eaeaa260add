"""Property tests: whatever the bytes, parse_mail returns a mail or refuses it for a limit."""

from __future__ import annotations

import base64
import quopri

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amends.mail import tnef
from amends.mail.parse import parse_mail
from amends.mail.parsed import MailLimits, MailRejected, ParsedMail
from tests.mail.corpora import CORPORA

DEFAULT = MailLimits()
SMALL = MailLimits(
    max_bytes=200_000,
    max_parts=40,
    max_depth=6,
    max_attachments=10,
    max_expanded_bytes=50_000,
    max_header_chars=500,
    max_text_chars=2_000,
)
FUZZ = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)


def check(raw: bytes, limits: MailLimits = DEFAULT) -> ParsedMail | None:
    """Parse and check what must hold for every mail; None when it was refused."""
    refused: MailRejected | None = None
    try:
        parsed = parse_mail(raw, limits)
    except MailRejected as exc:
        refused = exc
    if refused is not None:  # only the limits refuse, and the sender can act on them
        assert refused.reason
        assert refused.tell_sender
        return None
    assert isinstance(parsed.text, str)
    assert "\x00" not in parsed.text
    assert len(parsed.text) <= limits.max_text_chars
    assert sum(len(a.data) for a in parsed.attachments) <= limits.max_expanded_bytes
    assert len(parsed.attachments) <= limits.max_attachments
    assert all(len(value) <= limits.max_header_chars for _name, value in parsed.headers)
    assert all("\n" not in value and "\r" not in value for _name, value in parsed.headers)
    assert "\n" not in parsed.subject
    assert not [d for d in parsed.defects if d.startswith("could not be read as MIME")]
    if parsed.text.strip():
        assert parsed.visible_text.strip()
    return parsed


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(raw: bytes) -> None:
    check(raw)
    check(raw, SMALL)


CHARSETS = ["utf-8", "iso-8859-1", "koi8-r", "shift_jis", "x-unknown", "utf-7", "", "base64"]
HEADER_NAMES = ["Subject", "From", "To", "Cc", "Reply-To", "Message-ID", "References", "Date"]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@st.composite
def header_value(draw: st.DrawFn) -> bytes:
    value = draw(text)
    style = draw(st.sampled_from(["raw-utf8", "raw-latin1", "b", "q", "broken", "address"]))
    charset = draw(st.sampled_from(CHARSETS))
    if style == "raw-utf8":
        return value.encode()
    if style == "raw-latin1":
        return value.encode("latin-1", "replace")
    data = value.encode("utf-8")
    if style == "b":
        return b"=?" + charset.encode() + b"?B?" + base64.b64encode(data) + b"?="
    if style == "q":
        return b"=?" + charset.encode() + b"?Q?" + quopri.encodestring(data, header=True) + b"?="
    if style == "broken":
        return b"=?" + charset.encode() + b"?" + data[:20] + b"?=\r\n =?utf-8?B?" + data[20:]
    return value.encode() + b" <" + value[:10].encode() + b"@x.example>, <<@>>"


@st.composite
def headers(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_value()), max_size=10))
    return b"".join(name.encode() + b": " + value + b"\r\n" for name, value in lines)


LEAF_TYPES = [
    "text/plain",
    "text/html",
    "application/octet-stream",
    "image/png",
    "message/rfc822",
    "message/delivery-status",
    "application/ms-tnef",
    "application/pkcs7-mime; smime-type=enveloped-data",
    "text/rfc822-headers",
]
boundary = st.text(alphabet="abcXYZ0129'()+_,-./:=? ", min_size=1, max_size=20)


@st.composite
def leaf(draw: st.DrawFn) -> bytes:
    content_type = draw(st.sampled_from(LEAF_TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    body = draw(st.binary(max_size=200))
    encoding = draw(st.sampled_from(["", "base64", "quoted-printable", "8bit", "x-uuencode"]))
    if encoding == "base64" and draw(st.booleans()):
        body = base64.encodebytes(body)
    head = f"Content-Type: {content_type}; charset={charset}\r\n"
    if encoding:
        head += f"Content-Transfer-Encoding: {encoding}\r\n"
    if draw(st.booleans()):
        name = draw(text).replace('"', "")
        head += f'Content-Disposition: attachment; filename="{name}"\r\n'
    return head.encode("utf-8") + b"\r\n" + body


def container(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "signed", "report"]))
        mark = draw(boundary)
        parts = draw(st.lists(children, max_size=4))
        body = b"".join(b"--" + mark.encode() + b"\r\n" + p + b"\r\n" for p in parts)
        if draw(st.booleans()):
            body += b"--" + mark.encode() + b"--\r\n"  # sometimes the end boundary is missing
        head = f'Content-Type: multipart/{subtype}; boundary="{mark}"\r\n\r\n'
        return head.encode() + body

    return build()


mime_tree = st.recursive(leaf(), container, max_leaves=12)


@FUZZ
@given(headers(), mime_tree)
def test_structured_mail(head: bytes, tree: bytes) -> None:
    raw = head + tree
    check(raw)
    check(raw, SMALL)


def _corpus_samples() -> list[bytes]:
    if not CORPORA.is_dir():
        return []
    paths = sorted(
        p
        for p in CORPORA.rglob("*")
        if p.is_file() and "tnef" not in p.relative_to(CORPORA).parts and p.stat().st_size < 20_000
    )
    return [p.read_bytes() for p in paths]


SAMPLES = _corpus_samples()


@pytest.mark.skipif(not SAMPLES, reason="the mail corpora (../shared/corpora/mail) are not here")
@FUZZ
@given(st.data())
def test_truncated_and_damaged_corpus_mail(data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(SAMPLES))
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    damaged = bytearray(raw[:cut])
    for _ in range(data.draw(st.integers(min_value=0, max_value=5))):
        if damaged:
            index = data.draw(st.integers(min_value=0, max_value=len(damaged) - 1))
            damaged[index] = data.draw(st.integers(min_value=0, max_value=255))
    check(bytes(damaged))
    check(bytes(damaged), SMALL)


@FUZZ
@given(st.binary(max_size=600))
def test_tnef_never_raises(body: bytes) -> None:
    content = tnef.extract(tnef.SIGNATURE + b"\x01\x00" + body)
    assert all(isinstance(f.name, str) and f.data for f in content.files)
    assert isinstance(content.text, str)
    assert isinstance(content.html, str)
