"""Reasons the system gives for a change it makes on its own, stored in English in the event and
shown in the reader's language (``reason_text``). Reasons people type are shown as typed."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

CUSTOMER_WROTE_AGAIN = gettext_noop("the customer wrote again")
SET_WITH_REPLY = gettext_noop("set with the reply")
FIRST_REPLY = gettext_noop("first reply")
SECOND_OPINION = gettext_noop("the customer asked for a second opinion")
CARRIER_REPORTED = gettext_noop("the carrier reported a problem with the parcel")

SYSTEM_REASONS = frozenset(
    {CUSTOMER_WROTE_AGAIN, SET_WITH_REPLY, FIRST_REPLY, SECOND_OPINION, CARRIER_REPORTED}
)


def _routing_reasons() -> frozenset[str]:
    # Routing (triage) builds on cases; imported when first needed, not while apps load.
    from amends.triage.routing import REASONS

    return REASONS


def reason_text(reason: str) -> str:
    """A stored reason for a reader: the system's own in their language, anyone else's as is."""
    known = reason in SYSTEM_REASONS or reason in _routing_reasons()
    return gettext(reason) if known else reason
