"""Routing after triage: the case goes to whoever can help, and its timeline says why.

The triage engine calls :func:`route_after_triage` inside its transaction, once a message's
triage is stored. The rules (intent → queue) are data: ``triage.routing_rules``.

**Precedence.** The steps run in this order, each on the outcome of the one before:

1. *Guards.* A case that is not open (solved, closed) is never routed; nor is anything but a
   message from the customer.
2. *Churn risk first.* ``triage.churn`` raises the priority to HIGH — URGENT when the customer
   said it in so many words (``churn_phrase``) or the risk reaches ``urgent_churn_risk``; a
   priority is never lowered — and sends the case to the storefront's senior queue
   (``Team.is_senior``; or the one serving every storefront) unless it is in one already. A case
   in a senior queue stays there: neither the intent nor the language moves it out.
3. *Intent next.* The highest-scoring intent that has a route whose condition holds (a linked
   order fulfilled by a seller, a linked order with a parcel) names the queue. A storefront
   without that queue keeps the case where it is.
4. *Language last, within that queue.* When nobody in the queue speaks the message's language,
   the case stays in its current team if someone there does, or goes instead to a team whose
   ``languages`` include it (one where an agent speaks it first; the storefront's teams before
   those serving every storefront; never a senior one): understanding the customer comes before
   specialism. With no such team it stays, and the timeline says no agent speaks it, so the
   queue shows the message's language for whoever picks it up.

**Never fights a person.** A case someone is working (it has an assignee) is never moved; a case
a person transferred, assigned, returned or sent for a second opinion within
``human_hold_minutes`` is not moved either, and a priority a person set that recently is not
raised. The decision is still recorded, with why it was not carried out (``kept``), so the agent
sees what routing would have done.

**One event per decision**, of kind ``case_routed``: ``rule`` (churn, intent, language),
``reason`` (one of the constants below, shown translated), ``kept`` (why not carried out, or
""), ``moved``, ``from``/``to`` owners, ``target`` (where the rule sends it), ``message_id`` and
the evidence (``lang``, ``intent``/``score``/``queue``/``party``, ``churn_risk``/``priority``).
A move decided by routing is not a hand-off between people, so it is not counted in ``bounces``.

**Idempotent.** Moves and priority changes are decided against the case as it is (its row
locked), so a decision already carried out is not made again; a decision that changes nothing
(kept, or no agent speaks it) is recorded once — not again while the case's latest event of
that rule says the same. The same triage applied twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from amends.accounts.models import STAFF_ROLES, AgentProfile, Team
from amends.carriers.models import Shipment
from amends.cases.events import EventKind, _append, _owner
from amends.cases.models import Case, CaseEvent, Priority
from amends.cases.services import _bump  # the one way a case row changes
from amends.conversations.models import Direction, Message
from amends.core.errors import InvalidInput
from amends.notifications.services import notify
from amends.triage.result import INTENTS, UNKNOWN, Triage
from amends.triage.routing_rules import Route, RoutingRules, queue_team, routing_rules, senior_team

CASE_ROUTED = "case_routed"
RULE_CHURN, RULE_INTENT, RULE_LANGUAGE = "churn", "intent", "language"

# Why routing did something, stored in English and shown translated (``cases.reasons``).
CHURN_TO_SENIOR = gettext_noop("the customer may leave: the senior queue takes the case")
CHURN_PRIORITY = gettext_noop("the customer may leave: the priority was raised")
INTENT_QUEUE = gettext_noop("the queue for what the customer asks about takes the case")
SELLER_QUEUE = gettext_noop("the seller's order is at issue: the sellers' queue takes the case")
CARRIER_QUEUE = gettext_noop("the parcel is at issue: the deliveries queue takes the case")
LANGUAGE_TEAM = gettext_noop("a team that speaks the customer's language takes the case")
NO_AGENT_SPEAKS = gettext_noop(
    "no agent speaks the customer's language; the message's language is shown"
)
# Why a decision was recorded but not carried out.
KEPT_ASSIGNED = gettext_noop("not moved: an agent is working on the case")
KEPT_PERSON = gettext_noop("left as it is: a person changed the case a short while ago")
KEPT_SENIOR = gettext_noop("not moved: the senior queue keeps the case")
REASONS = frozenset(
    {
        CHURN_TO_SENIOR,
        CHURN_PRIORITY,
        INTENT_QUEUE,
        SELLER_QUEUE,
        CARRIER_QUEUE,
        LANGUAGE_TEAM,
        NO_AGENT_SPEAKS,
        KEPT_ASSIGNED,
        KEPT_PERSON,
        KEPT_SENIOR,
    }
)
PARTY_REASON = {"": INTENT_QUEUE, "seller": SELLER_QUEUE, "carrier": CARRIER_QUEUE}

# What a person does to a case's owner; routing leaves the case alone for a while after one.
PERSON_MOVES = (
    EventKind.CASE_OPENED,
    EventKind.CASE_ASSIGNED,
    EventKind.CASE_TRANSFERRED,
    EventKind.CASE_RETURNED_TO_QUEUE,
    EventKind.SECOND_OPINION_REQUESTED,
)
MAX_INTENTS = 20  # more than triage ever sends; the rest of an oversized result is ignored
MAX_TEAMS = 500
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class _Choice:
    intent: str
    score: float
    route: Route
    team: Team | None  # None: the storefront has no such queue


@transaction.atomic
def route_after_triage(*, case: Case, message: Message, triage: Triage) -> list[CaseEvent]:
    """Decide and carry out where the case goes after this message's triage (see above).

    Returns the events appended (empty when nothing was decided or all was said before).
    """
    if message.case_id != case.pk:
        raise InvalidInput(
            f"message {message.pk} is not on case {case.reference}",
            errors={"message": "belongs to another case"},
        )
    if message.direction != Direction.INBOUND:
        return []
    rules = routing_rules()
    # One router at a time per case: hold the row, then read it as it is now.
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    case.refresh_from_db(fields=["version", "status", "team", "assignee", "priority"])
    if not case.is_open:
        return []
    since = timezone.now() - dt.timedelta(minutes=rules.human_hold_minutes)
    moved_by_person = rules.human_hold_minutes > 0 and _person_did(case, PERSON_MOVES, since)
    kept = KEPT_ASSIGNED if case.assignee_id else KEPT_PERSON if moved_by_person else ""
    appended = _route_churn(case=case, message=message, triage=triage, rules=rules, kept=kept)
    appended += _route_queue(case=case, message=message, triage=triage, rules=rules, kept=kept)
    return appended


def _route_churn(
    *, case: Case, message: Message, triage: Triage, rules: RoutingRules, kept: str
) -> list[CaseEvent]:
    if not triage.churn:
        return []
    risk = _unit(triage.churn_risk)
    urgent = bool(triage.churn_phrase) or risk >= rules.urgent_churn_risk
    wanted = Priority.URGENT if urgent else Priority.HIGH
    old_priority, old_team = case.priority, case.team
    priority = old_priority
    if wanted > old_priority:
        since = timezone.now() - dt.timedelta(minutes=rules.human_hold_minutes)
        if rules.human_hold_minutes and _person_did(case, (EventKind.PRIORITY_CHANGED,), since):
            kept = kept or KEPT_PERSON
        else:
            priority = wanted
    senior = None if old_team.is_senior else senior_team(brand=case.brand)
    team = senior if senior is not None and not kept else old_team
    if senior is None and priority == old_priority:
        if wanted <= old_priority:
            return []  # already where churn would put it, at that priority or higher
        kept = kept or KEPT_PERSON
    changes: dict[str, Any] = {}
    if priority != old_priority:
        changes["priority"] = priority
    if team.pk != old_team.pk:
        changes["team"] = team
    data = {
        "churn_risk": round(risk, 3),
        "churn_phrase": str(triage.churn_phrase)[:200],
        "priority": {"from": old_priority, "to": priority},
    }
    reason = CHURN_TO_SENIOR if senior is not None else CHURN_PRIORITY
    target = senior or old_team
    event = _decide(
        case=case,
        message=message,
        rule=RULE_CHURN,
        reason=reason,
        kept=kept if senior is not None or not changes else "",
        target=target,
        changes=changes,
        evidence=data,
    )
    if event is not None and "team" in changes and team.lead is not None:
        notify(
            recipient=team.lead,
            kind="case_routed",
            case=case,
            text=f"{case.reference} may lose a customer: {case.subject}",
            dedupe_key=f"case_routed:churn:{case.pk}:{message.pk}",
        )
    return [event] if event is not None else []


def _route_queue(
    *, case: Case, message: Message, triage: Triage, rules: RoutingRules, kept: str
) -> list[CaseEvent]:
    """Intent, then language within the intent's queue (see the module's docstring)."""
    current = case.team
    choice = None if current.is_senior else _intent_choice(case=case, triage=triage, rules=rules)
    queue = choice.team if choice is not None and choice.team is not None else current
    lang = _language(triage)
    speaks = True
    if lang:
        if case.assignee_id is not None:
            speaks = lang in _profile_languages(case.assignee_id)
        else:
            speaks = lang in _speakers([queue.pk]).get(queue.pk, set())
    lang_team: Team | None = None
    if not speaks:
        # A colleague in the case's own team first (the intent's queue had nobody), then
        # another team that speaks it.
        if (queue.pk != current.pk or case.assignee_id is not None) and lang in _speakers(
            [current.pk]
        ).get(current.pk, set()):
            lang_team = current
        else:
            lang_team = _language_team(case=case, lang=lang, exclude={current.pk, queue.pk})
    appended: list[CaseEvent] = []
    lang_evidence = {"lang": lang, "lang_score": round(_unit(triage.lang_score), 3)}
    if lang_team is not None:
        evidence: dict[str, Any] = dict(lang_evidence)
        if choice is not None and choice.team is not None:
            evidence["instead_of"] = {"intent": choice.intent, "queue": choice.route.queue}
        if lang_team.pk == current.pk and case.assignee_id is None:
            held = ""  # staying is the decision: nothing is held back
        else:
            held = kept or (KEPT_SENIOR if current.is_senior else "")
        event = _decide(
            case=case,
            message=message,
            rule=RULE_LANGUAGE,
            reason=LANGUAGE_TEAM,
            kept=held,
            target=lang_team,
            changes={} if held or lang_team.pk == current.pk else {"team": lang_team},
            evidence=evidence,
        )
        return [event] if event is not None else []
    if choice is not None and choice.team is not None and choice.team.pk != current.pk:
        event = _decide(
            case=case,
            message=message,
            rule=RULE_INTENT,
            reason=PARTY_REASON[choice.route.party],
            kept=kept,
            target=choice.team,
            changes={} if kept else {"team": choice.team},
            evidence={
                "intent": choice.intent,
                "score": round(choice.score, 3),
                "queue": choice.route.queue,
                "party": choice.route.party,
            },
        )
        appended += [event] if event is not None else []
    if not speaks:
        event = _decide(
            case=case,
            message=message,
            rule=RULE_LANGUAGE,
            reason=NO_AGENT_SPEAKS,
            kept="",
            target=case.team,
            changes={},
            evidence=lang_evidence,
        )
        appended += [event] if event is not None else []
    return appended


def _decide(
    *,
    case: Case,
    message: Message,
    rule: str,
    reason: str,
    kept: str,
    target: Team,
    changes: dict[str, Any],
    evidence: dict[str, Any],
) -> CaseEvent | None:
    """Carry out ``changes`` (if any) and append the one event saying why.

    A decision that changes nothing is recorded only if the case's latest event of this rule
    does not already say the same (``key``): the same triage twice, or the same language on
    every message of a case, is said once.
    """
    before = _owner(team=case.team, assignee=case.assignee)
    key = ":".join(
        str(part)
        for part in (
            rule,
            reason,
            kept,
            target.pk,
            case.assignee_id or "",
            evidence.get("lang") or evidence.get("intent") or "",
        )
    )
    if not changes:
        last = (
            CaseEvent.objects.filter(case=case, kind=CASE_ROUTED, data__rule=rule)
            .order_by("-id")
            .values_list("data", flat=True)
            .first()
        )
        if isinstance(last, dict) and last.get("key") == key:
            return None
    else:
        _bump(case, expected_version=None, **changes)
    data = {
        "rule": rule,
        "reason": reason,
        "kept": kept,
        "moved": "team" in changes,
        "message_id": message.pk,
        "from": before,
        "to": _owner(team=case.team, assignee=case.assignee),
        "target": _owner(team=target, assignee=None),
        "key": key,
        **evidence,
    }
    return _append(case=case, kind=CASE_ROUTED, actor=None, data=data)


def _intent_choice(*, case: Case, triage: Triage, rules: RoutingRules) -> _Choice | None:
    """The highest-scoring intent with a route whose condition holds, and its queue's team."""
    facts: dict[str, bool] = {}

    def holds(when: str) -> bool:
        if when == "always":
            return True
        if when not in facts:
            if when == "seller_order":
                facts[when] = case.orders.filter(seller__isnull=False).exists()
            else:  # "shipment"
                facts[when] = Shipment.objects.filter(order__cases=case).exists()
        return facts[when]

    for intent, score in _intents(triage):
        for route in rules.routes_for(intent):
            if holds(route.when):
                return _Choice(
                    intent, score, route, queue_team(brand=case.brand, queue=route.queue)
                )
    return None


def _intents(triage: Triage) -> list[tuple[str, float]]:
    """Triage's intents, known ones only, highest score first; malformed entries ignored."""
    found: dict[str, float] = {}
    raw = triage.intents if isinstance(triage.intents, tuple | list) else ()
    for item in list(raw)[:MAX_INTENTS]:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            continue
        intent, score = item
        if isinstance(intent, str) and intent in INTENTS and intent not in found:
            found[intent] = _unit(score)
    return sorted(found.items(), key=lambda pair: -pair[1])


def _language(triage: Triage) -> str:
    lang = triage.lang if isinstance(triage.lang, str) else ""
    return lang if lang != UNKNOWN and _LANG.match(lang) else ""


def _unit(value: object) -> float:
    """A score as a number in 0..1; anything else (NaN, a string, None) counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return 0.0
    return min(max(float(value), 0.0), 1.0)


def _languages(value: object) -> set[str]:
    if not isinstance(value, list):
        return set()
    return {item.strip().lower() for item in value[:50] if isinstance(item, str)}


def _profile_languages(user_id: int) -> set[str]:
    value = AgentProfile.objects.filter(user_id=user_id).values_list("languages", flat=True).first()
    return _languages(value)


def _speakers(team_ids: Iterable[int]) -> dict[int, set[str]]:
    """Per team, the languages its active agents speak."""
    through = AgentProfile.teams.through
    rows = through.objects.filter(
        team_id__in=list(team_ids),
        agentprofile__user__is_active=True,
        agentprofile__user__role__in=STAFF_ROLES,
    ).values_list("team_id", "agentprofile__languages")
    spoken: dict[int, set[str]] = {}
    for team_id, languages in rows:
        spoken.setdefault(team_id, set()).update(_languages(languages))
    return spoken


def _language_team(*, case: Case, lang: str, exclude: set[int]) -> Team | None:
    """A team whose languages include ``lang``: one where an agent speaks it first, the
    storefront's own before those serving every storefront; never a senior queue."""
    teams = [
        team
        for team in Team.objects.filter(Q(brand=case.brand_id) | Q(brand__isnull=True))
        .filter(is_senior=False)
        .exclude(pk__in=exclude)
        .order_by(F("brand").asc(nulls_last=True), "id")[:MAX_TEAMS]
        if lang in _languages(team.languages)
    ]
    if not teams:
        return None
    spoken = _speakers(team.pk for team in teams)
    return min(teams, key=lambda t: (lang not in spoken.get(t.pk, set()), t.brand_id is None))


def _person_did(case: Case, kinds: Iterable[str], since: dt.datetime) -> bool:
    """Whether a member of staff did one of these to the case since then (customers and amends
    itself do not count: a customer opening a case from the portal chose no queue)."""
    return CaseEvent.objects.filter(
        case=case,
        kind__in=list(kinds),
        actor__isnull=False,
        actor__role__in=STAFF_ROLES,
        created_at__gte=since,
    ).exists()
