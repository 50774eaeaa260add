"""Helpers for tests that run ``amends`` in a child process."""

from __future__ import annotations

import os
from pathlib import Path


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment for a child ``amends``: the embedded profile in ``data_dir``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return {**env, "AMENDS_DATA_DIR": str(data_dir), **extra}
