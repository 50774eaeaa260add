from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amends.accounts.models import Team, User
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseStatus
from amends.commitments.models import Commitment, CommitmentState
from amends.commitments.services import (
    Due,
    commitment_keep,
    commitment_make,
    commitment_mark_broken,
    commitment_send_escalation,
    commitment_send_reminder,
    commitment_waive,
    commitments_sweep,
)
from amends.core.errors import Conflict, ErrorCode, InvalidInput
from amends.core.worker import run_pending
from amends.notifications.models import Notification
from tests.factories import CaseFactory, TeamFactory, brand_of, make_agent

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# Thursday 19 November 2026, 10:00 in Paris
THURSDAY = dt.datetime(2026, 11, 19, 10, 0, tzinfo=PARIS)


@pytest.fixture
def setup() -> tuple[Team, User, User, Case]:
    team = TeamFactory()
    lead = make_agent(team)
    team.lead = lead
    team.save()
    agent = make_agent(team)
    case = CaseFactory(team=team, brand=team.brand, assignee=agent, status=CaseStatus.OPEN)
    return team, lead, agent, case


def test_refund_within_three_business_days_is_due_at_closing_time(
    setup: tuple[Team, User, User, Case],
) -> None:
    _, _, agent, case = setup
    c = commitment_make(
        case=case,
        actor=agent,
        kind="refund",
        description="Refund reaches your account",
        due=Due(business_days=3),
        now=THURSDAY,
    )
    assert c.due_at == dt.datetime(2026, 11, 24, 18, 0, tzinfo=PARIS)
    assert c.owner == agent
    assert THURSDAY <= c.remind_at < c.escalate_at < c.due_at
    made = case.events.get(kind=EventKind.COMMITMENT_MADE)
    assert made.data["commitment_id"] == c.pk


def test_call_back_by_17_is_today_in_the_brands_time_zone(
    setup: tuple[Team, User, User, Case],
) -> None:
    _, _, agent, case = setup
    c = commitment_make(
        case=case,
        actor=agent,
        kind="callback",
        description="We call you back",
        due=Due(local_time=dt.time(17, 0)),
        now=THURSDAY,
    )
    assert c.due_at == dt.datetime(2026, 11, 19, 17, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("due", "code"),
    [
        (Due(at=THURSDAY - dt.timedelta(minutes=1)), ErrorCode.DUE_IN_PAST),
        (Due(at=THURSDAY), ErrorCode.DUE_IN_PAST),
        (Due(at=dt.datetime(2026, 11, 20, 9, 0)), ErrorCode.INVALID),  # naive
        (Due(), ErrorCode.INVALID),
        (Due(business_days=2, business_hours=3), ErrorCode.INVALID),
        (Due(business_days=0), ErrorCode.INVALID),
        (Due(business_hours=-1), ErrorCode.INVALID),
    ],
)
def test_bad_due_times_are_refused(
    setup: tuple[Team, User, User, Case], due: Due, code: ErrorCode
) -> None:
    _, _, agent, case = setup
    with pytest.raises(InvalidInput) as info:
        commitment_make(
            case=case, actor=agent, kind="callback", description="x", due=due, now=THURSDAY
        )
    assert info.value.code == code
    assert not Commitment.objects.exists()


def test_empty_description_and_closed_case_are_refused(
    setup: tuple[Team, User, User, Case],
) -> None:
    _, _, agent, case = setup
    with pytest.raises(InvalidInput, match="say what was promised"):
        commitment_make(
            case=case, actor=agent, kind="callback", description="  ", due=Due(business_days=1)
        )
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(Conflict):
        commitment_make(
            case=case, actor=agent, kind="callback", description="x", due=Due(business_days=1)
        )


def test_timers_are_queued_after_commit_and_run_in_order(
    setup: tuple[Team, User, User, Case], django_capture_on_commit_callbacks: Any
) -> None:
    _, lead, agent, case = setup
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        c = commitment_make(
            case=case,
            actor=agent,
            kind="callback",
            description="Call back about the desk",
            due=Due(at=start + dt.timedelta(hours=2)),
        )
    tasks = DBTaskResult.objects.filter(task_path__startswith="amends.commitments.tasks")
    assert sorted(t.task_path.rsplit(".", 1)[1] for t in tasks) == [
        "commitment_escalate",
        "commitment_expire",
        "commitment_remind",
    ]
    assert run_pending() == 0  # nothing is due yet
    with time_machine.travel(c.remind_at + dt.timedelta(seconds=1), tick=False):
        assert run_pending() == 1
    assert Notification.objects.filter(recipient=agent, kind="commitment_reminder").count() == 1
    with time_machine.travel(c.escalate_at + dt.timedelta(seconds=1), tick=False):
        assert run_pending() == 1
    assert Notification.objects.filter(recipient=lead, kind="commitment_escalation").count() == 1
    with time_machine.travel(c.due_at + dt.timedelta(seconds=1), tick=False):
        assert run_pending() == 1
    c.refresh_from_db()
    assert c.state == CommitmentState.BROKEN
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-3:] == [
        EventKind.COMMITMENT_REMINDED,
        EventKind.COMMITMENT_ESCALATED,
        EventKind.COMMITMENT_BROKEN,
    ]


def test_timers_act_once_however_often_they_run(setup: tuple[Team, User, User, Case]) -> None:
    _, _lead, agent, case = setup
    c = commitment_make(
        case=case,
        actor=agent,
        kind="refund",
        description="Refund",
        due=Due(business_days=1),
        now=THURSDAY,
    )
    late = c.due_at + dt.timedelta(minutes=1)
    assert commitment_send_reminder(commitment_id=c.pk, now=late)
    assert not commitment_send_reminder(commitment_id=c.pk, now=late)
    assert commitment_send_escalation(commitment_id=c.pk, now=late)
    assert not commitment_send_escalation(commitment_id=c.pk, now=late)
    assert commitment_mark_broken(commitment_id=c.pk, now=late)
    assert not commitment_mark_broken(commitment_id=c.pk, now=late)
    assert Notification.objects.filter(kind="commitment_reminder").count() == 1
    assert Notification.objects.filter(kind="commitment_escalation").count() == 1
    assert Notification.objects.filter(kind="commitment_broken").count() == 2  # owner and lead
    assert case.events.filter(kind=EventKind.COMMITMENT_BROKEN).count() == 1


def test_a_timer_that_fires_early_does_nothing(setup: tuple[Team, User, User, Case]) -> None:
    _, _, agent, case = setup
    c = commitment_make(
        case=case,
        actor=agent,
        kind="refund",
        description="Refund",
        due=Due(business_days=2),
        now=THURSDAY,
    )
    assert not commitment_mark_broken(commitment_id=c.pk, now=c.due_at - dt.timedelta(seconds=1))
    assert not commitment_send_reminder(
        commitment_id=c.pk, now=c.remind_at - dt.timedelta(seconds=1)
    )
    c.refresh_from_db()
    assert c.state == CommitmentState.OPEN
    assert c.reminded_at is None


def test_kept_and_waived_promises_stop_the_timers(setup: tuple[Team, User, User, Case]) -> None:
    _, _, agent, case = setup
    kept = commitment_make(
        case=case,
        actor=agent,
        kind="refund",
        description="Refund",
        due=Due(business_days=2),
        now=THURSDAY,
    )
    waived = commitment_make(
        case=case,
        actor=agent,
        kind="callback",
        description="Call",
        due=Due(business_days=2),
        now=THURSDAY,
    )
    commitment_keep(commitment=kept, actor=agent, fulfilled_by="remedy:1")
    with pytest.raises(InvalidInput, match="needs a reason"):
        commitment_waive(commitment=waived, actor=agent, reason="")
    commitment_waive(commitment=waived, actor=agent, reason="Customer asked for email instead")
    with pytest.raises(Conflict, match="already kept"):
        commitment_keep(commitment=kept, actor=agent, fulfilled_by="message:3")
    late = THURSDAY + dt.timedelta(days=30)
    assert commitments_sweep(now=late) == {"reminded": 0, "escalated": 0, "broken": 0}
    assert Commitment.objects.get(pk=kept.pk).state == CommitmentState.KEPT
    assert Commitment.objects.get(pk=waived.pk).waive_reason == "Customer asked for email instead"


def test_the_sweep_catches_what_lost_timers_missed(setup: tuple[Team, User, User, Case]) -> None:
    _, _, agent, case = setup
    c = commitment_make(
        case=case,
        actor=agent,
        kind="callback",
        description="Call",
        due=Due(business_hours=1),
        now=THURSDAY,
    )
    DBTaskResult.objects.all().delete()  # the queue was purged
    assert commitments_sweep(now=c.escalate_at) == {"reminded": 1, "escalated": 1, "broken": 0}
    assert commitments_sweep(now=c.escalate_at) == {"reminded": 0, "escalated": 0, "broken": 0}
    assert commitments_sweep(now=c.due_at + dt.timedelta(seconds=5)) == {
        "reminded": 0,
        "escalated": 0,
        "broken": 1,
    }
    c.refresh_from_db()
    assert c.state == CommitmentState.BROKEN


def test_escalation_goes_to_brand_supervisors_when_the_team_has_no_lead() -> None:
    from tests.factories import make_supervisor

    team = TeamFactory()
    agent = make_agent(team)
    supervisor = make_supervisor(brand_of(team))
    case = CaseFactory(team=team, brand=team.brand, assignee=agent, status=CaseStatus.OPEN)
    c = commitment_make(
        case=case,
        actor=agent,
        kind="callback",
        description="Call",
        due=Due(business_hours=1),
        now=THURSDAY,
    )
    assert commitment_send_escalation(commitment_id=c.pk, now=c.due_at)
    assert Notification.objects.filter(recipient=supervisor, kind="commitment_escalation").exists()
