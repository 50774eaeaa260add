"""The reply linter: does an outgoing reply make amends, in the customer's language and register?

It runs on every outgoing message, templates and the agent's own words alike, and checks that
the reply

- addresses the customer in one register, the one set for them (``register.wrong`` when it uses
  the other one, ``register.mixed`` when it uses both, ``register.ambiguous`` for words that only
  may be the other one, such as Spanish "su");
- opens with a greeting of its language that fits that register (``salutation.*``);
- acknowledges the problem (``acknowledgement.missing``);
- apologises when the shop, its seller or its carrier is at fault (``apology.missing``);
- says what happens next and by when (``action.missing``, ``action.undated``).

Each finding has a stable code, a severity ("error" blocks sending until the agent fixes the
reply or overrides it with a reason; "warning" is shown), a message for the agent, and the
source spans of the words at fault so the console can highlight them. Quoted customer text
(lines starting with ">") is never read. :func:`lint` is pure and takes well under 5 ms for a
reply of a few hundred words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from amends.replies.languages import CODES, FORMAL, INFORMAL, REGISTERS, Rules, rules
from amends.replies.promises import MAX_CHARS, actions
from amends.replies.register import Hit, register_hits
from amends.replies.text import Document

ERROR = "error"
WARNING = "warning"


class Code(StrEnum):
    EMPTY = "empty"
    TRUNCATED = "text.truncated"
    LANGUAGE_UNSUPPORTED = "language.unsupported"
    REGISTER_WRONG = "register.wrong"
    REGISTER_MIXED = "register.mixed"
    REGISTER_AMBIGUOUS = "register.ambiguous"
    SALUTATION_MISSING = "salutation.missing"
    SALUTATION_REGISTER = "salutation.register"
    SALUTATION_LANGUAGE = "salutation.language"
    ACKNOWLEDGEMENT_MISSING = "acknowledgement.missing"
    APOLOGY_MISSING = "apology.missing"
    ACTION_MISSING = "action.missing"
    ACTION_UNDATED = "action.undated"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    code: Code
    severity: str  # ERROR | WARNING
    message: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class LintResult:
    language: str
    register: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        """Nothing stops the reply from being sent."""
        return not self.errors

    @property
    def codes(self) -> tuple[Code, ...]:
        return tuple(f.code for f in self.findings)


def lint(
    text: str,
    *,
    language: str,
    register: str,
    at_fault: bool,
    needs_action: bool = True,
) -> LintResult:
    """Check an outgoing reply written in ``language`` to a customer addressed in ``register``.

    ``at_fault``: the shop, its seller or its carrier caused the problem, so the reply must
    apologise. ``needs_action``: the reply must say what happens next and by when (not for a
    reply that only answers a question).
    """
    if register not in REGISTERS:
        raise ValueError(f"register must be one of {', '.join(REGISTERS)}, not {register!r}")
    code = language.strip().lower().replace("_", "-").split("-")[0]
    findings: list[Finding] = []
    language_rules = rules(code)
    if language_rules is None:
        message = _("Replies in “%(language)s” cannot be checked.") % {"language": language}
        findings.append(Finding(Code.LANGUAGE_UNSUPPORTED, WARNING, message))
        return LintResult(language=code, register=register, findings=tuple(findings))
    if not text.strip():
        findings.append(Finding(Code.EMPTY, ERROR, _("The reply is empty.")))
        return LintResult(language=code, register=register, findings=tuple(findings))
    if len(text) > MAX_CHARS:
        message = _("The reply is very long; only its first %(count)d characters were checked.") % {
            "count": MAX_CHARS
        }
        findings.append(Finding(Code.TRUNCATED, WARNING, message))
    doc = Document(text[:MAX_CHARS])
    if code != "en":
        findings.extend(_register(doc, language_rules, register))
    findings.extend(_salutation(doc, language_rules, register))
    if not _says(doc, language_rules.acknowledgement):
        message = _(
            "The reply does not acknowledge the customer's problem in their terms (say that "
            "you understand, or thank them for telling you)."
        )
        findings.append(Finding(Code.ACKNOWLEDGEMENT_MISSING, WARNING, message))
    if at_fault and not _says(doc, language_rules.apology):
        message = _(
            "The shop, its seller or its carrier is at fault, but the reply does not apologise."
        )
        findings.append(Finding(Code.APOLOGY_MISSING, ERROR, message))
    if needs_action:
        findings.extend(_action(doc, language_rules))
    return LintResult(language=code, register=register, findings=tuple(findings))


def _spans(doc: Document, hits: list[Hit]) -> tuple[Span, ...]:
    return tuple(Span(h.start, h.end, doc.text[h.start : h.end]) for h in hits)


def _quoted(spans: tuple[Span, ...]) -> str:
    seen = dict.fromkeys(s.text for s in spans)
    return ", ".join(f"“{word}”" for word in seen)


def _register(doc: Document, language_rules: Rules, register: str) -> list[Finding]:
    hits = register_hits(doc, language_rules)
    other = INFORMAL if register == FORMAL else FORMAL
    own_weight = sum(h.weight for h in hits if h.register == register)
    wrong = [h for h in hits if h.register == other]
    wrong_weight = sum(h.weight for h in wrong)
    if not wrong:
        return []
    spans = _spans(doc, wrong)
    words = {"words": _quoted(spans)}
    formal = register == FORMAL
    if wrong_weight < 1.0:
        message = (
            _("These words may address the customer informally in a formal reply: %(words)s.")
            if formal
            else _("These words may address the customer formally in an informal reply: %(words)s.")
        )
        return [Finding(Code.REGISTER_AMBIGUOUS, WARNING, message % words, spans)]
    if own_weight >= 1.0:
        message = (
            _("The reply mixes formal and informal address; keep it formal throughout: %(words)s.")
            if formal
            else _(
                "The reply mixes formal and informal address; keep it informal throughout: "
                "%(words)s."
            )
        )
        return [Finding(Code.REGISTER_MIXED, ERROR, message % words, spans)]
    message = (
        _("The customer is addressed formally, but the reply addresses them informally: %(words)s.")
        if formal
        else _(
            "The customer is addressed informally, but the reply addresses them formally: "
            "%(words)s."
        )
    )
    return [Finding(Code.REGISTER_WRONG, ERROR, message % words, spans)]


def _salutation(doc: Document, language_rules: Rules, register: str) -> list[Finding]:
    line = doc.first_line()
    if line is None:
        return [_missing_salutation()]
    match = language_rules.greeting.match(doc.folded, line[0]) if language_rules.greeting else None
    if match is not None:
        index = int((match.lastgroup or "g0")[1:])
        fits = language_rules.greeting_registers[index]
        if fits is None or fits == register or language_rules.data.code == "en":
            return []
        start, end = doc.span(match.start(), match.end())
        span = Span(start, end, doc.text[start:end])
        greeting = {"greeting": span.text}
        message = (
            _("“%(greeting)s” is too informal a greeting for a formal reply.")
            if register == FORMAL
            else _("“%(greeting)s” is too formal a greeting for an informal reply.")
        )
        return [Finding(Code.SALUTATION_REGISTER, ERROR, message % greeting, (span,))]
    for other in CODES:
        other_rules = rules(other)
        if other == language_rules.data.code or other_rules is None or not other_rules.greeting:
            continue
        foreign = other_rules.greeting.match(doc.folded, line[0])
        if foreign is not None:
            start, end = doc.span(foreign.start(), foreign.end())
            span = Span(start, end, doc.text[start:end])
            message = _("The greeting “%(greeting)s” is not in the reply's language.") % {
                "greeting": span.text
            }
            return [Finding(Code.SALUTATION_LANGUAGE, ERROR, message, (span,))]
    return [_missing_salutation()]


def _missing_salutation() -> Finding:
    message = _("The reply does not open with a greeting.")
    return Finding(Code.SALUTATION_MISSING, WARNING, message)


def _says(doc: Document, pattern: re.Pattern[str] | None) -> bool:
    return pattern is not None and pattern.search(doc.folded) is not None


def _action(doc: Document, language_rules: Rules) -> list[Finding]:
    undated: list[Span] = []
    for action in actions(doc, language_rules):
        if action.moments:
            return []
        start, end = doc.span(*action.action)
        undated.append(Span(start, end, doc.text[start:end]))
    if undated:
        message = _("The reply says what happens next but not by when: add a date or a time.")
        return [Finding(Code.ACTION_UNDATED, WARNING, message, tuple(undated))]
    message = _("The reply does not say what happens next and by when.")
    return [Finding(Code.ACTION_MISSING, WARNING, message)]
