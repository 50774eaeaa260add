"""Websocket routes of the console (mounted by ``amends.config.asgi``)."""

from __future__ import annotations

from django.urls import path, re_path

from amends.console.consumers import ConsoleConsumer, UnknownPathConsumer

websocket_urlpatterns = [
    path("ws/console/", ConsoleConsumer.as_asgi()),
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
