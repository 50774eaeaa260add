"""The demo's live carrier feed: a few ordinary parcels hit real trouble through the real path.

The five stories are told as they happened; these parcels are not. The carrier simulator
(``carriers.simulator``) plays one of its failure scripts for each into the tracking ingestion,
which detects the problem, opens the case and writes the customer's notice exactly as a carrier's
webhook would make it — so a person clicking through the demo sees what amends does on its own:
a damaged parcel in Germany, two failed attempts and a return in France, a parcel gone quiet in
Italy, an estimate slipping in Poland.
"""

from __future__ import annotations

import datetime as dt

from amends.carriers.models import Shipment
from amends.carriers.simulator import SCRIPTS, simulation_play
from amends.carriers.taxonomy import TrackingStatus
from amends.customers.models import IdentityKind
from amends.proactive.services import proactive_sweep

# (storefront, script, days since the parcel set off)
TROUBLE: tuple[tuple[str, str, float], ...] = (
    ("de", "damaged_in_transit", 3),
    ("fr", "two_attempts_returned", 11.5),
    ("it", "lost", 16),
    ("pl", "estimate_slipping", 3.5),
)


def _parcel(brand_code: str, taken: set[int]) -> Shipment | None:
    """A parcel still on its way to a customer who can be written to, and not in a story."""
    candidates = (
        Shipment.objects.select_related("carrier", "order")
        .filter(
            order__brand__code=brand_code,
            status__in=[TrackingStatus.IN_TRANSIT, TrackingStatus.INFO_RECEIVED],
            order__customer__identities__kind=IdentityKind.EMAIL,
        )
        .exclude(pk__in=taken)
        .order_by("id")
    )
    return candidates.first()


def play_live_trouble(*, now: dt.datetime) -> int:
    """Play each script on a parcel of its storefront; returns how many parcels had trouble."""
    taken: set[int] = set()
    played = 0
    for brand_code, script, days in TROUBLE:
        shipment = _parcel(brand_code, taken)
        if shipment is None:
            continue
        taken.add(shipment.pk)
        # The simulator tells the parcel's story from its start: what came before is replaced.
        shipment.events.all().delete()
        Shipment.objects.filter(pk=shipment.pk).update(
            status=TrackingStatus.PENDING, estimated_delivery=None, promised_delivery=None
        )
        simulation_play(
            script=SCRIPTS[script],
            shipment=shipment,
            start=now - dt.timedelta(days=days),
            until=now,
        )
        played += 1
    proactive_sweep(now=now)  # what no scan says: a parcel quiet for days, a day gone by
    return played
