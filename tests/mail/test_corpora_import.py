"""Every file of the problem-mail corpora through ``amends mail import``: each is stored or
quarantined with a reason, nothing escapes, nothing hangs, and the raw bytes come back."""

from __future__ import annotations

import json

import pytest

from amends.cli import main
from amends.inbound.models import InboundMessage, InboundStatus
from amends.mail.importer import _is_mbox
from amends.mail.models import Mailbox
from tests.factories import BrandFactory, TeamFactory
from tests.mail.corpora import CORPORA, needs_corpora

pytestmark = [pytest.mark.django_db, needs_corpora]


def test_every_corpus_file_is_stored_or_quarantined_with_a_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    brand = BrandFactory(code="fr", sender_email="support@shop.example")
    TeamFactory(brand=brand)
    Mailbox.objects.create(brand=brand, address="support@shop.example")
    files = sorted(p for p in CORPORA.rglob("*") if p.is_file())
    assert len(files) > 300

    code = main(["mail", "import", str(CORPORA), "--mailbox", "support@shop.example"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert code == 0
    assert summary["read"] >= len(files)
    stored = {bytes(raw) for raw in InboundMessage.objects.values_list("raw", flat=True)}
    for path in files:
        data = path.read_bytes()
        if _is_mbox(path):
            continue  # its mails are stored one by one
        # Identical files are one mail stored once.
        assert data in stored, f"{path.relative_to(CORPORA)} was not stored unchanged"
    statuses = dict(InboundMessage.objects.values_list("id", "status"))
    assert set(statuses.values()) <= {
        InboundStatus.PROCESSED,
        InboundStatus.QUARANTINED,
        InboundStatus.HELD,
    }
    reasons = list(
        InboundMessage.objects.exclude(status=InboundStatus.PROCESSED).values_list(
            "reason", flat=True
        )
    )
    assert all(reasons), "a quarantined mail without a reason"
    bugs = [r for r in reasons if r.startswith("internal error")]
    assert not bugs, bugs[:5]
    # Most of the corpus is real mail from people: most of it must become case messages.
    processed = sum(1 for s in statuses.values() if s == InboundStatus.PROCESSED)
    assert processed > len(files) // 2, summary
