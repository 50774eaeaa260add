"""What the classifiers read: a sentence embedding plus hashed character and word n-grams.

The embedding carries meaning across languages; the n-grams carry spelling, which short and
noisy texts ("waar blijft mijn pakket??", "colis jamais recu!!!") and the words a language
uses for its carriers and products need. The hashing is vectorised numpy over code points
with fixed multipliers (never Python's salted ``hash``), so the same text gives the same row
in every process, and a signed bucket (+1/-1) keeps collisions from piling up.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

NGRAM_BUCKETS = 8192
CHAR_NS = (2, 3, 4, 5)
_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio constant: spreads the bits before the cut
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents dropped, every digit a ``0``, one space between words.

    Customers drop accents ("recu", "zamowienie") and numbers differ in every message; folded,
    "Reçu" and "recu" and "FR4471203" and "FR4478830" look alike to the classifiers.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _DIGITS.sub("0", stripped)).strip()


def _char_hashes(text: str, n: int) -> npt.NDArray[np.uint64]:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = len(codes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        hashes = np.full(count, np.uint64(n) * _MIX, dtype=np.uint64)
        for k in range(n):
            hashes = (hashes ^ codes[k : k + count]) * _MULTIPLIER
        return hashes * _MIX


def _add(row: npt.NDArray[np.float64], hashes: npt.NDArray[np.uint64], buckets: int) -> None:
    if hashes.size == 0:
        return
    index = ((hashes >> np.uint64(32)) % np.uint64(buckets)).astype(np.int64)
    sign = ((hashes >> np.uint64(7)) & np.uint64(1)).astype(np.float64) * 2.0 - 1.0
    row += np.bincount(index, weights=sign, minlength=buckets)


def ngram_row(text: str, *, buckets: int = NGRAM_BUCKETS) -> npt.NDArray[np.float32]:
    """Signed hashed counts of the folded text's character 2- to 5-grams and word 1- and 2-grams,
    log-scaled and L2-normalised."""
    folded = fold(text)
    row = np.zeros(buckets, dtype=np.float64)
    padded = f" {folded} "
    for n in CHAR_NS:
        _add(row, _char_hashes(padded, n), buckets)
    words = _WORD.findall(folded)
    grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    if grams:
        word_hashes = np.array(
            [zlib.crc32(g.encode("utf-8")) for g in grams], dtype=np.uint64
        ) * np.uint64(0x2545F4914F6CDD1D)
        _add(row, word_hashes, buckets)
    row = np.sign(row) * np.log1p(np.abs(row))
    norm = float(np.linalg.norm(row))
    if norm > 0:
        row /= norm
    return row.astype(np.float32)


def ngram_matrix(texts: Sequence[str], *, buckets: int = NGRAM_BUCKETS) -> Matrix:
    out = np.zeros((len(texts), buckets), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = ngram_row(text, buckets=buckets)
    return out
