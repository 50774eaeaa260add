"""Health of the parts the product needs: database, task queue, channel layer."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def check_task_queue() -> dict[str, Any]:
    from django_tasks import TaskResultStatus, task_backends
    from django_tasks_db.models import DBTaskResult

    from amends.core.models import WorkerHeartbeat

    try:
        backend = task_backends["default"]
        now = timezone.now()
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        lease = dt.timedelta(seconds=settings.AMENDS_TASK_LEASE_SECONDS)
        workers = WorkerHeartbeat.objects.filter(seen_at__gte=now - lease).count()
        return {
            "ok": True,
            "backend": type(backend).__name__,
            "ready": ready.count(),
            "scheduled": DBTaskResult.objects.filter(
                status=TaskResultStatus.READY, run_after__gt=now
            ).count(),
            "failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
            "oldest_ready_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
            "workers_alive": workers,
        }
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


async def _channel_roundtrip() -> float:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    started = time.perf_counter()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "health.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "health.ping":
        raise RuntimeError("channel layer returned another message")
    return (time.perf_counter() - started) * 1000


def check_channel_layer() -> dict[str, Any]:
    backend = str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).rsplit(".", 1)[-1]
    try:
        latency = async_to_sync(_channel_roundtrip)()
    except Exception as exc:
        return {"ok": False, "backend": backend, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "backend": backend, "latency_ms": round(latency, 2)}


def health() -> dict[str, Any]:
    parts = {
        "database": check_database(),
        "task_queue": check_task_queue(),
        "channel_layer": check_channel_layer(),
    }
    return {"ok": all(p["ok"] for p in parts.values()), "pid": os.getpid(), **parts}
