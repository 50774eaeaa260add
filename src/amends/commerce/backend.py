"""The shop backend chosen in settings, loaded once.

::

    AMENDS_COMMERCE = {
        "BACKEND": "amends.commerce.adapters.demo.DemoShop",
        "OPTIONS": {"SETTLE_AFTER_SECONDS": 60},
    }

``OPTIONS`` keys are passed to the backend's constructor as lower-case keyword arguments. A
path that cannot be imported, options the class does not take, or a class that lacks part of
the :class:`~amends.commerce.adapters.base.ShopBackend` contract is an ``ImproperlyConfigured``
error naming the setting — at the first use, never a half-working backend.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from amends.commerce.adapters.base import ShopBackend

REQUIRED = (
    "order_sync",
    "refund",
    "reship",
    "price_adjustment",
    "return_label",
    "redelivery",
    "goodwill_credit",
    "membership_cancel",
)

_lock = threading.Lock()
_cache: dict[str, ShopBackend] = {}


def _load(config: Mapping[str, Any]) -> ShopBackend:
    path = config.get("BACKEND")
    if not isinstance(path, str) or not path:
        raise ImproperlyConfigured("AMENDS_COMMERCE['BACKEND'] must be a dotted path to a class")
    options = config.get("OPTIONS") or {}
    if not isinstance(options, Mapping):
        raise ImproperlyConfigured("AMENDS_COMMERCE['OPTIONS'] must be a dict")
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"AMENDS_COMMERCE['BACKEND'] {path!r} cannot be imported: {exc}"
        ) from exc
    missing = [name for name in REQUIRED if not callable(getattr(backend_class, name, None))]
    if missing:
        raise ImproperlyConfigured(
            f"AMENDS_COMMERCE['BACKEND'] {path!r} is not a shop backend: "
            f"it has no {', '.join(missing)}"
        )
    try:
        backend = backend_class(**{str(key).lower(): value for key, value in options.items()})
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"AMENDS_COMMERCE['OPTIONS'] do not suit {path!r}: {exc}"
        ) from exc
    return cast(ShopBackend, backend)


def shop() -> ShopBackend:
    """The configured shop backend (one instance per process)."""
    backend = _cache.get("default")
    if backend is not None:
        return backend
    with _lock:
        backend = _cache.get("default")
        if backend is None:
            backend = _cache["default"] = _load(settings.AMENDS_COMMERCE)
    return backend


def shop_sweep() -> int:
    """The worker's periodic safety net: a backend with a ``sweep()`` (the demo shop settles
    refunds whose task was lost) runs it; returns how much it did."""
    sweep = getattr(shop(), "sweep", None)
    return int(sweep()) if callable(sweep) else 0


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    """Tests that override AMENDS_COMMERCE get a backend built from the new value."""
    if setting == "AMENDS_COMMERCE":
        _cache.clear()
