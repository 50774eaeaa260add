"""The scaled-out profile is chosen by the environment alone: REDIS_URL and DATABASE_URL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import child_env

REDIS_URL = os.environ.get("AMENDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    host_port = REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not _redis_reachable():
        if os.environ.get("AMENDS_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; scripts/test.sh should start it")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.mark.slow
def test_redis_url_switches_channel_layer_and_cache(redis_url: str, tmp_path: Path) -> None:
    env = child_env(tmp_path, REDIS_URL=redis_url)
    subprocess.run(
        [sys.executable, "-m", "amends", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    script = (
        "import django, json; django.setup()\n"
        "from django.conf import settings; from django.core.cache import cache\n"
        "from amends.core.health import check_channel_layer\n"
        "cache.set('amends-profile-check', 42, 10)\n"
        "print(json.dumps({'cache': cache.get('amends-profile-check'),"
        " 'cache_backend': settings.CACHES['default']['BACKEND'],"
        " 'layer': check_channel_layer()}))\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "amends.config.settings"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["cache"] == 42
    assert report["cache_backend"] == "django_redis.cache.RedisCache"
    assert report["layer"] == {
        "ok": True,
        "backend": "RedisChannelLayer",
        "latency_ms": report["layer"]["latency_ms"],
    }


def test_without_environment_the_embedded_profile_runs() -> None:
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if not os.environ.get("REDIS_URL"):
        assert (
            settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
        )
