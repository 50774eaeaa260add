"""The text triage reads: what the customer wrote this time, bounded in size.

Quoted history and signatures are cut by the mail channel's own splitter
(:func:`amends.mail.quotes.visible_text`, built on mail-parser-reply): a forwarded thread in
French must not make a Dutch customer's two lines French, and an old "I want to cancel" in the
quote must not make today's thank-you a churn signal.
"""

from __future__ import annotations

import re
import unicodedata

# Triage reads at most this much of a message (a pasted log or an attack is not a message);
# the whole text stays on the message.
MAX_CHARS = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
_LINE_SPACES = re.compile(r"[ \t\u00a0]+")


def prepare(text: str) -> str:
    """NFC, no control characters, at most :data:`MAX_CHARS`, without quoted history."""
    from amends.mail.quotes import visible_text

    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text[: MAX_CHARS * 2]))[:MAX_CHARS]
    text = visible_text(text)
    text = _LINE_SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
