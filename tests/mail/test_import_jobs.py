"""``amends mail import --jobs 2``: two processes share the mail by sender, in a real data
folder (a child process, since the processes must see each other's commits)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.mail.builders import build_mail
from tests.processes import child_env
from tests.test_cli import amends, last_json

SETUP = """
from amends.accounts.models import Team
from amends.brands.models import Brand
from amends.mail.models import Mailbox
brand = Brand.objects.create(code="fr", name="Shop", country="FR", languages=["fr", "en"],
                             default_language="fr", sender_email="support@shop.example")
Team.objects.create(name="France", slug="france", brand=brand)
Mailbox.objects.create(brand=brand, address="support@shop.example")
"""

COUNT = """
from amends.cases.models import Case
from amends.conversations.models import Message
from amends.inbound.models import InboundMessage
print(InboundMessage.objects.count(), Message.objects.count(), Case.objects.count())
"""


def _shell(data_dir: Path, code: str) -> str:
    env = child_env(data_dir, DJANGO_SETTINGS_MODULE="amends.config.settings")
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def test_two_processes_import_each_mail_once_and_keep_threads(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    amends(data_dir, "migrate")
    _shell(data_dir, SETUP)
    folder = tmp_path / "mail"
    folder.mkdir()
    for sender in range(12):
        first = f"<t{sender}@mail.test>"
        (folder / f"{sender:02d}a.eml").write_bytes(
            build_mail(sender=f"c{sender}@mail.test", message_id=first, subject=f"Colis {sender}")
        )
        (folder / f"{sender:02d}b.eml").write_bytes(
            build_mail(sender=f"c{sender}@mail.test", in_reply_to=first, subject="Re: colis")
        )
    summary = last_json(amends(data_dir, "mail", "import", str(folder), "--jobs", "2"))
    assert summary["read"] == summary["stored"] == 24
    assert _shell(data_dir, COUNT) == "24 24 12"  # every reply in its sender's case
    again = last_json(amends(data_dir, "mail", "import", str(folder), "--jobs", "2"))
    assert again["duplicates"] == 24
    assert _shell(data_dir, COUNT) == "24 24 12"


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    amends(data_dir, "migrate")
    result = amends(data_dir, "mail", "import", str(tmp_path), "--jobs", "0", check=False)
    assert result.returncode == 2
    assert "--jobs must be 1 or more" in result.stderr
