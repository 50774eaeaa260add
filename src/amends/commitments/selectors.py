"""Reads of commitments, and who may see which.

A commitment is visible to whoever can see its case (``cases_visible_to``); staff also always
see the promises they own, even on a case that has since moved to a queue they cannot see, so
they can still keep them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from amends.accounts.models import User
from amends.cases.models import Case
from amends.cases.selectors import cases_visible_to, user_may_work_case
from amends.commitments.models import Commitment, CommitmentState
from amends.core.errors import NotFound
from amends.customers.selectors import valid_id


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    qs = Commitment.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    on_visible_case = Q(case_id__in=cases_visible_to(user).values("pk"))
    if user_may_work_case(user):
        return qs.filter(on_visible_case | Q(owner=user))
    return qs.filter(on_visible_case)


def commitment_get(*, user: User, commitment_id: int) -> Commitment:
    if not valid_id(commitment_id):
        raise NotFound(f"commitment {commitment_id} not found")
    try:
        return (
            commitments_visible_to(user)
            .select_related("case__brand", "case__team", "owner")
            .get(pk=commitment_id)
        )
    except Commitment.DoesNotExist as exc:
        raise NotFound(f"commitment {commitment_id} not found") from exc


def commitment_list(
    *,
    user: User,
    state: str | None = None,
    due_before: dt.datetime | None = None,
    owner: User | None = None,
    case: Case | None = None,
) -> QuerySet[Commitment]:
    """Visible commitments, soonest due first (then by id). The caller slices."""
    qs = commitments_visible_to(user).select_related("case", "owner")
    if case is not None:
        qs = qs.filter(case=case)
    if state:
        qs = qs.filter(state=state)
    if due_before is not None:
        qs = qs.filter(due_at__lt=due_before)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.order_by("due_at", "id")


def open_commitments_of(*, case: Case) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(case=case, state=CommitmentState.OPEN)
        .select_related("owner")
        .order_by("due_at", "id")
    )
