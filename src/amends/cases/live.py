"""Live signals for the agent console: "case N changed", sent to the groups that may see it.

Only signals travel over the socket, never case data: a signal names the case and the kind of
event, and the browser re-fetches its queue counts (and, if it wants, the page) over HTTP, where
every read is filtered by ``cases_visible_to``. See docs/adr/0014-live-updates.md.

Groups mirror ``cases_visible_to``:

* ``team-<id>``  agents of the team (they see every case of their teams);
* ``user-<id>``  the case's assignee (an agent sees the cases assigned to them);
* ``brand-<id>`` supervisors of the storefront;
* ``console-all`` administrators (they see everything).

A case change is sent to its team, its assignee, its storefront and the administrators, and
also to the owners it just left (a hand-off changes their queues too). The consumer checks each
signal against the reader's current visibility before passing the case id on.

Sending never breaks the change that caused it: it runs after the transaction commits, does not
wait for the channel layer, and a failing or slow layer (Redis down) is logged and forgotten.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Coroutine, Iterable, Mapping
from concurrent.futures import Future
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from amends.accounts.models import Role, User

logger = logging.getLogger("amends.cases.live")

EVERYTHING_GROUP = "console-all"
MESSAGE_TYPE = "case.changed"  # handled by ConsoleConsumer.case_changed
SEND_TIMEOUT = 3.0  # seconds a signal may take to reach the layer before it is dropped


def team_group(team_id: int) -> str:
    return f"team-{team_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def brand_group(brand_id: int) -> str:
    return f"brand-{brand_id}"


def groups_for_change(
    *,
    brand_id: int,
    team_id: int | None,
    assignee_id: int | None,
    data: Mapping[str, Any] | None = None,
) -> list[str]:
    """Who hears about a change: the case's owners now and those it left (``data["from"]``)."""
    groups = [EVERYTHING_GROUP, brand_group(brand_id)]
    if team_id is not None:
        groups.append(team_group(team_id))
    if assignee_id is not None:
        groups.append(user_group(assignee_id))
    previous = (data or {}).get("from")
    if isinstance(previous, Mapping):
        for key, group in (("team_id", team_group), ("assignee_id", user_group)):
            value = previous.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                groups.append(group(value))
    return list(dict.fromkeys(groups))


def groups_of(user: User) -> list[str] | None:
    """The groups a console reader joins, mirroring ``cases_visible_to``; ``None`` if the user
    may not use the console (anonymous, inactive, customer, seller)."""
    from amends.cases.selectors import is_admin, teams_of, user_may_work_case

    if not user.is_authenticated or not user.is_active or not user_may_work_case(user):
        return None
    if is_admin(user):
        return [EVERYTHING_GROUP]
    if user.role == Role.SUPERVISOR:
        return [brand_group(pk) for pk in user.brands.order_by("pk").values_list("pk", flat=True)]
    teams = teams_of(user).order_by("pk").values_list("pk", flat=True)
    return [user_group(user.pk), *(team_group(pk) for pk in teams)]


def may_see(*, user_id: int, case_id: int) -> bool:
    """Whether the reader (as they are now, not when they connected) may see the case."""
    from amends.cases.selectors import cases_visible_to

    user = User.objects.filter(pk=user_id).first()
    return user is not None and cases_visible_to(user).filter(pk=case_id).exists()


# --- where the send runs ----------------------------------------------------------------------
#
# A process that serves websockets runs one event loop (Daphne's); signals are sent on it, which
# is what an in-memory channel layer needs (its queues belong to that loop) and keeps Redis
# connections pooled. A process without one (a CLI command, a worker) sends through a private
# loop on a background thread; with an in-memory layer nobody outside the process could hear,
# so it sends nothing at all.

_server_loop: asyncio.AbstractEventLoop | None = None
_private: tuple[int, asyncio.AbstractEventLoop, threading.Thread] | None = None
_private_lock = threading.Lock()
_pending: set[asyncio.Task[None]] = set()


def remember_server_loop() -> None:
    """Called on the server's loop (by the consumer): signals of this process go through it."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def _usable(loop: asyncio.AbstractEventLoop) -> bool:
    return loop.is_running() and not loop.is_closed()


def _private_loop() -> asyncio.AbstractEventLoop:
    global _private
    with _private_lock:
        if _private is not None and _private[0] == os.getpid() and _private[2].is_alive():
            return _private[1]
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="amends-live-signals", daemon=True)
        thread.start()
        _private = (os.getpid(), loop, thread)
        return loop


async def _send(groups: list[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    await asyncio.wait_for(
        asyncio.gather(*(layer.group_send(group, message) for group in groups)),
        timeout=SEND_TIMEOUT,
    )


def _log_failure(outcome: Future[None] | asyncio.Task[None]) -> None:
    if outcome.cancelled():
        return
    error = outcome.exception()
    if error is not None:
        logger.warning(
            "live console signal not sent (the page will catch up on reload): %s: %s",
            type(error).__name__,
            error,
        )


def _run(coro: Coroutine[Any, Any, None]) -> None:
    server = _server_loop
    if server is not None and _usable(server):
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is server:
            task = server.create_task(coro)
            _pending.add(task)
            task.add_done_callback(_pending.discard)
            task.add_done_callback(_log_failure)
        else:
            asyncio.run_coroutine_threadsafe(coro, server).add_done_callback(_log_failure)
        return
    if isinstance(get_channel_layer(), InMemoryChannelLayer):
        coro.close()  # nobody outside this process can hear an in-memory layer
        return
    asyncio.run_coroutine_threadsafe(coro, _private_loop()).add_done_callback(_log_failure)


def send_case_changed(
    *, case_id: int, kind: str, actor_id: int | None, groups: Iterable[str]
) -> None:
    """Send the signal now, without waiting for it; never raises."""
    message = {"type": MESSAGE_TYPE, "case": case_id, "kind": kind, "actor": actor_id}
    try:
        _run(_send(list(groups), message))
    except Exception:
        logger.warning("live console signal not sent", exc_info=True)


def announce_on_commit(
    *,
    case_id: int,
    brand_id: int,
    team_id: int | None,
    assignee_id: int | None,
    kind: str,
    actor_id: int | None,
    data: Mapping[str, Any] | None,
) -> None:
    """Send "case changed" once the current transaction commits (nothing if it rolls back)."""
    groups = groups_for_change(
        brand_id=brand_id, team_id=team_id, assignee_id=assignee_id, data=data
    )

    def send() -> None:
        send_case_changed(case_id=case_id, kind=kind, actor_id=actor_id, groups=groups)

    try:
        transaction.on_commit(send, robust=True)
    except Exception:
        logger.warning("live console signal not scheduled", exc_info=True)
