"""The reply as the linter reads it: customer quotes blanked, a folded view, words and sentences.

Agents and customers drop accents ("desole", "jusu", "przepraszamy" typed as "przepraszamy" but
"cię" as "cie"), so every word list and phrase pattern is matched on a *folded* view of the text:
case-folded, accents removed, typographic apostrophes made plain. The folded view can differ in
length from the source ("ß" folds to "ss"), so it keeps, for each of its characters, the index of
the source character it came from; findings map back through it to spans of the text the agent
wrote, which is what the console highlights.

Lines starting with ">" quote the customer; they are blanked (same length, newlines kept) before
anything is read, so the customer's own "tu" never counts against the agent's "vous".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Letters without a decomposition that people still type without their mark.
_PLAIN = {"ł": "l", "ø": "o", "đ": "d", "\u0131": "i", "ħ": "h", "æ": "ae", "œ": "oe"}
# Right and left single quotation marks, modifier letter apostrophe, grave and acute accents.
_APOSTROPHES = dict.fromkeys("\u2019\u2018\u02bc`\u00b4", "'")
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]+")
# What may stand between a word and the start of its sentence: spaces, opening quotes and
# brackets, list bullets.
_LEAD_IN = frozenset(" \t\"'«»“”„\u201a(¡¿*•-\u2013—")
_SENTENCE_END = frozenset(".!?:;…")


@functools.lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded: lower case, no accents, plain apostrophe (may be 0-2 characters)."""
    if char < "\x80":
        return char.lower()
    if char in _APOSTROPHES:
        return "'"
    folded = char.casefold()
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c)
    )
    return "".join(_PLAIN.get(c, c) for c in stripped)


def fold(text: str) -> str:
    """``text`` folded: for word lists and for the non-ASCII letters of phrase patterns."""
    return "".join(fold_char(c) for c in text)


def fold_pattern(pattern: str) -> str:
    """A regex written in lower case with accents, folded so it matches the folded view.

    Only non-ASCII characters are folded: lower-casing ASCII would turn ``\\S`` into ``\\s``."""
    return "".join(c if c < "\x80" else fold_char(c) for c in pattern)


@dataclass(frozen=True)
class Word:
    norm: str  # folded
    start: int  # source span
    end: int
    capitalised: bool  # first letter upper case as written
    elided: bool  # followed by an apostrophe and a letter: French "t'", Italian "t'"
    in_compound: bool  # joined to another word by a hyphen: "a-t-il", "U-bocht"
    initial: bool  # first word of a sentence or a line


class Document:
    """The source text with quotes blanked, its folded view, and its words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.source = _QUOTED_LINE.sub(lambda m: " " * len(m.group()), text)
        pieces: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(self.source):
            folded = fold_char(char)
            pieces.append(folded)
            origin.extend([index] * len(folded))
        self.folded = "".join(pieces)
        self._origin = origin
        self.words = tuple(self._words())

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of the folded span ``start:end``."""
        if start >= end:
            at = self._origin[start] if start < len(self._origin) else len(self.source)
            return at, at
        return self._origin[start], self._origin[end - 1] + 1

    def is_initial(self, source_index: int) -> bool:
        """Whether the character at ``source_index`` starts a sentence or a line."""
        i = source_index - 1
        while i >= 0 and self.source[i] in _LEAD_IN:
            i -= 1
        return i < 0 or self.source[i] == "\n" or self.source[i] in _SENTENCE_END

    def _words(self) -> Iterator[Word]:
        folded = self.folded
        for match in _WORD.finditer(folded):
            start, end = self.span(match.start(), match.end())
            after = folded[match.end() : match.end() + 2]
            before = folded[match.start() - 1] if match.start() else ""
            yield Word(
                norm=match.group(),
                start=start,
                end=end,
                capitalised=self.source[start].isupper(),
                elided=len(after) == 2 and after[0] == "'" and after[1].isalpha(),
                in_compound=before == "-" or after[:1] == "-",
                initial=self.is_initial(start),
            )

    def first_line(self) -> tuple[int, int] | None:
        """Folded span of the first line with words on it (the salutation), or None."""
        offset = 0
        for line in self.folded.split("\n"):
            if _WORD.search(line):
                lead = len(line) - len(line.lstrip())
                return offset + lead, offset + len(line.rstrip())
            offset += len(line) + 1
        return None


# A sentence ends at . ! ? … followed by a space and an upper-case letter, a digit or a quote, or
# at a line break; not after a day number ("am 24. November", "17.00") nor after an abbreviation
# ("d.", "m.", "Nr.", "z.B."), which dates and times are full of.
_CANDIDATE = re.compile(r"[.!?…]+[\"')»”]*[ \t]+|[ \t]*\n\s*")
_CLOSERS = ".!?…\"')»”"
_OPENERS = frozenset("\"'(«“„¡¿")
_LAST_WORD = re.compile(r"([^\s(\[«\"'“„]+)[.]$")
_ABBREVIATION = re.compile(r"\d{1,2}|[^\Wu\d_]|(?:[^\W\d_]\.)+[^\W\d_]")
_ABBREVIATIONS = (
    "d m nr no ca bzw dr mr mrs ms st str tel vs etc pag art ust pkt godz val min sr sra srta "
    "sig dott ing mme mlle ir mevr dhr hr fr jr p pp ref"
)
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())


def sentences(doc: Document) -> list[tuple[int, int]]:
    """Folded spans of the sentences of ``doc`` (blank lines and quotes skipped)."""
    folded = doc.folded
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE.finditer(folded):
        gap = match.group()
        if "\n" not in gap:
            following = match.end()
            if following >= len(folded):
                continue
            char = doc.source[doc.span(following, following + 1)[0]]
            if not (char.isupper() or char.isdigit() or char in _OPENERS):
                continue
            last = _LAST_WORD.search(folded[max(start, match.start() - 40) : match.start() + 1])
            if last and (last.group(1) in ABBREVIATIONS or _ABBREVIATION.fullmatch(last.group(1))):
                continue
        end = match.start() + len(gap) - len(gap.lstrip(_CLOSERS))
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(folded)))
    return [(a, b) for a, b in _trimmed(folded, spans) if a < b]


def _trimmed(folded: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    for start, end in spans:
        chunk = folded[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        yield start + lead, start + len(chunk.rstrip())
