"""Every proactive notice passes the reply linter, in every language and register.

A notice is an outgoing message no agent reads before it leaves, so the linter's errors (the
wrong register, a missing apology, a greeting that does not fit) must never be in it: each
problem's notice is rendered through the real path (a carrier scan, the proactive rules, the
catalogues) for the eight languages in both registers and linted as a reply would be. Warnings
are allowed: a notice acknowledges nothing the customer said (they have said nothing yet), and
its next step is the customer's choice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from amends.carriers.taxonomy import TrackingStatus as S
from amends.conversations.models import Direction, Message
from amends.replies.linter import lint
from tests.proactive.conftest import make_world

pytestmark = pytest.mark.django_db

COUNTRIES = {
    "en": "IE",
    "fr": "FR",
    "nl": "NL",
    "de": "DE",
    "es": "ES",
    "it": "IT",
    "pl": "PL",
    "lt": "LT",
}
SCANS = {
    "damaged": [S.DAMAGED],
    "returned": [S.RETURNED_TO_SENDER],
    "lost": [S.LOST],
    "two failed attempts": [S.ATTEMPT_FAILED, S.ATTEMPT_FAILED],
}


@pytest.mark.parametrize("scans", list(SCANS))
@pytest.mark.parametrize("register", ["formal", "informal"])
@pytest.mark.parametrize("language", list(COUNTRIES))
def test_every_notice_passes_the_reply_linter(language: str, register: str, scans: str) -> None:
    world = make_world(country=COUNTRIES[language], language=language, register=register)
    start = timezone.now() - dt.timedelta(hours=len(SCANS[scans]) + 1)
    for hour, status in enumerate(SCANS[scans]):
        world.scan(status, at=start + dt.timedelta(hours=hour))
    notice = Message.objects.get(case__customer=world.customer, direction=Direction.OUTBOUND)
    assert notice.language == language
    result = lint(notice.body_text, language=language, register=register, at_fault=True)
    errors = [(f.code, [s.text for s in f.spans]) for f in result.errors]
    assert errors == [], notice.body_text
