"""Training is reproducible, artefacts are checked when read, eval scores the held-out set."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from amends.triage import artefact, training
from amends.triage.artefact import ArtefactError
from amends.triage.embeddings import HashingEmbedder
from amends.triage.engine import Triager
from amends.triage.evaluation import evaluate
from amends.triage.result import INTENTS
from tests.triage.conftest import FIXTURE_DATA, available_embedders

TEXTS = [
    "waar blijft mijn pakket??",
    "Je ne commanderai plus jamais chez vous, fermez mon compte.",
    "The lamp arrived smashed, please refund me €29.95 for order ORD-100231.",
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("embedder", available_embedders(), ids=lambda e: e.name)
def test_training_twice_gives_the_same_bytes_and_the_same_answers(
    embedder: object, model_dir: Path, tmp_path: Path
) -> None:
    model, scores = training.train(data_dir=FIXTURE_DATA, embedder=embedder)  # type: ignore[arg-type]
    arrays, manifest = artefact.write(tmp_path, model)
    assert sha256(arrays) == sha256(model_dir / arrays.name)
    assert sha256(manifest) == sha256(model_dir / manifest.name)
    first = Triager.load(directory=tmp_path, embedder=embedder, data_dir=FIXTURE_DATA)  # type: ignore[arg-type]
    second = Triager.load(directory=model_dir, embedder=embedder, data_dir=FIXTURE_DATA)  # type: ignore[arg-type]
    assert first.triage_many(TEXTS) == second.triage_many(TEXTS)
    assert scores["overall"]["examples"] == model.manifest["examples"]["held_out"]


def test_the_manifest_records_what_the_model_was_built_from(model_dir: Path) -> None:
    manifest = json.loads(next(model_dir.glob("triage-hash-*.json")).read_text("utf-8"))
    assert manifest["data_hash"].startswith(manifest["version"].split("-")[1])
    assert manifest["intents"] == list(INTENTS)
    assert set(manifest["thresholds"]) == set(INTENTS)
    assert 0 < manifest["churn"]["threshold"] < 1
    assert manifest["scores"]["overall"]["examples"] == manifest["examples"]["held_out"]
    assert manifest["seed"] == training.SEED


def test_a_changed_or_missing_artefact_is_refused(model_dir: Path, tmp_path: Path) -> None:
    for path in model_dir.glob("triage-hash-*"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    arrays = next(tmp_path.glob("*.npz"))
    arrays.write_bytes(arrays.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ArtefactError, match="does not match its manifest"):
        artefact.read(tmp_path, embedder=HashingEmbedder.name)
    with pytest.raises(ArtefactError, match="run `amends triage train`"):
        artefact.read(tmp_path / "none", embedder=HashingEmbedder.name)


def test_a_model_runs_only_with_its_own_embedder(model_dir: Path) -> None:
    model = artefact.read(model_dir, embedder=HashingEmbedder.name)

    class Other(HashingEmbedder):
        name = "some-other-embedder"

    with pytest.raises(ArtefactError, match="trained on hashing-ngrams-v1"):
        Triager(
            artefact=model,
            embedder=Other(),
            rules=Triager.load(
                directory=model_dir, embedder=HashingEmbedder(), data_dir=FIXTURE_DATA
            ).rules,
        )


def test_every_triage_has_an_intent_and_bounded_scores(fixture_triager: Triager) -> None:
    for result in fixture_triager.triage_many([*TEXTS, "", "?!", "x" * 50_000]):
        assert result.intents
        assert all(intent in INTENTS and 0 <= score <= 1 for intent, score in result.intents)
        assert ("other" not in result.intent_ids) or result.intent_ids == ("other",)
        assert 0 <= result.churn_risk <= 1
        assert -1 <= result.sentiment_score <= 1
        assert result.model_version == fixture_triager.version


def test_phrase_rules_win_over_the_model(fixture_triager: Triager) -> None:
    churn = fixture_triager.triage("ok. close my account.")
    assert churn.churn
    assert churn.churn_phrase.lower() == "close my account"
    assert "cancel_account_or_membership" in churn.intent_ids
    order = fixture_triager.triage("Please cancel my order ORD-100400, wrong size.")
    assert not order.churn_phrase


def test_eval_scores_each_language(fixture_triager: Triager) -> None:
    from amends.triage import dataset

    _train, held = dataset.split(dataset.load(FIXTURE_DATA))
    scores = evaluate(fixture_triager, held)
    assert set(scores["languages"]) == {"en", "fr", "nl"}
    assert scores["overall"]["examples"] == len(held)
    assert scores["overall"]["lang_accuracy"] == 1.0
    assert set(scores["goals_met"]) == {"lang_accuracy", "intent_macro_f1", "churn"}


def test_the_hidden_layer_is_stored_and_an_older_artefact_without_one_still_reads(
    model_dir: Path, tmp_path: Path
) -> None:
    """Format 2 carries the hidden layer's three arrays; a format-1 artefact (a linear model)
    is read as one; an artefact with only part of a hidden layer is refused."""
    import io
    import zipfile

    model = artefact.read(model_dir, embedder=HashingEmbedder.name)
    heads = model.heads
    assert heads.hidden_weights is not None
    assert heads.hidden_out is not None
    assert heads.hidden_weights.shape == (HashingEmbedder().dim, training.TrainSettings().hidden)
    assert model.manifest["format"] == artefact.FORMAT == 2

    linear_only = artefact.Artefact(
        manifest={**model.manifest, "format": 1},
        heads=type(heads)(weights=heads.weights, bias=heads.bias, binary=heads.binary),
        embedding_mean=model.embedding_mean,
        embedding_scale=model.embedding_scale,
    )
    older = tmp_path / "older"
    artefact.write(older, linear_only)
    read_back = artefact.read(older, embedder=HashingEmbedder.name)
    assert read_back.heads.hidden_weights is None
    assert read_back.manifest["format"] == 1

    broken = tmp_path / "broken"
    arrays, manifest_path = artefact.write(broken, model)
    with zipfile.ZipFile(arrays) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    del members["hidden_out.npy"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    arrays.write_bytes(buffer.getvalue())
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["arrays_sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ArtefactError, match="part of a hidden layer"):
        artefact.read(broken, embedder=HashingEmbedder.name)


def test_the_language_threshold_is_not_moved_by_one_guess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amends.triage import language
    from amends.triage.dataset import Example

    guesses: dict[str, language.LanguageGuess] = {}
    monkeypatch.setattr(language, "identify", lambda text, **_: guesses[text])

    def case(wrong: int, wrong_score: float) -> float:
        """200 confident right guesses and ``wrong`` wrong ones at ``wrong_score``."""
        examples, texts = [], []
        for n in range(200 + wrong):
            ok = n < 200
            text = f"{wrong}-{n}"
            guesses[text] = language.LanguageGuess("en", 0.95 if ok else wrong_score, ())
            examples.append(Example(text, "en" if ok else "de", "", ("other",), "neutral", False))
            texts.append(text)
        return training._unknown_below(examples, texts)

    # One wrong guess at 0.52: a threshold of 0.55 wins one guess, within the tie.
    assert case(1, 0.52) == language.UNKNOWN_BELOW
    # Ten wrong guesses at 0.55: they do move it.
    assert case(10, 0.55) == 0.6
