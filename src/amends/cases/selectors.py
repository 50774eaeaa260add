"""Reads of cases, and the one place that decides who may see which case.

Every API route, page, search and export asks ``cases_visible_to``; a case that exists but is
not visible is reported exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from amends.accounts.models import Role, Team, User
from amends.cases.models import OPEN_STATUSES, Case, CaseEvent
from amends.core.errors import NotFound


def is_admin(user: User) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


def teams_of(user: User) -> QuerySet[Team]:
    return Team.objects.filter(members__user=user)


def cases_visible_to(user: User) -> QuerySet[Case]:
    qs = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    if user.role == Role.SUPERVISOR:
        return qs.filter(brand__in=user.brands.all())
    if user.role == Role.AGENT:
        return qs.filter(Q(team_id__in=teams_of(user).values("id")) | Q(assignee=user))
    if user.role == Role.CUSTOMER:
        return qs.filter(customer__user=user)
    if user.role == Role.SELLER and user.seller_id is not None:
        from amends.commerce.models import Order

        own = Order.objects.filter(cases=OuterRef("pk"), seller_id=user.seller_id)
        return qs.filter(Exists(own))
    return qs.none()


def case_get(*, user: User, case_id: int) -> Case:
    try:
        return (
            cases_visible_to(user)
            .select_related("brand", "customer", "team", "assignee")
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound(f"case {case_id} not found") from exc


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("id")


def user_may_work_case(user: User) -> bool:
    """Whether the user is staff who may change a case they can see (assign, reply, status)."""
    return user.role in {Role.ADMIN, Role.SUPERVISOR, Role.AGENT} or user.is_superuser


def user_is_supervisor_of(user: User, case: Case) -> bool:
    if is_admin(user):
        return True
    return user.role == Role.SUPERVISOR and user.brands.filter(pk=case.brand_id).exists()


@dataclass(frozen=True)
class OpenProblem:
    """One of a customer's open cases, as listed beside another of their cases."""

    case: Case
    may_open: bool  # whether the viewer may open it (it is in their queues)


def customer_open_problems(*, viewer: User, case: Case) -> list[OpenProblem]:
    """Every open case of ``case``'s customer, for staff who can see ``case`` (story 1: all of a
    customer's problems in one view, also for the colleague a case was handed to).

    A case in another team's queue is listed (reference, subject, status, owner, orders) so
    nobody argues with a customer about one problem while ignoring the other two; it can be
    opened only by those who may see it. A customer belongs to one storefront, so nothing from
    another storefront is ever listed. Customers and sellers get nothing here.
    """
    if not user_may_work_case(viewer):
        return []
    # One query answers both "may the viewer see this case?" and "which of the others?".
    visible = set(
        cases_visible_to(viewer)
        .filter(Q(pk=case.pk) | Q(customer_id=case.customer_id, status__in=OPEN_STATUSES))
        .values_list("pk", flat=True)
    )
    if case.pk not in visible:
        return []
    cases = (
        Case.objects.filter(customer_id=case.customer_id, status__in=OPEN_STATUSES)
        .select_related("team", "assignee")
        .prefetch_related("orders")
        .order_by("-id")[:50]
    )
    return [OpenProblem(case=c, may_open=c.pk in visible) for c in cases]
