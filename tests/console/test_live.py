"""Live signals: who hears about a change, and that sending never breaks the change."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer

from amends.accounts.models import Role
from amends.cases import live
from amends.cases.models import Case
from amends.cases.services import case_assign, case_transfer
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    SellerFactory,
    TeamFactory,
    UserFactory,
    brand_of,
    make_agent,
    make_customer_user,
    make_seller_user,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


def test_groups_mirror_who_may_see_what() -> None:
    team, other = TeamFactory(), TeamFactory()
    agent = make_agent(team, other)
    assert live.groups_of(agent) == [
        live.user_group(agent.pk),
        live.team_group(team.pk),
        live.team_group(other.pk),
    ]
    boss = make_supervisor(brand_of(team))
    assert live.groups_of(boss) == [live.brand_group(brand_of(team).pk)]
    admin = UserFactory(role=Role.ADMIN)
    assert live.groups_of(admin) == [live.EVERYTHING_GROUP]
    assert live.groups_of(make_customer_user(CustomerFactory())) is None
    assert live.groups_of(make_seller_user(SellerFactory())) is None
    agent.is_active = False
    assert live.groups_of(agent) is None


def test_a_change_goes_to_the_owners_now_and_the_owners_it_left() -> None:
    groups = live.groups_for_change(
        brand_id=1,
        team_id=2,
        assignee_id=3,
        data={"from": {"team_id": 4, "assignee_id": 5}, "to": {"team_id": 2}},
    )
    assert groups == ["console-all", "brand-1", "team-2", "user-3", "team-4", "user-5"]
    # Odd or hostile event data adds nothing.
    odd = live.groups_for_change(
        brand_id=1,
        team_id=2,
        assignee_id=None,
        data={"from": {"team_id": "7; drop", "assignee_id": True}},
    )
    assert odd == ["console-all", "brand-1", "team-2"]
    assert live.groups_for_change(
        brand_id=1, team_id=2, assignee_id=None, data={"from": "open"}
    ) == [
        "console-all",
        "brand-1",
        "team-2",
    ]


def test_every_event_is_announced_after_commit_only(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "send_case_changed", lambda **kw: sent.append(kw))
    team = TeamFactory()
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_assign(case=case, assignee=agent, actor=agent)
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [
        {
            "case_id": case.pk,
            "kind": "case_assigned",
            "actor_id": agent.pk,
            "groups": [
                "console-all",
                f"brand-{case.brand_id}",
                f"team-{team.pk}",
                f"user-{agent.pk}",
            ],
        }
    ]


def test_a_hand_off_is_announced_to_the_team_it_left(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "send_case_changed", lambda **kw: sent.append(kw))
    team = TeamFactory()
    other = TeamFactory(brand=brand_of(team))
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team), assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        case_transfer(case=case, actor=agent, to_team=other, note="theirs now")
    assert {f"team-{team.pk}", f"user-{agent.pk}", f"team-{other.pk}"} <= set(sent[0]["groups"])


@pytest.fixture
def server_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop on another thread, standing in for Daphne's."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(_remember(), loop).result(timeout=5)
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()
    live._server_loop = None


async def _remember() -> None:
    live.remember_server_loop()


def test_signals_reach_a_listener_on_the_servers_loop(
    server_loop: asyncio.AbstractEventLoop, django_capture_on_commit_callbacks: Any
) -> None:
    layer = InMemoryChannelLayer()
    team = TeamFactory()
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team))

    async def join() -> str:
        channel: str = await layer.new_channel()
        await layer.group_add(live.team_group(team.pk), channel)
        return channel

    channel = asyncio.run_coroutine_threadsafe(join(), server_loop).result(timeout=5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live, "get_channel_layer", lambda: layer)
        with django_capture_on_commit_callbacks(execute=True):
            case_assign(case=case, assignee=agent, actor=agent)
        message = asyncio.run_coroutine_threadsafe(
            asyncio.wait_for(layer.receive(channel), 5), server_loop
        ).result(timeout=10)
    assert message == {
        "type": "case.changed",
        "case": case.pk,
        "kind": "case_assigned",
        "actor": agent.pk,
    }


def test_an_in_memory_layer_without_a_server_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refuses(InMemoryChannelLayer):  # type: ignore[misc]
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            raise AssertionError("nobody could have heard this")

    live._server_loop = None
    monkeypatch.setattr(live, "get_channel_layer", Refuses)
    live.send_case_changed(case_id=1, kind="case_opened", actor_id=None, groups=["team-1"])


class _Broken:
    """A channel layer whose every send fails, like Redis when it is down."""

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise ConnectionError("Redis is down")


def _wait_for(caplog: pytest.LogCaptureFixture, text: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(text in r.getMessage() for r in caplog.records):
            return
        time.sleep(0.05)
    raise AssertionError(f"no log line with {text!r}: {[r.getMessage() for r in caplog.records]}")


def test_a_failing_layer_is_logged_and_the_change_stands(
    server_loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(live, "get_channel_layer", _Broken)
    team = TeamFactory()
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    with caplog.at_level(logging.WARNING, logger="amends.cases.live"):
        with django_capture_on_commit_callbacks(execute=True):
            case_assign(case=case, assignee=agent, actor=agent)
        _wait_for(caplog, "Redis is down")
    case.refresh_from_db()
    assert case.assignee == agent


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_redis_that_is_down_never_breaks_a_service(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[f"redis://127.0.0.1:{_closed_port()}"])
    live._server_loop = None
    monkeypatch.setattr(live, "get_channel_layer", lambda: layer)
    team = TeamFactory()
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="amends.cases.live"):
        with django_capture_on_commit_callbacks(execute=True):
            case_assign(case=case, assignee=agent, actor=agent)
        assert time.monotonic() - started < 2, "the service waited for the channel layer"
        _wait_for(caplog, "live console signal not sent")
    case.refresh_from_db()
    assert case.assignee == agent


def test_scheduling_itself_failing_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no transaction machinery")

    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", explode)
    with caplog.at_level(logging.WARNING, logger="amends.cases.live"):
        live.announce_on_commit(
            case_id=1, brand_id=1, team_id=1, assignee_id=None, kind="x", actor_id=None, data={}
        )
    assert "not scheduled" in caplog.text


def test_may_see_reads_the_readers_visibility_now() -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case: Case = CaseFactory(team=team, brand=brand_of(team))
    assert live.may_see(user_id=agent.pk, case_id=case.pk)
    agent.agent.teams.clear()
    assert not live.may_see(user_id=agent.pk, case_id=case.pk)
    assert not live.may_see(user_id=0, case_id=case.pk)
