"""The answer to ``POST /inbound``."""

from __future__ import annotations

from typing import Literal

from amends.api.schemas.common import Out


class InboundOut(Out):
    inbound_id: int
    status: Literal["processed", "quarantined", "received", "duplicate"]
    duplicate: bool
    case_reference: str | None
    reason: str
