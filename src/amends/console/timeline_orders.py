"""Timeline sentences for what happens to orders and parcels (shipment problems the carrier
reported, the notice sent before the customer wrote, remedies, contradictions between states),
for routing after triage, and for a reply sent although the reply check refused it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from amends.cases.events import EventKind
from amends.commerce.models import RemedyKind
from amends.policies.decisions import Outcome
from amends.proactive.events import ProactiveEventKind
from amends.proactive.models import ProblemKindChoices
from amends.triage.events import TriageEventKind


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _problem(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    values = {
        "problem": _label(ProblemKindChoices, data.get("problem")),
        "number": data.get("tracking_number", ""),
    }
    if data.get("opened"):
        text = _("The carrier reported a problem with parcel %(number)s: %(problem)s") % values
    else:
        text = (
            _("The carrier reported a problem with parcel %(number)s: %(problem)s; added here")
            % values
        )
    return text, ""


def _problem_changed(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    changed = data.get("changed") if isinstance(data.get("changed"), dict) else {}
    detail = ", ".join(f"{k}: {v}" for k, v in sorted((changed or {}).items()))
    problem = _label(ProblemKindChoices, data.get("problem"))
    return _("News from the carrier about the problem: %(problem)s") % {"problem": problem}, detail


def _notified(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    text = _("The customer was told before writing (%(language)s, %(register)s)") % {
        "language": data.get("language", ""),
        "register": data.get("register", ""),
    }
    rules = ", ".join(str(r) for r in data.get("rules") or [])
    return text, rules


def _remedy_name(data: dict[str, Any]) -> str:
    return _label(RemedyKind, data.get("remedy")).lower()


def _decided(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    values = {"actor": actor or _("The customer"), "remedy": _remedy_name(data)}
    outcome = data.get("outcome")
    if outcome == Outcome.ALLOWED:
        text = _("%(actor)s granted a %(remedy)s") % values
    elif outcome == Outcome.NEEDS_APPROVAL:
        text = _("%(actor)s asked for a %(remedy)s; it needs approval") % values
    else:
        text = _("%(actor)s asked for a %(remedy)s; the policy does not allow it") % values
    amount = data.get("amount")
    if amount:
        text += f" ({amount} {data.get('currency', '')})"
    return text, " ".join(str(line) for line in data.get("explanation") or [])


def _approved(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    values = {"actor": actor or _("Someone"), "remedy": _remedy_name(data) or _("remedy")}
    return _("%(actor)s approved the %(remedy)s") % values, ", ".join(data.get("rules") or [])


def _executed(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    text = _("The shop carried out the %(remedy)s") % {"remedy": _remedy_name(data)}
    return text, str(data.get("reference") or "")


def _failed(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    return _("The shop could not carry out a remedy"), str(data.get("detail") or "")


def _confirmed(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    return _("The shop confirmed a remedy was carried out"), str(data.get("reference") or "")


def _contradiction(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    text = _("Order %(number)s: what the order, its payment and its parcels say disagrees") % {
        "number": data.get("number", "")
    }
    return text, str(data.get("detail") or "")


def _owner_name(owner: object) -> str:
    if not isinstance(owner, dict):
        return ""
    return str(owner.get("assignee") or owner.get("team") or "")


def _routed(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    from amends.cases.reasons import reason_text

    if data.get("moved"):
        text = _("Routed to %(owner)s") % {"owner": _owner_name(data.get("to"))}
    elif data.get("kept"):
        text = _("Routing suggested %(owner)s") % {"owner": _owner_name(data.get("target"))}
    else:
        text = _("Routing left the case with %(owner)s") % {"owner": _owner_name(data.get("to"))}
    reasons = [reason_text(str(data.get(k))) for k in ("reason", "kept") if data.get(k)]
    if data.get("lang"):
        from amends.console.templatetags.console_extras import language_label

        reasons.append(_("message in %(language)s") % {"language": language_label(data["lang"])})
    return text, "; ".join(r for r in reasons if r)


def _lint_overridden(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    codes = ", ".join(str(code) for code in data.get("codes") or [])
    text = _("%(actor)s sent a reply the reply check refused (%(codes)s), giving a reason") % {
        "actor": actor or _("Someone"),
        "codes": codes,
    }
    return text, str(data.get("reason") or "")


def _triaged(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    from amends.console.replies import INTENT_LABELS
    from amends.console.templatetags.console_extras import language_label

    intents = [
        str(INTENT_LABELS.get(str(item[0]), item[0]))
        for item in data.get("intents") or []
        if isinstance(item, list) and item
    ]
    values = {
        "language": language_label(str(data.get("lang") or "")),
        "intents": ", ".join(intents),
    }
    if data.get("churn"):
        text = _("Read as %(language)s: %(intents)s; the customer may leave") % values
    else:
        text = _("Read as %(language)s: %(intents)s") % values
    return text, str(data.get("churn_phrase") or "")


def _seller_charged(actor: str | None, data: dict[str, Any]) -> tuple[str, str]:
    values = {
        "seller": data.get("seller", ""),
        "amount": data.get("amount", ""),
        "currency": data.get("currency", ""),
    }
    if data.get("bearer") == "seller":
        text = _("%(seller)s was told and charged %(amount)s %(currency)s") % values
    else:
        text = _("%(seller)s was told; the cost is not theirs") % values
    return text, ""


SENTENCES: dict[str, Callable[[str | None, dict[str, Any]], tuple[str, str]]] = {
    ProactiveEventKind.SHIPMENT_PROBLEM: _problem,
    ProactiveEventKind.SHIPMENT_PROBLEM_CHANGED: _problem_changed,
    ProactiveEventKind.CUSTOMER_NOTIFIED: _notified,
    EventKind.REMEDY_DECIDED: _decided,
    EventKind.REMEDY_APPROVED: _approved,
    EventKind.REMEDY_EXECUTED: _executed,
    EventKind.REMEDY_FAILED: _failed,
    EventKind.REMEDY_CONFIRMED: _confirmed,
    EventKind.CONTRADICTION_FOUND: _contradiction,
    EventKind.CASE_ROUTED: _routed,
    EventKind.SELLER_CHARGED: _seller_charged,
    EventKind.REPLY_LINT_OVERRIDDEN: _lint_overridden,
    TriageEventKind.MESSAGE_TRIAGED: _triaged,
}
