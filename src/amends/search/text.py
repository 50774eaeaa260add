"""Text as the search index and the queries see it: words, folded or not, and identifiers.

Both engines get the same words, cut here rather than by their own parsers, so a document and a
query are always cut alike ("AM-000123", "FR-1001" or an email address become the same words on
SQLite and PostgreSQL; PostgreSQL's parser alone would read "-000123" as a negative number).

* :func:`words_of` keeps the accents (lower case, compatibility forms unified, punctuation
  gone): PostgreSQL's stemmers need them ("livrée" stems to "livr", "livree" to "livre"), and
  each engine removes them itself afterwards (FTS5's ``remove_diacritics``, ``unaccent``).
* :func:`fold` removes them as well, for the tokens matched as typed (prefixes, identifiers,
  names).
* Letters that no decomposition takes apart ("ł", "ß", "ø", "æ", "œ", "đ") are spelled out in
  both, since neither FTS5 nor Python's decomposition would fold them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 1_000  # a query longer than this is cut before it is even looked at
MAX_TERMS = 8
MAX_TERM_LENGTH = 64

_WORD = re.compile(r"\w+")
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "_": " ",
    }
)


def normalise(text: str) -> str:
    """Lower case, compatibility forms unified ("ﬁ" → "fi", "①" → "1"), accents kept.

    A combining mark left over after composition (the dot of a lower-cased "İ") would cut a
    word in two, so it goes.
    """
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_LETTERS)
    composed = unicodedata.normalize("NFC", lowered)
    return "".join(c for c in composed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without diacritics ("Reçu" → "recu", "Łódź" → "lodz")."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> str:
    """A document as the engines should see it: words, accents kept, single spaces."""
    return " ".join(_WORD.findall(normalise(text)))


def folded_words(text: str) -> str:
    """Words without diacritics, single spaces: names for the typo-tolerant match."""
    return " ".join(_WORD.findall(fold(text)))


def compact(text: str) -> str:
    """An identifier reduced to letters and digits: "AM-000123" → "am000123",
    "elodie@mail.example" → "elodiemailexample", "+33 6 12" → "33612"."""
    return "".join(_WORD.findall(fold(text)))


def identifiers_of(values: list[str]) -> str:
    """Identifiers as stored: compacted, one per word."""
    return " ".join(c for c in (compact(v) for v in values) if c)


@dataclass(frozen=True)
class Query:
    """What a search query means to the engines: at most eight words, each also folded."""

    words: tuple[str, ...]  # as typed: lower case, accents kept (for the stemmers)
    folded: tuple[str, ...]  # without diacritics (for prefixes and identifiers)

    def __bool__(self) -> bool:
        return bool(self.folded)

    @property
    def compact(self) -> str:
        """The query as one identifier: "AM-000123" and "am 000123" both give "am000123"."""
        return "".join(self.folded)

    @property
    def phrase(self) -> str:
        return " ".join(self.folded)


def parse(text: str) -> Query:
    """Cut a query into words. Anything may come in; only letters and digits come out."""
    words: list[str] = []
    folded: list[str] = []
    for word in _WORD.findall(normalise(text[:MAX_QUERY_CHARS])):
        word = word[:MAX_TERM_LENGTH]
        flat = compact(word)[:MAX_TERM_LENGTH]
        if flat:
            words.append(word)
            folded.append(flat)
        if len(words) == MAX_TERMS:
            break
    return Query(words=tuple(words), folded=tuple(folded))


def terms(text: str) -> list[str]:
    """The folded words of a query."""
    return list(parse(text).folded)
