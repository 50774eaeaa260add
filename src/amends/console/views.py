"""The agent console: queues and the case page. Views call services and selectors only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amends.accounts.models import User
from amends.cases.models import Case
from amends.cases.selectors import (
    case_get,
    case_timeline,
    cases_visible_to,
    customer_open_problems,
    user_may_work_case,
)
from amends.cases.services import case_assign, case_set_status, case_transfer
from amends.commitments.services import Due, commitment_make
from amends.console.countdown import countdown_patterns
from amends.console.counts import counts_fresh, counts_recent
from amends.console.forms import CommitmentForm, ReplyForm, StatusForm, TransferForm
from amends.console.queues import (
    PAGE_SIZE,
    QUEUES,
    next_case_after,
    queue_key,
    queue_rows,
)
from amends.console.remedies import may_approve, remedy_form
from amends.console.replies import ReplySection, reply_section
from amends.console.timeline import merged_timeline
from amends.conversations.services import case_add_note, case_reply
from amends.core.errors import DomainError, NotFound
from amends.replies.services import ReplyLintFailed, reply_check, reply_promises
from amends.web.errors import error_message


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user_may_work_case(user):
        raise PermissionDenied
    return user


def _console(**context: Any) -> dict[str, Any]:
    """What every console page carries for console.js: countdown words, the counts URL."""
    return {"countdown_patterns": countdown_patterns(), **context}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    name = queue_key(request.GET.get("queue"))
    # The tabs carry the counts of a moment ago if there are any (console.js fetches fresh
    # ones once the page is loaded): counting every queue here would cost more than the page.
    counts = counts_recent(user=user)
    tabs = [(key, q, None if counts is None else counts[key]) for key, q in QUEUES.items()]
    return render(
        request,
        "console/queue.html",
        _console(
            rows=queue_rows(user=user, name=name),
            queue=name,
            current=QUEUES[name],
            tabs=tabs,
            page_size=PAGE_SIZE,
        ),
    )


@require_GET
def counts(request: HttpRequest) -> JsonResponse:
    """The queue counts as JSON, for the live tabs. Only for staff who are signed in."""
    user = request.user
    if not isinstance(user, User) or not user.is_active or not user_may_work_case(user):
        return JsonResponse({"detail": _("Sign in as an agent to see the queues.")}, status=403)
    response = JsonResponse({"counts": counts_fresh(user=user)})
    response["Cache-Control"] = "no-store"
    return response


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
        request, "console/search.html", _console(query=query, groups=groups, count=len(hits))
    )


def _case_or_404(user: User, case_id: int) -> Case:
    try:
        return case_get(user=user, case_id=case_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


# Messages a case page shows at first; ?history=all shows every one.
RECENT_MESSAGES = 40


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _staff(request)
    case = _case_or_404(user, case_id)
    return _case_page(
        request, user=user, case=case, reply=reply_section(request=request, user=user, case=case)
    )


def _case_page(
    request: HttpRequest, *, user: User, case: Case, reply: ReplySection
) -> HttpResponse:
    """The case page; ``reply`` is its reply section (fresh, or a refused reply's findings)."""
    name = queue_key(request.GET.get("queue") or request.POST.get("queue"))
    show_all = request.GET.get("history") == "all"
    next_id = next_case_after(user=user, name=name, case=case)
    messages_ = case.messages.select_related("author_user", "author_customer").prefetch_related(
        "attachments"
    )
    events = case_timeline(case=case)
    shown = list(messages_.order_by("-id")[: None if show_all else RECENT_MESSAGES + 1])
    earlier = 0
    if len(shown) > RECENT_MESSAGES and not show_all:
        # A long case opens on its latest messages and the events since the oldest of them;
        # the rest is one click away (render time grows with every message shown).
        shown = shown[:RECENT_MESSAGES]
        earlier = messages_.filter(id__lt=shown[-1].pk).count()
        events = events.filter(created_at__gte=shown[-1].created_at)
    shown.reverse()
    return render(
        request,
        "console/case.html",
        _console(
            case=case,
            queue=name,
            current=QUEUES[name],
            next_url=(
                f"{reverse('console-case', args=[next_id])}?{urlencode({'queue': name})}"
                if next_id
                else ""
            ),
            timeline=merged_timeline(messages=shown, events=events, earlier_hidden=earlier > 0),
            earlier_messages=earlier,
            commitments=case.commitments.select_related("owner").order_by("due_at", "id"),
            orders=case.orders.select_related("seller").prefetch_related(
                "lines", "shipments__events", "shipments__carrier"
            ),
            customer_cases=customer_open_problems(viewer=user, case=case),
            transfer_form=_transfer_form(case),
            reply=reply,
            status_form=StatusForm(initial={"status": case.status}),
            commitment_form=CommitmentForm(),
            remedies=_remedies_by_order(case),
            may_approve=may_approve(user.role),
            read_as=_read_as(case),
        ),
    )


def _read_as(case: Case) -> dict[str, Any]:
    """What triage made of the case: its language, intents (in words) and churn risk."""
    from amends.console.replies import INTENT_LABELS

    intents = [
        str(INTENT_LABELS.get(str(value), value))
        for item in case.intents or []
        if (value := item[0] if isinstance(item, list | tuple) and item else item)
    ]
    churn = round(100 * case.churn_risk) if case.churn_risk is not None else None
    return {"language": case.language, "intents": intents, "churn_percent": churn}


def _remedies_by_order(case: Case) -> dict[int, dict[str, Any]]:
    """Per order of the case: its remedies (newest first) and a fresh form to ask for one."""
    by_order: dict[int, dict[str, Any]] = {}
    for order_id in case.orders.values_list("id", flat=True):
        by_order[order_id] = {"list": [], "form": remedy_form(order_id)}
    for remedy in case.remedies.select_related("decided_by").order_by("-id"):
        if remedy.order_id in by_order:
            by_order[remedy.order_id]["list"].append(remedy)
    return by_order


def _transfer_form(case: Case) -> TransferForm:
    """The hand-off form, offering the agents of the case's storefront (one query)."""
    agents = (
        User.objects.filter(agent__teams__brand=case.brand, is_active=True)
        .prefetch_related("agent__teams")
        .distinct()
        .order_by("first_name", "email")
    )
    form = TransferForm()
    form.fields["to_assignee"].choices = [("", _("— the team queue —"))] + [  # type: ignore[attr-defined]
        (str(u.pk), f"{u} ({', '.join(t.name for t in u.agent.teams.all())})") for u in agents
    ]
    return form


def _act(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = _staff(request)
    return user, _case_or_404(user, case_id)


def _done(request: HttpRequest, case: Case, error: DomainError | None = None) -> HttpResponse:
    """Back to the case page, in the queue the agent came from (for "next case")."""
    if error is not None:
        messages.error(request, error_message(error))
    url = reverse("console-case", args=[case.pk])
    if "queue" in request.POST:
        url += "?" + urlencode({"queue": queue_key(request.POST.get("queue"))})
    return redirect(url)


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
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        # Handed to someone outside the agent's teams: the case page is no longer theirs to
        # open, so back to the queue they came from, saying where the case went.
        owner = str(case.assignee) if case.assignee else case.team.name
        messages.success(
            request,
            _("%(reference)s is now with %(owner)s.")
            % {"reference": case.reference, "owner": owner},
        )
        queue_name = queue_key(request.POST.get("queue"))
        return redirect(f"{reverse('console-queue')}?{urlencode({'queue': queue_name})}")
    return _done(request, case)


@login_required
@require_POST
def case_write(request: HttpRequest, case_id: int) -> HttpResponse:
    """A reply or an internal note. A reply the reply check refuses is not sent: the page comes
    back with the text kept, the findings, the words at fault marked, and a field for a reason
    to send it anyway. A sent reply with dated promises offers each as a commitment."""
    user, case = _act(request, case_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        if "override_reason" in form.errors and "text" not in form.errors:
            section = reply_section(request=request, user=user, case=case, form=form)
            return _case_page(request, user=user, case=case, reply=section)
        messages.error(request, _("The message is empty."))
        return _done(request, case)
    try:
        if form.cleaned_data["internal"]:
            case_add_note(case=case, actor=user, text=form.cleaned_data["text"])
            return _done(request, case)
        reply = case_reply(
            case=case,
            actor=user,
            text=form.cleaned_data["text"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except ReplyLintFailed as exc:
        if exc.reason_too_short:
            messages.error(
                request, _("Say why the reply should go anyway, in at least 10 characters.")
            )
        section = reply_section(
            request=request,
            user=user,
            case=case,
            form=form,
            refused=exc.result,
            refused_text=exc.text,
        )
        return _case_page(request, user=user, case=case, reply=section)
    except DomainError as exc:
        return _done(request, case, exc)
    # Sent: what the check only warned about is said once, for the next reply.
    for finding in reply_check(case=case, text=reply.body_text, actor=user).warnings:
        messages.warning(request, _("Sent. For next time: %(note)s") % {"note": finding.message})
    if reply_promises(reply):
        url = reverse("console-case", args=[case.pk])
        query = urlencode({"queue": queue_key(request.POST.get("queue")), "reply": str(reply.pk)})
        return redirect(f"{url}?{query}#reply-promises")
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
