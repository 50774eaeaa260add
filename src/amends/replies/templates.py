"""Reply templates: one per intent, language and register, written natively, and the suggestions
the agent sees for a case.

The catalogue is one JSON file per language, ``catalogue/<lang>.json``::

    {"language": "nl", "templates": {"<intent>": {"formal": {"subject": "…", "body": "…"},
                                                  "informal": {"subject": "…", "body": "…"}}}}

with every intent of ``triage.result.INTENTS``, subjects and bodies in ``string.Template``
syntax using only the placeholders of :data:`PLACEHOLDERS`. A file is
validated as a whole when it is loaded and every problem is reported at once, each naming the
file and the template, so a writer fixes a file in one pass. Files are re-read when they change.

Rendering fills placeholders from the case, the order and the policy decision. Values are text
(nothing is escaped: the body is plain text and is sanitised where it becomes HTML); a missing
or empty value is replaced by a neutral wording of the language (``LanguageData.fallbacks``), so
no "$name" ever reaches a customer. Suggestions are ranked by the case's intent scores and come
in the customer's language, else the storefront's default, else English.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from django.utils import timezone

from amends.replies.languages import REGISTERS, data
from amends.triage.result import INTENTS

PLACEHOLDERS = frozenset(
    {
        "customer_name",
        "order_number",
        "carrier",
        "tracking_number",
        "remedy",
        "amount",
        "due_date",
        "agent_name",
        "shop_name",
    }
)
# The shop, its seller or its carrier caused the problem: the reply must apologise. Requests
# (refund, return, cancellation, price drop), account questions and "other" need no apology.
AT_FAULT_INTENTS = frozenset(
    {
        "delivery_failed",
        "parcel_lost",
        "parcel_damaged",
        "late_delivery",
        "wrong_or_defective_item",
        "seller_issue",
        "billing_payment",
        "complaint_about_service",
    }
)
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
MAX_FILE_BYTES = 1_000_000
_FIELDS = ("subject", "body")
_EMPTY = "\x00"  # marks an empty value while the text around it is tidied


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names the file and each template."""


@dataclass(frozen=True)
class Template:
    intent: str
    language: str
    register: str
    subject: str
    body: str


@dataclass(frozen=True)
class Catalogue:
    language: str
    path: Path
    templates: Mapping[tuple[str, str], Template]  # (intent, register) → template

    def get(self, intent: str, register: str) -> Template:
        return self.templates[(intent, register)]


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@dataclass(frozen=True)
class Suggestion:
    intent: str
    score: float
    language: str
    register: str
    subject: str
    body: str
    at_fault: bool  # lint it with at_fault=True


def catalogue_path(language: str, *, directory: Path | None = None) -> Path:
    return (directory or CATALOGUE_DIR) / f"{language}.json"


def parse_catalogue(raw: bytes, *, name: str, language: str) -> Catalogue:
    """Validate one catalogue file's content; ``name`` is what errors call the file."""
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogueError(f"{name}: larger than {MAX_FILE_BYTES} bytes")
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    problems: list[str] = []
    templates: dict[tuple[str, str], Template] = {}
    if not isinstance(document, dict):
        raise CatalogueError(f"{name}: must be an object with 'language' and 'templates'")
    extra = sorted(set(document) - {"language", "templates"})
    if extra:
        problems.append(f"unknown keys {', '.join(map(repr, extra))}")
    if document.get("language") != language:
        problems.append(f"'language' must be {language!r}, not {document.get('language')!r}")
    entries = document.get("templates")
    if not isinstance(entries, dict):
        raise CatalogueError("\n".join([f"{name}: 'templates' must be an object", *problems]))
    missing = [intent for intent in INTENTS if intent not in entries]
    if missing:
        problems.append(f"templates missing for {', '.join(missing)}")
    unknown = sorted(set(entries) - set(INTENTS))
    if unknown:
        problems.append(f"unknown intents {', '.join(unknown)}")
    for intent in INTENTS:
        entry = entries.get(intent)
        if entry is None:
            continue
        if not isinstance(entry, dict) or set(entry) != set(REGISTERS):
            problems.append(f"{intent}: needs exactly 'formal' and 'informal'")
            continue
        for register in REGISTERS:
            where = f"{intent}.{register}"
            fields = entry[register]
            if not isinstance(fields, dict) or set(fields) != set(_FIELDS):
                problems.append(f"{where}: needs exactly 'subject' and 'body'")
                continue
            found = [f"{where}.{field}: {p}" for field in _FIELDS for p in _check(field, fields)]
            problems.extend(found)
            if not found:
                templates[(intent, register)] = Template(
                    intent, language, register, fields["subject"], fields["body"]
                )
    if problems:
        raise CatalogueError("\n".join(f"{name}: {problem}" for problem in problems))
    return Catalogue(language=language, path=Path(name), templates=templates)


def _check(field: str, fields: Mapping[str, object]) -> list[str]:
    value = fields[field]
    if not isinstance(value, str) or not value.strip():
        return ["must be non-empty text"]
    problems: list[str] = []
    if field == "subject" and ("\n" in value or "\r" in value):
        problems.append("must be one line")
    for match in string.Template.pattern.finditer(value):
        placeholder = match.group("named") or match.group("braced")
        if match.group("invalid") is not None:
            column = match.start("invalid")
            problems.append(f"a lone '$' at character {column} (write $$ for a dollar sign)")
        elif placeholder is not None and placeholder not in PLACEHOLDERS:
            problems.append(f"unknown placeholder ${placeholder}")
    return problems


_LOADED: dict[Path, tuple[tuple[int, int], Catalogue]] = {}


def load_catalogue(language: str, *, directory: Path | None = None) -> Catalogue:
    """The language's catalogue, validated; read again when the file changes."""
    if data(language) is None:
        raise CatalogueError(f"no catalogue for unknown language {language!r}")
    path = catalogue_path(language, directory=directory)
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise CatalogueError(f"{path.name}: no such catalogue file") from exc
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == version:
        return cached[1]
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    catalogue = parse_catalogue(raw, name=path.name, language=language)
    _LOADED[path] = (version, catalogue)
    return catalogue


def available_languages(*, directory: Path | None = None) -> tuple[str, ...]:
    """The languages with a catalogue file (valid or not)."""
    folder = directory or CATALOGUE_DIR
    return tuple(
        code
        for code in ("en", "fr", "nl", "de", "es", "it", "pl", "lt")
        if (folder / f"{code}.json").is_file()
    )


def format_due_date(day: dt.date, language: str) -> str:
    """A date as ``$due_date`` expects it: the language's long form ("24 novembre 2026")."""
    return format_date(day, format="long", locale=language)


def _next_business_day(today: dt.date) -> dt.date:
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def render(
    template: Template, context: Mapping[str, object], *, today: dt.date | None = None
) -> Rendered:
    """Fill a template; empty or missing values get the language's neutral wording.

    ``due_date`` always names a date: without one, the next weekday after ``today`` (the agent
    sees the suggestion, and the date it promises, before anything is sent).
    """
    language = data(template.language)
    fallbacks = dict(language.fallbacks) if language is not None else {}
    values: dict[str, str] = {}
    for name in PLACEHOLDERS:
        value = context.get(name)
        text = "" if value is None else str(value).replace(_EMPTY, "").strip()
        if not text and name == "due_date":
            text = format_due_date(
                _next_business_day(today or timezone.localdate()), template.language
            )
        values[name] = text or fallbacks.get(name, "") or _EMPTY
    subject_values = {k: " ".join(v.split()) or _EMPTY for k, v in values.items()}
    return Rendered(
        subject=_fill(template.subject, subject_values), body=_fill(template.body, values)
    )


def _fill(text: str, values: Mapping[str, str]) -> str:
    filled = string.Template(text).safe_substitute(values)
    for value in values.values():
        if value.endswith("."):  # "2026 m. lapkričio 27 d." at the end of a sentence
            filled = filled.replace(value + ".", value)
    return _tidy(filled)


_EMPTY_BEFORE_STOP = re.compile(rf"[ \t]*{_EMPTY}(?=[ \t]*(?:[,.;:!?)]|$))", re.MULTILINE)
_EMPTY_ELSEWHERE = re.compile(rf"{_EMPTY}[ \t]*")


def _tidy(text: str) -> str:
    """Remove the marks of empty values with the space they would leave: "Bonjour ," → ","."""
    return _EMPTY_ELSEWHERE.sub("", _EMPTY_BEFORE_STOP.sub("", text)).strip()


def suggest(
    *,
    intents: Sequence[tuple[str, float]],
    language: str,
    register: str,
    context: Mapping[str, object],
    fallback_language: str = "",
    limit: int = 3,
    directory: Path | None = None,
    today: dt.date | None = None,
) -> list[Suggestion]:
    """Replies for a case, best first: one per intent, by the case's intent scores ("other"
    when there are none), in the customer's language, else ``fallback_language`` (the
    storefront's default), else English."""
    if register not in REGISTERS:
        raise ValueError(f"register must be one of {', '.join(REGISTERS)}, not {register!r}")
    available = available_languages(directory=directory)
    chosen = next(
        (
            code
            for code in (language, fallback_language, "en")
            if code and code.lower().split("-")[0] in available
        ),
        None,
    )
    if chosen is None:
        raise CatalogueError("no catalogue for the language, the storefront's or English")
    catalogue = load_catalogue(chosen.lower().split("-")[0], directory=directory)
    ranked: dict[str, float] = {}
    for intent, score in sorted(intents, key=lambda item: -_score(item[1])):
        if intent in INTENTS and intent not in ranked:
            ranked[intent] = _score(score)
    if not ranked:
        ranked["other"] = 0.0
    suggestions = []
    for intent, score in list(ranked.items())[: max(limit, 1)]:
        rendered = render(catalogue.get(intent, register), context, today=today)
        suggestions.append(
            Suggestion(
                intent=intent,
                score=score,
                language=catalogue.language,
                register=register,
                subject=rendered.subject,
                body=rendered.body,
                at_fault=intent in AT_FAULT_INTENTS,
            )
        )
    return suggestions


def _score(value: object) -> float:
    """A score as a number; anything else (None, NaN, text) ranks last."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) if math.isfinite(value) else 0.0
