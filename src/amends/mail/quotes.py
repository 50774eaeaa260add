"""What the sender wrote this time: the text without the quoted history and the signature.

The whole text is always kept; this only decides what is shown first. The engine is
mail-parser-reply (MIT): it splits a text at the reply introductions of many mail clients and
languages ("On … wrote:", "Le … a écrit :", "Am … schrieb …:", Outlook's "From:/Sent:" blocks
in each language) and knows Polish, Italian, Spanish, Dutch, German and French besides
English. quotequail was the other candidate; it knows fewer of our languages (no Polish, no
Italian) and no signatures.

Where the library falls short, this module adds:

* reply introductions it misses: Gmail's Dutch ("Op … schreef X:"), Spanish ("El …, X
  escribió:") and Polish ("…, X napisał(a):") forms, and Lithuanian ("… rašė:", Outlook's
  "Nuo:"/"Išsiųsta:"), a language it does not have;
* a narrower idea of a signature: only the "-- " delimiter, Outlook's line of underscores and
  "Sent from my phone" lines. Its greeting-based signatures ("Thanks,", "Best,") would cut a
  customer's "Thanks, but the parcel never came" and everything after it, and its hyphen rule
  would cut lists.

Only the first :data:`MAX_SCAN` characters are searched: replies come first, and the library's
expressions are not meant for megabytes.
"""

from __future__ import annotations

import re
from typing import Any

from mailparser_reply.constants import (
    NOLIST_SIGNATURE_REGEX,
    OUTLOOK_MAIL_SEPARATOR,
    QUOTED_MATCH_INCLUDE,
)
from mailparser_reply.parser import EmailMessage

LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl")
MAX_SCAN = 12_000
_WINDOW = 1_000  # characters after the first candidate line that the first try looks at

# A line that may begin a quote or a signature, in any of the languages above or Lithuanian:
# one that ends with a colon ("… wrote:"), a header-like line ("From: …", "Van: …"), a
# separator ("-- ", "-----Original Message-----", underscores) or a "Sent from my phone".
_HEADER_WORDS = (
    "from|sent|to|subject|date|cc|von|gesendet|an|betreff|datum|de|envoy\u00e9|\u00e0|objet|"
    "van|verzonden|aan|onderwerp|da|inviato|a|oggetto|data|od|wys\u0142ano|do|temat|dw|para|"
    "enviado|asunto|fecha|nuo|i\u0161si\u0173sta|kam|tema"
)
_CANDIDATE = re.compile(
    rf"^(?:[ \t>*]*(?:{_HEADER_WORDS})[ \t*]*:|.*:[ \t]*$|[ \t>]*(?:--|__|sent from|get outlook"
    r"|envoy\u00e9 de|gesendet von|verzonden vanaf|inviato da|wys\u0142ano z|enviado desde))",
    re.IGNORECASE | re.MULTILINE,
)

_INTRO = r"^(?:> ?)*(?:{})[ \t]*$"
_EXTRA_INTROS = re.compile(
    _INTRO.format(
        "|".join(
            (
                r"Op .{4,200}? schreef .{1,200}?:",  # nl, Gmail
                r"El .{4,200}? escribió:",  # es, with one space (the library wants two)
                r".{4,200}? napisał\(a\):",  # pl, Gmail (the library wants "Dnia …")
                r".{4,200}? rašė:",  # lt
            )
        )
    ),
    re.MULTILINE,
)
_LITHUANIAN_HEADERS = re.compile(
    r"^(?:> ?)*\*?Nuo:\*? .{1,300}\n(?:> ?)*\*?(?:Išsiųsta|Siųsta|Data|Kam):", re.MULTILINE
)


class _Reply(EmailMessage):  # type: ignore[misc]
    """mail-parser-reply's message with the narrower signature rule described above."""

    @property
    def SIGNATURE_REGEX(self) -> re.Pattern[str]:
        cached: re.Pattern[str] | None = self.__dict__.get("_signature_regex")
        if cached is None:
            sent_from = "|".join(
                pattern
                for language in self.languages
                if (pattern := self._get_language_regex(language=language, regex_key="sent_from"))
            )
            mobile = rf"\s*^{QUOTED_MATCH_INCLUDE}(?:{sent_from}) ?(?:[\w.<>:/ ]+|(?:\w+ ){{1,3}})$"
            cached = re.compile(
                rf"(({NOLIST_SIGNATURE_REGEX}|{OUTLOOK_MAIL_SEPARATOR}|{mobile})(.|\s)*)",
                flags=re.MULTILINE | re.IGNORECASE,
            )
            self._signature_regex = cached
        return cached


def _first_reply(text: str) -> tuple[str, bool]:
    """The library's first reply body, and whether it cut anything from ``text``."""
    message: Any = _Reply(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    replies = message.replies
    if not replies:
        return text, False
    first = replies[0]
    cut = (
        len(replies) > 1 or bool(first.signatures) or bool(first.disclaimers) or bool(first.headers)
    )
    return str(first.body), cut


def _split(text: str) -> tuple[str, bool]:
    """The first reply in ``text`` and whether anything was cut from it."""
    cut = False
    for pattern in (_EXTRA_INTROS, _LITHUANIAN_HEADERS):
        match = pattern.search(text)
        if match is not None:
            text, cut = text[: match.start()], True
    try:
        visible, library_cut = _first_reply(text)
    except Exception:  # a library bug must not cost the mail its text
        visible, library_cut = text, False
    return visible.strip(), cut or library_cut


def visible_text(text: str) -> str:
    """``text`` without quoted history and signature; ``text`` itself when nothing is left.

    The library's expressions cost about 0.4 ms per kilobyte, so they only run when a line
    could start a quote or a signature (:data:`_CANDIDATE`), first on the text up to a little
    after that line, and over the whole of :data:`MAX_SCAN` only if that cut nothing.
    """
    if not text.strip():
        return text
    head = text[:MAX_SCAN]
    first = _CANDIDATE.search(head)
    if first is None:
        return text
    near = head.find("\n", first.end() + _WINDOW)
    for end in (len(head) if near < 0 else near, len(head)):
        visible, cut = _split(head[:end])
        if cut:
            return visible or text
        if end >= len(head):
            break
    return text
