"""Triage on the task queue, end to end: a message received, triaged, its case updated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from amends.cases.models import Case, CaseEvent, Channel
from amends.conversations.models import Direction, Message
from amends.conversations.services import case_add_note, message_receive
from amends.core.worker import run_pending
from amends.triage import services
from amends.triage.engine import Triager
from amends.triage.events import TriageEventKind
from amends.triage.models import MessageTriage
from amends.triage.result import Triage
from amends.triage.tasks import TRIAGE_TOGETHER, triage_message, triage_messages
from tests.factories import (
    BrandFactory,
    CarrierFactory,
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    TeamFactory,
    make_agent,
)

pytestmark = pytest.mark.django_db


def dutch_case(language: str = "") -> Case:
    brand = BrandFactory(
        code="nl",
        country="NL",
        languages=["nl", "en"],
        default_language="nl",
        time_zone="Europe/Amsterdam",
    )
    team = TeamFactory(brand=brand)
    customer = CustomerFactory(brand=brand, language="nl", country="NL")
    return CaseFactory(customer=customer, brand=brand, team=team, language=language)


def kinds(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def test_a_received_message_is_triaged_and_its_case_updated(
    fixture_triager: Triager, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = dutch_case()
    mine = OrderFactory(customer=case.customer, brand=case.brand, number="NL2044871")
    parcel = ShipmentFactory(
        order=OrderFactory(customer=case.customer, brand=case.brand, number="NL2040001"),
        carrier=CarrierFactory(code="postnl", name="PostNL"),
        tracking_number="3SABCD1234567",
    )
    theirs = OrderFactory(number="NL2049999")  # another customer's order
    text = (
        "Dit was de laatste keer dat ik hier bestel. Bestelling NL2044871 kwam kapot aan, "
        "NL2049999 ook, en PostNL 3SABCD1234567 is nooit gekomen. Sluit mijn account."
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = message_receive(case=case, text=text, channel=Channel.EMAIL)
    assert DBTaskResult.objects.filter(task_path__endswith="triage_messages").count() == 1
    assert run_pending() >= 1

    row = MessageTriage.objects.get(message=message)
    assert (row.lang, row.churn, row.model_version) == ("nl", True, fixture_triager.version)
    assert "cancel_account_or_membership" in row.intent_ids
    case.refresh_from_db()
    message.refresh_from_db()
    assert case.language == "nl" == message.language
    assert case.churn_risk is not None
    assert case.churn_risk >= 0.95
    assert "cancel_account_or_membership" in case.intents
    assert case.sentiment is not None
    assert case.sentiment < 0
    assert set(case.orders.all()) == {mine, parcel.order}
    assert theirs not in case.orders.all()
    event = CaseEvent.objects.get(case=case, kind=TriageEventKind.MESSAGE_TRIAGED)
    assert event.data["message_id"] == message.pk
    assert event.data["churn_phrase"]
    assert sorted(event.data["changed"]["orders_linked"]) == ["NL2040001", "NL2044871"]
    assert kinds(case).count("order_linked") == 2

    # The same task again (a retry, a replay): nothing more is stored or appended.
    events_before = CaseEvent.objects.filter(case=case).count()
    assert triage_message.call(message_id=message.pk) == "already triaged"
    assert MessageTriage.objects.count() == 1
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_the_case_keeps_its_language_its_highest_churn_risk_and_all_intents(
    fixture_triager: Triager,
) -> None:
    case = dutch_case(language="en")
    first = message_receive(
        case=case, text="Ik bestel nooit meer bij jullie, dit was de laatste keer.", channel="web"
    )
    second = message_receive(
        case=case, text="De lamp kwam kapot aan, overal glas in de doos.", channel="web"
    )
    for message in (first, second):
        assert triage_message.call(message_id=message.pk).startswith("nl ")
    case.refresh_from_db()
    assert case.language == "en"  # set before triage: kept
    assert case.churn_risk is not None
    assert case.churn_risk >= 0.95
    assert "parcel_damaged" in case.intents
    assert len(case.intents) == len(set(case.intents))
    assert kinds(case).count(TriageEventKind.MESSAGE_TRIAGED) == 2


def test_only_inbound_messages_that_exist_are_triaged(fixture_triager: Triager) -> None:
    case = dutch_case()
    note = case_add_note(case=case, actor=make_agent(case.team), text="Klant belde, boos.")
    assert triage_message.call(message_id=note.pk) == "not inbound (note)"
    assert triage_message.call(message_id=10**9) == "missing"
    assert not MessageTriage.objects.exists()


def test_a_routing_failure_leaves_nothing_half_done_and_the_retry_completes(
    fixture_triager: Triager, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = dutch_case()
    message = message_receive(case=case, text="waar blijft mijn pakket??", channel="chat")
    seen: list[Triage] = []

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("routing is down")

    monkeypatch.setattr(services, "_router", lambda: broken)
    with pytest.raises(RuntimeError, match="routing is down"):
        triage_message.call(message_id=message.pk)
    assert not MessageTriage.objects.exists()
    assert TriageEventKind.MESSAGE_TRIAGED not in kinds(case)

    def recording(*, case: Case, message: Message, triage: Triage) -> None:
        assert MessageTriage.objects.filter(message=message).exists()  # inside the transaction
        seen.append(triage)

    monkeypatch.setattr(services, "_router", lambda: recording)
    assert triage_message.call(message_id=message.pk).startswith("nl ")
    assert [t.lang for t in seen] == ["nl"]
    assert triage_message.call(message_id=message.pk) == "already triaged"
    assert len(seen) == 1  # not routed twice


def test_storing_twice_keeps_the_first_verdict(fixture_triager: Triager) -> None:
    case = dutch_case()
    message = message_receive(case=case, text="Verkopen jullie cadeaubonnen?", channel="web")
    verdict = services.message_triage_compute(message=message)
    first, created = services.message_triage_store(message=message, triage=verdict)
    again, created_again = services.message_triage_store(message=message, triage=verdict)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert again.as_result() == verdict
    assert message.direction == Direction.INBOUND


def test_the_sweep_enqueues_again_a_message_whose_task_was_lost(
    fixture_triager: Triager,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from amends.triage.tasks import triage_sweep

    case = dutch_case()
    message = message_receive(case=case, text="Waar blijft mijn pakket?", channel="web")
    DBTaskResult.objects.all().delete()  # the task was lost (a queue emptied, a crash)
    now = timezone.now()
    assert triage_sweep(now=now) == 0  # just arrived: its task may still be on its way
    later = now + dt.timedelta(minutes=5)
    assert triage_sweep(now=later) == 1
    assert triage_sweep(now=later) == 0  # its task is waiting: not enqueued twice
    run_pending()
    assert MessageTriage.objects.filter(message=message).exists()
    assert triage_sweep(now=later + dt.timedelta(minutes=5)) == 0


def test_messages_received_in_one_transaction_are_triaged_in_one_task(
    fixture_triager: Triager, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """An import's transaction enqueues one task for its messages (chunks of
    TRIAGE_TOGETHER), not one per message; a message rolled back with its savepoint is
    skipped by the task, the others are triaged."""
    from django.db import transaction

    case = dutch_case()
    texts = [f"Waar blijft pakket {n}? Bestelling NL20{n:05d}" for n in range(TRIAGE_TOGETHER + 3)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        received = [message_receive(case=case, text=t, channel="email") for t in texts]
        try:
            with transaction.atomic():
                gone = message_receive(case=case, text="teruggedraaid", channel="email")
                raise RuntimeError("roll this one back")
        except RuntimeError:
            pass
    tasks = DBTaskResult.objects.filter(task_path__endswith="triage_messages")
    batches = sorted((t.args_kwargs["kwargs"]["message_ids"] for t in tasks), key=len)
    assert [len(b) for b in batches] == [4, TRIAGE_TOGETHER]
    assert sorted(batches[0] + batches[1]) == sorted([m.pk for m in received] + [gone.pk])
    assert run_pending() == 2
    assert MessageTriage.objects.filter(message__in=received).count() == len(received)
    assert not Message.objects.filter(pk=gone.pk).exists()
    assert kinds(case).count(TriageEventKind.MESSAGE_TRIAGED) == len(received)


def test_a_message_that_fails_does_not_keep_the_others_of_its_task_from_triage(
    fixture_triager: Triager, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = dutch_case()
    first, second, third = (
        message_receive(case=case, text=t, channel="web")
        for t in ("waar blijft mijn pakket??", "De lamp kwam kapot aan.", "Kan ik dit retourneren?")
    )
    real = services.message_triage_store

    def flaky(*, message: Message, triage: Triage) -> tuple[MessageTriage, bool]:
        if message.pk == second.pk:
            raise RuntimeError("routing is down")
        return real(message=message, triage=triage)

    monkeypatch.setattr(services, "message_triage_store", flaky)
    ids = [first.pk, second.pk, third.pk]
    with pytest.raises(RuntimeError, match=rf"2 of 3 triaged; storing failed for \[{second.pk}\]"):
        triage_messages.call(message_ids=ids)
    assert set(MessageTriage.objects.values_list("message_id", flat=True)) == {first.pk, third.pk}
    monkeypatch.setattr(services, "message_triage_store", real)
    assert triage_messages.call(message_ids=ids) == "1 of 3 triaged"  # only the one left
    assert MessageTriage.objects.count() == 3


def test_a_message_rolled_back_is_not_enqueued_with_the_next_transaction(
    fixture_triager: Triager, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from django.db import transaction

    case = dutch_case()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                lost = message_receive(case=case, text="wordt teruggedraaid", channel="web")
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
        with transaction.atomic():
            kept = message_receive(case=case, text="waar blijft mijn pakket??", channel="web")
    batches = [
        t.args_kwargs["kwargs"]["message_ids"]
        for t in DBTaskResult.objects.filter(task_path__endswith="triage_messages")
    ]
    # Before, the rolled-back id waited in the thread and went out with the next commit:
    # [[lost, kept]] (on SQLite both have the same id, since it reuses a rolled-back row id).
    assert batches == [[kept.pk]]
    assert not Message.objects.filter(body_text=lost.body_text).exists()
