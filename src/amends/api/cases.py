"""``/cases``: the list, the detail, opening a case, and changing its owner and status.

Who sees which case is ``cases_visible_to``: admins all; supervisors their brands'; agents their
teams' queues and the cases assigned to them; customers their own; sellers the cases about
their orders. Only staff change cases (403 on a case you can see, 404 on one you cannot).

Opening a case (``POST /cases``): staff open one for any customer they can see; a signed-in
customer opens one for themself, with a first message, and may not choose team, priority or
channel. Sellers do not open cases. Integrations that relay a web form use ``POST /inbound``.

The timeline (``GET /cases/{id}/events``) is the full audit log for staff. Customers and
sellers see a public view of it: only openings, status changes, messages and promises, without
actors, notes, hand-offs or reasons.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from amends.accounts.models import Team, User
from amends.api.commitments import commitment_out
from amends.api.pagination import page_by_id
from amends.api.permissions import current_user, is_customer, require_staff, visible_case
from amends.api.refs import money, staff_name, team_ref, user_ref
from amends.api.schemas.cases import (
    CaseAssignIn,
    CaseDetail,
    CaseFilters,
    CaseListItem,
    CaseOpenIn,
    CasePage,
    CaseStatusIn,
    CaseTransferIn,
    EventOut,
    OrderSummary,
    OwnerOut,
    TriageOut,
)
from amends.api.schemas.common import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, Ref
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent, Channel, Priority
from amends.cases.selectors import case_timeline, cases_visible_to, user_may_work_case
from amends.cases.services import case_assign, case_open, case_set_status, case_transfer
from amends.commerce.models import Order
from amends.commerce.selectors import order_get, orders_of_case
from amends.commitments.selectors import open_commitments_of
from amends.conversations.services import message_receive
from amends.core.errors import Forbidden, InvalidInput
from amends.customers.models import Customer
from amends.customers.selectors import customer_get

router = Router(tags=["cases"])

# What customers and sellers see of the timeline: these kinds, with these fields of ``data``.
PUBLIC_EVENTS: dict[str, tuple[str, ...]] = {
    EventKind.CASE_OPENED: ("channel",),
    EventKind.STATUS_CHANGED: ("from", "to"),
    EventKind.MESSAGE_RECEIVED: ("message_id", "channel"),
    EventKind.REPLY_SENT: ("message_id", "channel"),
    EventKind.COMMITMENT_MADE: ("commitment_id", "description", "due_at"),
    EventKind.COMMITMENT_KEPT: ("commitment_id",),
    EventKind.COMMITMENT_BROKEN: ("commitment_id", "due_at"),
    EventKind.COMMITMENT_WAIVED: ("commitment_id",),
}


LIST_FIELDS = (
    "id",
    "subject",
    "status",
    "priority",
    "bounces",
    "created_at",
    "updated_at",
    "brand__code",
    "team__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
    "customer__name",
)


def _filtered(user: User, filters: CaseFilters) -> QuerySet[Case]:
    qs = (
        cases_visible_to(user)
        .select_related("brand", "team", "assignee", "customer")
        # Only what a list item shows: the brand's hours and the like stay in the database.
        .only(*LIST_FIELDS)
    )
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.assignee_id is not None:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    if filters.brand:
        qs = qs.filter(brand__code=filters.brand.lower())
    if filters.priority is not None:
        qs = qs.filter(priority=filters.priority)
    if filters.customer_id is not None:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(subject__icontains=word)
    return qs


def list_item(case: Case, *, viewer: User) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "subject": case.subject,
        "status": case.status,
        "priority": case.priority,
        "brand": case.brand.code,
        "team": team_ref(case.team),
        "assignee": user_ref(case.assignee, viewer=viewer),
        "customer": Ref(id=case.customer.pk, name=case.customer.name),
        "bounces": case.bounces,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def case_detail(case: Case, *, viewer: User) -> CaseDetail:
    staff = user_may_work_case(viewer)
    if case.assignee is not None:
        owner = OwnerOut(
            kind="agent", id=case.assignee.pk, name=staff_name(case.assignee, viewer=viewer)
        )
    else:
        owner = OwnerOut(kind="team", id=case.team.pk, name=case.team.name)
    orders = orders_of_case(case=case, viewer=viewer).order_by("id")
    return CaseDetail(
        **list_item(case, viewer=viewer),
        version=case.version,
        owner=owner,
        language=case.language,
        origin_channel=case.origin_channel,
        next_step=case.next_step if staff else "",
        satisfaction=case.satisfaction,
        first_response_at=case.first_response_at,
        solved_at=case.solved_at,
        last_message_at=case.last_message_at,
        orders=[
            OrderSummary(
                id=o.pk,
                number=o.number,
                status=o.status,
                placed_at=o.placed_at,
                total=money(o.total),
                currency=o.currency,
            )
            for o in orders
        ],
        open_commitments=[commitment_out(c, viewer=viewer) for c in open_commitments_of(case=case)],
        triage=(
            TriageOut(
                intents=list(case.intents), sentiment=case.sentiment, churn_risk=case.churn_risk
            )
            if staff
            else None
        ),
    )


@router.get("/cases", response={200: CasePage, **ERRORS_LIST})
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> CasePage:
    """Cases you can see, newest first. Walk the pages with ``next_cursor``."""
    user = current_user(request)
    qs = _filtered(user, filters)
    rows, next_cursor = page_by_id(qs, cursor=filters.cursor, limit=filters.limit)
    return CasePage(
        items=[CaseListItem(**list_item(c, viewer=user)) for c in rows], next_cursor=next_cursor
    )


def _team(team_id: int | None, *, field: str) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise InvalidInput(f"team {team_id} does not exist", errors={field: "no such team"})
    return team


def _person(user_id: int, *, field: str) -> User:
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise InvalidInput(
            f"user {user_id} is not an active agent", errors={field: "not an active agent"}
        )
    return person


def _customer_for_new_case(user: User, body: CaseOpenIn) -> Customer:
    if is_customer(user):
        own = Customer.objects.filter(user=user).select_related("brand").first()
        if body.customer_id is not None and (own is None or own.pk != body.customer_id):
            customer_get(user=user, customer_id=body.customer_id)  # 404: they see only themselves
            raise Forbidden("you can open cases only for yourself")
        if own is None:
            raise Forbidden("your account is not linked to a customer record")
        chosen = {
            field: "chosen by the support team"
            for field in ("team_id", "priority", "channel")
            if getattr(body, field) is not None
        }
        if chosen:
            raise Forbidden("customers cannot choose " + ", ".join(chosen), errors=chosen)
        if not body.message.strip():
            raise InvalidInput(
                "tell us what happened in the message", errors={"message": "must not be empty"}
            )
        return own
    if body.customer_id is None:
        raise InvalidInput(
            "say which customer the case is about", errors={"customer_id": "required"}
        )
    customer = customer_get(user=user, customer_id=body.customer_id)
    require_staff(user, action="open cases")
    return customer


@router.post("/cases", response={201: CaseDetail, **ERRORS_WRITE})
def case_create(request: HttpRequest, body: CaseOpenIn) -> Status[CaseDetail]:
    """Open a case (staff: for a customer you can see; customers: for yourself)."""
    user = current_user(request)
    customer = _customer_for_new_case(user, body)
    orders: list[Order] = [
        order_get(user=user, order_id=pk) for pk in dict.fromkeys(body.order_ids)
    ]
    channel = Channel.API if is_customer(user) else (body.channel or Channel.API)
    with transaction.atomic():
        case = case_open(
            brand=customer.brand,
            customer=customer,
            subject=body.subject,
            channel=channel,
            actor=user,
            team=_team(body.team_id, field="team_id"),
            priority=body.priority or Priority.NORMAL,
            orders=orders,
        )
        if body.message.strip():
            message_receive(case=case, text=body.message, channel=channel)
    case = Case.objects.select_related("brand", "team", "assignee", "customer").get(pk=case.pk)
    return Status(201, case_detail(case, viewer=user))


@router.get("/cases/{case_id}", response={200: CaseDetail, **ERRORS_READ})
def case_read(request: HttpRequest, case_id: int) -> CaseDetail:
    user = current_user(request)
    return case_detail(visible_case(user, case_id), viewer=user)


@router.post("/cases/{case_id}/assign", response={200: CaseDetail, **ERRORS_WRITE})
def case_assign_route(request: HttpRequest, case_id: int, body: CaseAssignIn) -> CaseDetail:
    """Take a case from its team's queue (or give it to a team member). No note needed; a case
    that already has an assignee moves only by transfer. Two agents taking the same case at
    once: one wins, the other gets 409."""
    user = current_user(request)
    case = visible_case(user, case_id)
    require_staff(user, action="assign cases")
    assignee = _person(body.assignee_id, field="assignee_id")
    case_assign(case=case, assignee=assignee, actor=user, expected_version=body.version)
    return case_detail(case, viewer=user)


@router.post("/cases/{case_id}/transfer", response={200: CaseDetail, **ERRORS_WRITE})
def case_transfer_route(request: HttpRequest, case_id: int, body: CaseTransferIn) -> CaseDetail:
    """Warm hand-off to another agent and/or team, with a note (422 ``handoff_note_required``
    without one). Counts as a bounce."""
    user = current_user(request)
    case = visible_case(user, case_id)
    require_staff(user, action="transfer cases")
    case_transfer(
        case=case,
        actor=user,
        note=body.note,
        to_team=_team(body.to_team_id, field="to_team_id"),
        to_assignee=(
            _person(body.to_assignee_id, field="to_assignee_id")
            if body.to_assignee_id is not None
            else None
        ),
        expected_version=body.version,
    )
    return case_detail(case, viewer=user)


@router.post("/cases/{case_id}/status", response={200: CaseDetail, **ERRORS_WRITE})
def case_status_route(request: HttpRequest, case_id: int, body: CaseStatusIn) -> CaseDetail:
    user = current_user(request)
    case = visible_case(user, case_id)
    require_staff(user, action="change the status of cases")
    case_set_status(
        case=case,
        actor=user,
        status=body.status,
        reason=body.reason,
        expected_version=body.version,
    )
    return case_detail(case, viewer=user)


def _event_out(event: CaseEvent, *, viewer: User, staff: bool) -> EventOut:
    if staff:
        data = dict(event.data)
        actor = user_ref(event.actor, viewer=viewer)
    else:
        data = {k: event.data[k] for k in PUBLIC_EVENTS[event.kind] if k in event.data}
        actor = None
    return EventOut(
        id=event.pk, kind=event.kind, created_at=event.created_at, actor=actor, data=data
    )


@router.get("/cases/{case_id}/events", response={200: list[EventOut], **ERRORS_READ})
def case_events(request: HttpRequest, case_id: int) -> list[EventOut]:
    """The timeline, oldest first. Staff: the full audit log. Customers and sellers: the public
    view (openings, status changes, messages, promises; no actors, notes or hand-offs)."""
    user = current_user(request)
    case = visible_case(user, case_id)
    staff = user_may_work_case(user)
    events = case_timeline(case=case)
    if not staff:
        events = events.filter(kind__in=list(PUBLIC_EVENTS))
    return [_event_out(e, viewer=user, staff=staff) for e in events]
