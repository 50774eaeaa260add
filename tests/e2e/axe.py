"""axe-core in a page: a context with CSP bypassed (axe is injected inline) and a check that
collects serious and critical violations under a page name. Every browser test file may use it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# AMENDS_AXE_IMPACTS=minor,moderate,serious,critical shows everything axe finds.
BLOCKING = set(os.environ.get("AMENDS_AXE_IMPACTS", "serious,critical").split(","))


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}")
            summary = node.get("failureSummary", "").replace("\n", "\n        ")
            lines.append(f"        {summary}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def check(page: Page, name: str, problems: dict[str, str]) -> None:
    """Run axe on the page as it is now; remember what is serious or critical under its name."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    if blocking:
        problems[name] = describe(blocking)


def assert_no_problems(problems: dict[str, str]) -> None:
    report = "\n\n".join(f"== {name}\n{text}" for name, text in problems.items())
    assert not problems, f"axe found serious or critical violations:\n\n{report}"
