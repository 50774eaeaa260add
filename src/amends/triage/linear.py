"""Logistic regression in numpy: one-vs-rest sigmoids and a softmax, trained together.

A few thousand examples and a few thousand features fit in memory as one dense matrix, so
full-batch Adam on the L2-regularised log loss is enough: no scikit-learn (and its scipy) in
the product for 60 lines of arithmetic. Everything is deterministic: zero initial weights, a
fixed number of steps, no shuffling. All heads share the feature matrix and train in one pass:
the first ``binary`` columns are independent sigmoids (the intents and churn), the remaining
``classes`` columns one softmax (the sentiment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Heads:
    weights: Array  # (features, outputs)
    bias: Array  # (outputs,)
    binary: int  # how many of the outputs are independent sigmoids; the rest are one softmax


def sigmoid(z: npt.NDArray[np.floating]) -> Array:
    out: Array = (1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))).astype(np.float32)
    return out


def softmax(z: npt.NDArray[np.floating]) -> Array:
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out: Array = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def scores(heads: Heads, x: Array) -> tuple[Array, Array]:
    """(sigmoid probabilities, softmax probabilities) for the rows of ``x``."""
    z = x @ heads.weights + heads.bias
    return sigmoid(z[:, : heads.binary]), softmax(z[:, heads.binary :])


def logits(heads: Heads, x: Array) -> Array:
    out: Array = (x @ heads.weights + heads.bias).astype(np.float32)
    return out


def train(
    x: Array,
    binary_targets: npt.NDArray[np.float32],
    class_targets: npt.NDArray[np.int64],
    *,
    classes: int,
    l2: float = 1e-3,
    steps: int = 300,
    rate: float = 0.05,
    positive_weight: npt.NDArray[np.float32] | None = None,
) -> Heads:
    """Minimise mean log loss + ``l2``/2 |W|² with Adam from zero weights.

    ``binary_targets`` is (rows, binary) of 0/1; ``class_targets`` (rows,) of class indices;
    ``positive_weight`` (binary,) weighs the positive examples of each sigmoid (rare intents).
    """
    rows, features = x.shape
    binary = binary_targets.shape[1]
    outputs = binary + classes
    onehot = np.zeros((rows, classes), dtype=np.float32)
    onehot[np.arange(rows), class_targets] = 1.0
    pos_w = np.ones(binary, dtype=np.float32) if positive_weight is None else positive_weight
    sample_w = np.where(binary_targets > 0, pos_w, 1.0).astype(np.float32)
    w = np.zeros((features, outputs), dtype=np.float32)
    b = np.zeros(outputs, dtype=np.float32)
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        z = x @ w + b
        grad_z = np.empty_like(z)
        grad_z[:, :binary] = (sigmoid(z[:, :binary]) - binary_targets) * sample_w
        grad_z[:, binary:] = softmax(z[:, binary:]) - onehot
        grad_z /= rows
        g_w = x.T @ grad_z + l2 * w
        g_b = grad_z.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        w -= rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        b -= rate * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
    return Heads(weights=w.astype(np.float32), bias=b.astype(np.float32), binary=binary)


def platt(z: npt.NDArray[np.floating], y: npt.NDArray[np.floating]) -> tuple[float, float]:
    """Platt scaling: (a, b) so that sigmoid(a·z + b) is a calibrated probability of ``y``.

    Fitted by Newton's method with a backtracking line search on the log loss, with Platt's
    smoothed targets, which keep a perfectly separated validation set from pushing ``a`` to
    infinity.
    """
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    positives, negatives = float(y.sum()), float(len(y) - y.sum())
    target = np.where(y > 0, (positives + 1) / (positives + 2), 1 / (negatives + 2))

    def loss(a: float, c: float) -> float:
        margin = a * z + c
        return float(np.sum(np.logaddexp(0.0, margin) - target * margin))

    a, c = 1.0, 0.0
    current = loss(a, c)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * z + c, -40, 40)))
        g = np.array([np.sum((p - target) * z), np.sum(p - target)])
        s = p * (1 - p)
        h = np.array([[np.sum(s * z * z), np.sum(s * z)], [np.sum(s * z), np.sum(s)]])
        delta = np.linalg.solve(h + np.eye(2) * 1e-9, g)
        step = 1.0
        while step > 1e-8:
            na, nc = a - step * float(delta[0]), c - step * float(delta[1])
            trial = loss(na, nc)
            if trial <= current + 1e-12:
                break
            step /= 2
        else:
            break
        improvement = current - trial
        a, c, current = na, nc, trial
        if improvement < 1e-10:
            break
    return a, c
