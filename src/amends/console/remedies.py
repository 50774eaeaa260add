"""Remedies on the case page: ask the policy for one, see what it decided and why, approve.

The form carries an idempotency key made when the page was drawn, so a double click or a
resubmitted form grants once (``commerce.remedies.remedy_grant``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amends.accounts.models import Role
from amends.commerce.models import Remedy, RemedyKind, RemedyStatus
from amends.commerce.remedies import remedy_approve, remedy_grant
from amends.core.errors import DomainError

REPORTED = [
    ("", gettext_lazy("— nothing in particular —")),
    ("damaged", gettext_lazy("Arrived damaged")),
    ("lost", gettext_lazy("Lost")),
    ("late", gettext_lazy("Late")),
    ("not_as_described", gettext_lazy("Not as described")),
    ("price_drop", gettext_lazy("Price dropped after purchase")),
    ("changed_mind", gettext_lazy("Changed their mind")),
    ("cancel_membership", gettext_lazy("Cancels the membership")),
]


# Who the policy says must approve (``Decision.approver``), in words.
APPROVERS = {
    "agent": gettext_lazy("an agent"),
    "supervisor": gettext_lazy("a supervisor"),
    "manager": gettext_lazy("an administrator"),
}


class RemedyForm(forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    remedy = forms.ChoiceField(label=gettext_lazy("Remedy"), choices=RemedyKind.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (empty: the most the policy allows)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    reported = forms.ChoiceField(
        label=gettext_lazy("What the customer reports"), choices=REPORTED, required=False
    )
    current_price = forms.DecimalField(
        label=gettext_lazy("Current price (for a price drop)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
    )


def remedy_form(order_id: int) -> RemedyForm:
    """A form for one order; its key is new each time the page is drawn."""
    return RemedyForm(
        initial={"order": order_id, "key": uuid.uuid4().hex},
        auto_id=f"id_remedy_{order_id}_%s",
    )


def may_approve(role: str) -> bool:
    return role in {Role.SUPERVISOR, Role.ADMIN}


@login_required
@require_POST
def case_remedy(request: HttpRequest, case_id: int) -> HttpResponse:
    from amends.console.views import _act, _done

    user, case = _act(request, case_id)
    form = RemedyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _done(request, case)
    order = case.orders.filter(pk=form.cleaned_data["order"]).first()
    if order is None:
        raise Http404("no such order on this case")
    try:
        remedy = remedy_grant(
            case=case,
            order=order,
            remedy=form.cleaned_data["remedy"],
            actor=user,
            idempotency_key=f"console:{case.pk}:{form.cleaned_data['key']}",
            amount=form.cleaned_data["amount"],
            reported_problem=form.cleaned_data["reported"] or None,
            current_price=form.cleaned_data["current_price"],
        )
    except DomainError as exc:
        return _done(request, case, exc)
    if remedy.status == RemedyStatus.DENIED:
        messages.error(request, _("The policy does not allow this remedy; the reasons are shown."))
    elif remedy.status == RemedyStatus.NEEDS_APPROVAL:
        approver = APPROVERS.get(
            str(remedy.decision.get("approver") or ""), APPROVERS["supervisor"]
        )
        messages.info(
            request, _("This remedy needs approval by %(approver)s.") % {"approver": approver}
        )
    else:
        messages.success(request, _("Granted: the shop carries it out now."))
    return _done(request, case)


@login_required
@require_POST
def case_remedy_approve(request: HttpRequest, case_id: int, remedy_id: int) -> HttpResponse:
    from amends.console.views import _act, _done

    user, case = _act(request, case_id)
    remedy = Remedy.objects.filter(pk=remedy_id, case=case).first()
    if remedy is None:
        raise Http404("no such remedy on this case")
    try:
        remedy_approve(remedy=remedy, actor=user)
    except DomainError as exc:
        return _done(request, case, exc)
    messages.success(request, _("Approved: the shop carries it out now."))
    return _done(request, case)
