"""The agent console: queues and the case page. Views call services and selectors only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amends.accounts.models import User
from amends.cases.models import OPEN_STATUSES, Case
from amends.cases.selectors import case_get, case_timeline, cases_visible_to, user_may_work_case
from amends.cases.services import case_assign, case_set_status, case_transfer
from amends.commitments.services import Due, commitment_make
from amends.console.forms import CommitmentForm, ReplyForm, StatusForm, TransferForm
from amends.conversations.services import case_add_note, case_reply
from amends.core.errors import DomainError, NotFound
from amends.web.errors import error_message

QUEUES = {
    "mine": gettext_lazy("Mine"),
    "team": gettext_lazy("My teams"),
    "unassigned": gettext_lazy("Unassigned"),
    "all": gettext_lazy("Everything I can see"),
}


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user_may_work_case(user):
        raise PermissionDenied
    return user


def _queue(user: User, name: str) -> QuerySet[Case]:
    qs = cases_visible_to(user).filter(status__in=OPEN_STATUSES)
    if name == "mine":
        qs = qs.filter(assignee=user)
    elif name == "team":
        qs = qs.filter(team__members__user=user)
    elif name == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    return qs


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    name = request.GET.get("queue", "mine")
    if name not in QUEUES:
        name = "mine"
    cases = (
        _queue(user, name)
        .select_related("brand", "customer", "team", "assignee")
        .order_by("-priority", "-id")[:100]
    )
    counts = {key: _queue(user, key).count() for key in QUEUES}
    return render(
        request,
        "console/queue.html",
        {"cases": cases, "queue": name, "queues": QUEUES, "counts": counts},
    )


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Cases, customers, orders and tracking numbers; related cases shown under each hit."""
    from amends.search.selectors import search

    user = _staff(request)
    query = request.GET.get("q", "")[:200]
    hits = search(user=user, query=query, limit=20) if query.strip() else []
    visible = cases_visible_to(user).select_related("brand", "customer")
    groups: dict[str, list[dict[str, object]]] = {}
    for hit in hits:
        related: QuerySet[Case] = visible.none()
        if hit.kind == "customer":
            related = visible.filter(customer_id=hit.id)
        elif hit.kind == "order":
            related = visible.filter(orders=hit.id)
        elif hit.kind == "shipment":
            related = visible.filter(orders__shipments=hit.id)
        groups.setdefault(hit.kind, []).append(
            {"hit": hit, "cases": list(related.order_by("-id")[:5])}
        )
    return render(
        request, "console/search.html", {"query": query, "groups": groups, "count": len(hits)}
    )


def _case_or_404(user: User, case_id: int) -> Case:
    try:
        return case_get(user=user, case_id=case_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _staff(request)
    case = _case_or_404(user, case_id)
    team_members = User.objects.filter(agent__teams__brand=case.brand, is_active=True).distinct()
    transfer = TransferForm()
    transfer.fields["to_assignee"].choices = [("", _("— the team queue —"))] + [  # type: ignore[attr-defined]
        (str(u.pk), f"{u} ({', '.join(t.name for t in u.agent.teams.all())})") for u in team_members
    ]
    open_cases = (
        cases_visible_to(user)
        .filter(customer=case.customer, status__in=OPEN_STATUSES)
        .exclude(pk=case.pk)
        .order_by("-id")
    )
    return render(
        request,
        "console/case.html",
        {
            "case": case,
            "timeline": case_timeline(case=case),
            "messages_": case.messages.select_related("author_user", "author_customer"),
            "commitments": case.commitments.select_related("owner").order_by("due_at"),
            "orders": case.orders.prefetch_related(
                "lines", "shipments__events", "shipments__carrier"
            ),
            "other_open_cases": open_cases,
            "transfer_form": transfer,
            "reply_form": ReplyForm(),
            "status_form": StatusForm(initial={"status": case.status}),
            "commitment_form": CommitmentForm(),
        },
    )


def _act(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = _staff(request)
    return user, _case_or_404(user, case_id)


def _done(request: HttpRequest, case: Case, error: DomainError | None = None) -> HttpResponse:
    if error is not None:
        messages.error(request, error_message(error))
    return redirect("console-case", case_id=case.pk)


@login_required
@require_POST
def case_take(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _act(request, case_id)
    try:
        case_assign(case=case, assignee=user, actor=user)
    except DomainError as exc:
        return _done(request, case, exc)
    return _done(request, case)


@login_required
@require_POST
def case_handoff(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _act(request, case_id)
    form = TransferForm(request.POST)
    form.fields["to_assignee"].choices = [(request.POST.get("to_assignee", ""), "")]  # type: ignore[attr-defined]
    if not form.is_valid():
        messages.error(request, _("A transfer needs a hand-off note."))
        return _done(request, case)
    assignee = None
    if form.cleaned_data["to_assignee"]:
        assignee = User.objects.filter(pk=form.cleaned_data["to_assignee"]).first()
    try:
        case_transfer(
            case=case,
            actor=user,
            note=form.cleaned_data["note"],
            to_assignee=assignee,
            to_team=None if assignee else case.team,
        )
    except DomainError as exc:
        return _done(request, case, exc)
    return _done(request, case)


@login_required
@require_POST
def case_write(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _act(request, case_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The message is empty."))
        return _done(request, case)
    try:
        if form.cleaned_data["internal"]:
            case_add_note(case=case, actor=user, text=form.cleaned_data["text"])
        else:
            case_reply(case=case, actor=user, text=form.cleaned_data["text"])
    except DomainError as exc:
        return _done(request, case, exc)
    return _done(request, case)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _act(request, case_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            case_set_status(case=case, actor=user, status=form.cleaned_data["status"])
        except DomainError as exc:
            return _done(request, case, exc)
    return _done(request, case)


@login_required
@require_POST
def case_promise(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _act(request, case_id)
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return _done(request, case)
    due = Due(
        business_days=form.cleaned_data.get("within_business_days"),
        local_time=form.cleaned_data.get("by_local_time"),
    )
    try:
        commitment_make(
            case=case,
            actor=user,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            due=due,
        )
    except DomainError as exc:
        return _done(request, case, exc)
    return _done(request, case)
