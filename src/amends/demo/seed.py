"""Load the demo: eight storefronts, their people, the five stories and the ordinary queue.

``load_demo`` is what ``amends demo`` calls after migrating. It is deterministic (a seeded
random generator), runs in one transaction (all or nothing) and does nothing the second time.
Call it before the server and the worker start: while it runs, the services read the demo
clock (see ``amends.demo.clock``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import transaction

from amends.accounts.models import AgentProfile, Team, User
from amends.brands.models import Brand
from amends.carriers.models import Carrier, Shipment, TrackingEvent
from amends.cases.models import Case, CaseEvent
from amends.commerce.models import Order, Remedy
from amends.commitments.models import Commitment
from amends.conversations.models import Message
from amends.customers.models import Customer
from amends.demo.clock import DemoClock
from amends.demo.live import play_live_trouble
from amends.demo.ordinary import build_ordinary
from amends.demo.reference import ADMIN_EMAIL, BRAND_CODES, DEMO_PASSWORD, SELLER_EMAIL, STAFF
from amends.demo.reference import build_reference as _build_reference
from amends.demo.stories import STORIES

Progress = Callable[[str, int, int], None]

SEED = 20_251_124


def _staff_login(key: str) -> str:
    return next(p.email for p in STAFF if p.key == key)


# (who, email, password): printed by `amends demo`.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("Administrator, all storefronts", ADMIN_EMAIL, DEMO_PASSWORD),
    ("Supervisor, France and Belgium", _staff_login("claire"), DEMO_PASSWORD),
    ("Supervisor, Spain, Italy, Poland, Lithuania", _staff_login("alejandro"), DEMO_PASSWORD),
    ("Senior desk lead (en, fr, es)", _staff_login("isabelle"), DEMO_PASSWORD),
    ("Agent, France (fr, en)", _staff_login("julien"), DEMO_PASSWORD),
    ("Agent, Netherlands (nl, en, de)", _staff_login("daan"), DEMO_PASSWORD),
    ("Agent, Germany (de, en)", _staff_login("jonas"), DEMO_PASSWORD),
    ("Agent, Spain (es, en)", _staff_login("lucia"), DEMO_PASSWORD),
    ("Seller Muebles Ortiz (third-party seller inbox)", SELLER_EMAIL, DEMO_PASSWORD),
    *[(f"Customer: {title}", email, DEMO_PASSWORD) for title, email, _ in STORIES],
]


def is_loaded() -> bool:
    return User.objects.filter(email=ADMIN_EMAIL).exists()


def demo_counts() -> dict[str, int]:
    return {
        "brands": Brand.objects.count(),
        "teams": Team.objects.count(),
        "agents": AgentProfile.objects.count(),
        "customers": Customer.objects.count(),
        "carriers": Carrier.objects.count(),
        "orders": Order.objects.count(),
        "shipments": Shipment.objects.count(),
        "tracking_events": TrackingEvent.objects.count(),
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
        "events": CaseEvent.objects.count(),
        "commitments": Commitment.objects.count(),
        "remedies": Remedy.objects.count(),
    }


def load_demo(*, ordinary_cases: int = 300, progress: Progress | None = None) -> dict[str, int]:
    """Load the demo data once. Returns row counts, with ``loaded`` 1 if this call loaded it."""
    if ordinary_cases < 0:
        raise ValueError("ordinary_cases must not be negative")
    if is_loaded():
        return {**demo_counts(), "loaded": 0, "seconds": 0}
    taken = sorted(Brand.objects.filter(code__in=BRAND_CODES).values_list("code", flat=True))
    if taken:
        raise RuntimeError(
            f"storefront(s) {', '.join(taken)} already exist but the demo is not loaded; "
            "the demo needs a database without those storefronts (use a new --data-dir)"
        )
    started = time.monotonic()
    report = progress or (lambda stage, done, total: None)
    rng = random.Random(SEED)
    clock = DemoClock()
    # The clock is released before the commit, so on-commit work (task enqueues) sees real time.
    with transaction.atomic(), clock.running():
        report("storefronts, teams and people", 0, 1)
        world = _build_reference(rng=rng, clock=clock)
        report("storefronts, teams and people", 1, 1)
        for index, (_, _, play) in enumerate(STORIES, start=1):
            play(world)
            clock.set(clock.real_now)
            report("customer stories", index, len(STORIES))
        if ordinary_cases:
            build_ordinary(world, count=ordinary_cases, progress=report)
        clock.set(clock.real_now)
        report("live carrier feed", 0, 1)
        play_live_trouble(now=clock.real_now)
        report("live carrier feed", 1, 1)
    return {**demo_counts(), "loaded": 1, "seconds": round(time.monotonic() - started)}
