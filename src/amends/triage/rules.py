"""Per-language phrase rules for what must never be missed: a customer saying they are leaving.

``data/phrases_<lang>.json`` holds regular expressions (Python ``re``, matched without regard
to case on the text with its accents) under three keys:

* ``not_churn`` — words that look like leaving but are not ("annuleer mijn bestelling", "I will
  never forget", "if this happens again I would…"). They are checked first: the text they
  cover is blanked before the other rules look, so "cancel my order" never reads as "cancel".
* ``churn`` — explicit statements of leaving: the message is churn, whatever the model says.
* ``cancel_account_or_membership`` — the intent of the same name is forced.

Every language's rules run on every message: the phrases are specific enough not to fire in
another language, and a two-word message whose language is unsure still gets its "ik stop".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("not_churn", "churn", "cancel_account_or_membership")


class RulesError(ValueError):
    """A phrase file is not what ``data/phrases_<lang>.json`` must be; the message says where."""


@dataclass(frozen=True)
class Hit:
    kind: str  # "churn" or "cancel_account_or_membership"
    lang: str
    words: str  # the words that matched


@dataclass(frozen=True)
class PhraseRules:
    patterns: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = field(default_factory=dict)

    def match(self, text: str) -> list[Hit]:
        """The churn and cancellation phrases in ``text``, after blanking the not-churn ones."""
        masked = text
        for _lang, pattern in self.patterns.get("not_churn", ()):
            masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
        hits: list[Hit] = []
        for kind in ("churn", "cancel_account_or_membership"):
            for lang, pattern in self.patterns.get(kind, ()):
                found = pattern.search(masked)
                if found is not None and found.group(0).strip():
                    hits.append(Hit(kind=kind, lang=lang, words=text[found.start() : found.end()]))
                    break
        return hits


def parse(lang: str, raw: object, *, source: str = "") -> dict[str, list[re.Pattern[str]]]:
    where = source or f"phrases_{lang}.json"
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: expected an object with {', '.join(KINDS)}")
    unknown = sorted(set(raw) - set(KINDS))
    if unknown:
        raise RulesError(f"{where}: unknown keys {unknown}; expected {', '.join(KINDS)}")
    compiled: dict[str, list[re.Pattern[str]]] = {}
    for kind in KINDS:
        items = raw.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(p, str) and p for p in items):
            raise RulesError(f"{where}: {kind} must be a list of non-empty strings")
        patterns: list[re.Pattern[str]] = []
        for item in items:
            try:
                patterns.append(re.compile(item, re.IGNORECASE))
            except re.error as exc:
                raise RulesError(f"{where}: {kind} pattern {item!r}: {exc}") from exc
        compiled[kind] = patterns
    return compiled


def load(directory: Path) -> PhraseRules:
    """Every ``phrases_<lang>.json`` in ``directory`` (none: no rules)."""
    collected: dict[str, list[tuple[str, re.Pattern[str]]]] = {kind: [] for kind in KINDS}
    for path in sorted(directory.glob("phrases_*.json")):
        lang = path.stem.removeprefix("phrases_")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RulesError(f"{path.name}: {exc}") from exc
        for kind, patterns in parse(lang, raw, source=path.name).items():
            collected[kind] += [(lang, p) for p in patterns]
    return PhraseRules({kind: tuple(items) for kind, items in collected.items()})
