"""Commitments: ``/cases/{id}/commitments`` and ``/commitments``.

Whoever can see a case sees its promises (customers and sellers without the owner, what
fulfilled it or why it was waived). Staff also see the promises they own wherever the case has
gone. Only staff make, keep or waive promises.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from amends.accounts.models import User
from amends.api.pagination import page_by_due
from amends.api.permissions import current_user, require_staff, visible_case
from amends.api.refs import user_ref
from amends.api.schemas.commitments import (
    CommitmentFilters,
    CommitmentIn,
    CommitmentKeepIn,
    CommitmentOut,
    CommitmentPage,
    CommitmentWaiveIn,
)
from amends.api.schemas.common import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE
from amends.cases.selectors import user_may_work_case
from amends.commitments.models import Commitment
from amends.commitments.selectors import commitment_get, commitment_list
from amends.commitments.services import Due, commitment_keep, commitment_make, commitment_waive
from amends.core.errors import InvalidInput

router = Router(tags=["commitments"])


def commitment_out(commitment: Commitment, *, viewer: User) -> CommitmentOut:
    staff = user_may_work_case(viewer)
    return CommitmentOut(
        id=commitment.pk,
        case_id=commitment.case_id,
        case_reference=f"AM-{commitment.case_id:06d}",
        kind=commitment.kind,
        description=commitment.description,
        owner=user_ref(commitment.owner, viewer=viewer) if staff else None,
        due_at=commitment.due_at,
        state=commitment.state,
        created_at=commitment.created_at,
        closed_at=commitment.closed_at,
        fulfilled_by=commitment.fulfilled_by if staff else "",
        waive_reason=commitment.waive_reason if staff else "",
    )


@router.get("/cases/{case_id}/commitments", response={200: list[CommitmentOut], **ERRORS_READ})
def case_commitments(request: HttpRequest, case_id: int) -> list[CommitmentOut]:
    """Every promise made on the case, soonest due first."""
    user = current_user(request)
    case = visible_case(user, case_id)
    rows = commitment_list(user=user, case=case)[:500]
    return [commitment_out(c, viewer=user) for c in rows]


@router.post("/cases/{case_id}/commitments", response={201: CommitmentOut, **ERRORS_WRITE})
def case_commitment_make(
    request: HttpRequest, case_id: int, body: CommitmentIn
) -> Status[CommitmentOut]:
    """Promise the customer something by a due time (422 ``due_in_past`` if it has passed)."""
    user = current_user(request)
    case = visible_case(user, case_id)
    require_staff(user, action="make promises on cases")
    owner = None
    if body.owner_id is not None:
        owner = User.objects.filter(pk=body.owner_id).first()
        if owner is None:
            raise InvalidInput(
                f"user {body.owner_id} is not an active agent",
                errors={"owner_id": "not an active agent"},
            )
    commitment = commitment_make(
        case=case,
        actor=user,
        kind=body.kind,
        description=body.description,
        due=Due(
            at=body.due_at,
            business_days=body.within_business_days,
            business_hours=body.within_business_hours,
            local_time=body.local_time,
        ),
        owner=owner,
    )
    return Status(201, commitment_out(commitment, viewer=user))


@router.get("/commitments", response={200: CommitmentPage, **ERRORS_LIST})
def commitments_index(request: HttpRequest, filters: Query[CommitmentFilters]) -> CommitmentPage:
    """Promises you can see, soonest due first. ``owner=me`` for your own."""
    user = current_user(request)
    if filters.due_before is not None and filters.due_before.tzinfo is None:
        raise InvalidInput(
            "due_before needs a time zone offset, e.g. 2026-11-23T17:00:00%2B01:00 or …Z",
            errors={"due_before": "naive datetime"},
        )
    qs = commitment_list(
        user=user,
        state=filters.state,
        due_before=filters.due_before,
        owner=user if filters.owner == "me" else None,
    )
    rows, next_cursor = page_by_due(qs, cursor=filters.cursor, limit=filters.limit)
    return CommitmentPage(
        items=[commitment_out(c, viewer=user) for c in rows], next_cursor=next_cursor
    )


@router.get("/commitments/{commitment_id}", response={200: CommitmentOut, **ERRORS_READ})
def commitment_read(request: HttpRequest, commitment_id: int) -> CommitmentOut:
    user = current_user(request)
    return commitment_out(commitment_get(user=user, commitment_id=commitment_id), viewer=user)


@router.post("/commitments/{commitment_id}/keep", response={200: CommitmentOut, **ERRORS_WRITE})
def commitment_keep_route(
    request: HttpRequest, commitment_id: int, body: CommitmentKeepIn
) -> CommitmentOut:
    """Record that the promise was kept and by what (409 ``not_open`` if it no longer is)."""
    user = current_user(request)
    commitment = commitment_get(user=user, commitment_id=commitment_id)
    require_staff(user, action="keep promises")
    commitment = commitment_keep(commitment=commitment, actor=user, fulfilled_by=body.fulfilled_by)
    return commitment_out(commitment, viewer=user)


@router.post("/commitments/{commitment_id}/waive", response={200: CommitmentOut, **ERRORS_WRITE})
def commitment_waive_route(
    request: HttpRequest, commitment_id: int, body: CommitmentWaiveIn
) -> CommitmentOut:
    """Release a promise that no longer applies, with a reason."""
    user = current_user(request)
    commitment = commitment_get(user=user, commitment_id=commitment_id)
    require_staff(user, action="waive promises")
    commitment = commitment_waive(commitment=commitment, actor=user, reason=body.reason)
    return commitment_out(commitment, viewer=user)
