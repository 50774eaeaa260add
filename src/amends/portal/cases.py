"""My cases: where each stands, who handles it, what was promised, the conversation, a reply, and
a second opinion without starting over.

A customer sees only their own cases and a seller only cases about its own orders
(``cases_visible_to``); neither ever sees an internal note. Only the customer may write or ask
for a second opinion.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from amends.accounts.models import Role, User
from amends.cases import second_opinion
from amends.cases.models import Case, CaseStatus
from amends.cases.selectors import case_get, cases_visible_to
from amends.commerce.selectors import orders_of_case
from amends.commitments.models import Commitment, CommitmentState
from amends.conversations.models import Direction
from amends.conversations.services import message_receive
from amends.core.errors import DomainError, NotFound
from amends.portal.labels import second_opinion_sentence
from amends.portal.views import outside_user
from amends.web.errors import error_message

# What a customer or seller may read of a case's messages: never internal notes or system rows.
PUBLIC_DIRECTIONS = (Direction.INBOUND, Direction.OUTBOUND)


class PortalReplyForm(forms.Form):
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}))


class SecondOpinionForm(forms.Form):
    reason = forms.CharField(
        label=_("What should they know? (optional)"),
        required=False,
        max_length=second_opinion.MAX_SECOND_OPINION_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _case(user: User, case_id: int) -> Case:
    try:
        return case_get(user=user, case_id=case_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = outside_user(request)
    open_promises = Commitment.objects.filter(state=CommitmentState.OPEN).order_by("due_at", "id")
    cases = (
        cases_visible_to(user)
        .select_related("brand", "assignee", "team")
        .prefetch_related(
            "orders", Prefetch("commitments", queryset=open_promises, to_attr="open_promises")
        )
        .order_by("-id")[:200]
    )
    return render(request, "portal/cases.html", {"cases": cases})


def _render_case(
    request: HttpRequest,
    user: User,
    case: Case,
    *,
    second_opinion_form: SecondOpinionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_customer = user.role == Role.CUSTOMER
    pending = second_opinion.second_opinion_pending(case=case)
    public = case.messages.filter(direction__in=PUBLIC_DIRECTIONS)
    context: dict[str, Any] = {
        "case": case,
        "conversation": public.select_related("author_user", "author_customer")
        .prefetch_related("attachments")
        .order_by("created_at", "id"),
        "commitments": case.commitments.order_by("due_at", "id"),
        "orders": orders_of_case(case=case, viewer=user).prefetch_related("lines"),
        "owner_first_name": case.assignee.first_name if case.assignee else "",
        "can_reply": is_customer and case.status != CaseStatus.CLOSED,
        "form": PortalReplyForm(),
        "second_opinion": second_opinion_sentence(pending) if pending else "",
        "can_ask_second_opinion": is_customer
        and case.status != CaseStatus.CLOSED
        and pending is None,
        "second_opinion_form": second_opinion_form or SecondOpinionForm(),
    }
    return render(request, "portal/case.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = outside_user(request)
    return _render_case(request, user, _case(user, case_id))


@login_required
@require_POST
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    user = outside_user(request)
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
        messages.error(request, gettext("Your message is empty."))
    return redirect("portal-case", case_id=case.pk)


@login_required
@require_POST
def case_second_opinion(request: HttpRequest, case_id: int) -> HttpResponse:
    """Someone else looks at the case: the same case, with everything already said."""
    user = outside_user(request)
    case = _case(user, case_id)
    if user.role != Role.CUSTOMER:
        raise PermissionDenied
    form = SecondOpinionForm(request.POST)
    if not form.is_valid():
        return _render_case(request, user, case, second_opinion_form=form, status=422)
    try:
        second_opinion.case_second_opinion(
            case=case, actor=user, reason=form.cleaned_data["reason"]
        )
    except second_opinion.SecondOpinionPending:
        messages.info(
            request,
            gettext(
                "You have already asked for a second opinion on this case; it is being looked "
                "at. You will hear from us here."
            ),
        )
    except second_opinion.SecondOpinionUnavailable:
        messages.error(
            request,
            gettext(
                "A second opinion cannot be arranged from this page right now. Write to us "
                "below and we will arrange it."
            ),
        )
    except DomainError as exc:
        messages.error(request, error_message(exc))
    # Once asked, the case page itself says who is now looking at the case.
    return redirect("portal-case", case_id=case.pk)
