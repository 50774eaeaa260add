"""Scores of a triager on labelled examples, per language and overall, against the goals.

* language accuracy on texts of at least :data:`LANG_MIN_CHARS` characters ("unknown" counts
  as wrong);
* intent macro-F1 over the intents that occur in that language's examples or predictions;
* churn precision and recall;
* sentiment accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from amends.triage.dataset import Example
from amends.triage.result import INTENTS, Triage

if TYPE_CHECKING:
    from amends.triage.engine import Triager

LANG_MIN_CHARS = 20
GOALS = {
    "lang_accuracy": 0.99,
    "intent_macro_f1": 0.85,
    "churn_recall": 0.95,
    "churn_precision": 0.8,
}
BATCH = 64


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def score(pairs: Sequence[tuple[Example, Triage]]) -> dict[str, Any]:
    """The four scores over ``pairs`` of (example, what the triager said)."""
    long_texts = [(e, t) for e, t in pairs if len(e.text.strip()) >= LANG_MIN_CHARS]
    lang_right = sum(1 for e, t in long_texts if t.lang == e.lang)
    f1s: list[float] = []
    for intent in INTENTS:
        truth = [intent in e.intents for e, _ in pairs]
        said = [intent in t.intent_ids for _, t in pairs]
        tp = sum(1 for a, b in zip(truth, said, strict=True) if a and b)
        if sum(truth) + sum(said):
            f1s.append(2 * tp / (sum(truth) + sum(said)))
    churn_tp = sum(1 for e, t in pairs if e.churn and t.churn)
    churn_said = sum(1 for _, t in pairs if t.churn)
    churn_true = sum(1 for e, _ in pairs if e.churn)
    return {
        "examples": len(pairs),
        "lang_accuracy": _ratio(lang_right, len(long_texts)),
        "lang_examples": len(long_texts),
        "intent_macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "intent_exact": _ratio(
            sum(1 for e, t in pairs if set(e.intents) == set(t.intent_ids)), len(pairs)
        ),
        "churn_precision": _ratio(churn_tp, churn_said),
        "churn_recall": _ratio(churn_tp, churn_true),
        "churn_positives": churn_true,
        "sentiment_accuracy": _ratio(
            sum(1 for e, t in pairs if e.sentiment == t.sentiment), len(pairs)
        ),
    }


def goals_met(scores: dict[str, Any]) -> dict[str, bool]:
    """Which goals the scores meet: language and intents in every language, churn overall."""
    per_lang = scores.get("languages", {})
    overall = scores.get("overall", {})
    return {
        "lang_accuracy": all(
            (s.get("lang_accuracy") or 0) >= GOALS["lang_accuracy"] for s in per_lang.values()
        ),
        "intent_macro_f1": all(
            (s.get("intent_macro_f1") or 0) >= GOALS["intent_macro_f1"] for s in per_lang.values()
        ),
        "churn": (overall.get("churn_recall") or 0) >= GOALS["churn_recall"]
        and (overall.get("churn_precision") or 0) >= GOALS["churn_precision"],
    }


def evaluate(triager: Triager, examples: Sequence[Example]) -> dict[str, Any]:
    """Triage every example's text (all eight languages allowed) and score per language."""
    pairs: list[tuple[Example, Triage]] = []
    for start in range(0, len(examples), BATCH):
        chunk = examples[start : start + BATCH]
        pairs += zip(chunk, triager.triage_many([e.text for e in chunk]), strict=True)
    by_lang: dict[str, list[tuple[Example, Triage]]] = {}
    for pair in pairs:
        by_lang.setdefault(pair[0].lang, []).append(pair)
    scores: dict[str, Any] = {
        "languages": {lang: score(items) for lang, items in sorted(by_lang.items())},
        "overall": score(pairs),
    }
    scores["goals_met"] = goals_met(scores)
    return scores
