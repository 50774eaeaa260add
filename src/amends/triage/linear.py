"""Logistic regression in numpy, with an optional hidden layer: one-vs-rest sigmoids and a
softmax, trained together.

A few thousand examples and a few thousand features fit in memory as one dense matrix, so
full-batch Adam on the L2-regularised log loss is enough: no scikit-learn (and its scipy) in
the product for 80 lines of arithmetic. All heads share the feature matrix and train in one
pass: the first ``binary`` columns are independent sigmoids (the intents and churn), the
remaining ``classes`` columns one softmax (the sentiment).

With ``hidden`` > 0, the first ``hidden_inputs`` features (the sentence embedding) also feed
a layer of ReLU units whose outputs join the linear terms: the embedding's meaning is not
linear in its dimensions ("refund me" and "where is my refund" sit apart from "I was charged
twice" along no single axis), while the hashed n-grams are many and sparse and stay linear.
Everything is deterministic: zero initial weights for the outputs, the hidden layer drawn from
a generator with a fixed seed, a fixed number of steps, no shuffling.
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
    # The hidden layer, when there is one: (hidden_inputs, hidden), (hidden,), (hidden, outputs).
    hidden_weights: Array | None = None
    hidden_bias: Array | None = None
    hidden_out: Array | None = None

    def hidden(self, x: Array) -> Array | None:
        """The hidden units' activations for the rows of ``x`` (None without a hidden layer)."""
        if self.hidden_weights is None or self.hidden_bias is None:
            return None
        inputs = self.hidden_weights.shape[0]
        out: Array = np.maximum(x[:, :inputs] @ self.hidden_weights + self.hidden_bias, 0.0)
        return out


def sigmoid(z: npt.NDArray[np.floating]) -> Array:
    out: Array = (1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))).astype(np.float32)
    return out


def softmax(z: npt.NDArray[np.floating]) -> Array:
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out: Array = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def logits(heads: Heads, x: Array) -> Array:
    z = x @ heads.weights + heads.bias
    hidden = heads.hidden(x)
    if hidden is not None and heads.hidden_out is not None:
        z = z + hidden @ heads.hidden_out
    out: Array = z.astype(np.float32)
    return out


def scores(heads: Heads, x: Array) -> tuple[Array, Array]:
    """(sigmoid probabilities, softmax probabilities) for the rows of ``x``."""
    z = logits(heads, x)
    return sigmoid(z[:, : heads.binary]), softmax(z[:, heads.binary :])


class _Adam:
    """Adam's moment estimates for one parameter array, updated in place."""

    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, like: Array) -> None:
        self.m = np.zeros_like(like)
        self.v = np.zeros_like(like)

    def step(self, param: Array, grad: Array, *, rate: float, step: int) -> None:
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad * grad
        m_hat = self.m / (1 - self.beta1**step)
        v_hat = self.v / (1 - self.beta2**step)
        param -= (rate * m_hat / (np.sqrt(v_hat) + self.eps)).astype(param.dtype)


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
    hidden: int = 0,
    hidden_inputs: int = 0,
    seed: int = 0,
) -> Heads:
    """Minimise mean log loss + ``l2``/2 |W|² with Adam.

    ``binary_targets`` is (rows, binary) of 0/1; ``class_targets`` (rows,) of class indices;
    ``positive_weight`` (binary,) weighs the positive examples of each sigmoid (rare intents);
    ``hidden`` ReLU units read the first ``hidden_inputs`` features (He-initialised from
    ``seed``).
    """
    rows, features = x.shape
    binary = binary_targets.shape[1]
    outputs = binary + classes
    onehot = np.zeros((rows, classes), dtype=np.float32)
    onehot[np.arange(rows), class_targets] = 1.0
    pos_w = np.ones(binary, dtype=np.float32) if positive_weight is None else positive_weight
    sample_w = np.where(binary_targets > 0, pos_w, 1.0).astype(np.float32)
    params: dict[str, Array] = {
        "w": np.zeros((features, outputs), dtype=np.float32),
        "b": np.zeros(outputs, dtype=np.float32),
    }
    if hidden:
        inputs = hidden_inputs or features
        rng = np.random.default_rng(seed)
        params["w1"] = (rng.standard_normal((inputs, hidden)) * np.sqrt(2.0 / inputs)).astype(
            np.float32
        )
        params["b1"] = np.zeros(hidden, dtype=np.float32)
        params["w2"] = np.zeros((hidden, outputs), dtype=np.float32)
    moments = {name: _Adam(value) for name, value in params.items()}
    for step in range(1, steps + 1):
        z = x @ params["w"] + params["b"]
        if hidden:
            pre = x[:, :inputs] @ params["w1"] + params["b1"]
            h = np.maximum(pre, 0.0)
            z += h @ params["w2"]
        grad_z = np.empty_like(z)
        grad_z[:, :binary] = (sigmoid(z[:, :binary]) - binary_targets) * sample_w
        grad_z[:, binary:] = softmax(z[:, binary:]) - onehot
        grad_z /= rows
        grads = {"w": x.T @ grad_z + l2 * params["w"], "b": grad_z.sum(axis=0)}
        if hidden:
            grads["w2"] = h.T @ grad_z + l2 * params["w2"]
            grad_h = grad_z @ params["w2"].T
            grad_h[pre <= 0] = 0.0
            grads["w1"] = x[:, :inputs].T @ grad_h + l2 * params["w1"]
            grads["b1"] = grad_h.sum(axis=0)
        for name, value in params.items():
            moments[name].step(value, grads[name].astype(np.float32), rate=rate, step=step)
    return Heads(
        weights=params["w"],
        bias=params["b"],
        binary=binary,
        hidden_weights=params.get("w1"),
        hidden_bias=params.get("b1"),
        hidden_out=params.get("w2"),
    )


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
