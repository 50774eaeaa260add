"""Which words of a reply address the reader, and in which register.

Each word or phrase that addresses the reader is a :class:`Hit` with a weight: 1.0 when the word
can only be read one way, less when it has another common meaning (Spanish "su" is also "his").
The linter adds the weights per register; see ``replies.languages`` for what each list holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from amends.replies.languages import Rules
from amends.replies.text import Document, Word


@dataclass(frozen=True)
class Hit:
    register: str
    weight: float
    start: int  # source span
    end: int


def register_hits(doc: Document, rules: Rules) -> list[Hit]:
    """Every word of address in ``doc``'s own text (quotes excluded), in reading order."""
    excluded = _excluded(doc, rules)

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in excluded)

    hits = [hit for hit in _word_hits(doc, rules) if free(hit.start, hit.end)]
    taken = [(h.start, h.end) for h in hits]
    for pattern, marker in rules.markers:
        haystack = doc.source if marker.cased else doc.folded
        for match in pattern.finditer(haystack):
            if marker.cased:
                start, end = match.start(), match.end()
            else:
                start, end = doc.span(match.start(), match.end())
            overlaps = any(a < end and start < b for a, b in taken)
            if start < end and not overlaps and free(start, end) and marker.weight > 0:
                hits.append(Hit(marker.register, marker.weight, start, end))
                taken.append((start, end))
    return sorted(hits, key=lambda hit: hit.start)


def _excluded(doc: Document, rules: Rules) -> list[tuple[int, int]]:
    if rules.not_address is None:
        return []
    return [doc.span(m.start(), m.end()) for m in rules.not_address.finditer(doc.folded)]


def _word_hits(doc: Document, rules: Rules) -> Iterator[Hit]:
    words = doc.words
    for index, word in enumerate(words):
        if word.in_compound and len(word.norm) == 1:
            continue  # "a-t-il", "U-bocht"
        key = word.norm + "'" if word.elided else word.norm
        found = rules.words.get(key)
        if found is None and word.elided and len(word.norm) > 1:
            found = rules.words.get(word.norm)
        if found is not None:
            register, weight = found
            if weight > 0:
                yield Hit(register, weight, word.start, word.end + (1 if word.elided else 0))
            continue
        courtesy = rules.courtesy.get(word.norm)
        if courtesy is not None:
            following = words[index + 1] if index + 1 < len(words) else None
            weight = (
                _courtesy_weight(doc, rules, word, following, courtesy.capitalised)
                if word.capitalised
                else courtesy.lowercase
            )
            if weight > 0:
                yield Hit(courtesy.register, weight, word.start, word.end)
            continue
        if word.capitalised and not word.initial:
            continue  # a name mid-sentence ("Łukasz"), never a verb form
        if word.norm in rules.suffix_exceptions:
            continue
        for suffix in rules.suffixes:
            if len(word.norm) >= suffix.min_length and word.norm.endswith(suffix.ending):
                yield Hit(suffix.register, suffix.weight, word.start, word.end)
                break


def _courtesy_weight(
    doc: Document, rules: Rules, word: Word, following: Word | None, capitalised: float
) -> float:
    """The weight of a capitalised courtesy word ("Sie", "La") where it stands."""
    adjacent = following is not None and not doc.source[word.end : following.start].strip()
    if word.initial:
        if (
            rules.initial_next is not None
            and following is not None
            and adjacent
            and rules.initial_next.match(following.norm)
        ):
            return rules.data.initial_next_weight
        return rules.data.initial_weight
    begins_name = adjacent and following is not None and following.capitalised
    if word.norm in rules.name_guard and begins_name:
        return 0.0  # "La Rinascente", "Le Bon Marché"
    return capitalised
