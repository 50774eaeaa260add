"""What a customer may attach, and the check every attached file passes before it is kept.

Accepted: images (JPEG, PNG, GIF, WebP, HEIC/HEIF), PDF and plain UTF-8 text; at most
:data:`MAX_FILES` files of :data:`MAX_FILE_BYTES` each and :data:`MAX_TOTAL_BYTES` together.
A file passes only when the type its sender declared is one of those, its first bytes (the
"magic number") say the same, and its name ends as such a file's name does. Programs (Windows
PE, ELF, Mach-O, scripts with ``#!``, archives) are refused whatever they claim to be.

The web form, the API and the inbound pipeline all call :func:`inspect_file`; a refusal carries
an English ``reason`` (for the API and the quarantine) and a ``message`` in the reader's language.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_noop

from amends.conversations.filenames import clean_filename, split_extension

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024

# Content type → the name endings such a file may have (the first is added to a name that has
# none).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "image/heif": (".heif", ".heic"),
    "application/pdf": (".pdf",),
    "text/plain": (".txt", ".text", ".log"),
}
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "application/x-pdf": "application/pdf",
    "image/heic-sequence": "image/heic",
    "image/heif-sequence": "image/heif",
}
# What the HTML ``accept`` attribute of a file input offers.
ACCEPT = ",".join([*ALLOWED_TYPES, *sorted({e for es in ALLOWED_TYPES.values() for e in es})])

_EXECUTABLES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
    (b"\x00asm", "a WebAssembly program"),
    (b"dex\n", "an Android program"),
    (b"PK\x03\x04", "an archive"),
    (b"Rar!", "an archive"),
    (b"7z\xbc\xaf\x27\x1c", "an archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document with macros or an installer"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# Every byte but the C0 controls (tab, line and page breaks excepted): what is left after
# deleting these from a text is its forbidden control characters.
_NOT_CONTROLS = bytes(range(32, 256)) + b"\t\n\v\f\r"


def sniff(data: bytes) -> str | None:
    """The content type the first bytes announce, for the types we accept; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in {b"GIF87a", b"GIF89a"}:
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "image/heic" if data[8:12] in {b"heic", b"heix", b"heim", b"heis"} else "image/heif"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def executable_kind(data: bytes) -> str | None:
    for magic, kind in _EXECUTABLES:
        if data.startswith(magic):
            return kind
    return None


def normalise_type(declared: str) -> str:
    base = declared.split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def same_family(declared: str, sniffed: str) -> bool:
    return declared == sniffed or {declared, sniffed} <= {"image/heic", "image/heif"}


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 with no control characters but tab, line and page breaks (and so no NUL)."""
    if data.translate(None, _NOT_CONTROLS):
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


class RejectedFile(ValueError):
    """A file that may not be attached. ``reason`` is English; ``message`` is translated."""

    def __init__(self, code: str, reason: str, message: str, **params: Any) -> None:
        self.code = code
        self.reason = reason
        self.params = params
        self._message = message
        super().__init__(reason)

    @property
    def message(self) -> str:
        return gettext(self._message) % self.params


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the sender's name and declared type, and the bytes."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:  # never dump megabytes into a log line
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class InspectedFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def inspect_file(*, filename: str, declared_type: str, data: bytes) -> InspectedFile:
    """Check one file; return its cleaned name, its type and its digest, or raise
    :class:`RejectedFile`."""
    name = clean_filename(filename)
    size = len(data)
    params: dict[str, Any] = {"name": name}
    if size == 0:
        raise RejectedFile(
            "empty", f"{name!r} is empty", gettext_noop("“%(name)s” is empty."), **params
        )
    if size > MAX_FILE_BYTES:
        raise RejectedFile(
            "too_large",
            f"{name!r} is {size} bytes; the limit is {MAX_FILE_BYTES}",
            gettext_noop("“%(name)s” is %(size)s; each file may be at most %(limit)s."),
            size=filesizeformat(size),
            limit=filesizeformat(MAX_FILE_BYTES),
            **params,
        )
    program = executable_kind(data)
    if program is not None:
        raise RejectedFile(
            "executable",
            f"{name!r} is {program}, not an image, PDF or text",
            gettext_noop("“%(name)s” is a program or an archive, not a photo, PDF or text file."),
            **params,
        )
    declared = normalise_type(declared_type)
    if declared not in ALLOWED_TYPES:
        raise RejectedFile(
            "type_not_accepted",
            f"{name!r} is of type {declared or 'unknown'!r}; accepted are images, PDF and text",
            gettext_noop(
                "“%(name)s” is not a photo, PDF or text file; only those can be attached."
            ),
            **params,
        )
    sniffed = sniff(data)
    if declared == "text/plain":
        matches = sniffed is None and _is_plain_text(data)
    else:
        matches = sniffed is not None and same_family(declared, sniffed)
    if not matches:
        raise RejectedFile(
            "content_mismatch",
            f"{name!r} is declared as {declared} but its content is {sniffed or 'something else'}",
            gettext_noop(
                "“%(name)s” does not contain what its type says; it may be damaged or renamed."
            ),
            **params,
        )
    content_type = sniffed or declared
    _stem, extension = split_extension(name)
    endings = ALLOWED_TYPES[declared]
    if not extension:
        name = clean_filename(f"{name}{endings[0]}")
    elif extension.lower() not in endings:
        raise RejectedFile(
            "name_mismatch",
            f"{name!r} ends in {extension!r}, which does not fit its content ({content_type})",
            gettext_noop(
                "“%(name)s” has a name ending (%(ending)s) that does not fit its content."
            ),
            ending=extension,
            **params,
        )
    return InspectedFile(
        filename=name,
        content_type=content_type,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def total_too_large(sizes: list[int]) -> bool:
    return sum(sizes) > MAX_TOTAL_BYTES
