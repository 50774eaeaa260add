"""Where the problem-mail corpora are: ``../shared/corpora/mail`` beside the checkout, or the
folder ``AMENDS_MAIL_CORPORA`` names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPORA = Path(
    os.environ.get("AMENDS_MAIL_CORPORA")
    or Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "mail"
)

needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(),
    reason=f"the mail corpora are not at {CORPORA} (set AMENDS_MAIL_CORPORA to their folder)",
)
