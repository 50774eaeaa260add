"""The customer's (and seller's) side: where signing in lands, and what every portal page shares.

The pages themselves are in ``cases.py`` (my cases, the conversation, a second opinion) and
``orders.py`` (my orders, who to contact about each, the rules for this order).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from amends.accounts.models import User
from amends.cases.selectors import user_may_work_case


def outside_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: staff in the console, everyone else in their cases."""
    user = outside_user(request)
    return redirect("console-queue" if user_may_work_case(user) else "portal-cases")
