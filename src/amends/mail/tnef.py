"""Files out of ``winmail.dat``: the TNEF wrapping in which Outlook sends rich-text mail.

The files are read with tnefparse (LGPL-3.0, pure Python). It was not written for hostile
input: a four-byte count in a MAPI block makes it loop billions of times without reading
anything, and every object copies the rest of the blob. So, before and while it runs:

* the outer list of objects is walked first (reading only their length fields) and a blob whose
  objects would make tnefparse copy more than :data:`MAX_COPIED_BYTES` is not parsed;
* the parse runs under a budget of Python trace events (:data:`TRACE_BUDGET`, a hundred times
  what the largest real sample needs). Over budget, an exception derived from
  ``BaseException`` is raised inside tnefparse, so that its own ``except Exception`` blocks
  cannot swallow it.

Whatever goes wrong, :func:`extract` returns a :class:`TnefContent` with a defect and no files,
and the caller keeps ``winmail.dat`` itself as the attachment.
"""

from __future__ import annotations

import logging
import struct
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any

from tnefparse import TNEF
from tnefparse import util as tnef_util

from amends.mail.charsets import decode_bytes

SIGNATURE = b"\x78\x9f\x3e\x22"
TRACE_BUDGET = 2_000_000
MAX_COPIED_BYTES = 4_000_000_000
_OBJECT_HEADER = 9  # level (1), name (2), type (2), length (4)
_MIN_OBJECT = 12  # tnefparse's TNEF.MIN_OBJ_SIZE


class _OverBudget(BaseException):
    """Stops tnefparse; not an ``Exception`` so that no ``except Exception`` in it catches this."""


@dataclass(frozen=True)
class TnefFile:
    name: str  # as Outlook stored it: long name if any, else the 8.3 name; may be ""
    data: bytes


@dataclass(frozen=True)
class TnefContent:
    files: tuple[TnefFile, ...] = ()
    text: str = ""
    html: str = ""
    defect: str = ""  # why nothing could be taken out, "" when all went well

    @property
    def readable(self) -> bool:
        return bool(self.files or self.text.strip() or self.html.strip())


def is_tnef(data: bytes) -> bool:
    return data[:4] == SIGNATURE


def _copied_bytes(data: bytes) -> int:
    """How many bytes tnefparse would copy walking the object list (each object copies the rest
    of the blob); counted without copying, and only until it is clearly too many."""
    offset, copied = 6, 0
    while offset + _MIN_OBJECT < len(data) and copied <= MAX_COPIED_BYTES:
        remaining = len(data) - offset
        (declared,) = struct.unpack_from("<I", data, offset + 5)
        copied += remaining
        offset += min(remaining, declared + _OBJECT_HEADER + 2)
    return copied


def _budgeted(budget: int) -> Any:
    """A trace function that raises :class:`_OverBudget` after ``budget`` events.

    It does not trace tnefparse's ``systime``, whose bare ``except:`` would swallow the stop.
    """
    left = budget
    skipped = tnef_util.systime.__code__

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal left
        if frame.f_code is skipped:
            return None
        left -= 1
        if left < 0:
            raise _OverBudget
        return trace

    return trace


def _text(value: object, codepage: str | None) -> str:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, bytes | bytearray):
        return decode_bytes(bytes(value), codepage)[0].replace("\x00", "")
    return ""


def _name(attachment: Any) -> str:
    try:
        name = attachment.long_filename()
    except Exception:  # a name property of the wrong type
        name = ""
    if isinstance(name, list):
        name = name[0] if name else ""
    if isinstance(name, bytes):
        name = decode_bytes(name, "cp1252")[0]
    return str(name).strip("\x00") if name else ""


def _parse(data: bytes) -> Any:
    previous = sys.gettrace()
    logger = logging.getLogger("tnefparse")
    was_disabled = logger.disabled
    logger.disabled = True  # it logs a warning per skipped property: noise, and slow
    sys.settrace(_budgeted(TRACE_BUDGET))
    try:
        return TNEF(data, do_checksum=False)
    finally:
        sys.settrace(previous)
        logger.disabled = was_disabled


def extract(data: bytes) -> TnefContent:
    """The files and body text in a TNEF blob; a defect instead when it cannot be read."""
    if not is_tnef(data):
        return TnefContent(defect="winmail.dat is not TNEF")
    if _copied_bytes(data) > MAX_COPIED_BYTES:
        return TnefContent(defect="winmail.dat has too many objects to read")
    try:
        parsed = _parse(data)
    except _OverBudget:
        return TnefContent(defect="winmail.dat took too long to read")
    except Exception as exc:  # tnefparse raises what the broken bytes make it raise
        return TnefContent(defect=f"winmail.dat unreadable ({type(exc).__name__})")
    files = []
    for attachment in parsed.attachments:
        content = attachment.data
        if isinstance(content, bytes | bytearray) and content:
            files.append(TnefFile(name=_name(attachment), data=bytes(content)))
    codepage = parsed.codepage if isinstance(parsed.codepage, str) else None
    return TnefContent(
        files=tuple(files),
        text=_text(parsed.body, codepage),
        html=_text(parsed.htmlbody, codepage),
    )
