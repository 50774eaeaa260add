"""The Content-Security-Policy: every page answers with it, and no template of ours carries
what it would block (inline script, inline event handlers, inline style, javascript: URLs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from amends.web.security import CONTENT_SECURITY_POLICY
from tests.e2e.pages import build_world

SRC = Path(__file__).resolve().parents[2] / "src" / "amends"
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))
TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL)
ATTRIBUTE = re.compile(r"""\s([^\s=/>"']+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


def test_the_policy_forbids_inline_script_eval_and_framing() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_every_page_answers_with_the_policy() -> None:
    world = build_world()
    anonymous, agent, customer = Client(), Client(), Client()
    agent.force_login(world.agent)
    customer.force_login(world.customer)
    pages = [
        (anonymous, "/"),
        (anonymous, "/contact/"),
        (anonymous, "/accounts/login/"),
        (anonymous, "/api/v1/docs"),
        (anonymous, "/console/"),  # the redirect to sign in carries it too
        (agent, "/console/?queue=unassigned"),
        (agent, f"/console/cases/{world.case.pk}/"),
        (customer, "/my/cases/"),
        (customer, f"/my/cases/{world.case.pk}/"),
        (anonymous, "/no-such-page/"),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code in {200, 302, 404}, path
        assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, path


def test_templates_were_found() -> None:
    names = {p.name for p in TEMPLATES}
    assert {"base.html", "queue.html", "cases.html", "login.html"} <= names


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_what_the_policy_blocks(template: Path) -> None:
    text = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.DOTALL)  # template comments
    found = []
    for match in TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2)
        attrs = {
            a.group(1).lower(): (a.group(2) or "").strip("\"'")
            for a in ATTRIBUTE.finditer(attributes)
        }
        if name == "script" and "src" not in attrs:
            found.append(f"inline <script>: {match.group(0)}")
        found += [f"inline handler {a}=: {match.group(0)}" for a in attrs if a.startswith("on")]
        if "style" in attrs:
            found.append(f"inline style=: {match.group(0)}")
        found += [
            f"javascript: URL: {match.group(0)}"
            for v in attrs.values()
            if v.strip().lower().startswith("javascript:")
        ]
    if re.search(r"<style[\s>]", text, re.IGNORECASE):
        found.append("a <style> element")
    assert not found, "\n".join(found)
