"""What the portal calls things: statuses and promises in a customer's words, country names."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.cases.models import CaseStatus
from amends.cases.second_opinion import (
    SECOND_OPINION_SENIOR_TEAM,
    SECOND_OPINION_SUPERVISOR,
    SecondOpinion,
)
from amends.commitments.models import CommitmentState

CUSTOMER_STATUS: dict[str, Promise] = {
    CaseStatus.NEW: _("Received: we will answer soon"),
    CaseStatus.OPEN: _("We are working on it"),
    CaseStatus.WAITING_ON_CUSTOMER: _("Waiting for your reply"),
    CaseStatus.WAITING_ON_THIRD_PARTY: _("We are waiting for the carrier or the seller"),
    CaseStatus.SOLVED: _("Solved"),
    CaseStatus.CLOSED: _("Closed"),
}

PROMISE_STATE: dict[str, Promise] = {
    CommitmentState.OPEN: _("Pending"),
    CommitmentState.KEPT: _("Kept"),
    CommitmentState.BROKEN: _("Not kept"),
    CommitmentState.WAIVED: _("Withdrawn"),
}

COUNTRY_NAMES: dict[str, Promise] = {
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "CH": _("Switzerland"),
    "DE": _("Germany"),
    "ES": _("Spain"),
    "FR": _("France"),
    "GB": _("United Kingdom"),
    "IE": _("Ireland"),
    "IT": _("Italy"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "NL": _("Netherlands"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
}


def customer_status(status: str) -> str:
    label = CUSTOMER_STATUS.get(status)
    return str(label) if label is not None else status


def promise_state(state: str) -> str:
    label = PROMISE_STATE.get(state)
    return str(label) if label is not None else state


def country_name(code: str) -> str:
    label = COUNTRY_NAMES.get(code.upper())
    return str(label) if label is not None else code.upper()


def second_opinion_sentence(pending: SecondOpinion) -> str:
    """What the customer reads once someone else has taken their case for a second opinion."""
    name = pending.first_name
    if pending.route == SECOND_OPINION_SUPERVISOR and name:
        return gettext("A supervisor, %(name)s, is now looking at your case.") % {"name": name}
    if pending.route == SECOND_OPINION_SENIOR_TEAM or not name:
        return gettext("Our senior team is now looking at your case.")
    return gettext("A team lead, %(name)s, is now looking at your case.") % {"name": name}
