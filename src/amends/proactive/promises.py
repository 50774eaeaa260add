"""What a proactive notice promises by a date, as a commitment with an owner.

A notice promises a follow-up by a date for a lost parcel (the carrier's search), a late one
(news, unless it arrives: then the promise is kept by itself, ``services``), and for any problem
for which the policy allows no choice. The promise is a commitment like any agent's, with its
reminder, escalation and expiry timers; its owner is the case's agent, else its team's lead,
else a supervisor of the storefront. With nobody to own it, nothing is promised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from amends.accounts.models import Role, User
from amends.cases.models import Case
from amends.commitments.models import Commitment, CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.proactive.offers import Offers
from amends.proactive.rules import ProblemKind

# What a notice promises, in business days, and the promise in the customer's words: a
# follow-up the case's owner must keep.
PROMISES: dict[ProblemKind, tuple[str, int, str]] = {
    ProblemKind.LOST: (
        CommitmentKind.INVESTIGATION,
        3,
        gettext_noop("The result of the carrier's search for the parcel of order %(number)s"),
    ),
    ProblemKind.LATE: (
        CommitmentKind.DELIVERY_ESTIMATE,
        2,
        gettext_noop("News about the late parcel of order %(number)s"),
    ),
}
NO_CHOICE_PROMISE = (
    CommitmentKind.INVESTIGATION,
    2,
    gettext_noop("A solution for the parcel of order %(number)s"),
)


@dataclass(frozen=True)
class Promise:
    kind: str
    due_at: dt.datetime
    owner: User
    description: str  # a message id, worded in the customer's language when it is made


def promise_owner(case: Case) -> User | None:
    """Who keeps the notice's promise: the case's agent, else its team's lead, else a
    supervisor of the storefront. None: nobody can, so the notice promises no date."""
    staff = {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}
    for user in (case.assignee, case.team.lead):
        if user is not None and user.is_active and user.role in staff:
            return user
    return (
        User.objects.filter(role=Role.SUPERVISOR, brands=case.brand_id, is_active=True)
        .order_by("id")
        .first()
    )


def promise_for(
    *, case: Case, kind: ProblemKind, offers: Offers, now: dt.datetime
) -> Promise | None:
    promised = PROMISES.get(kind) or (None if offers.offered else NO_CHOICE_PROMISE)
    owner = promise_owner(case)
    if promised is None or owner is None:
        return None
    commitment_kind, days, description = promised
    return Promise(
        kind=commitment_kind,
        due_at=Due(business_days=days).resolve(case=case, now=now),
        owner=owner,
        description=description,
    )


def promise_make(*, case: Case, promise: Promise, description: str, now: dt.datetime) -> Commitment:
    """The notice's promise as a commitment made by amends itself (no actor), with its timers."""
    return commitment_make(
        case=case,
        actor=None,
        kind=promise.kind,
        description=description,
        due=Due(at=promise.due_at),
        owner=promise.owner,
        now=now,
    )
