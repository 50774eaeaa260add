"""Which language a customer wrote in: py3langid restricted to the brand's languages.

py3langid (a numpy port of langid.py, offline, 4.5 MB) scores the eight supported languages;
the decision is among the brand's languages, and the score is the winner's share of the
eight-language distribution, not renormalised over the brand's: a German text sent to the
Belgian storefront (nl, fr) scores low and comes out ``unknown`` instead of "Dutch, sure".
Below :data:`UNKNOWN_BELOW` (calibrated on the labelled examples by ``amends triage train``,
which stores its own value in the artefact) the answer is ``unknown``.

Before scoring, what is not language is taken out: URLs, e-mail addresses, anything with a
digit (order and tracking numbers, amounts, dates) and carrier names ("PostNL" is not Dutch).
A message that mixes languages is scored again by chunks (lines, or sentences of a long line);
each chunk's language weighs by its letters, and every language with at least
:data:`MIN_SHARE` of them is reported with its share.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from amends.triage.result import UNKNOWN

LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")
UNKNOWN_BELOW = 0.5
MIN_LETTERS = 4  # fewer letters than this say nothing about a language
MIN_SHARE = 0.15
CHUNK_MIN_LETTERS = 20  # a chunk shorter than this joins its neighbour before it is scored
CHUNK_CONFIDENT = 0.8
# What is scored: the language of a message shows in its first few thousand characters, and
# py3langid's probabilities flatten over very long (especially repetitive) texts.
MAX_SCORED_CHARS = 4000
MAX_CHUNKS = 40

_NOT_LANGUAGE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\S*\d\S*|"
    r"\b(?:dhl|dpd|ups|gls|postnl|seur|colissimo|chronopost|correos|inpost|brt|omniva|"
    r"lp\s?express|mondial\s?relay|bpost)\b",
    re.IGNORECASE,
)
_CHUNKS = re.compile(r"[^\n.!?]+[.!?]*")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class LanguageGuess:
    lang: str
    score: float
    shares: tuple[tuple[str, float], ...]


@lru_cache(maxsize=1)
def _identifier() -> Any:
    langid: Any = importlib.import_module("py3langid.langid")
    identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def clean(text: str) -> str:
    """``text`` without URLs, addresses, numbers and carrier names."""
    return _NOT_LANGUAGE.sub(" ", text)


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def distribution(text: str) -> dict[str, float]:
    """The eight languages' probabilities for ``text`` (already cleaned)."""
    return {lang: float(p) for lang, p in _identifier().rank(text)}


def _chunks(text: str) -> list[str]:
    pieces = [p.strip() for p in _CHUNKS.findall(text) if letters(p) > 0]
    merged: list[str] = []
    for piece in pieces:
        if merged and letters(merged[-1]) < CHUNK_MIN_LETTERS:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and letters(merged[-1]) < CHUNK_MIN_LETTERS:
        last = merged.pop()
        merged[-1] = f"{merged[-1]} {last}"
    return merged


def _by_chunks(text: str, allowed: Sequence[str]) -> LanguageGuess | None:
    """Languages by chunk, when the message has more than one chunk and more than one language:
    the largest share wins, scored by how sure its chunks were."""
    chunks = _chunks(text)[:MAX_CHUNKS]
    if len(chunks) < 2:
        return None
    weights: dict[str, float] = {}
    sureness: dict[str, float] = {}
    for chunk in chunks:
        probs = distribution(chunk)
        lang = max(allowed, key=lambda code: probs.get(code, 0.0))
        if probs.get(lang, 0.0) < CHUNK_CONFIDENT:
            continue  # an unsure chunk says nothing about the mix
        weight = float(letters(chunk))
        weights[lang] = weights.get(lang, 0.0) + weight
        sureness[lang] = sureness.get(lang, 0.0) + weight * probs[lang]
    total = sum(weights.values())
    if not total:
        return None
    shares = sorted(
        ((lang, round(w / total, 3)) for lang, w in weights.items() if w / total >= MIN_SHARE),
        key=lambda item: (-item[1], item[0]),
    )
    if len(shares) < 2:
        return None
    top = shares[0][0]
    return LanguageGuess(top, round(sureness[top] / weights[top], 4), tuple(shares))


def identify(
    text: str, *, languages: Sequence[str] = LANGUAGES, unknown_below: float = UNKNOWN_BELOW
) -> LanguageGuess:
    """The language of ``text`` among ``languages`` (the brand's), or ``unknown``."""
    allowed = [lang for lang in languages if lang in LANGUAGES] or list(LANGUAGES)
    cleaned = clean(text[: MAX_SCORED_CHARS * 2])[:MAX_SCORED_CHARS]
    if letters(cleaned) < MIN_LETTERS:
        return LanguageGuess(UNKNOWN, 0.0, ())
    probs = distribution(cleaned)
    lang = max(allowed, key=lambda code: probs.get(code, 0.0))
    score = probs.get(lang, 0.0)
    if score < unknown_below:
        return LanguageGuess(UNKNOWN, round(score, 4), ())
    mixed = _by_chunks(cleaned, allowed)
    if mixed is not None:
        return mixed
    return LanguageGuess(lang, round(score, 4), ((lang, 1.0),))
