"""``bench/mail.py`` keeps working: its mailbox is what it claims, and amends takes it in.

The benchmark's figures come from 10,000 mails in fresh databases; here only its machinery is
checked, on 20 mails: the generator (languages, attachments, threads, the same mails for the same
seed) and the import path with the counts the benchmark judges it by. No timing is asserted.
"""

from __future__ import annotations

import email
import email.policy
import importlib.util
import re
import struct
import sys
import zlib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
COUNT = 20
SEED = 11


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """bench/mail.py as a module (it imports mailbox_gen and mail_helpdesk beside it);
    sys.path and the sibling modules left as found."""
    saved_path = list(sys.path)
    siblings = ("mailbox_gen", "mailbox_texts", "mail_helpdesk")
    saved = {name: sys.modules.get(name) for name in siblings}
    spec = importlib.util.spec_from_file_location("bench_mail", BENCH / "mail.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        sys.path[:] = saved_path
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous


@pytest.fixture(scope="module")
def mails(bench: ModuleType) -> list[Any]:
    return list(bench.mailbox_gen.generate(COUNT, seed=SEED))


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def ids(value: str | None) -> list[str]:
    return re.findall(r"<([^<>]+)>", value or "")


def test_the_same_seed_gives_the_same_mails_and_a_longer_box_starts_alike(
    bench: ModuleType, mails: list[Any]
) -> None:
    gen = bench.mailbox_gen
    again = list(gen.generate(COUNT, seed=SEED))
    assert [m.raw for m in again] == [m.raw for m in mails]
    shorter = list(gen.generate(COUNT // 2, seed=SEED))
    assert [m.raw for m in shorter] == [m.raw for m in mails[: COUNT // 2]]
    other = list(gen.generate(COUNT, seed=SEED + 1))
    assert [m.raw for m in other] != [m.raw for m in mails]


def test_mails_are_written_by_people_of_several_languages_to_their_storefront(
    bench: ModuleType, mails: list[Any]
) -> None:
    gen = bench.mailbox_gen
    assert len({m.language for m in mails}) >= 4
    for mail in mails:
        message = parsed(mail.raw)
        assert mail.language in gen.texts.LANGUAGES
        assert mail.storefront in gen.ROUTES[mail.language]
        assert message["To"] == gen.STOREFRONTS[mail.storefront]
        assert ids(message["Message-ID"]) == [mail.message_id]
        assert mail.path == f"mail/{mail.storefront}/{mail.index:06d}.eml"
        assert b"\r\n" in mail.raw
        assert b"\n" not in mail.raw.replace(b"\r\n", b"")  # CRLF only, as on the wire
        if mail.kind in {"new", "reply"}:
            body = message.get_body(preferencelist=("plain", "html"))
            assert body is not None
            text = body.get_content()
            assert text.strip()
            first = message["From"].addresses[0].display_name.split()[0]
            assert first in text  # signed by the customer who sent it


def test_replies_answer_an_earlier_mail_of_the_same_sender(
    bench: ModuleType, mails: list[Any]
) -> None:
    by_id = {m.message_id: m for m in mails}
    replies = [m for m in mails if m.kind == "reply"]
    assert replies
    for reply in replies:
        message = parsed(reply.raw)
        (parent_id,) = ids(message["In-Reply-To"])
        parent = by_id[parent_id]
        assert parent.index < reply.index
        assert parent.sender == reply.sender
        assert parent.thread == reply.thread
        assert parent_id == ids(message["References"])[-1]
        assert by_id[ids(message["References"])[0]].kind == "new"
        root = next(m for m in mails if m.index == reply.thread)
        assert str(message["Subject"]).endswith(str(parsed(root.raw)["Subject"]))
    summary = bench.mailbox_gen.summarize(mails)
    assert summary["expected_cases"] == sum(1 for m in mails if m.kind == "new")
    assert summary["expected_messages"] == len(replies) + summary["expected_cases"]


def test_attachments_are_small_valid_png_and_pdf_files(bench: ModuleType, mails: list[Any]) -> None:
    with_files = [m for m in mails if m.attachments]
    assert with_files
    for mail in with_files:
        found = list(parsed(mail.raw).iter_attachments())
        assert tuple(part.get_content_type() for part in found) == mail.attachments
        for part in found:
            data = part.get_content()
            assert 1_000 < len(data) < 20_000
            if part.get_content_type() == "image/png":
                assert data.startswith(b"\x89PNG\r\n\x1a\n")
                width, height = struct.unpack(">II", data[16:24])
                idat = data.index(b"IDAT")
                (length,) = struct.unpack(">I", data[idat - 4 : idat])
                rows = zlib.decompress(data[idat + 4 : idat + 4 + length])
                assert len(rows) == height * (1 + 3 * width)
                assert data.endswith(b"IEND\xaeB`\x82")
            else:
                assert part.get_content_type() == "application/pdf"
                assert data.startswith(b"%PDF-1.4")
                start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
                assert data[start:].startswith(b"xref")


def test_tracking_numbers_carry_a_valid_check_digit(bench: ModuleType) -> None:
    import random

    gen = bench.mailbox_gen
    number = gen.s10(random.Random(1), "RR", "IT")
    assert re.fullmatch(r"RR\d{9}IT", number)
    digits = [int(d) for d in number[2:10]]
    total = sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    assert int(number[10]) == {10: 0, 11: 5}.get(check, check)
    assert gen.ascii_fold("Łukasz Wiśniewski") == "lukasz.wisniewski"


@pytest.mark.django_db
def test_the_import_way_takes_the_mailbox_in(bench: ModuleType, tmp_path: Path) -> None:
    manifest = bench.mailbox_gen.write_mailbox(tmp_path / "box", count=COUNT, seed=SEED)
    assert len(list((tmp_path / "box" / "mail").rglob("*.eml"))) == COUNT
    # Written once: a second call with the same seed and size keeps the files as they are.
    again = bench.mailbox_gen.write_mailbox(tmp_path / "box", count=COUNT, seed=SEED)
    assert again == manifest

    bench.storefronts(None)
    before = bench.counts()
    result = bench.ingest_import(tmp_path / "box")
    after = bench.counts()
    outcome = bench.outcome(before, after, manifest["summary"])
    assert result["detail"]["read"] == COUNT
    assert outcome["stored"] == COUNT
    assert outcome["quarantined"] == 0
    assert outcome["messages"] == manifest["summary"]["expected_messages"]
    assert outcome["cases"] == manifest["summary"]["expected_cases"]
    assert outcome["plausible"] is True
