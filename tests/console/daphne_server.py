"""Daphne serving the real ASGI application (HTTP and websockets) for browser and socket tests.

It runs on a thread of the test process, like pytest-django's ``live_server``, so it uses the
same test database and the same channel layer: a change made by the test (in another thread)
reaches the websocket consumers the way a change made by the in-process worker of ``amends
serve --with-worker`` does. Channels' ``ChannelsLiveServerTestCase`` runs Daphne in a separate
process instead, where the embedded profile's in-memory channel layer could not hear the test.

Twisted's reactor runs once per process, so the server is started on first use and serves every
test of the process; tests that need it ask for ``daphne_url()`` (with a transactional
database, so the server's threads see what the test wrote).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections

_lock = threading.Lock()
_started: tuple[str, asyncio.AbstractEventLoop] | None = None


def _start() -> tuple[str, asyncio.AbstractEventLoop]:
    from channels.routing import get_default_application
    from daphne.server import Server
    from twisted.internet import reactor

    server = Server(
        application=get_default_application(),
        endpoints=["tcp:port=0:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
        websocket_handshake_timeout=5,
    )
    thread = threading.Thread(target=server.run, name="daphne-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.listening_addresses:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("Daphne did not start listening")
        time.sleep(0.05)
    host, port = server.listening_addresses[0]
    loop: Any = reactor._asyncioEventloop
    return f"http://{host}:{port}", loop


def daphne_url() -> str:
    """The base URL of the test process's Daphne, started on first use."""
    global _started
    with _lock:
        if _started is None:
            _started = _start()
        return _started[0]


def ws_url(path: str = "/ws/console/") -> str:
    return daphne_url().replace("http://", "ws://", 1) + path


def release_connections() -> None:
    """Close the database connections the server's threads hold (before the test database is
    flushed or dropped)."""
    if _started is None:
        return
    loop = _started[1]

    async def close() -> None:
        await sync_to_async(connections.close_all, thread_sensitive=True)()

    if loop.is_running():
        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=10)
