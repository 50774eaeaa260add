from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from amends.cases.models import CaseStatus
from amends.channels import registry
from amends.conversations.models import DeliveryStatus, Message
from amends.conversations.services import case_reply
from amends.conversations.tasks import message_deliver
from amends.core.errors import Conflict, InvalidInput
from amends.core.worker import run_pending
from tests.factories import CaseFactory, TeamFactory, make_agent

pytestmark = pytest.mark.django_db


class CountingAdapter:
    kind = "web"

    def __init__(self) -> None:
        self.sent: list[int] = []

    def prepare(self, message: Message) -> None:
        return None

    def deliver(self, message: Message) -> DeliveryStatus:
        self.sent.append(message.pk)
        return DeliveryStatus.SENT


@pytest.fixture
def adapter(monkeypatch: pytest.MonkeyPatch) -> CountingAdapter:
    counting = CountingAdapter()
    monkeypatch.setitem(registry._REGISTRY, "web", counting)
    return counting


def test_reply_is_delivered_after_commit_once(
    adapter: CountingAdapter, django_capture_on_commit_callbacks: Any
) -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    with django_capture_on_commit_callbacks(execute=True):
        message = case_reply(case=case, actor=agent, text="Votre remboursement est parti.")
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert DBTaskResult.objects.count() == 1
    assert run_pending() == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert adapter.sent == [message.pk]
    # A retried task does not send twice.
    message_deliver.enqueue(message_id=message.pk)
    assert run_pending() == 1
    assert adapter.sent == [message.pk]
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.status == CaseStatus.OPEN


def test_permanent_failure_is_visible_on_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refusing:
        kind = "web"

        def prepare(self, message: Message) -> None:
            return None

        def deliver(self, message: Message) -> DeliveryStatus:
            raise registry.DeliveryError("mailbox does not exist", permanent=True)

    monkeypatch.setitem(registry._REGISTRY, "web", Refusing())
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    message = case_reply(case=case, actor=agent, text="Bonjour")
    message_deliver.call(message_id=message.pk)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED


def test_empty_oversized_and_closed_replies_are_refused() -> None:
    team = TeamFactory()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand)
    with pytest.raises(InvalidInput, match="empty"):
        case_reply(case=case, actor=agent, text=" \x00 ")
    with pytest.raises(InvalidInput, match="limit is"):
        case_reply(case=case, actor=agent, text="x" * 100_001)
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(Conflict, match="closed"):
        case_reply(case=case, actor=agent, text="hello")
