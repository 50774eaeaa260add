"""The one place that knows channel kinds.

Code calls ``adapter_for(channel).deliver(message)``; nowhere else switches on the kind.
Channel packages (email, chat, …) register their adapter here at start-up.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from amends.conversations.models import DeliveryStatus, Message


class DeliveryError(Exception):
    """Delivery failed. ``permanent`` failures are not retried."""

    def __init__(
        self, detail: str, *, permanent: bool = False, retry_at: dt.datetime | None = None
    ) -> None:
        super().__init__(detail)
        self.permanent = permanent
        self.retry_at = retry_at  # not permanent: the task enqueues itself for then


class ChannelAdapter(Protocol):
    kind: str

    def prepare(self, message: Message) -> None:
        """Called inside the reply's transaction, before commit: write what delivery needs
        (an outbox row, a fixed Message-ID), so the reply and its delivery commit together."""

    def deliver(self, message: Message) -> DeliveryStatus:
        """Send an outbound message; return its new delivery status or raise DeliveryError."""


class PortalAdapter:
    """Replies to web-form, API and in-store cases are read in the customer portal."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def prepare(self, message: Message) -> None:
        return None

    def deliver(self, message: Message) -> DeliveryStatus:
        return DeliveryStatus.SENT


_REGISTRY: dict[str, ChannelAdapter] = {}


def register(adapter: ChannelAdapter) -> None:
    _REGISTRY[adapter.kind] = adapter


def adapter_for(channel: str) -> ChannelAdapter:
    try:
        return _REGISTRY[channel]
    except KeyError:
        # Channels without their own transport yet answer through the portal.
        return PortalAdapter(channel)
