"""The policy engine: ``evaluate(facts, request, rules) -> Decision``. Pure and deterministic.

No database, no clock (``facts.today`` is the storefront's date), no randomness: the same facts,
request and rules give the same decision, whatever order the rules come in. Rules are compiled
once when loaded (``policies.rules.parse_rule``); evaluating only calls their closures.

How the rules that cover the requested remedy combine, in this order:

1. **Deny** rules are exceptions: if one matches, the decision is *denied*, naming it, whatever
   else would allow the remedy.
2. **Allow** rules make a remedy eligible. If none matches, it is *denied*, naming every allow
   rule that was considered and which of its conditions did not hold. If several match, the
   most generous one leads: the highest amount, then without a return, then self-service,
   then the lowest id; the others are named too.
3. **Amount** (remedies that move money, ``rules.MONETARY``): the leading rule's maximum, never
   more than paid minus already refunded, rounded down to the cent. Nothing left means
   *denied* (except a membership cancellation, which ends the membership with nothing to
   refund). An amount asked for above the maximum is *denied*, with the maximum given; no
   amount asked for means the maximum.
4. **Authority** rules cap what the asker may grant alone. The strictest matching rule for the
   asker's role applies (``request.authority_limit`` replaces the rule's number for the role
   when given, except for a customer); an amount above it *needs approval* by the lowest role
   whose limit covers it, else by the rule's ``above_all`` role. A role a rule does not list,
   or a currency it does not list, has no authority: approval is needed. With no authority
   rule for a remedy, no limit applies. Raising a limit can therefore only turn "needs
   approval" into "allowed", never anything into "denied".
5. **Self-service**: a customer acting alone gets a decision only from a rule marked
   ``self_service`` (the clear-cut cases); otherwise it *needs approval* by an agent (or the
   role whose limit covers the amount).
6. **Cost**: the leading allow rule's ``cost_bearer`` if it names one (a carrier claim for a
   damaged or lost parcel), else the first matching cost rule by priority, then id.

Every decision names at least one rule: a remedy no allow or deny rule covers is a broken rule
set, refused when rules are saved and raised here as :class:`UncoveredRemedy`.

The explanation is for the agent: one sentence per rule that counted, in the active language
(gettext). What the customer reads is ``customer_reason``, a message id worded by the caller in
the customer's language and register with ``customer_params``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop, trans_real

from amends.policies.amounts import ZERO
from amends.policies.decisions import Decision, Facts, Outcome, Remedy, RemedyRequest
from amends.policies.rules import MONETARY, Rule, RuleSet

CENT = Decimal("0.01")
CUSTOMER = "customer"
ZERO_IS_ENOUGH = frozenset({Remedy.MEMBERSHIP_CANCELLATION})

NOT_COVERED = gettext_noop("This request is not covered by the shop's terms for this order.")
ABOVE_MAXIMUM = gettext_noop(
    "The amount asked for is more than the shop's terms allow for this order: at most "
    "%(max_amount)s %(currency)s."
)
NOTHING_LEFT = gettext_noop(
    "Under the shop's terms there is no amount left to refund or credit for this order."
)
NEEDS_REVIEW = gettext_noop(
    "This needs a confirmation from the customer service team before it goes ahead."
)


# Sentences for the agent. Translated once per active catalogue (``_texts``), not per decision.
T_RULE = gettext_noop("%(rule)s: %(why)s")
T_NOT_APPLY = gettext_noop("%(rule)s does not apply: %(why)s")
T_ALSO = gettext_noop("%(rule)s also applies.")
T_NOTHING = gettext_noop("Nothing left to grant: at most %(cap)s %(currency)s.")
T_ASKED = gettext_noop("%(asked)s %(currency)s asked; the rules allow at most %(cap)s.")
T_ABOVE = gettext_noop(
    "%(rule)s: %(amount)s %(currency)s is above the %(role)s limit of %(limit)s %(currency)s; "
    "a %(approver)s approves."
)
T_WITHIN = gettext_noop(
    "%(rule)s: %(amount)s %(currency)s is within the %(role)s limit of %(limit)s %(currency)s."
)
T_NOT_SELF = gettext_noop("%(rule)s is not a self-service case: an agent decides.")
T_COST = gettext_noop("%(rule)s: cost borne by the %(bearer)s.")
_AGENT_TEXTS: tuple[str, ...] = (T_RULE, T_NOT_APPLY, T_ALSO, T_NOTHING, T_ASKED, T_ABOVE)
_AGENT_TEXTS += (T_WITHIN, T_NOT_SELF, T_COST)
_translated: dict[object, dict[str, str]] = {}
# Rule sets indexed for sequences that are not a RuleSet, by the identity of their rules. An
# entry holds its rules, so no id in its key can be reused by another object while it is kept.
_indexed: dict[tuple[int, ...], RuleSet] = {}


class UncoveredRemedy(ValueError):
    """No allow or deny rule in the set covers the remedy: nothing can name the decision."""


def _texts() -> dict[str, str]:
    """The agent's sentences in the active catalogue (language and register). Looking the
    catalogue up once per decision and its sentences once per catalogue keeps gettext's cost
    (an active-language lookup and a chain of catalogues per call) out of every line."""
    catalog: Any = trans_real.catalog() if settings.USE_I18N else None
    texts = _translated.get(catalog)
    if texts is None:
        if len(_translated) > 100:  # catalogues reloaded many times (tests): start again
            _translated.clear()
        gettext = catalog.gettext if catalog is not None else str
        texts = _translated[catalog] = {msgid: gettext(msgid) for msgid in _AGENT_TEXTS}
    return texts


def _index(rules: Sequence[Rule]) -> RuleSet:
    key = tuple(map(id, rules))
    ruleset = _indexed.get(key)
    if ruleset is None:
        ruleset = RuleSet(rules)
        if len(_indexed) >= 32:  # many passing lists: start again (safe from any thread)
            _indexed.clear()
        _indexed[key] = ruleset
    return ruleset


def _leader_key(item: tuple[Rule, Decimal]) -> tuple[Decimal, bool, bool]:
    rule, cap = item
    return (cap, rule.without_return, rule.self_service)


def evaluate(*, facts: Facts, request: RemedyRequest, rules: Sequence[Rule]) -> Decision:
    """Decide ``request`` on ``facts`` under ``rules`` (see the module docstring)."""
    ruleset = rules if isinstance(rules, RuleSet) else _index(rules)
    remedy = request.remedy
    bucket = ruleset.buckets[remedy]
    if not bucket.allow and not bucket.deny:
        raise UncoveredRemedy(f"no allow or deny rule covers {remedy.value}")
    t = _texts()

    denying = [r for r in bucket.deny if r.test(facts)]
    if denying:
        lines = [t[T_RULE] % {"rule": r.label, "why": r.description} for r in denying]
        return _denied(facts, request, denying, lines, denying[0].customer_reason)
    allowing = [r for r in bucket.allow if r.test(facts)]
    if not allowing:
        lines = [
            t[T_NOT_APPLY] % {"rule": r.label, "why": r.when.why_not(facts)} for r in bucket.allow
        ]
        return _denied(facts, request, bucket.allow, lines, NOT_COVERED)

    monetary = remedy in MONETARY
    cap = ZERO
    if len(allowing) == 1:
        leader = allowing[0]
        if monetary:
            cap = _cap(leader, facts)
        named = [leader]
    else:
        # max() keeps the first of equals; allowing is in id order, so ties go to the lowest id.
        leader, cap = max(
            ((r, _cap(r, facts) if monetary else ZERO) for r in allowing), key=_leader_key
        )
        named = [leader, *(r for r in allowing if r is not leader)]
    lines = [t[T_RULE] % {"rule": leader.label, "why": leader.description}]
    lines.extend(t[T_ALSO] % {"rule": r.label} for r in named[1:])

    amount: Decimal | None = None
    currency = facts.currency
    if monetary:
        if cap <= ZERO and remedy not in ZERO_IS_ENOUGH:
            lines.append(t[T_NOTHING] % {"cap": cap, "currency": currency})
            return _denied(facts, request, named, lines, NOTHING_LEFT, max_amount=cap)
        amount = cap if request.amount is None else request.amount
        if amount > cap:
            lines.append(t[T_ASKED] % {"asked": amount, "cap": cap, "currency": currency})
            return _denied(facts, request, named, lines, ABOVE_MAXIMUM, max_amount=cap)

    outcome = Outcome.ALLOWED
    limit: Decimal | None = None
    approver: str | None = None
    role = request.role
    authority = _authority(bucket.authority, facts, role) if amount is not None else None
    if authority is not None and amount is not None:
        rule, limit = authority
        if request.authority_limit is not None and role != CUSTOMER:
            limit = request.authority_limit
        named.append(rule)
        values = {"rule": rule.label, "amount": amount, "currency": currency, "role": role}
        values["limit"] = limit
        if amount > limit:
            outcome = Outcome.NEEDS_APPROVAL
            approver = values["approver"] = _approver(rule, currency, amount)
            lines.append(t[T_ABOVE] % values)
        else:
            lines.append(t[T_WITHIN] % values)
    if role == CUSTOMER and not leader.self_service:
        outcome = Outcome.NEEDS_APPROVAL
        if approver is None:
            approver = "agent"
            if authority is not None and amount is not None:
                approver = _approver(authority[0], currency, amount)
        lines.append(t[T_NOT_SELF] % {"rule": leader.label})

    bearer = leader.cost_bearer
    if bearer is None:
        coster = next((r for r in bucket.cost if r.test(facts)), None)
        if coster is not None:
            bearer = coster.bearer
            named.append(coster)
            lines.append(t[T_COST] % {"rule": coster.label, "bearer": bearer})

    max_amount = cap if monetary else None
    if outcome is Outcome.ALLOWED:
        reason = leader.customer_reason
        customer_values = _values(currency, amount=amount, max_amount=max_amount)
    else:
        reason, customer_values = NEEDS_REVIEW, ()
    return Decision(
        outcome=outcome,
        remedy=remedy,
        amount=amount,
        currency=currency,
        rules=tuple([r.ref for r in named]),
        cost_bearer=bearer,
        without_return=leader.without_return,
        limit=limit,
        explanation=tuple(lines),
        customer_reason=reason,
        customer_values=customer_values,
        max_amount=max_amount,
        approver=approver,
    )


def _cap(rule: Rule, facts: Facts) -> Decimal:
    """The most ``rule`` grants: its amount, within what is left of the payment, to the cent."""
    amount = rule.amount  # always set: an allow rule for money is refused without one
    most = min(amount(facts), facts.paid - facts.refunded) if amount is not None else ZERO
    return most.quantize(CENT, rounding=ROUND_DOWN) if most > ZERO else ZERO


def _authority(rules: Sequence[Rule], facts: Facts, role: str) -> tuple[Rule, Decimal] | None:
    """The strictest matching authority rule for ``role`` and its limit in the currency."""
    best: tuple[Rule, Decimal] | None = None
    for rule in rules:
        if not rule.test(facts):
            continue
        limit = rule.limits.get(role, {}).get(facts.currency, ZERO)
        if best is None or limit < best[1]:
            best = (rule, limit)
    return best


def _approver(rule: Rule, currency: str, amount: Decimal) -> str:
    for limit, role in rule.approvers.get(currency, ()):
        if amount <= limit:
            return role
    return rule.above_all


def _values(
    currency: str, *, amount: Decimal | None, max_amount: Decimal | None
) -> tuple[tuple[str, str], ...]:
    values = [("currency", currency)]
    if amount is not None:
        values.append(("amount", str(amount)))
    if max_amount is not None:
        values.append(("max_amount", str(max_amount)))
    return tuple(values)


def _denied(
    facts: Facts,
    request: RemedyRequest,
    rules: Sequence[Rule],
    lines: Sequence[str],
    reason: str,
    *,
    max_amount: Decimal | None = None,
) -> Decision:
    return Decision(
        outcome=Outcome.DENIED,
        remedy=request.remedy,
        amount=None,
        currency=facts.currency,
        rules=tuple([r.ref for r in rules]),
        explanation=tuple(lines),
        customer_reason=reason,
        customer_values=_values(facts.currency, amount=None, max_amount=max_amount),
        max_amount=max_amount,
    )
