"""Reads for proactive cases: a shipment's facts for detection, and what the sweep looks at."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from amends.brands.models import Brand
from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus
from amends.cases.models import OPEN_STATUSES, Case
from amends.commerce.models import Order
from amends.policies.selectors import terms_for_brand
from amends.proactive.models import ShipmentProblem
from amends.proactive.rules import (
    FINISHED,
    TELLING,
    WAITING,
    ProblemKind,
    Scan,
    ShipmentFacts,
)

SWEEP_BATCH = 500
# A failed attempt with nothing after it is looked at again after this long (the shortest
# ``no_reschedule_days`` of the rules is one day).
QUIET_AFTER_FAILURE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Parcel:
    """A shipment as detection reads it: plain values, cheap to load by the thousand (the
    ingestion hands over every shipment of a batch, and few of them are in trouble)."""

    id: int
    order_id: int
    brand_id: int
    carrier: str
    status: str
    promised_delivery: dt.date | None
    estimated_delivery: dt.date | None
    shipped_at: dt.datetime | None
    last_event_at: dt.datetime | None
    scans: tuple[Scan, ...]


def parcels(ids: Sequence[int]) -> list[Parcel]:
    """The parcels, in two queries. Of their timelines only the scans detection reads one by
    one (``rules.TELLING``): most parcels have none."""
    scans: dict[int, list[Scan]] = defaultdict(list)
    telling = (
        TrackingEvent.objects.filter(shipment_id__in=ids, status__in=sorted(TELLING))
        .order_by("occurred_at", "id")
        .values_list("shipment_id", "status", "occurred_at", "estimated_delivery")
    )
    for shipment_id, status, occurred_at, estimate in telling:
        scans[shipment_id].append(Scan(status, occurred_at, estimate))
    rows = (
        Shipment.objects.filter(pk__in=ids)
        .order_by("id")
        .values_list(
            "id",
            "order_id",
            "order__brand_id",
            "carrier__code",
            "status",
            "promised_delivery",
            "estimated_delivery",
            "shipped_at",
            "last_event_at",
        )
    )
    return [Parcel(*row, scans=tuple(scans.get(row[0], ()))) for row in rows]


def brands_by_id(ids: Iterable[int]) -> dict[int, Brand]:
    return {brand.pk: brand for brand in Brand.objects.filter(pk__in=set(ids))}


def parcel_facts(parcel: Parcel, brand: Brand) -> ShipmentFacts:
    """Detection's view of a parcel. The lost threshold is the storefront's terms for the
    carrier (``policies.selectors``), the same number the lost-parcel rule uses."""
    return ShipmentFacts(
        carrier=parcel.carrier,
        country=brand.country,
        time_zone=brand.time_zone,
        status=parcel.status,
        scans=parcel.scans,
        lost_after_days=terms_for_brand(brand).lost_after(parcel.carrier),
        promised_delivery=parcel.promised_delivery,
        estimated_delivery=parcel.estimated_delivery,
        shipped_at=parcel.shipped_at,
        last_event_at=parcel.last_event_at,
    )


def shipments_for_cases(ids: Iterable[int]) -> dict[int, Shipment]:
    """The shipments in trouble, with what the case and the notice need, by id."""
    return {
        shipment.pk: shipment
        for shipment in Shipment.objects.filter(pk__in=list(ids)).select_related(
            "carrier", "order__brand", "order__customer"
        )
    }


def _shortest_lost_after() -> int:
    """The fewest days without a scan that make a parcel lost in any storefront's terms."""
    days = []
    for brand in Brand.objects.all():
        terms = terms_for_brand(brand)
        days += [terms.lost_after_days_default, *terms.lost_after_days.values()]
    return min(days, default=1)


def _having(kind: ProblemKind) -> Exists:
    return Exists(ShipmentProblem.objects.filter(shipment=OuterRef("pk"), kind=kind))


def sweep_shipment_ids(*, now: dt.datetime, after_id: int = 0) -> list[int]:
    """Shipments whose trouble shows only by time passing (no event will call detection for
    them): no scan for days, an expected day gone by, a failed attempt with nothing after it.

    A superset, cheap to find with the (status, last_event_at) index; ``detect`` decides. Those
    that already have that problem are left out. One page of at most ``SWEEP_BATCH`` ids after
    ``after_id``; the sweep asks for pages until there are none.
    """
    travelling = ~Q(status__in=[*FINISHED, *WAITING])
    quiet_since = now - dt.timedelta(days=_shortest_lost_after())
    stalled = (
        Shipment.objects.filter(travelling)
        .filter(
            Q(last_event_at__lte=quiet_since)
            | Q(last_event_at__isnull=True, shipped_at__lte=quiet_since)
        )
        .exclude(_having(ProblemKind.LOST))
    )
    # The UTC date is at or after any storefront's "yesterday": a superset of the overdue ones.
    overdue = (
        Shipment.objects.alias(due=Coalesce("estimated_delivery", "promised_delivery"))
        .filter(travelling, due__lte=now.date())
        .exclude(status=TrackingStatus.AVAILABLE_FOR_PICKUP)
        .exclude(_having(ProblemKind.LATE))
        .exclude(_having(ProblemKind.FAILED_ATTEMPT))
    )
    quiet = Shipment.objects.filter(
        status=TrackingStatus.ATTEMPT_FAILED, last_event_at__lte=now - QUIET_AFTER_FAILURE
    ).exclude(_having(ProblemKind.FAILED_ATTEMPT))
    # A page at a time, by id after ``after_id``: parcels that match but are no problem yet
    # (quiet for nine days under a ten-day threshold) never keep the later ones from a look.
    ids: set[int] = set()
    for query in (stalled, overdue, quiet):
        page = query.filter(id__gt=after_id).order_by("id")
        ids.update(page.values_list("id", flat=True)[:SWEEP_BATCH])
    return sorted(ids)[:SWEEP_BATCH]


def problems_to_retry(*, max_attempts: int) -> QuerySet[ShipmentProblem]:
    """Problems whose case or notice could not be written yet, and that may be tried again."""
    return ShipmentProblem.objects.filter(
        notified_at__isnull=True, attempts__lt=max_attempts
    ).order_by("id")


def open_case_about(*, order: Order) -> Case | None:
    """The customer's newest open case about the order, which a new problem joins."""
    return (
        Case.objects.filter(customer_id=order.customer_id, orders=order, status__in=OPEN_STATUSES)
        .select_related("team", "assignee", "brand", "customer")
        .order_by("-id")
        .first()
    )
