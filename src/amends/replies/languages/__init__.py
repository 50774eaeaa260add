"""Per-language word lists for the reply linter: data, one small module per language.

Each module (``en``, ``fr``, ``nl``, ``de``, ``es``, ``it``, ``pl``, ``lt``) defines ``LANGUAGE``,
a :class:`LanguageData`. Words and patterns are written as a native speaker spells them, accents
included; :func:`rules` folds and compiles them once (see ``replies.text``), so they also match
text typed without accents.

How the register of address is told (``replies.register``):

- ``informal`` / ``formal``: words that address the reader in one register wherever they appear,
  with a weight (1.0 certain; less when the word has another common meaning, Spanish "su").
  A key ending in "'" matches only an elided word: French "t'" in "t'envoyer".
- ``courtesy``: words whose register shows only in their capital: German "Sie" (you) against
  "sie" (she, they), Italian "La" (you) against "la" (the). Mid-sentence and capitalised they
  count fully; lower case they count ``Courtesy.lowercase`` (Polish "pan" is also "the
  courier's" "pan kurier"); at the start of a sentence, where every word is capitalised, they
  count ``initial_weight``, or ``initial_next_weight`` when the next word matches
  ``initial_next`` (German "Sie erhalten" is far likelier "you receive" than "she receives").
- ``suffixes``: cheap verb endings (Polish "-sz", "-łeś"), with the words they must not catch.
- ``markers``: phrases (regexes on the folded text, or on the text as written when ``cased``):
  imperatives such as "n'hésitez pas", Italian "aiutarLa".
- ``not_address``: fixed expressions whose pronoun addresses nobody ("je weet maar nooit").
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from amends.replies.text import fold, fold_pattern

FORMAL = "formal"
INFORMAL = "informal"
REGISTERS = (FORMAL, INFORMAL)
CODES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")


@dataclass(frozen=True)
class Courtesy:
    register: str
    capitalised: float = 1.0  # mid-sentence, capital first letter
    lowercase: float = 0.0


@dataclass(frozen=True)
class Marker:
    pattern: str
    register: str
    weight: float = 1.0
    cased: bool = False  # matched on the text as written (case and accents), not folded


@dataclass(frozen=True)
class Suffix:
    ending: str
    register: str
    weight: float = 1.0
    min_length: int = 5


@dataclass(frozen=True)
class LanguageData:
    code: str
    # Register of address.
    informal: Mapping[str, float] = field(default_factory=dict)
    formal: Mapping[str, float] = field(default_factory=dict)
    courtesy: Mapping[str, Courtesy] = field(default_factory=dict)
    initial_weight: float = 0.0
    initial_next: str = ""
    initial_next_weight: float = 0.0
    name_guard: frozenset[str] = frozenset()  # courtesy words that begin names: "La Poste"
    suffixes: tuple[Suffix, ...] = ()
    suffix_exceptions: frozenset[str] = frozenset()
    markers: tuple[Marker, ...] = ()
    not_address: tuple[str, ...] = ()
    # The parts of a reply that makes amends.
    greetings: Mapping[str, str | None] = field(default_factory=dict)  # phrase → register/None
    acknowledgements: tuple[str, ...] = ()
    apologies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    # Dates and times (``replies.dates``); month and weekday names come from Babel's CLDR data.
    relative_days: Mapping[str, int] = field(default_factory=dict)  # regex → days from today
    weekday_forms: tuple[tuple[str, ...], ...] = ()  # Monday first: inflections beyond CLDR's
    within: str = ""  # regex: the words before "N days" ("within", "binnen", "sous")
    units: Mapping[str, str] = field(default_factory=dict)  # regex → day|business_day|hour|week
    numbers: Mapping[str, int] = field(default_factory=dict)  # number words
    times: tuple[str, ...] = ()  # regexes with groups h, m (optional) and pm (optional)
    # Neutral words for a placeholder with no value, so no "$name" reaches a customer.
    fallbacks: Mapping[str, str] = field(default_factory=dict)


def data(code: str) -> LanguageData | None:
    """The language's data module, or None for a language amends has no rules for."""
    if code not in CODES:
        return None
    module = importlib.import_module(f"{__name__}.{code}")
    language: LanguageData = module.LANGUAGE
    return language


def _alternation(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fold_pattern(p)})" for p in patterns))


def phrase(text: str) -> str:
    """A plain phrase as a regex on the folded view: flexible spaces, whole words."""
    words = [re.escape(w) for w in fold(text).split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


@dataclass(frozen=True)
class Rules:
    """A language's data, folded and compiled."""

    data: LanguageData
    words: Mapping[str, tuple[str, float]]  # folded word (or "t'") → (register, weight)
    courtesy: Mapping[str, Courtesy]
    initial_next: re.Pattern[str] | None
    name_guard: frozenset[str]
    suffixes: tuple[Suffix, ...]
    suffix_exceptions: frozenset[str]
    markers: tuple[tuple[re.Pattern[str], Marker], ...]
    not_address: re.Pattern[str] | None
    greeting: re.Pattern[str] | None  # group gN ↔ greeting_registers[N]
    greeting_registers: tuple[str | None, ...]
    acknowledgement: re.Pattern[str] | None
    apology: re.Pattern[str] | None
    action: re.Pattern[str] | None


@functools.cache
def rules(code: str) -> Rules | None:
    language = data(code)
    if language is None:
        return None
    words: dict[str, tuple[str, float]] = {}
    for register, table in ((INFORMAL, language.informal), (FORMAL, language.formal)):
        for word, weight in table.items():
            words[fold(word)] = (register, weight)
    greetings = sorted(language.greetings.items(), key=lambda item: -len(item[0]))
    greeting = (
        re.compile("|".join(f"(?P<g{i}>{phrase(text)})" for i, (text, _r) in enumerate(greetings)))
        if greetings
        else None
    )
    return Rules(
        data=language,
        words=words,
        courtesy={fold(word): value for word, value in language.courtesy.items()},
        initial_next=re.compile(language.initial_next) if language.initial_next else None,
        name_guard=frozenset(fold(w) for w in language.name_guard),
        suffixes=tuple(
            Suffix(fold(s.ending), s.register, s.weight, s.min_length) for s in language.suffixes
        ),
        suffix_exceptions=frozenset(fold(w) for w in language.suffix_exceptions),
        markers=tuple(
            (re.compile(m.pattern if m.cased else fold_pattern(m.pattern)), m)
            for m in language.markers
        ),
        not_address=_alternation(language.not_address),
        greeting=greeting,
        greeting_registers=tuple(register for _text, register in greetings),
        acknowledgement=_alternation(language.acknowledgements),
        apology=_alternation(language.apologies),
        action=_alternation(language.actions),
    )
