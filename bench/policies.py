"""How many remedy decisions a second the policy engine makes on the built-in rules, on one core.

    .venv/bin/python bench/policies.py                       # 10,000 facts, 5 rounds
    .venv/bin/python bench/policies.py --facts 50000 --rounds 3 --seed 11

It builds ``--facts`` (fact, request) pairs from a fixed seed, the mix a shop's desk sees:
parcels damaged, lost (a carrier's word, or silence past its threshold in its country), late,
returned or stuck after a failed attempt; returns inside and outside the window; price drops
inside and outside seven days; memberships cancelled; orders partly or wholly refunded; in EUR
and PLN on the eight storefronts; each asked for one of the eight remedies, with or without an
amount, by an agent, a supervisor, an agent with a personal limit or the customer. Then
``policies.engine.evaluate`` runs over all of them ``--rounds`` times in this one thread (one
core), after a warm-up round; the figure is the median round's evaluations per second, the best
round beside it. Nothing touches the database: Django is set up only for gettext, as in the
application.

Also measured: how long validating and compiling the built-in rules takes (done once per
process, or when a stored rule changes), and the rate when the rules come as a plain list
instead of the indexed ``RuleSet`` that ``active_rules()`` returns.

The table goes to stderr, the last line on stdout is JSON. Goal (issue 5): at least 50,000
evaluations a second. ``measure`` is importable (``bench/tracking.py`` can report the figure).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from revision import code_version  # noqa: E402

GOAL_PER_SECOND = 50_000.0
COUNTRIES = (("FR", 26), ("DE", 20), ("NL", 14), ("ES", 12), ("IT", 10), ("BE", 8), ("PL", 6))
CARRIERS = ("dhl", "postnl", "colissimo", "seur", "dpd", "ups")
TODAY = dt.date(2031, 3, 20)


def say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


def setup_django() -> None:
    os.environ.setdefault("AMENDS_DATA_DIR", str(ROOT / "var" / "bench" / "policies"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.config.settings")
    os.environ.setdefault("AMENDS_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _money(rng: random.Random, currency: str) -> Decimal:
    euros = Decimal(rng.choice((9.99, 19.9, 29.95, 39.9, 59.9, 89.0, 129.0, 249.0, 799.0)))
    price = euros * Decimal("4.3") if currency == "PLN" else euros
    return price.quantize(Decimal("0.01"))


def scenario(rng: random.Random) -> tuple[dict[str, Any], str]:
    """Facts for one situation, and the remedy usually asked for in it."""
    country = rng.choices([c for c, _ in COUNTRIES], [w for _, w in COUNTRIES])[0]
    currency = "PLN" if country == "PL" else "EUR"
    paid = _money(rng, currency)
    placed = TODAY - dt.timedelta(days=rng.randint(0, 60))
    facts: dict[str, Any] = {
        "today": TODAY,
        "country": country,
        "currency": currency,
        "placed_on": placed,
        "paid": paid,
        "carrier": rng.choice(CARRIERS),
        "seller_fulfilled": rng.random() < 0.2,
    }
    if rng.random() < 0.15:
        facts["refunded"] = rng.choice((paid, (paid / 3).quantize(Decimal("0.01"))))
    kind = rng.choice(
        ("damaged", "lost", "silent", "late", "returned", "attempt", "return", "price", "member")
    )
    delivered = placed + dt.timedelta(days=rng.randint(1, 6))
    if kind == "damaged":
        if rng.random() < 0.5:  # the carrier says so
            facts["shipment_status"] = "damaged"
        else:  # the customer says so after delivery
            facts["reported_problem"] = "damaged"
            facts["delivered_on"] = min(delivered, TODAY)
            facts["shipment_status"] = "delivered"
        return facts, rng.choice(("refund_full", "reship", "refund_partial"))
    if kind == "lost":
        facts |= {"shipment_status": "lost"}
        return facts, rng.choice(("refund_full", "reship"))
    if kind == "silent":
        facts |= {"shipment_status": "in_transit", "days_without_scan": rng.randint(3, 16)}
        return facts, rng.choice(("refund_full", "reship", "redelivery"))
    if kind == "late":
        facts |= {"days_late": rng.randint(0, 9), "delivered_on": min(delivered, TODAY)}
        return facts, "goodwill_credit"
    if kind == "returned":
        facts |= {"shipment_status": "returned_to_sender"}
        return facts, rng.choice(("reship", "refund_full"))
    if kind == "attempt":
        facts |= {"shipment_status": rng.choice(("attempt_failed", "available_for_pickup"))}
        return facts, "redelivery"
    if kind == "return":
        facts |= {"delivered_on": min(delivered, TODAY), "shipment_status": "delivered"}
        facts["reported_problem"] = rng.choice(("changed_mind", "not_as_described"))
        return facts, rng.choice(("refund_full", "return_label", "refund_partial"))
    if kind == "price":
        cut = Decimal(rng.choice((0, 5, 10, 20, 30))) / 100
        facts["current_price"] = (paid * (1 - cut)).quantize(Decimal("0.01"))
        return facts, "price_adjustment"
    start = TODAY - dt.timedelta(days=rng.randint(1, 400))
    facts |= {
        "membership_start": start,
        "membership_end": start + dt.timedelta(days=365),
        "membership_paid": paid,
    }
    return facts, "membership_cancellation"


def workload(count: int, seed: int) -> list[tuple[Any, Any]]:
    from amends.policies.decisions import Facts, Remedy, RemedyRequest

    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        facts, remedy = scenario(rng)
        if rng.random() < 0.1:  # now and then a remedy that does not fit the situation
            remedy = rng.choice(list(Remedy)).value
        role = rng.choices(("agent", "supervisor", "customer"), (70, 10, 20))[0]
        limit = Decimal(rng.choice((100, 250))) if role == "agent" and rng.random() < 0.2 else None
        amount = None
        if remedy == "refund_partial":
            amount = (facts["paid"] * Decimal(rng.choice(("0.2", "0.5", "1.2")))).quantize(
                Decimal("0.01")
            )
        request = RemedyRequest(
            remedy=Remedy(remedy), amount=amount or None, role=role, authority_limit=limit
        )
        pairs.append((Facts(**facts), request))
    return pairs


def measure(*, count: int = 10_000, rounds: int = 5, seed: int = 7) -> dict[str, Any]:
    """Evaluations per second on the built-in rules (Django must be set up)."""
    from amends.policies.builtin import BUILTIN_RULES
    from amends.policies.engine import evaluate
    from amends.policies.rules import parse_rules

    began = time.perf_counter()
    rules = parse_rules(BUILTIN_RULES)
    compile_ms = (time.perf_counter() - began) * 1000
    pairs = workload(count, seed)
    outcomes = collections.Counter(
        evaluate(facts=f, request=r, rules=rules).outcome.value for f, r in pairs
    )  # also the warm-up round
    rates = []
    for _ in range(rounds):
        began = time.perf_counter()
        for facts, request in pairs:
            evaluate(facts=facts, request=request, rules=rules)
        rates.append(count / (time.perf_counter() - began))
    as_list = list(rules)
    began = time.perf_counter()
    for facts, request in pairs:
        evaluate(facts=facts, request=request, rules=as_list)
    list_rate = count / (time.perf_counter() - began)
    median = statistics.median(rates)
    return {
        "facts": count,
        "rounds": rounds,
        "rules": len(rules),
        "evaluations_per_second": round(median),
        "best_round_per_second": round(max(rates)),
        "rounds_per_second": [round(r) for r in rates],
        "microseconds_per_evaluation": round(1_000_000 / median, 2),
        "plain_list_per_second": round(list_rate),
        "compile_builtin_ms": round(compile_ms, 2),
        "outcomes": dict(sorted(outcomes.items())),
        "goal_evaluations_per_second": GOAL_PER_SECOND,
        "goal_met": median >= GOAL_PER_SECOND,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--facts", type=int, default=10_000, help="(facts, request) pairs")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over all of them")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.facts < 1 or args.rounds < 1:
        parser.error("--facts and --rounds must be at least 1")
    setup_django()
    say(f"policy engine: {args.facts:,} facts, {args.rounds} rounds, one thread")
    figures = measure(count=args.facts, rounds=args.rounds, seed=args.seed)
    say(f"{'rules':>6} {'evals/s (median)':>17} {'best':>9} {'µs/eval':>8} {'list input':>11}")
    say(
        f"{figures['rules']:>6} {figures['evaluations_per_second']:>17,} "
        f"{figures['best_round_per_second']:>9,} {figures['microseconds_per_evaluation']:>8} "
        f"{figures['plain_list_per_second']:>11,}"
    )
    say(f"compiling the built-in rules: {figures['compile_builtin_ms']} ms; {figures['outcomes']}")
    say(
        f"goal: {GOAL_PER_SECOND:,.0f} evaluations/s: {'met' if figures['goal_met'] else 'NOT met'}"
    )
    summary = {
        "benchmark": "policies",
        **figures,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "code": code_version(),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
