"""Detection is pure: what a timeline shows on a given day, under a table of rules."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from amends.carriers.taxonomy import TrackingStatus as S
from amends.proactive.rules import (
    RULES,
    DetectionRule,
    Problem,
    ProblemKind,
    Scan,
    ShipmentFacts,
    detect,
    rule_for,
    validated,
)

TODAY = dt.date(2026, 3, 10)
NOON = dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.UTC)


def days_ago(days: float) -> dt.datetime:
    return NOON - dt.timedelta(days=days)


def facts(
    *scans: Scan, carrier: str = "dhl", country: str = "NL", **kwargs: object
) -> ShipmentFacts:
    ordered = sorted(scans, key=lambda s: s.occurred_at)
    values: dict[str, object] = {
        "carrier": carrier,
        "country": country,
        "time_zone": "Europe/Amsterdam",
        "status": ordered[-1].status if ordered else S.PENDING,
        "scans": tuple(scans),
        "lost_after_days": 10,
        "last_event_at": ordered[-1].occurred_at if ordered else None,
    }
    values.update(kwargs)
    return ShipmentFacts(**values)  # type: ignore[arg-type]


def kinds(found: list[Problem]) -> list[str]:
    return [p.kind for p in found]


# --- the table ----------------------------------------------------------------------------------


def test_the_most_specific_row_wins_carrier_before_country() -> None:
    assert rule_for(carrier="dhl", country="NL").rule_id == "D1"
    assert rule_for(carrier="ups", country="NL").failed_attempts == 3
    assert rule_for(carrier="dhl", country="ES").rule_id == "D5-es"
    assert rule_for(carrier="SEUR", country="es").rule_id == "D6-seur-es"
    assert rule_for(carrier="never-heard-of", country="ZZ").rule_id == "D1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"failed_attempts": 0}, "failed_attempts"),
        ({"late_days": 61}, "late_days"),
        ({"overdue_days": True}, "overdue_days"),
        ({"no_reschedule_days": 1.5}, "no_reschedule_days"),
        ({"carrier": "DHL; drop table"}, "carrier code"),
        ({"country": "Nederland"}, "ISO 3166"),
        ({"rule_id": " "}, "id"),
    ],
)
def test_a_bad_row_is_refused_when_it_is_written(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DetectionRule(**{"rule_id": "X", **change})  # type: ignore[arg-type]


def test_a_table_without_a_default_or_with_two_rows_for_one_place_is_refused() -> None:
    with pytest.raises(ValueError, match="default row"):
        validated([DetectionRule(rule_id="A", carrier="dhl")])
    with pytest.raises(ValueError, match="both cover"):
        validated([DetectionRule(rule_id="A"), DetectionRule(rule_id="B")])
    assert validated(RULES) == RULES


def test_facts_with_naive_times_or_an_unknown_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        facts(Scan(S.IN_TRANSIT, dt.datetime(2026, 3, 1, 12, 0)))
    with pytest.raises(ValueError, match="time zone"):
        facts(Scan(S.IN_TRANSIT, days_ago(1)), time_zone="Mars/Olympus")


# --- failed attempts ----------------------------------------------------------------------------


def test_one_failed_attempt_is_not_yet_a_problem_the_second_is() -> None:
    first = Scan(S.ATTEMPT_FAILED, days_ago(1))
    assert detect(facts(first), RULES, TODAY) == []
    found = detect(facts(first, Scan(S.ATTEMPT_FAILED, days_ago(0.1))), RULES, TODAY)
    assert kinds(found) == [ProblemKind.FAILED_ATTEMPT]
    assert found[0].attempts == 2
    assert found[0].rule_id == "D1"


def test_one_failed_attempt_with_nothing_after_it_for_days_is_a_problem() -> None:
    quiet = Scan(S.ATTEMPT_FAILED, days_ago(2))
    found = detect(facts(quiet), RULES, TODAY)
    assert kinds(found) == [ProblemKind.FAILED_ATTEMPT]
    assert "nothing since for 2 days" in found[0].why
    # PostNL takes a parcel to a point the next day: a day of silence is enough there.
    assert detect(facts(Scan(S.ATTEMPT_FAILED, days_ago(1)), carrier="postnl"), RULES, TODAY)


def test_a_failed_attempt_that_was_rescheduled_is_not_a_problem() -> None:
    with_new_date = Scan(S.ATTEMPT_FAILED, days_ago(3), estimated_delivery=TODAY)
    assert detect(facts(with_new_date), RULES, TODAY) == []
    at_a_point = (Scan(S.ATTEMPT_FAILED, days_ago(3)), Scan(S.AVAILABLE_FOR_PICKUP, days_ago(2)))
    assert detect(facts(*at_a_point), RULES, TODAY) == []


def test_ups_tries_three_times() -> None:
    attempts = [Scan(S.ATTEMPT_FAILED, days_ago(d)) for d in (0.5, 0.3)]
    assert detect(facts(*attempts, carrier="ups"), RULES, TODAY) == []
    third = Scan(S.ATTEMPT_FAILED, days_ago(0.1))
    assert kinds(detect(facts(*attempts, third, carrier="ups"), RULES, TODAY)) == [
        ProblemKind.FAILED_ATTEMPT
    ]


def test_failed_attempts_on_a_parcel_delivered_since_are_no_problem() -> None:
    scans = (
        Scan(S.ATTEMPT_FAILED, days_ago(3)),
        Scan(S.ATTEMPT_FAILED, days_ago(2)),
        Scan(S.DELIVERED, days_ago(1)),
    )
    assert detect(facts(*scans), RULES, TODAY) == []


# --- returned, damaged, lost ----------------------------------------------------------------------


def test_returned_to_sender_explains_the_failed_attempts_before_it() -> None:
    scans = (
        Scan(S.ATTEMPT_FAILED, days_ago(4)),
        Scan(S.ATTEMPT_FAILED, days_ago(3)),
        Scan(S.RETURNED_TO_SENDER, days_ago(1)),
    )
    assert kinds(detect(facts(*scans), RULES, TODAY)) == [ProblemKind.RETURNED_TO_SENDER]


def test_damaged_is_a_problem_even_once_delivered() -> None:
    scans = (Scan(S.DAMAGED, days_ago(2)), Scan(S.DELIVERED, days_ago(1)))
    assert kinds(detect(facts(*scans), RULES, TODAY)) == [ProblemKind.DAMAGED]


def test_delivered_to_a_neighbour_is_not_a_problem() -> None:
    scans = (Scan(S.OUT_FOR_DELIVERY, days_ago(0.3)), Scan(S.DELIVERED, days_ago(0.2)))
    late_but_arrived = facts(
        *scans, promised_delivery=TODAY - dt.timedelta(days=3), estimated_delivery=None
    )
    assert detect(late_but_arrived, RULES, TODAY) == []


def test_a_parcel_is_lost_after_more_than_the_terms_days_without_a_scan() -> None:
    assert detect(facts(Scan(S.IN_TRANSIT, days_ago(10))), RULES, TODAY) == []
    found = detect(facts(Scan(S.IN_TRANSIT, days_ago(11))), RULES, TODAY)
    assert kinds(found) == [ProblemKind.LOST]
    assert found[0].days_without_scan == 11
    # The storefront's terms decide the number (SEUR in Spain: 12).
    spain = facts(Scan(S.IN_TRANSIT, days_ago(11)), carrier="seur", country="ES")
    assert detect(dataclasses.replace(spain, lost_after_days=12), RULES, TODAY) == []


def test_a_parcel_waiting_at_a_pick_up_point_does_not_stall() -> None:
    assert detect(facts(Scan(S.AVAILABLE_FOR_PICKUP, days_ago(20))), RULES, TODAY) == []


def test_a_lost_or_expired_report_is_lost_at_once_and_no_longer_late() -> None:
    for status in (S.LOST, S.EXPIRED):
        found = detect(
            facts(Scan(status, days_ago(0.1)), promised_delivery=TODAY - dt.timedelta(days=5)),
            RULES,
            TODAY,
        )
        assert kinds(found) == [ProblemKind.LOST]


def test_an_exception_alone_is_not_a_problem() -> None:
    assert detect(facts(Scan(S.EXCEPTION, days_ago(1))), RULES, TODAY) == []


# --- late ---------------------------------------------------------------------------------------


def test_a_slipped_estimate_is_late_by_the_days_it_moved() -> None:
    moving = Scan(S.IN_TRANSIT, days_ago(0.1), estimated_delivery=TODAY + dt.timedelta(days=3))
    found = detect(
        facts(
            moving,
            promised_delivery=TODAY + dt.timedelta(days=1),
            estimated_delivery=TODAY + dt.timedelta(days=3),
        ),
        RULES,
        TODAY,
    )
    assert kinds(found) == [ProblemKind.LATE]
    assert found[0].days_late == 2


def test_in_spain_an_estimate_moving_by_one_day_is_not_yet_late() -> None:
    slipped = facts(
        Scan(S.IN_TRANSIT, days_ago(0.1)),
        carrier="seur",
        country="ES",
        promised_delivery=TODAY + dt.timedelta(days=1),
        estimated_delivery=TODAY + dt.timedelta(days=2),
    )
    assert detect(slipped, RULES, TODAY) == []
    assert detect(dataclasses.replace(slipped, country="FR"), RULES, TODAY)


def test_an_expected_day_gone_by_is_late() -> None:
    travelling = facts(
        Scan(S.IN_TRANSIT, days_ago(2)),
        promised_delivery=TODAY - dt.timedelta(days=1),
        estimated_delivery=TODAY - dt.timedelta(days=1),
    )
    found = detect(travelling, RULES, TODAY)
    assert kinds(found) == [ProblemKind.LATE]
    assert found[0].days_late == 1
    on_the_day = dataclasses.replace(travelling, promised_delivery=TODAY, estimated_delivery=TODAY)
    assert detect(on_the_day, RULES, TODAY) == []


def test_a_date_moved_by_a_missed_delivery_is_not_late() -> None:
    missed = Scan(S.ATTEMPT_FAILED, days_ago(0.5), estimated_delivery=TODAY + dt.timedelta(days=1))
    found = detect(
        facts(missed, promised_delivery=TODAY, estimated_delivery=TODAY + dt.timedelta(days=1)),
        RULES,
        TODAY,
    )
    assert found == []


def test_a_failed_attempt_is_not_also_late() -> None:
    scans = (Scan(S.ATTEMPT_FAILED, days_ago(3)), Scan(S.ATTEMPT_FAILED, days_ago(2)))
    found = detect(facts(*scans, promised_delivery=TODAY - dt.timedelta(days=3)), RULES, TODAY)
    assert kinds(found) == [ProblemKind.FAILED_ATTEMPT]


def test_the_same_facts_give_the_same_problems_in_any_scan_order() -> None:
    scans = [
        Scan(S.IN_TRANSIT, days_ago(5)),
        Scan(S.ATTEMPT_FAILED, days_ago(3)),
        Scan(S.ATTEMPT_FAILED, days_ago(2)),
        Scan(S.RETURNED_TO_SENDER, days_ago(1)),
    ]
    forward = detect(facts(*scans), RULES, TODAY)
    assert forward == detect(facts(*reversed(scans)), RULES, TODAY)
