"""Reply addresses that name their case: ``support+TOKEN@shop.example``.

A customer's answer reaches the case even when their mail program dropped In-Reply-To and
References and rewrote the subject. The token is the case id in hexadecimal followed by a
truncated HMAC of it (``salted_hmac`` with the project's secret key), so nobody can aim mail at
another customer's case by changing a digit. Only lower-case hexadecimal digits are used: mail
servers may change the case of a local part, and some drop characters they do not like.

Tokens made with a key listed in ``SECRET_KEY_FALLBACKS`` are still read, so rotating the key
does not strand replies to mail sent before.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

if TYPE_CHECKING:
    from amends.cases.models import Case

SALT = "amends.mail.reply"
MAC_CHARS = 14  # 56 bits
ID_CHARS_MAX = 16  # a 64-bit id
_TOKEN = re.compile(rf"[0-9a-f]{{{MAC_CHARS + 1},{MAC_CHARS + ID_CHARS_MAX}}}")


def _mac(case_id: int, *, secret: str | bytes | None = None) -> str:
    return salted_hmac(SALT, str(case_id), secret=secret, algorithm="sha256").hexdigest()[
        :MAC_CHARS
    ]


def token_for(case_id: int) -> str:
    """At most 30 lower-case hexadecimal digits."""
    if case_id <= 0:
        raise ValueError("a case id is positive")
    return f"{case_id:x}{_mac(case_id)}"


def case_id_from_token(token: str) -> int | None:
    """The case id, or None when the token is malformed or its HMAC does not match."""
    token = token.strip().lower()
    if _TOKEN.fullmatch(token) is None:
        return None
    digits, mac = token[:-MAC_CHARS], token[-MAC_CHARS:]
    if digits.startswith("0"):  # one id, one spelling
        return None
    case_id = int(digits, 16)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Every key is tried, so the time taken does not tell which one matched.
    matches = [constant_time_compare(mac, _mac(case_id, secret=secret)) for secret in secrets]
    return case_id if any(matches) else None


def reply_address(case: Case) -> str:
    """The brand's sender address with the case's token: ``local+TOKEN@domain``."""
    local, _, domain = case.brand.sender_email.rpartition("@")
    return f"{local}+{token_for(case.pk)}@{domain}"


def case_id_from_address(address: str) -> int | None:
    """The case an address like ``support+TOKEN@shop.example`` points to; None when there is no
    token, or a malformed, altered or forged one. Accepts ``Name <addr>`` forms too."""
    _name, addr = parseaddr(address.strip())
    local, at, _domain = addr.rpartition("@")
    if not at or "+" not in local:
        return None
    return case_id_from_token(local.rpartition("+")[2])
