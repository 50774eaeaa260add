"""A second opinion: the customer asks for someone else to look at their case, without starting
over. The case stays the same case; see :func:`case_second_opinion`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from amends.accounts.models import Role, Team, User
from amends.cases import events, reasons
from amends.cases.models import OPEN_STATUSES, Case, CaseStatus
from amends.cases.services import _bump, case_set_status  # the one way a case row changes
from amends.core.errors import Conflict, ErrorCode
from amends.notifications.services import notify

SECOND_OPINION_SUPERVISOR = "supervisor"
SECOND_OPINION_SENIOR_TEAM = "senior_team"
SECOND_OPINION_TEAM_LEAD = "team_lead"
MAX_SECOND_OPINION_REASON = 2000


class SecondOpinionPending(Conflict):
    """A second opinion was asked for already and is still pending."""


class SecondOpinionUnavailable(Conflict):
    """Nobody is set up to give a second opinion on the case's storefront."""


@dataclass(frozen=True)
class SecondOpinion:
    """A pending request for a second opinion, as its event recorded it."""

    route: str
    first_name: str  # of the person giving it; "" when it waits in a team's queue
    reason: str
    requested_at: dt.datetime


def second_opinion_pending(*, case: Case) -> SecondOpinion | None:
    """The pending request for a second opinion, if there is one.

    A request is pending from the moment it is made until the case is next solved or closed; a
    case that is solved and then opens again may ask once more.
    """
    last = (
        case.events.filter(kind=events.EventKind.SECOND_OPINION_REQUESTED).order_by("-id").first()
    )
    if last is None:
        return None
    settled = case.events.filter(
        kind=events.EventKind.STATUS_CHANGED,
        id__gt=last.pk,
        data__to__in=[CaseStatus.SOLVED, CaseStatus.CLOSED],
    ).exists()
    if settled:
        return None
    data = last.data if isinstance(last.data, dict) else {}
    return SecondOpinion(
        route=str(data.get("route", "")),
        first_name=str(data.get("to_first_name", "")),
        reason=str(data.get("reason", "")),
        requested_at=last.created_at,
    )


def _clean_reason(reason: str) -> str:
    kept = "".join(ch for ch in reason if ch in "\n\t" or (ch.isprintable() and ch != "\x00"))
    return kept.strip()[:MAX_SECOND_OPINION_REASON]


def _second_opinion_owner(case: Case) -> tuple[str, Team, User | None]:
    """Who gives the second opinion: (route, team, assignee or None for the team's queue)."""
    from django.db.models import Count, Q

    supervisor = (
        User.objects.filter(role=Role.SUPERVISOR, is_active=True, brands=case.brand)
        .exclude(pk=case.assignee_id or 0)
        .exclude(agent__is_available=False)
        .annotate(
            open_cases=Count(
                "assigned_cases",
                filter=Q(assigned_cases__status__in=OPEN_STATUSES),
                distinct=True,
            )
        )
        .order_by("open_cases", "id")
        .first()
    )
    if supervisor is not None:
        return SECOND_OPINION_SUPERVISOR, case.team, supervisor
    senior = (
        Team.objects.filter(is_senior=True)
        .filter(Q(brand=case.brand) | Q(brand__isnull=True))
        .exclude(pk=case.team_id)
        .order_by(F("brand").asc(nulls_last=True), "id")
        .first()
    )
    if senior is not None:
        return SECOND_OPINION_SENIOR_TEAM, senior, None
    lead = case.team.lead
    if lead is not None and lead.is_active and lead.pk != case.assignee_id:
        return SECOND_OPINION_TEAM_LEAD, case.team, lead
    raise SecondOpinionUnavailable(
        f"nobody can give a second opinion on {case.reference}: the storefront has no "
        "supervisor, no senior team and the case's team no lead",
    )


@transaction.atomic
def case_second_opinion(*, case: Case, actor: User, reason: str = "") -> Case:
    """The customer asks for someone else to look at their case, without starting over.

    It stays the same case, so its messages, orders and commitments stay with it. It goes to a
    supervisor of the case's storefront (the one with the fewest open cases; never the current
    owner); if there is none, to the storefront's senior team (or the senior team that serves
    every storefront); failing that, to the lead of the case's team. Whoever gets it is
    notified. A solved or waiting-on-customer case opens again, since the customer is now
    waiting on us.

    It can be asked for once while a request is pending (``SecondOpinionPending``; nothing is
    recorded). It is not counted as a bounce: bounces measure the service passing a customer
    around, and a second opinion is the customer's own choice; it has its own event kind so it
    is counted on its own.
    """
    # One request at a time per case: hold the row, then read it as it is now.
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    case.refresh_from_db(fields=["version", "status", "team", "assignee"])
    if case.status == CaseStatus.CLOSED:
        raise Conflict(f"case {case.reference} is closed", code=ErrorCode.CASE_CLOSED)
    if second_opinion_pending(case=case) is not None:
        raise SecondOpinionPending(
            f"a second opinion on {case.reference} was already asked for and is pending"
        )
    reason = _clean_reason(reason)
    route, team, assignee = _second_opinion_owner(case)
    if case.status in {CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.SOLVED}:
        case_set_status(
            case=case,
            actor=actor,
            status=CaseStatus.OPEN,
            reason=reasons.SECOND_OPINION,
        )
    previous_team, previous_assignee = case.team, case.assignee
    _bump(case, expected_version=None, team=team, assignee=assignee)
    event = events.second_opinion_requested(
        case=case,
        actor=actor,
        previous_team=previous_team,
        previous_assignee=previous_assignee,
        route=route,
        reason=reason,
    )
    if assignee is not None:
        recipients = [assignee]
    elif team.lead is not None:
        recipients = [team.lead]
    else:
        recipients = [m.user for m in team.members.select_related("user").order_by("id")[:20]]
    said = f": “{reason}”" if reason else ""
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind="second_opinion_requested",
            case=case,
            text=f"{case.customer} asked for a second opinion on {case.reference}{said}"[:500],
            dedupe_key=f"second_opinion:{case.pk}:{event.pk}:{recipient.pk}",
        )
    return case
