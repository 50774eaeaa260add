"""``amends triage classify``: JSON lines in, JSON lines out, hostile lines answered one by one."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from amends.triage import commands
from amends.triage.engine import Triager
from amends.triage.text import MAX_CHARS

pytestmark = pytest.mark.django_db


def classify(lines: list[bytes]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    out = io.StringIO()
    summary = commands.classify(io.BytesIO(b"\n".join(lines) + b"\n"), out)
    return [json.loads(line) for line in out.getvalue().splitlines()], summary


def test_good_lines_get_the_full_triage(fixture_triager: Triager) -> None:
    rows, summary = classify(
        [
            json.dumps({"id": "a", "text": "Where is my parcel?? order ORD-100231, DHL"}).encode(),
            json.dumps(
                {"id": 7, "text": "Fermez mon compte, je ne commanderai plus jamais."}
            ).encode(),
        ]
    )
    assert summary == {
        "done": True,
        "classified": 2,
        "errors": 0,
        "model_version": fixture_triager.version,
    }
    first, second = rows
    assert set(first) >= {
        "id",
        "lang",
        "intents",
        "sentiment",
        "churn_risk",
        "churn",
        "entities",
        "model_version",
    }
    assert (first["id"], first["lang"]) == ("a", "en")
    order = {"kind": "order_number", "text": "ORD-100231", "value": "ORD-100231"}
    assert order in first["entities"]
    assert all(0 <= i["score"] <= 1 for i in first["intents"])
    assert (second["id"], second["lang"], second["churn"]) == (7, "fr", True)


def test_hostile_lines_get_an_error_each_and_the_rest_go_on(fixture_triager: Triager) -> None:
    good = json.dumps({"id": "ok", "text": "waar blijft mijn pakket??"}).encode()
    lines = [
        b"not json at all",
        b'{"id": "no-text"}',
        b'{"id": "num", "text": 42}',
        b'{"id": ["weird"], "text": "hello there"}',
        b'{"id": "blank", "text": "   "}',
        b'{"id": "brand", "text": "hallo", "brand": 3}',
        b'{"id": "nobrand", "text": "hallo", "brand": "atlantis"}',
        b"[1, 2, 3]",
        b'"just a string"',
        b"\xff\xfe not utf-8",
        b'{"id": "big", "text": "' + b"x" * (commands.MAX_LINE_BYTES + 10) + b'"}',
        b"",
        good,
    ]
    rows, summary = classify(lines)
    errors = {str(r["id"]): r["error"] for r in rows if "error" in r}
    assert summary["classified"] == 2
    assert summary["errors"] == 10
    assert [r["id"] for r in rows if "error" not in r] == [None, "ok"]  # the weird id dropped
    assert errors["no-text"] == "text is missing"
    assert errors["num"] == "text must be a string"
    assert errors["blank"] == "text is empty"
    assert errors["brand"] == "brand must be a storefront code"
    assert errors["nobrand"] == "no storefront 'atlantis'"
    messages = [str(r["error"]) for r in rows if r["id"] is None and "error" in r]
    assert any("not JSON" in m for m in messages)
    assert any("not UTF-8" in m for m in messages)
    assert any("longer than" in m for m in messages)
    assert sum("not a JSON object" in m for m in messages) == 2
    assert len(rows) == len(lines) - 1  # the blank line is skipped


def test_a_huge_text_is_triaged_on_its_beginning(fixture_triager: Triager) -> None:
    text = "Le colis est arrivé cassé. " * (MAX_CHARS // 10)
    rows, _summary = classify([json.dumps({"id": "long", "text": text}).encode()])
    assert rows[0]["truncated"] is True
    assert rows[0]["lang"] == "fr"


def test_the_storefront_chooses_the_languages(fixture_triager: Triager) -> None:
    from tests.factories import BrandFactory

    BrandFactory(code="be", languages=["nl", "fr"], default_language="nl")
    text = "Guten Tag, mein Paket ist nicht angekommen und niemand antwortet mir."
    rows, _summary = classify(
        [
            json.dumps({"id": 1, "text": text, "brand": "be"}).encode(),
            json.dumps({"id": 2, "text": text}).encode(),
        ]
    )
    assert [r["lang"] for r in rows] == ["unknown", "de"]


def test_the_command_reads_stdin_and_ends_with_a_summary(model_dir: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AMENDS_DATA_DIR": str(tmp_path),
        "AMENDS_TRIAGE_MODEL_DIR": str(model_dir),
        "DJANGO_SETTINGS_MODULE": "amends.config.settings",
    }
    lines = b'{"id": 1, "text": "where is my parcel??"}\nnope\n'
    done = subprocess.run(
        [sys.executable, "-m", "amends", "triage", "classify"],
        input=lines,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert out[0]["id"] == 1
    assert out[0]["lang"] == "en"
    assert out[1] == {"id": None, "error": "line 2 is not JSON: Expecting value"}
    assert out[-1]["done"] is True
    assert out[-1]["errors"] == 1


def test_without_a_model_the_command_says_what_to_run(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AMENDS_DATA_DIR": str(tmp_path),
        "AMENDS_TRIAGE_MODEL_DIR": str(tmp_path / "no-model"),
        "DJANGO_SETTINGS_MODULE": "amends.config.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", "amends", "triage", "classify"],
        input=b'{"id": 1, "text": "hello"}\n',
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    summary = json.loads(done.stdout.decode().splitlines()[-1])
    assert summary["ok"] is False
    assert "amends triage train" in summary["error"]
