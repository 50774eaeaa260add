"""Who may do what through the API. Reads are decided by the selectors
(``cases_visible_to``, ``customers_visible_to``, ``orders_visible_to``,
``commitments_visible_to``); this module decides writes on what the caller can already see.

The order is always: the object is looked up among those the caller may see (404 when it is
not, exactly as if it did not exist), *then* the action is checked (403 when the caller sees
it but may not do this to it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from amends.accounts.models import Role, User
from amends.api.auth import NotAuthenticated
from amends.cases.models import Case
from amends.cases.selectors import case_get, user_may_work_case
from amends.core.errors import Forbidden, NotFound
from amends.customers.selectors import valid_id


def current_user(request: HttpRequest) -> User:
    user: Any = getattr(request, "auth", None)
    if not isinstance(user, User) or not user.is_active:
        raise NotAuthenticated("sign in, or send an API token as 'Authorization: Bearer <token>'")
    return user


def require_staff(user: User, *, action: str) -> None:
    """Agents, supervisors and admins change cases; customers and sellers do not."""
    if not user_may_work_case(user):
        raise Forbidden(f"only support staff may {action}")


def is_customer(user: User) -> bool:
    return user.role == Role.CUSTOMER and not user.is_superuser


def visible_case(user: User, case_id: int) -> Case:
    """The case if the user may see it; otherwise 404, worded as if it did not exist."""
    if not valid_id(case_id):
        raise NotFound(f"case {case_id} not found")
    return case_get(user=user, case_id=case_id)
