"""The console's queues: who is in which, who may count them, and what a row shows."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amends.accounts.models import Team, User
from amends.cases.models import Case, CaseStatus, Priority
from amends.cases.services import case_set_status
from amends.commitments.models import Commitment, CommitmentKind, CommitmentState
from amends.console.countdown import countdown_patterns
from amends.console.queues import (
    QUEUES,
    next_case_after,
    queue_cases,
    queue_counts,
    queue_rows,
    waiting_parties,
)
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    SellerFactory,
    ShipmentFactory,
    TeamFactory,
    brand_of,
    make_agent,
    make_customer_user,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


def promise(case: Case, *, due_in: dt.timedelta, state: str = CommitmentState.OPEN) -> Commitment:
    due = timezone.now() + due_in
    return Commitment.objects.create(
        case=case,
        kind=CommitmentKind.CALLBACK,
        description="call back",
        owner=case.assignee or make_agent(case.team),
        due_at=due,
        remind_at=due,
        escalate_at=due,
        state=state,
    )


@dataclass
class Desk:
    lea: User
    team: Team
    cases: dict[str, Case]
    elsewhere: Case
    jan: User


@pytest.fixture
def desk() -> Desk:
    team = TeamFactory()
    brand = brand_of(team)
    other_team = TeamFactory(brand=brand)
    lea = make_agent(team, first_name="Léa")
    eva = make_agent(other_team, first_name="Eva")

    def case(**kw: object) -> Case:
        kw.setdefault("team", team)
        return CaseFactory(brand=brand, customer=CustomerFactory(brand=brand), **kw)

    cases = {
        "mine": case(assignee=lea),
        "unassigned": case(),
        "other_team": case(team=other_team, assignee=eva),
        "mine_elsewhere": case(team=other_team, assignee=lea),
        "solved": case(status=CaseStatus.SOLVED),
        "due_2h": case(),
        "due_later": case(),
        "overdue": case(assignee=lea),
        "broken": case(),
        "kept": case(),
        "risky": case(churn_risk=0.7),
        "very_risky": case(churn_risk=0.9),
        "urgent": case(priority=Priority.URGENT),
        "calm": case(churn_risk=0.3),
        "waiting": case(status=CaseStatus.WAITING_ON_THIRD_PARTY),
    }
    promise(cases["due_2h"], due_in=dt.timedelta(hours=2))
    promise(cases["due_later"], due_in=dt.timedelta(days=2))
    promise(cases["overdue"], due_in=dt.timedelta(hours=-1))
    promise(cases["broken"], due_in=dt.timedelta(hours=-3), state=CommitmentState.BROKEN)
    promise(cases["kept"], due_in=dt.timedelta(hours=1), state=CommitmentState.KEPT)
    promise(cases["solved"], due_in=dt.timedelta(hours=1))

    # Another storefront's case that would be in every queue.
    far_team = TeamFactory()
    jan = make_agent(far_team, first_name="Jan")
    elsewhere = CaseFactory(
        team=far_team,
        brand=brand_of(far_team),
        assignee=jan,
        status=CaseStatus.WAITING_ON_THIRD_PARTY,
        priority=Priority.URGENT,
        churn_risk=0.99,
    )
    promise(elsewhere, due_in=dt.timedelta(minutes=5))
    promise(elsewhere, due_in=dt.timedelta(hours=-5), state=CommitmentState.BROKEN)
    return Desk(lea=lea, team=team, cases=cases, elsewhere=elsewhere, jan=jan)


def names(desk: Desk, queue: str, user: User | None = None) -> list[str]:
    by_id = {c.pk: name for name, c in desk.cases.items()}
    return [by_id.get(c.pk, "ELSEWHERE") for c in queue_cases(user=user or desk.lea, name=queue)]


def test_each_queue_holds_what_its_name_says(desk: Desk) -> None:
    assert set(names(desk, "mine")) == {"mine", "mine_elsewhere", "overdue"}
    assert "other_team" not in names(desk, "team")
    assert "mine_elsewhere" not in names(desk, "team")
    assert set(names(desk, "team")) == set(desk.cases) - {"other_team", "mine_elsewhere", "solved"}
    assert set(names(desk, "unassigned")) == set(desk.cases) - {
        "mine",
        "other_team",
        "mine_elsewhere",
        "overdue",
        "solved",
    }
    assert names(desk, "due_soon") == ["overdue", "due_2h"]  # soonest first, solved left out
    assert names(desk, "broken") == ["broken"]
    assert names(desk, "at_risk") == ["very_risky", "risky", "urgent"]
    assert names(desk, "waiting") == ["waiting"]
    assert set(names(desk, "all")) == set(desk.cases) - {"other_team", "solved"}


def test_due_soon_takes_a_wider_window_when_asked(desk: Desk) -> None:
    from amends.console.queues import queue_due_soon

    wide = queue_due_soon(user=desk.lea, within=dt.timedelta(days=3))
    assert desk.cases["due_later"] in wide


def test_counts_match_the_queues_and_never_count_another_storefront(desk: Desk) -> None:
    counts = queue_counts(user=desk.lea)
    assert set(counts) == set(QUEUES)
    for key, n in counts.items():
        assert n == len(names(desk, key)), key
        assert "ELSEWHERE" not in names(desk, key)
    far = queue_counts(user=desk.jan)
    assert far == {
        "mine": 1,
        "team": 1,
        "unassigned": 0,
        "due_soon": 1,
        "broken": 1,
        "at_risk": 1,
        "waiting": 1,
        "all": 1,
    }


def test_a_supervisor_sees_their_storefront_only(desk: Desk) -> None:
    boss = make_supervisor(brand_of(desk.team))
    counts = queue_counts(user=boss)
    assert counts["all"] == len(desk.cases) - 1  # all open cases of the storefront
    assert counts["mine"] == 0
    assert counts["team"] == 0
    assert desk.elsewhere.pk not in {c.pk for c in queue_cases(user=boss, name="all")}


def test_customers_and_sellers_have_no_queues(desk: Desk) -> None:
    customer = make_customer_user(desk.cases["mine"].customer)
    assert set(queue_counts(user=customer).values()) == {0}


def test_rows_carry_the_next_promise(desk: Desk) -> None:
    rows = {r.case.pk: r for r in queue_rows(user=desk.lea, name="all")}
    assert rows[desk.cases["overdue"].pk].next_due is not None
    assert rows[desk.cases["broken"].pk].next_due is None  # a broken promise is not "next"
    assert rows[desk.cases["mine"].pk].next_due is None


def test_who_a_case_waits_on(desk: Desk) -> None:
    seller = SellerFactory(name="Muebles Ortiz")
    waiting = desk.cases["waiting"]
    order = OrderFactory(customer=waiting.customer, seller=seller)
    ShipmentFactory(order=order, carrier__code="seur", carrier__name="SEUR")
    waiting.orders.add(order)
    named = desk.cases["unassigned"]
    case_set_status(case=named, actor=desk.lea, status=CaseStatus.WAITING_ON_THIRD_PARTY)
    named.events.create(
        kind="status_changed",
        data={"from": "open", "to": "waiting_on_third_party", "party": "carrier",
              "party_name": "PostNL"},
    )  # fmt: skip
    unknown = desk.cases["calm"]
    parties = waiting_parties(case_ids=[waiting.pk, named.pk, unknown.pk])
    assert parties[waiting.pk] == [("seller", "Muebles Ortiz"), ("carrier", "SEUR")]
    assert parties[named.pk] == [("carrier", "PostNL")]
    assert unknown.pk not in parties
    assert waiting_parties(case_ids=[]) == {}

    page = signed_in(desk.lea).get("/console/?queue=waiting").content.decode()
    assert "seller Muebles Ortiz, carrier SEUR" in page
    assert "carrier PostNL" in page


def test_next_case_in_a_queue(desk: Desk) -> None:
    ids = [c.pk for c in queue_cases(user=desk.lea, name="unassigned")]
    first, second = ids[0], ids[1]
    assert (
        next_case_after(user=desk.lea, name="unassigned", case=Case.objects.get(pk=first)) == second
    )
    last = Case.objects.get(pk=ids[-1])
    assert next_case_after(user=desk.lea, name="unassigned", case=last) is None
    # A case no longer in the queue (taken a moment ago): the top of the queue is next.
    assert next_case_after(user=desk.lea, name="unassigned", case=desk.cases["mine"]) == first


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_page_shows_countdowns_and_the_counts_of_a_moment_ago(desk: Desk) -> None:
    client = signed_in(desk.lea)
    page = client.get("/console/?queue=due_soon").content.decode()
    # Nothing counted yet: the tabs wait for console.js to fetch the counts.
    assert 'data-count-for="due_soon" data-label="Due soon" aria-busy="true"></span>' in page
    assert "overdue by 1 h" in page or "overdue by 59 min" in page
    assert "in 1 h 59 min" in page or "in 2 h" in page
    assert f"/console/cases/{desk.cases['overdue'].pk}/?queue=due_soon" in page
    assert desk.elsewhere.reference not in page

    assert client.get("/console/counts").status_code == 200
    again = client.get("/console/?queue=due_soon").content.decode()
    assert 'data-count-for="due_soon" data-label="Due soon">2<' in again
    assert 'data-count-for="all" data-label="Everything I can see">13<' in again
    assert "aria-busy" not in again


def test_a_queue_page_never_shows_another_readers_counts(desk: Desk) -> None:
    assert signed_in(desk.lea).get("/console/counts").status_code == 200
    page = signed_in(desk.jan).get("/console/?queue=all").content.decode()
    assert 'data-count-for="all" data-label="Everything I can see" aria-busy="true"></span>' in page
    assert signed_in(desk.jan).get("/console/counts").status_code == 200
    page = signed_in(desk.jan).get("/console/?queue=all").content.decode()
    assert 'data-count-for="all" data-label="Everything I can see">1<' in page


def test_the_queue_page_does_not_count_and_the_counts_endpoint_always_does(desk: Desk) -> None:
    client = signed_in(desk.lea)
    with CaptureQueriesContext(connection) as queries:
        client.get("/console/?queue=mine")
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    assert json.loads(client.get("/console/counts").content)["counts"]["mine"] == 3
    case_set_status(case=desk.cases["mine"], actor=desk.lea, status=CaseStatus.SOLVED)
    # Fresh, not the cached 3 of a moment ago.
    assert json.loads(client.get("/console/counts").content)["counts"]["mine"] == 2
    assert 'data-count-for="mine" data-label="Mine">2<' in client.get("/console/").content.decode()


@pytest.mark.parametrize(
    "stored",
    [
        "3",
        ["mine", 3],
        {"mine": 3},
        dict.fromkeys(QUEUES, -1),
        dict.fromkeys(QUEUES, "<script>"),
        dict.fromkeys(QUEUES, True),
        {**dict.fromkeys(QUEUES, 1), "extra": 5},
    ],
)
def test_a_damaged_cache_entry_leaves_the_tabs_empty(desk: Desk, stored: object) -> None:
    from django.core.cache import cache

    from amends.console.counts import counts_recent

    cache.set(f"console:queue-counts:{desk.lea.pk}", stored, 30)
    assert counts_recent(user=desk.lea) is None
    page = signed_in(desk.lea).get("/console/").content.decode()
    assert 'data-count-for="mine" data-label="Mine" aria-busy="true"></span>' in page
    assert "<script>" not in page


@pytest.mark.parametrize("raw", ["", "nope", "<script>", "all'--", "%00", "mine" * 500])
def test_an_unknown_queue_name_shows_the_default_queue(desk: Desk, raw: str) -> None:
    response = signed_in(desk.lea).get("/console/", {"queue": raw})
    assert response.status_code == 200
    assert b'aria-current="page"><span class="tab-label">Mine' in response.content
    assert b"<script>" not in response.content


def test_counts_endpoint(desk: Desk) -> None:
    response = signed_in(desk.lea).get("/console/counts")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"counts": queue_counts(user=desk.lea)}


def test_counts_endpoint_refuses_everyone_else(desk: Desk) -> None:
    anonymous = Client().get("/console/counts")
    assert anonymous.status_code == 403
    assert "detail" in json.loads(anonymous.content)
    customer = make_customer_user(desk.cases["mine"].customer)
    assert signed_in(customer).get("/console/counts").status_code == 403
    assert signed_in(desk.lea).post("/console/counts").status_code == 405
    desk.lea.is_active = False
    desk.lea.save()
    assert Client().get("/console/counts").status_code == 403


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("queue", list(QUEUES))
def test_the_queue_page_costs_the_same_for_5_or_40_rows(queue: str) -> None:
    team = TeamFactory()
    brand = brand_of(team)
    lea = make_agent(team)
    seller = SellerFactory()

    def add(n: int) -> None:
        for _ in range(n):
            case = CaseFactory(
                team=team,
                brand=brand,
                customer=CustomerFactory(brand=brand),
                assignee=lea,
                churn_risk=0.8,
                status=CaseStatus.WAITING_ON_THIRD_PARTY,
            )
            order = OrderFactory(customer=case.customer, seller=seller)
            ShipmentFactory(order=order)
            case.orders.add(order)
            promise(case, due_in=dt.timedelta(hours=1))
            promise(case, due_in=dt.timedelta(hours=-1), state=CommitmentState.BROKEN)

    client = signed_in(lea)
    add(5)
    few = _queries_for(client, f"/console/?queue={queue}")
    add(35)
    many = _queries_for(client, f"/console/?queue={queue}")
    assert many == few, f"{queue}: {few} queries for 5 rows, {many} for 40"


def test_the_pieces_of_what_a_reader_sees_add_up_to_exactly_what_they_see(desk: Desk) -> None:
    """Counts and lists read the visible cases in pieces (for speed); for every role the pieces
    must add up to ``cases_visible_to`` — no case missing, none counted twice."""
    from amends.cases.models import OPEN_STATUSES
    from amends.cases.selectors import cases_visible_to
    from amends.console.queues import queue_ids
    from tests.factories import UserFactory

    admin = UserFactory(role="admin")
    supervisor = make_supervisor(brand_of(desk.team))
    for reader in (desk.lea, desk.jan, supervisor, admin):
        visible = cases_visible_to(reader).filter(status__in=OPEN_STATUSES)
        assert queue_counts(user=reader)["all"] == visible.count(), reader
        listed = queue_ids(user=reader, name="all", limit=1000)
        assert len(listed) == len(set(listed))
        assert set(listed) == set(visible.values_list("pk", flat=True)), reader


def test_an_agents_queue_merges_their_teams_and_their_own_cases_in_order(desk: Desk) -> None:
    from amends.console.queues import queue_ids

    for name in QUEUES:
        expected = [c.pk for c in queue_cases(user=desk.lea, name=name)]
        assert queue_ids(user=desk.lea, name=name) == expected, name
        assert queue_ids(user=desk.lea, name=name, limit=2) == expected[:2], name


class _BrokenCache:
    """A cache backend that is down (Redis away, the cache table missing)."""

    def get(self, *args: object, **kwargs: object) -> object:
        raise ConnectionError("cache down")

    def set(self, *args: object, **kwargs: object) -> None:
        raise ConnectionError("cache down")


def test_a_cache_that_fails_leaves_the_tabs_empty_and_the_counts_answered(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("amends.console.counts.cache", _BrokenCache())
    client = signed_in(desk.lea)
    page = client.get("/console/?queue=mine")
    assert page.status_code == 200
    assert 'data-count-for="mine" data-label="Mine" aria-busy="true"></span>' in page.text
    response = client.get("/console/counts")
    assert response.status_code == 200
    assert json.loads(response.content)["counts"]["mine"] == 3


def test_a_row_shows_its_labels_owner_risk_and_countdown_in_the_readers_language(
    desk: Desk,
) -> None:
    from django.conf import settings
    from django.utils import translation

    client = signed_in(desk.lea)
    risky = desk.cases["very_risky"]
    page = client.get("/console/?queue=at_risk").content.decode()
    urgent = desk.cases["urgent"]
    assert f'<a href="/console/cases/{urgent.pk}/?queue=at_risk" data-case-link>' in page
    assert '<span class="badge bad">Urgent</span>' in page
    assert "<td>90 %</td>" in page
    assert "<td>70 %</td>" in page
    assert f"<td>{desk.team.name} queue</td>" in page  # unassigned: the team's queue owns it
    assert f"<td>{risky.get_status_display()}</td>" in page

    due = client.get("/console/?queue=due_soon").content.decode()
    assert '<span class="countdown countdown-overdue" data-due="' in due
    assert '<span class="countdown countdown-soon" data-due="' in due
    assert f"<td>{desk.lea}</td>" in due  # the overdue case is Léa's

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get("/console/?queue=due_soon").content.decode()
    with translation.override("fr"):
        overdue = str(Priority(desk.cases["overdue"].priority).label)
        words = countdown_patterns()
    assert words["past"].split("{0}")[0] in french
    assert f"<td>{overdue}</td>" in french
