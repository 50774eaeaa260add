"""The carrier adapters, by carrier code: the one place that knows which carriers exist.

Everything else asks ``adapter_for(code)`` (or ``selectors.carrier_adapter``) and works through
``base.CarrierAdapter``; nothing outside this package says ``if carrier == "dhl"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from amends.carriers.adapters.base import CarrierAdapter
from amends.carriers.adapters.colissimo import ColissimoAdapter
from amends.carriers.adapters.dhl import DhlAdapter
from amends.carriers.adapters.dpd import DpdAdapter
from amends.carriers.adapters.postnl import PostnlAdapter
from amends.carriers.adapters.seur import SeurAdapter
from amends.carriers.adapters.ups import UpsAdapter

_ALL: tuple[CarrierAdapter, ...] = (
    DhlAdapter(),
    PostnlAdapter(),
    SeurAdapter(),
    ColissimoAdapter(),
    DpdAdapter(),
    UpsAdapter(),
)

ADAPTERS: Mapping[str, CarrierAdapter] = MappingProxyType({a.code: a for a in _ALL})


def adapter_for(code: str) -> CarrierAdapter:
    """The adapter of carrier ``code``; ``LookupError`` for a carrier amends has no adapter for."""
    try:
        return ADAPTERS[(code or "").strip().lower()]
    except KeyError:
        raise LookupError(f"no carrier adapter for {code!r}") from None


__all__ = ["ADAPTERS", "CarrierAdapter", "adapter_for"]
