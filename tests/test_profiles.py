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


def _mail_settings(tmp_path: Path, **extra: str) -> dict[str, object]:
    env = child_env(tmp_path, DJANGO_SETTINGS_MODULE="amends.config.settings", **extra)
    for name in ("AMENDS_EMAIL_BACKEND", "AMENDS_SMTP_HOST", "AMENDS_SMTP_SECURITY"):
        if name not in extra:
            env.pop(name, None)
    script = (
        "import json; from django.conf import settings\n"
        "print(json.dumps({k: getattr(settings, k, None) for k in ("
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL')}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_smtp_relay_carries_all_mail_once_it_is_set(tmp_path: Path) -> None:
    """Sign-in links and notices to senders leave through the relay the replies use."""
    assert _mail_settings(tmp_path)["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )
    relay = _mail_settings(tmp_path, AMENDS_SMTP_HOST="relay.internal", AMENDS_SMTP_SECURITY="tls")
    assert relay == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "relay.internal",
        "EMAIL_PORT": 465,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
    }
    chosen = _mail_settings(
        tmp_path,
        AMENDS_SMTP_HOST="relay.internal",
        AMENDS_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    assert chosen["EMAIL_BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"
