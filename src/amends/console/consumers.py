"""The console's websocket: tells a signed-in agent that something changed in their queues.

It sends signals, never case data: ``{"type": "changed", "case": 12, "kind": "case_assigned",
"mine": false}``. The browser then re-fetches the counts over HTTP (``/console/counts``), where
visibility is checked again. A case the reader can no longer see (it was handed to another
team) is announced without its id: ``{"type": "changed", "case": null, …}``.
"""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from amends.accounts.models import User
from amends.cases import live

logger = logging.getLogger("amends.cases.live")

# Close codes (4000-4999 are the application's): the browser does not reconnect after 4403.
CLOSE_FORBIDDEN = 4403
CLOSE_UNAVAILABLE = 1011


def _groups_of(user: Any) -> list[str] | None:
    if not isinstance(user, User):
        return None
    return live.groups_of(user)


class ConsoleConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    user_id: int | None = None
    joined: list[str]

    async def connect(self) -> None:
        self.joined = []
        live.remember_server_loop()
        user = self.scope.get("user")
        groups = await database_sync_to_async(_groups_of)(user)
        if groups is None:
            # Accept, then close with a reason the client understands (a refused handshake
            # only shows up as a network error in the browser).
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
                self.joined.append(group)
        except Exception:
            logger.warning("console websocket: cannot join groups", exc_info=True)
            await self.accept()
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.info("console websocket: leaving %s failed", group, exc_info=True)
        self.joined = []

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The client only listens. A ``ping`` gets a ``pong``; anything else is ignored."""
        if self.user_id is None:
            return
        if text_data is not None and text_data.strip() in {"ping", '"ping"', '{"type":"ping"}'}:
            await self.send_json({"type": "pong"})

    async def case_changed(self, event: dict[str, Any]) -> None:
        if self.user_id is None:
            return
        case_id = event.get("case")
        if not isinstance(case_id, int):
            return
        visible = await database_sync_to_async(live.may_see)(user_id=self.user_id, case_id=case_id)
        await self.send_json(
            {
                "type": "changed",
                "case": case_id if visible else None,
                "kind": str(event.get("kind", "")) if visible else None,
                "mine": visible and event.get("actor") == self.user_id,
            }
        )


class UnknownPathConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """Any other websocket path: the handshake is refused (instead of an error in the log)."""

    async def connect(self) -> None:
        await self.close()
