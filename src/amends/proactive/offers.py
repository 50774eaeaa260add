"""The choices a notice offers: each candidate remedy for the problem, put to the policy engine.

Only what the policy does not deny is offered (allowed, or allowed after an agent's approval),
and the agent is told which rules decided each one. A candidate the engine cannot decide (it
raises) is left out and said so in the note: the customer is never offered what nobody checked,
and the notice still says what happened and how to reach the carrier.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from amends.policies.decisions import Decision, Facts, Outcome, Remedy, RemedyRequest
from amends.policies.engine import evaluate
from amends.policies.rules import Rule
from amends.proactive.rules import ProblemKind

logger = logging.getLogger(__name__)


class Choice(StrEnum):
    """What the customer may choose. Both ways of delivering again are the one remedy
    ``REDELIVERY``; they differ in where the carrier takes the parcel."""

    REDELIVER = "redeliver"
    PICKUP_POINT = "pickup_point"
    RESHIP = "reship"
    REFUND = "refund"
    GOODWILL = "goodwill"


REMEDY_OF: dict[Choice, Remedy] = {
    Choice.REDELIVER: Remedy.REDELIVERY,
    Choice.PICKUP_POINT: Remedy.REDELIVERY,
    Choice.RESHIP: Remedy.RESHIP,
    Choice.REFUND: Remedy.REFUND_FULL,
    Choice.GOODWILL: Remedy.GOODWILL_CREDIT,
}

# The candidates per problem, in the order they are offered.
CANDIDATES: dict[ProblemKind, tuple[Choice, ...]] = {
    ProblemKind.FAILED_ATTEMPT: (Choice.REDELIVER, Choice.PICKUP_POINT),
    ProblemKind.RETURNED_TO_SENDER: (Choice.RESHIP, Choice.REFUND),
    ProblemKind.DAMAGED: (Choice.RESHIP, Choice.REFUND),
    ProblemKind.LOST: (Choice.RESHIP, Choice.REFUND),
    # A late parcel is on its way: a goodwill credit where the policy grants one, or a refund
    # for a customer who no longer wants to wait, where it allows that.
    ProblemKind.LATE: (Choice.GOODWILL, Choice.REFUND),
}

# ``Facts.reported_problem`` for each kind: what the carrier reported, in the engine's words.
REPORTED: dict[ProblemKind, str] = {
    ProblemKind.FAILED_ATTEMPT: "delivery_failed",
    ProblemKind.RETURNED_TO_SENDER: "returned_to_sender",
    ProblemKind.DAMAGED: "damaged",
    ProblemKind.LOST: "lost",
    ProblemKind.LATE: "late",
}

# Who asks: the customer, choosing from the notice (self-service authority).
ROLE = "customer"


@dataclass(frozen=True)
class Offer:
    choice: Choice
    decision: Decision

    @property
    def needs_approval(self) -> bool:
        return self.decision.outcome == Outcome.NEEDS_APPROVAL


@dataclass(frozen=True)
class Offers:
    offered: tuple[Offer, ...]
    decisions: tuple[Decision, ...]  # every decision, denied ones too
    undecided: tuple[str, ...] = ()  # remedies the engine could not decide, with why

    @property
    def choices(self) -> list[str]:
        return [o.choice.value for o in self.offered]

    def rule_names(self) -> list[str]:
        """Every rule that decided, as ``R12 v3``, once each."""
        names = [f"{r.rule_id} v{r.version}" for d in self.decisions for r in d.rules]
        return list(dict.fromkeys(names))


def offers_for(*, kind: ProblemKind, facts: Facts, rules: Sequence[Rule]) -> Offers:
    """Ask the engine about each candidate remedy once; offer those it does not deny."""
    decided: dict[Remedy, Decision] = {}
    undecided: list[str] = []
    for choice in CANDIDATES[kind]:
        remedy = REMEDY_OF[choice]
        if remedy in decided or any(remedy.value in u for u in undecided):
            continue
        try:
            decided[remedy] = evaluate(
                facts=facts, request=RemedyRequest(remedy=remedy, role=ROLE), rules=rules
            )
        except Exception as exc:  # a faulty rule must not stop the notice; the agent is told
            logger.exception("the policy engine could not decide %s", remedy)
            undecided.append(f"{remedy.value}: {type(exc).__name__}: {exc}"[:300])
    offered = tuple(
        Offer(choice=choice, decision=decided[REMEDY_OF[choice]])
        for choice in CANDIDATES[kind]
        if REMEDY_OF[choice] in decided and decided[REMEDY_OF[choice]].outcome != Outcome.DENIED
    )
    return Offers(offered=offered, decisions=tuple(decided.values()), undecided=tuple(undecided))
