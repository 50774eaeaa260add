"""``amends triage train``: the classifiers, their thresholds and their scores, reproducibly.

1. The examples are split by a hash of their ids (:mod:`amends.triage.dataset`): one in five is
   held out and only ever used for the scores in the manifest and ``amends triage eval``.
2. The training examples are cut into :data:`FOLDS` folds (another hash); each fold is scored by
   a model trained on the others. Those out-of-fold scores choose every threshold (one per
   intent, the churn threshold after Platt calibration of the churn score (the best recall at a
   precision of at least :data:`CHURN_PRECISION_FLOOR`), and the language
   "unknown" threshold), so no threshold is chosen on examples its model saw.
3. The final model is trained on all training examples with the same settings.

Nothing is random: zero initial weights, a fixed step count, hash-based splits. The same data
and the same embedder give byte-identical artefacts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from amends.triage import artefact, dataset, language, linear
from amends.triage.artefact import Artefact
from amends.triage.dataset import SENTIMENTS, Example
from amends.triage.embeddings import Embedder
from amends.triage.engine import CHURN, Triager
from amends.triage.evaluation import evaluate
from amends.triage.features import NGRAM_BUCKETS, ngram_matrix
from amends.triage.result import INTENTS
from amends.triage.rules import PhraseRules
from amends.triage.rules import load as load_rules
from amends.triage.text import prepare

FOLDS = 5
SEED = 2026  # the hidden layer's start; the hashing embedder's projection uses its own seed
CHURN_PRECISION_FLOOR = 0.9  # on out-of-fold scores, above the goal of 0.8 for some margin
_GRID = np.round(np.arange(0.02, 0.985, 0.01), 2)
LANG_TIE = 2  # guesses: how close to the best a language threshold counts as just as good

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainSettings:
    l2: float = 0.001
    steps: int = 300
    rate: float = 0.003
    ngram_weight: float = 20.0
    ngram_buckets: int = NGRAM_BUCKETS
    max_positive_weight: float = 4.0
    hidden: int = 256  # ReLU units on the embedding (0: a linear model only)


def _targets(examples: Sequence[Example]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    binary = np.zeros((len(examples), len(INTENTS) + 1), dtype=np.float32)
    for row, example in enumerate(examples):
        for intent in example.intents:
            binary[row, INTENTS.index(intent)] = 1.0
        binary[row, CHURN] = 1.0 if example.churn else 0.0
    classes = np.array([SENTIMENTS.index(e.sentiment) for e in examples], dtype=np.int64)
    return binary, classes


def _fit(
    x: npt.NDArray[np.float32],
    binary: npt.NDArray[np.float32],
    classes: npt.NDArray[np.int64],
    settings: TrainSettings,
    embedding_dim: int,
) -> linear.Heads:
    positives = binary.sum(axis=0)
    negatives = len(binary) - positives
    ratio = np.sqrt(np.maximum(negatives, 1.0) / np.maximum(positives, 1.0))
    weight = np.clip(ratio, 1.0, settings.max_positive_weight).astype(np.float32)
    return linear.train(
        x,
        binary,
        classes,
        classes=len(SENTIMENTS),
        l2=settings.l2,
        steps=settings.steps,
        rate=settings.rate,
        positive_weight=weight,
        hidden=settings.hidden,
        hidden_inputs=embedding_dim,
        seed=SEED,
    )


def _best_f1_threshold(probs: npt.NDArray[np.float32], truth: npt.NDArray[np.float32]) -> float:
    if truth.sum() == 0:
        return 0.99
    best, best_f1 = 0.5, -1.0
    for t in _GRID:
        predicted = probs >= t
        tp = float(np.sum(predicted & (truth > 0)))
        f1 = 2 * tp / (float(predicted.sum()) + float(truth.sum()))
        if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(t - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(t), f1
    return best


def _churn_threshold(
    risk: npt.NDArray[np.float64], rule_hit: npt.NDArray[np.bool_], truth: npt.NDArray[np.bool_]
) -> float:
    """The threshold with the best out-of-fold recall (phrase rules included) whose precision
    stays at or above :data:`CHURN_PRECISION_FLOOR`; among equals, the highest. Missing a
    customer who is leaving costs more than a second look at one who is not."""
    if not truth.any():
        return 0.5
    best, best_recall = float(_GRID[-1]), -1.0
    for t in _GRID[::-1]:
        predicted = rule_hit | (risk >= t)
        said = float(predicted.sum())
        right = float(np.sum(predicted & truth))
        if said and right / said < CHURN_PRECISION_FLOOR:
            continue
        recall = right / float(truth.sum())
        if recall > best_recall + 1e-12:
            best, best_recall = float(t), recall
    return best


def _unknown_below(examples: Sequence[Example], prepared: Sequence[str]) -> float:
    """Below which score a language guess is more often wrong than right on the examples.

    A threshold that beats the default (:data:`language.UNKNOWN_BELOW`) by only one or two
    guesses would be chosen by those guesses alone: among the thresholds within
    :data:`LANG_TIE` of the best, the one nearest the default is taken."""
    scored = []
    for example, text in zip(examples, prepared, strict=True):
        guess = language.identify(text, unknown_below=0.0)
        scored.append((guess.score, guess.lang == example.lang))
    gains: dict[float, int] = {}
    for t in np.round(np.arange(0.3, 0.905, 0.05), 2):
        gains[float(t)] = sum(1 if right else -1 for score, right in scored if score >= t)
    best = max(gains.values())
    near = [t for t, gain in gains.items() if gain >= best - LANG_TIE]
    return min(near, key=lambda t: (abs(t - language.UNKNOWN_BELOW), t))


def _rule_hits(rules: PhraseRules, prepared: Sequence[str]) -> npt.NDArray[np.bool_]:
    return np.array([any(h.kind == "churn" for h in rules.match(t)) for t in prepared], dtype=bool)


def train(
    *,
    data_dir: Path,
    embedder: Embedder,
    settings: TrainSettings | None = None,
    progress: Progress | None = None,
) -> tuple[Artefact, dict[str, Any]]:
    """Train on ``data_dir``'s examples; (the artefact, the held-out evaluation)."""
    settings = settings or TrainSettings()
    say = progress or (lambda _text: None)
    examples = dataset.load(data_dir)
    rules = load_rules(data_dir)
    data_hash = dataset.data_hash(data_dir)
    train_set, held_out = dataset.split(examples)
    if not train_set or not held_out:
        raise dataset.DataError("too few examples to hold one in five out; add examples")
    say(f"{len(train_set)} training and {len(held_out)} held-out examples; embedding…")
    prepared = [prepare(e.text) or " " for e in train_set]
    embedded = embedder.encode(prepared)
    mean = embedded.mean(axis=0).astype(np.float32)
    scale = np.maximum(embedded.std(axis=0), 1e-6).astype(np.float32)
    grams = ngram_matrix(prepared, buckets=settings.ngram_buckets)
    x = np.hstack([(embedded - mean) / scale, grams * settings.ngram_weight]).astype(np.float32)
    binary, classes = _targets(train_set)
    folds = np.array([dataset.fold_of(e.id, FOLDS) for e in train_set])
    oof = np.zeros((len(train_set), binary.shape[1]), dtype=np.float32)
    for fold in range(FOLDS):
        say(f"cross-validation fold {fold + 1}/{FOLDS}")
        inside, outside = folds != fold, folds == fold
        if not outside.any() or not inside.any():
            continue
        heads = _fit(x[inside], binary[inside], classes[inside], settings, embedder.dim)
        oof[outside] = linear.logits(heads, x[outside])[:, : binary.shape[1]]
    thresholds = {
        intent: _best_f1_threshold(linear.sigmoid(oof[:, i]), binary[:, i])
        for i, intent in enumerate(INTENTS)
    }
    platt_a, platt_b = linear.platt(oof[:, CHURN], binary[:, CHURN])
    risk = 1.0 / (1.0 + np.exp(-np.clip(platt_a * oof[:, CHURN] + platt_b, -40, 40)))
    churn_threshold = _churn_threshold(risk, _rule_hits(rules, prepared), binary[:, CHURN] > 0)
    say("training the final model")
    heads = _fit(x, binary, classes, settings, embedder.dim)
    manifest: dict[str, Any] = {
        "format": artefact.FORMAT,
        "version": artefact.version_for(embedder.name, data_hash),
        "embedder": embedder.name,
        "embedding_dim": int(embedder.dim),
        "ngram_buckets": settings.ngram_buckets,
        "ngram_weight": settings.ngram_weight,
        "binary_outputs": int(binary.shape[1]),
        "intents": list(INTENTS),
        "sentiments": list(SENTIMENTS),
        "thresholds": thresholds,
        "churn": {
            "platt_a": platt_a,
            "platt_b": platt_b,
            "threshold": churn_threshold,
            "precision_floor": CHURN_PRECISION_FLOOR,
        },
        "lang_unknown_below": _unknown_below(train_set, prepared),
        "data_hash": data_hash,
        "seed": SEED,
        "folds": FOLDS,
        "settings": asdict(settings),
        "examples": {"training": len(train_set), "held_out": len(held_out)},
        "languages": dataset.languages(examples),
    }
    model = Artefact(manifest=manifest, heads=heads, embedding_mean=mean, embedding_scale=scale)
    say("scoring the held-out examples")
    scores = evaluate(Triager(artefact=model, embedder=embedder, rules=rules), held_out)
    manifest["scores"] = scores
    return model, scores
