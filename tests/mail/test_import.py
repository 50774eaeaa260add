"""``amends mail import``: .eml files, folders and mbox files, with a JSON summary."""

from __future__ import annotations

import json
import mailbox as mbox_format
from pathlib import Path

import pytest

from amends.cli import main
from amends.inbound.models import InboundMessage, InboundStatus
from amends.mail.importer import import_mail, reason_group
from amends.mail.models import Mailbox
from tests.factories import BrandFactory, TeamFactory
from tests.mail.builders import build_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox() -> Mailbox:
    brand = BrandFactory(code="fr", sender_email="support@shop.example")
    TeamFactory(brand=brand)
    return Mailbox.objects.create(brand=brand, address="support@shop.example")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["mail", "import", *args])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def test_files_folders_and_mbox(
    tmp_path: Path, mailbox: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "one.eml").write_bytes(build_mail(subject="one"))
    folder = tmp_path / "folder" / "deeper"
    folder.mkdir(parents=True)
    (folder / "two.eml").write_bytes(build_mail(subject="two"))
    box = mbox_format.mbox(tmp_path / "archive.mbox")
    for subject in ("three", "four", "five"):
        box.add(build_mail(subject=subject, sender=f"{subject}@mail.test"))
    box.close()
    code, summary = run(
        capsys,
        str(tmp_path / "one.eml"),
        str(tmp_path / "folder"),
        str(tmp_path / "archive.mbox"),
        "--mailbox",
        "support@shop.example",
    )
    assert code == 0
    assert summary["read"] == summary["stored"] == 5
    assert summary["duplicates"] == 0
    assert summary["quarantined"] == {}
    code, again = run(capsys, str(tmp_path), "--mailbox", "support@shop.example")
    assert again["duplicates"] == 5
    assert again["stored"] == 0
    assert InboundMessage.objects.count() == 5


def test_a_single_eml_starting_with_a_from_line_is_kept_whole(
    tmp_path: Path, mailbox: Mailbox
) -> None:
    raw = b"From claire@mail.test Mon Mar  3 10:00:00 2025\n" + build_mail()
    (tmp_path / "x.eml").write_bytes(raw)
    import_mail([tmp_path / "x.eml"], mailbox=mailbox)
    assert bytes(InboundMessage.objects.get().raw) == raw


def test_quarantined_mail_is_counted_by_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for brand_code in ("fr", "nl"):
        TeamFactory(brand=BrandFactory(code=brand_code))
    (tmp_path / "a.eml").write_bytes(build_mail(to="nobody@elsewhere.test"))
    (tmp_path / "b.eml").write_bytes(build_mail(to="other@elsewhere.test"))
    code, summary = run(capsys, str(tmp_path))
    assert code == 0
    assert summary["quarantined"] == {
        "no storefront receives mail at nobody@elsewhere.test": 1,
        "no storefront receives mail at other@elsewhere.test": 1,
    }
    assert InboundMessage.objects.filter(status=InboundStatus.QUARANTINED).count() == 2


def test_a_missing_path_or_mailbox_is_a_clear_error(
    tmp_path: Path, mailbox: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = run(capsys, str(tmp_path / "nope.eml"))
    assert code == 2
    assert "no such file or folder" in str(summary["error"])
    (tmp_path / "a.eml").write_bytes(build_mail())
    code, summary = run(capsys, str(tmp_path / "a.eml"), "--mailbox", "who@shop.example")
    assert code == 2
    assert "support@shop.example" in str(summary["error"])


def test_reasons_are_grouped_without_their_numbers() -> None:
    assert reason_group("143 attachments; the limit is 40") == "N attachments; the limit is N"
    assert reason_group("unknown storefront 'xx'") == "unknown storefront …"


def test_mail_stored_but_never_processed_is_processed_by_the_next_import(
    tmp_path: Path, mailbox: Mailbox
) -> None:
    from amends.mail.intake import mail_store

    raw = build_mail(subject="stored before a crash")
    (tmp_path / "one.eml").write_bytes(raw)
    left = mail_store(raw, mailbox=mailbox).inbound  # stored; the process died before reading it
    assert left.status == InboundStatus.RECEIVED

    summary = import_mail([tmp_path], mailbox=mailbox).as_dict()

    assert (summary["stored"], summary["duplicates"], summary["pending"]) == (1, 0, 0)
    left.refresh_from_db()
    assert left.status == InboundStatus.PROCESSED
    assert import_mail([tmp_path], mailbox=mailbox).as_dict()["duplicates"] == 1


def test_a_group_the_database_fails_is_processed_one_by_one(
    tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DatabaseError

    from amends.mail import importer

    for n in range(3):
        (tmp_path / f"{n}.eml").write_bytes(build_mail(subject=f"mail {n}", sender=f"s{n}@x.test"))
    real = importer._process
    calls: list[int] = []

    def flaky(inbound: InboundMessage, budget: float) -> InboundMessage:
        calls.append(inbound.pk)
        if len(calls) == 3:  # the group's last mail: the whole group's transaction is lost
            raise DatabaseError("connection lost")
        return real(inbound, budget)

    monkeypatch.setattr(importer, "_process", flaky)
    summary = import_mail([tmp_path], mailbox=mailbox).as_dict()
    assert summary["stored"] == 3
    assert len(calls) == 6  # three together, then three again alone
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {InboundStatus.PROCESSED}


def test_the_same_mail_twice_in_one_import_is_stored_and_read_once(
    tmp_path: Path, mailbox: Mailbox
) -> None:
    raw = build_mail(subject="twice")
    (tmp_path / "a.eml").write_bytes(raw)
    (tmp_path / "b.eml").write_bytes(raw)
    summary = import_mail([tmp_path], mailbox=mailbox).as_dict()
    assert (summary["stored"], summary["duplicates"], summary["quarantined"]) == (1, 1, {})
    assert InboundMessage.objects.get().status == InboundStatus.PROCESSED


def test_mail_is_read_before_its_group_locks_and_a_slow_one_is_quarantined_alone(
    tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing happens before the group's transaction (so another import process can write
    meanwhile), once per mail, and still within the time budget: a mail whose parsing runs
    over it is quarantined with the reason while the rest of its group is read."""
    import time

    from django.db import connection

    from amends.mail import parse

    for n in range(3):
        (tmp_path / f"{n}.eml").write_bytes(build_mail(subject=f"mail {n}", sender=f"s{n}@x.test"))
    real = parse.parse_mail
    parsed: list[tuple[str, bool]] = []
    outside = len(connection.atomic_blocks)  # the test's own transaction

    def watched(raw: bytes, *args: object, **kwargs: object) -> object:
        in_group = len(connection.atomic_blocks) > outside
        parsed.append((raw.split(b"Subject: ")[1][:6].decode(), in_group))
        if b"mail 1" in raw:
            time.sleep(5)
        return real(raw, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parse, "parse_mail", watched)
    summary = import_mail([tmp_path], mailbox=mailbox, budget=0.5).as_dict()
    assert sorted(parsed) == [("mail 0", False), ("mail 1", False), ("mail 2", False)]
    assert summary["stored"] == 2
    assert summary["quarantined"] == {"reading the mail took longer than N.N s": 1}
    slow = InboundMessage.objects.get(status=InboundStatus.QUARANTINED)
    assert b"mail 1" in bytes(slow.raw)
