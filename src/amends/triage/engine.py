"""Triage of texts: language, intents, sentiment, churn risk and entities, in batches.

:class:`Triager` holds one trained artefact, the embedder it was trained with and the phrase
rules; :func:`triager` is the process-wide one the task, the CLI and the bench use. Training
(:mod:`amends.triage.training`) goes through :func:`feature_matrix` and :func:`decide` too, so
what is evaluated is exactly what runs.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from amends.triage import entities, language, linear
from amends.triage.artefact import Artefact, ArtefactError, model_dir, read
from amends.triage.dataset import DATA_DIR, SENTIMENTS
from amends.triage.embeddings import Embedder, configured_embedder
from amends.triage.features import ngram_matrix
from amends.triage.result import INTENTS, UNKNOWN, Triage
from amends.triage.rules import PhraseRules
from amends.triage.rules import load as load_rules
from amends.triage.text import prepare

MAX_INTENTS = 3
RULE_SCORE = 0.95  # what a phrase rule's match counts for (intent score, churn risk floor)
CHURN = len(INTENTS)  # the output column of churn: right after the fifteen intents


@dataclass(frozen=True)
class Decision:
    """What the model's numbers mean, from the manifest."""

    thresholds: dict[str, float]
    churn_a: float
    churn_b: float
    churn_threshold: float
    unknown_below: float

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Decision:
        churn = manifest["churn"]
        return cls(
            thresholds={k: float(v) for k, v in manifest["thresholds"].items()},
            churn_a=float(churn["platt_a"]),
            churn_b=float(churn["platt_b"]),
            churn_threshold=float(churn["threshold"]),
            unknown_below=float(manifest["lang_unknown_below"]),
        )


def feature_matrix(
    texts: Sequence[str],
    *,
    embedder: Embedder,
    mean: npt.NDArray[np.float32],
    scale: npt.NDArray[np.float32],
    ngram_weight: float,
    buckets: int,
) -> npt.NDArray[np.float32]:
    """Standardised embeddings beside weighted n-gram rows, one row per (prepared) text."""
    embedded = (embedder.encode(texts) - mean) / scale
    grams = ngram_matrix(texts, buckets=buckets) * np.float32(ngram_weight)
    return np.hstack([embedded.astype(np.float32), grams]).astype(np.float32)


def decide(
    *,
    text: str,
    intent_probs: npt.NDArray[np.float32],
    churn_logit: float,
    sentiment_probs: npt.NDArray[np.float32],
    decision: Decision,
    rules: PhraseRules,
    languages: Sequence[str],
    today: dt.date,
    version: str,
) -> Triage:
    """One message's triage from its model scores, its phrase-rule hits and its entities."""
    guess = language.identify(text, languages=languages, unknown_below=decision.unknown_below)
    hits = rules.match(text)
    scores = {intent: float(p) for intent, p in zip(INTENTS, intent_probs, strict=True)}
    churn_hit = next((h for h in hits if h.kind == "churn"), None)
    if any(h.kind == "cancel_account_or_membership" for h in hits):
        scores["cancel_account_or_membership"] = max(
            scores["cancel_account_or_membership"], RULE_SCORE
        )
    picked = [i for i in INTENTS if scores[i] >= decision.thresholds.get(i, 0.5)]
    if any(i != "other" for i in picked):
        picked = [i for i in picked if i != "other"]
    if not picked:
        picked = [max(INTENTS, key=lambda i: scores[i])]
    picked.sort(key=lambda i: (-scores[i], INTENTS.index(i)))
    risk = float(linear.sigmoid(np.array([decision.churn_a * churn_logit + decision.churn_b]))[0])
    churn = risk >= decision.churn_threshold
    if churn_hit is not None:
        risk, churn = max(risk, RULE_SCORE), True
    sentiment = SENTIMENTS[int(np.argmax(sentiment_probs))]
    polarity = float(sentiment_probs[SENTIMENTS.index("positive")]) - float(
        sentiment_probs[SENTIMENTS.index("negative")]
    )
    return Triage(
        lang=guess.lang,
        lang_score=guess.score,
        languages=guess.shares,
        intents=tuple((i, round(scores[i], 4)) for i in picked[:MAX_INTENTS]),
        sentiment=sentiment,
        sentiment_score=round(polarity, 4),
        churn_risk=round(risk, 4),
        churn=churn,
        churn_phrase=churn_hit.words if churn_hit else "",
        entities=entities.extract(text, today=today, lang=guess.lang),
        model_version=version,
    )


class Triager:
    def __init__(self, *, artefact: Artefact, embedder: Embedder, rules: PhraseRules) -> None:
        if artefact.embedder != embedder.name:
            raise ArtefactError(
                f"the model {artefact.version} was trained on {artefact.embedder} embeddings, "
                f"not {embedder.name}"
            )
        if list(artefact.manifest["intents"]) != list(INTENTS):
            raise ArtefactError(f"the model {artefact.version} knows other intents; retrain it")
        self.artefact = artefact
        self.embedder = embedder
        self.rules = rules
        self.decision = Decision.from_manifest(artefact.manifest)

    @classmethod
    def load(
        cls,
        *,
        directory: Path | None = None,
        embedder: Embedder | None = None,
        data_dir: Path = DATA_DIR,
    ) -> Triager:
        embedder = embedder or configured_embedder()
        artefact = read(directory or model_dir(), embedder=embedder.name)
        return cls(artefact=artefact, embedder=embedder, rules=load_rules(data_dir))

    @property
    def version(self) -> str:
        return self.artefact.version

    def features(self, prepared: Sequence[str]) -> npt.NDArray[np.float32]:
        manifest = self.artefact.manifest
        return feature_matrix(
            prepared,
            embedder=self.embedder,
            mean=self.artefact.embedding_mean,
            scale=self.artefact.embedding_scale,
            ngram_weight=float(manifest["ngram_weight"]),
            buckets=int(manifest["ngram_buckets"]),
        )

    def triage_many(
        self,
        texts: Sequence[str],
        *,
        languages: Sequence[str] | None = None,
        today: dt.date | None = None,
    ) -> list[Triage]:
        """Triage ``texts`` in one batch; ``languages``: the brand's (default: all eight)."""
        if not texts:
            return []
        prepared = [prepare(t) for t in texts]
        x = self.features([p or " " for p in prepared])
        logits = linear.logits(self.artefact.heads, x)
        binary = self.artefact.heads.binary
        intents = linear.sigmoid(logits[:, : len(INTENTS)])
        sentiments = linear.softmax(logits[:, binary:])
        today = today or dt.datetime.now(tz=dt.UTC).date()
        results: list[Triage] = []
        for row, text in enumerate(prepared):
            if not text:
                results.append(
                    Triage(
                        lang=UNKNOWN,
                        lang_score=0.0,
                        intents=(("other", 0.0),),
                        model_version=self.version,
                    )
                )
                continue
            results.append(
                decide(
                    text=text,
                    intent_probs=intents[row],
                    churn_logit=float(logits[row, CHURN]),
                    sentiment_probs=sentiments[row],
                    decision=self.decision,
                    rules=self.rules,
                    languages=languages or language.LANGUAGES,
                    today=today,
                    version=self.version,
                )
            )
        return results

    def triage(
        self, text: str, *, languages: Sequence[str] | None = None, today: dt.date | None = None
    ) -> Triage:
        return self.triage_many([text], languages=languages, today=today)[0]


_lock = threading.Lock()
_cached: dict[tuple[str, str], Triager] = {}


def triager() -> Triager:
    """The process-wide triager for the configured model directory and embedder."""
    embedder = configured_embedder()
    key = (str(model_dir()), embedder.name)
    with _lock:
        found = _cached.get(key)
        if found is None:
            found = _cached[key] = Triager.load(embedder=embedder)
        return found
