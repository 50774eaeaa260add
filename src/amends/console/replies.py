"""The reply section of the case page: suggested replies, the reply check's findings with the
words at fault marked, promises in a sent reply made commitments in one click, and a machine
translation of what the customer wrote for an agent who does not read its language.

Everything works without script: a suggestion is a link that draws the page again with its
text in the reply box (``?suggestion=N``), a promise is a one-button form, and the translation
is a link that htmx (when loaded) swaps into place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from amends.accounts.models import User
from amends.cases.models import Case
from amends.commitments.models import Commitment, CommitmentKind
from amends.console.forms import CommitmentForm, ReplyForm
from amends.console.queues import queue_key
from amends.conversations.models import Direction, Message
from amends.core.errors import Conflict, DomainError, ErrorCode
from amends.replies.linter import ERROR, LintResult
from amends.replies.promises import PromiseSpan
from amends.replies.services import (
    promise_commitment,
    reply_promise_commit,
    reply_promises,
    reply_suggestions,
)
from amends.replies.templates import Suggestion
from amends.replies.translation import (
    message_language,
    needs_translation,
    translate_message,
    translation_enabled,
    translation_target,
)

INTENT_LABELS = {
    "delivery_failed": gettext_lazy("Delivery failed"),
    "parcel_lost": gettext_lazy("Parcel lost"),
    "parcel_damaged": gettext_lazy("Parcel damaged"),
    "late_delivery": gettext_lazy("Late delivery"),
    "refund_request": gettext_lazy("Refund request"),
    "price_drop_adjustment": gettext_lazy("Price drop"),
    "return_request": gettext_lazy("Return"),
    "wrong_or_defective_item": gettext_lazy("Wrong or defective item"),
    "cancel_order": gettext_lazy("Cancel the order"),
    "cancel_account_or_membership": gettext_lazy("Cancel the account or membership"),
    "seller_issue": gettext_lazy("Seller problem"),
    "billing_payment": gettext_lazy("Billing or payment"),
    "account_access": gettext_lazy("Account access"),
    "complaint_about_service": gettext_lazy("Complaint about the service"),
    "other": gettext_lazy("General reply"),
}
TRANSLATABLE_SHOWN = 5  # the latest inbound messages offered for translation


@dataclass(frozen=True)
class Segment:
    """A piece of the refused reply's text: plain, or words a finding is about (``marked``)."""

    text: str
    marked: bool = False
    severity: str = ""
    note: str = ""


@dataclass(frozen=True)
class Offered:
    index: int
    intent: str
    label: str
    subject: str
    body: str
    url: str


@dataclass(frozen=True)
class PromiseOffer:
    index: int
    sentence: str
    when: str
    due: Any  # datetime | None
    recorded: Commitment | None
    form: CommitmentForm | None  # when the words name no moment: the promise form, prefilled


@dataclass
class ReplySection:
    """What ``console/_reply.html`` draws."""

    form: ReplyForm
    suggestions: list[Offered] = field(default_factory=list)
    refused: bool = False
    show_override: bool = False  # the "send anyway, because" field
    findings: list[dict[str, Any]] = field(default_factory=list)
    preview: list[Segment] = field(default_factory=list)
    promised_message: Message | None = None
    promises: list[PromiseOffer] = field(default_factory=list)
    translatable: list[tuple[Message, str]] = field(default_factory=list)  # with its language
    kinds: list[tuple[str, str]] = field(default_factory=list)


def marked_segments(text: str, result: LintResult) -> list[Segment]:
    """``text`` cut into plain pieces and the words the findings point at (errors before
    warnings where they overlap; overlapping spans are joined under the first)."""
    spans = sorted(
        (
            (span.start, span.end, finding.severity, finding.message)
            for finding in result.findings
            for span in finding.spans
            if 0 <= span.start < span.end <= len(text)
        ),
        key=lambda item: (item[0], item[2] != ERROR, -item[1]),
    )
    segments: list[Segment] = []
    at = 0
    for start, end, severity, note in spans:
        if start < at:
            continue  # inside a span already marked
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(text[start:end], marked=True, severity=severity, note=note))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments


def _findings(result: LintResult) -> list[dict[str, Any]]:
    ordered = sorted(result.findings, key=lambda f: f.severity != ERROR)
    return [
        {
            "code": str(f.code),
            "severity": f.severity,
            "message": f.message,
            "words": [s.text for s in f.spans],
        }
        for f in ordered
    ]


def _page_url(case: Case, queue: str, **params: str) -> str:
    query = urlencode({"queue": queue, **params})
    return f"{reverse('console-case', args=[case.pk])}?{query}"


def _offered(case: Case, queue: str, suggestions: list[Suggestion]) -> list[Offered]:
    return [
        Offered(
            index=index,
            intent=s.intent,
            label=str(INTENT_LABELS.get(s.intent, s.intent)),
            subject=s.subject,
            body=s.body,
            url=_page_url(case, queue, suggestion=str(index)) + "#reply-title",
        )
        for index, s in enumerate(suggestions)
    ]


def _promise_offers(case: Case, message: Message) -> list[PromiseOffer]:
    offers = []
    for index, promise in enumerate(reply_promises(message)):
        offers.append(
            PromiseOffer(
                index=index,
                sentence=promise.sentence.strip(),
                when=promise.when,
                due=promise.due,
                recorded=promise_commitment(case=case, promise=promise),
                form=_prefilled_form(promise, message) if promise.due is None else None,
            )
        )
    return offers


def _prefilled_form(promise: PromiseSpan, message: Message) -> CommitmentForm:
    return CommitmentForm(
        initial={"kind": CommitmentKind.OTHER, "description": " ".join(promise.sentence.split())},
        auto_id=f"id_promise_{message.pk}_%s",
    )


def _translatable(user: User, case: Case) -> list[tuple[Message, str]]:
    if not translation_enabled():
        return []
    latest = (
        Message.objects.filter(case=case, direction=Direction.INBOUND)
        .select_related("triage")
        .order_by("-id")[:TRANSLATABLE_SHOWN]
    )
    return [(m, message_language(m)) for m in reversed(list(latest)) if needs_translation(m, user)]


def reply_section(
    *,
    request: HttpRequest,
    user: User,
    case: Case,
    form: ReplyForm | None = None,
    refused: LintResult | None = None,
    refused_text: str = "",
) -> ReplySection:
    """The reply section's content for ``case`` as ``user`` sees it: after a refused reply,
    the form as sent with the findings; else a fresh form (with a suggestion's text when the
    agent chose one). ``?reply=<id>`` (set after a sent reply) offers its promises."""
    queue = queue_key(request.GET.get("queue") or request.POST.get("queue"))
    suggestions = reply_suggestions(case=case, agent=user)
    if form is None:
        initial: dict[str, str] = {}
        chosen = _small_number(request.GET.get("suggestion", ""), digits=2)
        if chosen is not None and chosen < len(suggestions):
            initial["text"] = suggestions[chosen].body
        form = ReplyForm(initial=initial)
    section = ReplySection(
        form=form,
        suggestions=_offered(case, queue, suggestions),
        kinds=[(str(value), str(label)) for value, label in CommitmentKind.choices],
    )
    section.show_override = refused is not None or "override_reason" in form.errors
    if refused is not None:
        section.refused = True
        section.findings = _findings(refused)
        section.preview = marked_segments(refused_text, refused)
    sent = _small_number(request.GET.get("reply", ""), digits=18)
    if sent is not None:
        message = (
            Message.objects.filter(pk=sent, case=case, direction=Direction.OUTBOUND)
            .select_related("case__brand", "case__customer")
            .first()
        )
        if message is not None:
            section.promised_message = message
            section.promises = _promise_offers(case, message)
    section.translatable = _translatable(user, case)
    return section


def _small_number(raw: str, *, digits: int) -> int | None:
    """A non-negative number written in at most ``digits`` ASCII digits, else ``None``."""
    if raw.isascii() and raw.isdigit() and len(raw) <= digits:
        return int(raw)
    return None


def _message_or_404(case: Case, message_id: int, direction: str) -> Message:
    message = (
        Message.objects.filter(pk=message_id, case=case, direction=direction)
        .select_related("case__brand", "case__customer")
        .first()
    )
    if message is None:
        raise Http404("no such message on this case")
    return message


@login_required
@require_POST
def reply_promise(request: HttpRequest, case_id: int, message_id: int) -> HttpResponse:
    """One click: the ``index``-th dated promise of a sent reply becomes a commitment."""
    from amends.console.views import _act, _done

    user, case = _act(request, case_id)
    message = _message_or_404(case, message_id, Direction.OUTBOUND)
    index = _small_number(request.POST.get("index", ""), digits=3)
    kind = request.POST.get("kind") or CommitmentKind.OTHER
    if index is None or kind not in CommitmentKind.values:
        messages.error(request, _("This promise could not be recorded."))
        return _done(request, case)
    try:
        commitment = reply_promise_commit(
            case=case, message=message, index=index, actor=user, kind=kind
        )
    except Conflict as exc:
        if exc.code == ErrorCode.CONFLICT:
            messages.info(request, _("This promise is already recorded."))
            return _done(request, case)
        return _done(request, case, exc)
    except DomainError as exc:
        return _done(request, case, exc)
    messages.success(
        request,
        _("Recorded as a promise: “%(description)s”.") % {"description": commitment.description},
    )
    return _done(request, case)


@login_required
@require_GET
def message_translation(request: HttpRequest, case_id: int, message_id: int) -> HttpResponse:
    """A machine translation of one of the customer's messages, for the agent only: an HTML
    fragment (htmx swaps it under the link), marked as a machine's, never sent to anyone."""
    from amends.console.views import _act

    user, case = _act(request, case_id)
    if not translation_enabled():
        raise Http404("machine translation is not set up")
    message = _message_or_404(case, message_id, Direction.INBOUND)
    source = message_language(message)
    target = translation_target(user)
    translation = translate_message(
        message_id=message.pk, text=message.body_text, source=source, target=target
    )
    marking = _("Machine translation, for you only — the customer does not see it")
    if translation.text is None:
        body = format_html(
            '<p class="machine-translation" data-translation="unavailable">'
            "<strong>{}</strong>: {}</p>",
            marking,
            _("not available right now."),
        )
    else:
        body = format_html(
            '<div class="machine-translation" data-translation="ok">'
            "<p><strong>{}</strong> ({} → {}){}</p>"
            '<blockquote lang="{}">{}</blockquote></div>',
            marking,
            source or _("unknown language"),
            target,
            _(", the beginning only") if translation.truncated else "",
            target,
            _linebreaks(translation.text),
        )
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Language"] = target
    return response


def _linebreaks(text: str) -> SafeString:
    """Paragraphs and line breaks of plain text, every piece escaped."""
    return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped just above
