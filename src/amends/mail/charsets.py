"""Bytes to text for mail, whatever charset was declared, and RFC 2047 encoded words.

Mail declares charsets that do not exist (``x-unknown``), that are wrong (Latin-1 bytes labelled
UTF-8) or none at all (8-bit bytes in a ``us-ascii`` part or in a header, RFC 6532 UTF-8
headers). Nothing here raises: a text is read with the declared charset, then UTF-8, then what
charset-normalizer guesses, and last windows-1252 with replacement characters. Each fallback is
reported as a short English defect so that the mail's record says how it was read.

Encoded words are decoded here rather than by the ``email`` package's header classes because
those leave undecodable bytes as surrogates and build an object on every access; a small regular
expression over the value, with the same fallbacks as bodies, is both faster and predictable.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import re

import charset_normalizer

# Labels that mail uses for a charset that is a subset of the one Python should read it with
# (the same choices browsers make), so that the common mislabelling decodes without a defect.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
}
# Labels that say "I do not know": read as if no charset was declared.
_UNDECLARED = frozenset({"", "unknown-8bit"})
_ASCII = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "646", "us"})
# Python codecs that are not charsets (they would interpret backslashes or punycode).
_NOT_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "unicode-internal"}
)
_FALLBACK = "cp1252"
# Enough bytes for charset-normalizer to judge (it samples longer input itself); below the
# minimum its guesses are noise.
_MAX_DETECT_BYTES = 256 * 1024
_MIN_DETECT_BYTES = 24
_MAX_CHAOS = 0.05
_MULTI_BYTE = frozenset({"cp932", "euc_jp", "iso2022_jp", "gb18030", "big5hkscs", "cp949"})
_GUESSABLE = [
    "cp1252",
    *("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic"),
    *("cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874"),
    *sorted(_MULTI_BYTE),
]

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
_LINE_BREAK = re.compile(r"[\r\n]+")
_SURROGATES = re.compile("[\udc80-\udcff]")
# An encoded word, lenient: any text up to "?=" (broken mailers put spaces in it); the charset
# may carry an RFC 2231 language suffix ("utf-8*en").
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]*)\?=")
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


@functools.lru_cache(maxsize=256)
def codec_for(label: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when there is none or it is unknown."""
    name = _label(label)
    if name in _UNDECLARED:
        return None
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _label(label: str | None) -> str:
    return (label or "").strip().strip("\"'").lower().split("*", 1)[0][:60]


def _try(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except Exception:  # UnicodeDecodeError, or worse from an exotic codec on hostile bytes
        return None


def _guess(data: bytes) -> str | None:
    """charset-normalizer's guess among the charsets it tells apart reliably, or None.

    On short texts it confuses the Latin single-byte charsets (French read as cp1250, Polish as
    cp1256 in our checks), so it only chooses between windows-1252 and charsets of other
    scripts, and a single-byte guess with neither a plausible language nor clean text is not
    taken.
    """
    if len(data) < _MIN_DETECT_BYTES:
        return None
    try:
        best = charset_normalizer.from_bytes(
            data[:_MAX_DETECT_BYTES], cp_isolation=_GUESSABLE
        ).best()
    except Exception:  # a detector failing is no reason to lose the text
        return None
    if best is None:
        return None
    if best.encoding not in _MULTI_BYTE and not best.languages and best.chaos >= _MAX_CHAOS:
        return None
    return codec_for(best.encoding)


def decode_bytes(data: bytes, declared: str | None, *, what: str = "text") -> tuple[str, str]:
    """``(text, defect)``: ``data`` read as well as possible; ``defect`` is "" when it was clean.

    ``declared`` is the charset label found in the mail (None when there was none). Bodies try
    the declared charset first; headers (``what="header"``) try UTF-8 first, as RFC 6532 allows
    it and a single-byte charset would read any bytes, and use ``declared`` as a hint after it.
    """
    label = _label(declared)
    codec = codec_for(label)
    header = what == "header"
    if not header:
        text = _try(data, codec)
        if text is not None:
            return text, ""
    if data.isascii():
        clean = codec is None or codec == "ascii" or header
        return data.decode("ascii"), "" if clean else f"{what} did not fit charset '{label}'"
    text = _try(data, "utf-8")
    if text is not None:
        return text, "" if header else _defect(what, label, codec, "utf-8")
    if header and codec is not None:
        text = _try(data, codec)
        if text is not None:
            return text, _defect(what, label, codec, codec)
    guessed = _guess(data)
    if guessed is not None and guessed not in {codec, "utf-8"}:
        text = _try(data, guessed)
        if text is not None:
            return text, _defect(what, label, codec, guessed)
    return data.decode(_FALLBACK, "replace"), _defect(what, label, codec, "windows-1252")


def _defect(what: str, label: str, codec: str | None, used: str) -> str:
    used = used.replace("cp125", "windows-125")
    if what == "header":
        return f"8-bit header read as {used}"
    if label in _UNDECLARED:
        return f"8-bit {what} without a charset, read as {used}"
    if label in _ASCII:
        return f"8-bit {what} declared us-ascii, read as {used}"
    if codec is None:
        return f"charset '{label}' unknown, read as {used}"
    return f"{what} did not fit charset '{label}', read as {used}"


def unescape_surrogates(value: str, *, hint: str | None = None) -> tuple[str, str]:
    """A value the parser read from raw bytes (8-bit bytes kept as surrogates), as real text."""
    if not _SURROGATES.search(value):
        return value, ""
    data = value.encode("utf-8", "surrogateescape")
    return decode_bytes(data, hint, what="header")


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "bB":
        cleaned = _NOT_BASE64.sub("", text)
        if len(cleaned) % 4 == 1:
            cleaned = cleaned[:-1]
        return binascii.a2b_base64(cleaned + "=" * (-len(cleaned) % 4))
    data = text.replace("_", " ").encode("utf-8", "surrogateescape")
    return _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def decode_words(value: str, defects: list[str] | None = None) -> str:
    """RFC 2047 encoded words decoded; text outside them is kept as it is.

    Whitespace between two encoded words is dropped (RFC 2047 section 6.2), and adjacent words in
    one charset are joined before decoding, since mailers split multi-byte characters across
    words. A word in an unknown charset falls back like a body does, with a defect.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending = b""
    pending_charset: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending_charset is not None:
            text, defect = decode_bytes(pending, pending_charset, what="encoded word")
            if defect and defects is not None:
                defects.append(defect)
            out.append(text)
        pending, pending_charset = b"", None

    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset = _label(match.group(1))
        data = _word_bytes(match.group(2), match.group(3))
        if pending_charset is not None and _WHITESPACE.fullmatch(between):
            if charset != pending_charset:
                flush()
        else:
            flush()
            out.append(between)
        pending += data
        pending_charset = charset
        position = match.end()
    flush()
    out.append(value[position:])
    return "".join(out)


def header_text(raw: str, *, hint: str | None = None, defects: list[str] | None = None) -> str:
    """A raw header value as one line of text: unfolded, 8-bit bytes and encoded words decoded,
    line breaks (including ones smuggled in encoded words) turned into spaces, NULs dropped."""
    value = _FOLD.sub("", raw)
    value, defect = unescape_surrogates(value, hint=hint)
    if defect and defects is not None:
        defects.append(defect)
    value = decode_words(value, defects)
    if "\x00" in value:
        value = value.replace("\x00", "")
    if "\r" in value or "\n" in value:
        value = _LINE_BREAK.sub(" ", value)
    return value.strip()
