"""The customer's (and seller's) side: my cases, the conversation, the promises made to me."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from amends.accounts.models import Role, User
from amends.cases.models import Case
from amends.cases.selectors import case_get, cases_visible_to, user_may_work_case
from amends.commerce.selectors import orders_of_case
from amends.conversations.models import Direction
from amends.conversations.services import message_receive
from amends.core.errors import DomainError, NotFound
from amends.web.errors import error_message


class PortalReplyForm(forms.Form):
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}))


def _outside_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _case(user: User, case_id: int) -> Case:
    try:
        return case_get(user=user, case_id=case_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: staff in the console, everyone else in their cases."""
    user = _outside_user(request)
    return redirect("console-queue" if user_may_work_case(user) else "portal-cases")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _outside_user(request)
    cases = (
        cases_visible_to(user)
        .select_related("brand", "assignee", "team")
        .prefetch_related("orders")
        .order_by("-id")[:200]
    )
    return render(request, "portal/cases.html", {"cases": cases})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _outside_user(request)
    case = _case(user, case_id)
    public = case.messages.filter(direction__in=[Direction.INBOUND, Direction.OUTBOUND])
    return render(
        request,
        "portal/case.html",
        {
            "case": case,
            "conversation": public.select_related("author_user", "author_customer"),
            "commitments": case.commitments.order_by("due_at"),
            "orders": orders_of_case(case=case, viewer=user).prefetch_related("lines"),
            "owner_first_name": case.assignee.first_name if case.assignee else "",
            "can_reply": user.role == Role.CUSTOMER and case.status != "closed",
            "form": PortalReplyForm(),
        },
    )


@login_required
@require_POST
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _outside_user(request)
    case = _case(user, case_id)
    if user.role != Role.CUSTOMER:
        raise PermissionDenied
    form = PortalReplyForm(request.POST)
    if form.is_valid():
        try:
            message_receive(case=case, text=form.cleaned_data["text"], channel="web")
        except DomainError as exc:
            messages.error(request, error_message(exc))
    else:
        messages.error(request, _("Your message is empty."))
    return redirect("portal-case", case_id=case.pk)
