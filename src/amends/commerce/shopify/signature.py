"""Shopify's webhook signature: ``X-Shopify-Hmac-Sha256`` is the base64 of the HMAC-SHA256 of
the raw request body, keyed with the app's client secret (Shopify's "Verify webhooks" guide).

Checked on the bytes exactly as received — never on re-serialised JSON — and compared in
constant time, so the comparison leaks nothing about how much of a forged signature was right.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


class SignatureRejected(Exception):
    """``reason`` is ``"signature_missing"`` or ``"signature_invalid"``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def sign(body: bytes, secret: str) -> str:
    """The header value Shopify sends for ``body`` (also what the tests sign fixtures with)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(*, body: bytes, header: str | None, secret: str) -> None:
    """Return if ``header`` signs ``body`` with ``secret``; raise ``SignatureRejected`` if not."""
    if not secret:
        raise ValueError("no webhook secret is configured")
    if not header or not header.strip():
        raise SignatureRejected("signature_missing", "the X-Shopify-Hmac-Sha256 header is missing")
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRejected(
            "signature_invalid", "the X-Shopify-Hmac-Sha256 header is not base64"
        ) from None
    expected = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise SignatureRejected(
            "signature_invalid", "the X-Shopify-Hmac-Sha256 header does not sign this body"
        )
