"""Shipment problems noticed before the customer writes (issue 5): detection and the case."""

from __future__ import annotations

from collections.abc import Sequence


def shipments_changed(*, shipment_ids: Sequence[int]) -> None:
    """Called by the tracking ingestion inside its transaction, with the shipments whose
    timeline or estimate just changed."""
