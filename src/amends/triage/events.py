"""The timeline row of triage, in the pattern of ``cases.events`` (and through its ``_append``,
so open consoles hear of it like of any other event).

``message_triaged`` says what triage read in one message (language, intents, sentiment, churn
risk and the phrase that said "I'm leaving", the numbers it found) and what that changed on the
case, with the model version that said it. Orders it linked get their own ``order_linked`` rows
(``cases.services.case_link_order``).
"""

from __future__ import annotations

from typing import Any

from amends.cases.events import _append
from amends.cases.models import Case, CaseEvent
from amends.triage.result import Triage


class TriageEventKind:
    MESSAGE_TRIAGED = "message_triaged"


def message_triaged(
    *, case: Case, message_id: int, triage: Triage, changed: dict[str, Any]
) -> CaseEvent:
    """``changed``: the case's fields triage changed, as ``{"field": [before, after]}``."""
    named = [
        {"kind": e.kind, "value": e.value, **({"carrier": e.carrier} if e.carrier else {})}
        for e in triage.entities
        if e.kind in {"order_number", "tracking_number"}
    ]
    return _append(
        case=case,
        kind=TriageEventKind.MESSAGE_TRIAGED,
        actor=None,
        data={
            "message_id": message_id,
            "lang": triage.lang,
            "lang_score": triage.lang_score,
            "languages": [list(item) for item in triage.languages],
            "intents": [list(item) for item in triage.intents],
            "sentiment": triage.sentiment,
            "sentiment_score": triage.sentiment_score,
            "churn_risk": triage.churn_risk,
            "churn": triage.churn,
            "churn_phrase": triage.churn_phrase[:200],
            "numbers": named[:20],
            "model_version": triage.model_version,
            "changed": changed,
        },
    )
