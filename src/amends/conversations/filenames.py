"""A file name a person sent, made safe to show and to offer as a download name.

The name is never used as a storage path (attachments are stored under generated keys); it is
only shown on pages and given back in ``Content-Disposition``. Even so it must not be able to
fool a reader or the reader's computer:

* no path: only what follows the last ``/`` or ``\\`` is kept (``../../etc/passwd`` → ``passwd``);
* no control or invisible formatting characters: NUL, line breaks, and the bidirectional
  overrides that make ``\u202egpj.exe`` look like ``exe.jpg`` are removed;
* nothing Windows refuses or treats specially: ``<>:"|?*`` become ``_``, trailing dots and
  spaces go, and reserved device names (``CON``, ``NUL``, ``COM1``, …) get a ``_`` in front;
* a bounded length, cut in the stem so the extension survives.
"""

from __future__ import annotations

import re
import unicodedata

FALLBACK = "attachment"
MAX_LENGTH = 150
MAX_EXTENSION_LENGTH = 16

# Removed: control (Cc), format (Cf: bidi overrides and isolates, zero-width characters, BOM),
# surrogate (Cs), private-use (Co) and unassigned (Cn) code points, and line/paragraph separators.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{prefix}{n}" for prefix in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]}
)


def split_extension(name: str) -> tuple[str, str]:
    """``("photo", ".jpg")`` for ``photo.jpg``; no extension for ``.hidden`` or ``archive.``."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension or len(extension) + 1 > MAX_EXTENSION_LENGTH:
        return name, ""
    if not extension.isalnum():
        return name, ""
    return stem, f".{extension}"


def clean_filename(raw: str, *, max_length: int = MAX_LENGTH) -> str:
    """The name to show for ``raw``; never empty, never longer than ``max_length``."""
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if unicodedata.category(ch) == "Zs" else ch
        for ch in name
        if unicodedata.category(ch) not in _REMOVED_CATEGORIES
    )
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split())
    name = name.strip(" .")
    if not name:
        return FALLBACK
    stem, extension = split_extension(name)
    stem = stem.rstrip(" .") or FALLBACK
    if stem.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    room = max(1, max_length - len(extension))
    if len(stem) > room:
        stem = stem[:room].rstrip(" .") or FALLBACK[:room]
    return f"{stem}{extension}"[:max_length]
