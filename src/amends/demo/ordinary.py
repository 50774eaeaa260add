"""Ordinary cases across the eight storefronts: the everyday queue around the five stories.

The customers, their orders and parcels are reference data (created in bulk); every case on
top of them goes through the services, with the demo clock set to when each step happened.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from amends.accounts.models import User
from amends.brands.models import Brand
from amends.carriers.models import Shipment, TrackingEvent
from amends.carriers.taxonomy import TrackingStatus as T
from amends.cases.models import Case, CaseStatus, Channel, Priority
from amends.cases.services import (
    case_assign,
    case_open,
    case_set_priority,
    case_set_status,
    case_transfer,
)
from amends.commerce.models import Order, OrderLine, OrderStatus
from amends.commitments.models import Commitment, CommitmentKind
from amends.commitments.services import (
    Due,
    commitment_keep,
    commitment_make,
    commitment_mark_broken,
)
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.customers.models import Customer, CustomerIdentity, IdentityKind
from amends.demo import catalogue, language, texts
from amends.demo.reference import DemoWorld, ascii_fold
from amends.demo.stories.common import inbound_case
from amends.inbound.services import inbound_receive

Progress = Callable[[str, int, int], None]
V = TypeVar("V")

# Which languages each storefront's customers write in, and how often.
CUSTOMER_LANGUAGES: dict[str, list[tuple[str, int]]] = {
    "fr": [("fr", 9), ("en", 1)],
    "nl": [("nl", 12), ("en", 1)],
    "be": [("nl", 3), ("fr", 2)],
    "de": [("de", 19), ("en", 1)],
    "es": [("es", 1)],
    "it": [("it", 1)],
    "pl": [("pl", 1)],
    "lt": [("lt", 1)],
}
DESK = {code: f"{code}-desk" for code in CUSTOMER_LANGUAGES}
CARRIER_OF = {
    "fr": "colissimo",
    "nl": "postnl",
    "be": "postnl",
    "de": "dhl",
    "es": "seur",
    "it": "dhl",
    "pl": "dhl",
    "lt": "dhl",
}
OUTCOMES = [
    ("new", 16),
    ("open", 22),
    ("waiting_on_customer", 10),
    ("waiting_on_third_party", 12),
    ("solved", 22),
    ("closed", 13),
    ("broken", 5),
]
PRIORITIES = [(Priority.LOW, 10), (Priority.NORMAL, 68), (Priority.HIGH, 17), (Priority.URGENT, 5)]
CHANNELS = [
    (Channel.EMAIL, 40),
    (Channel.WEB, 25),
    (Channel.CHAT, 20),
    (Channel.PHONE, 10),
    (Channel.STORE, 5),
]
# How long before the case the order was placed, in days, per scenario.
ORDER_AGE = {
    "where_is_parcel": (7, 10),
    "damaged": (3, 6),
    "wrong_item": (3, 6),
    "return": (5, 15),
    "refund_status": (18, 26),
    "cancel_order": (1, 2),
}
# How long ago the case was opened, in hours, per outcome.
CASE_AGE = {
    "new": (0.2, 20),
    "open": (2, 70),
    "waiting_on_customer": (3, 70),
    "waiting_on_third_party": (3, 70),
    "solved": (4 * 24, 20 * 24),
    "closed": (8 * 24, 40 * 24),
    "broken": (4 * 24, 12 * 24),
}


def _pick(rng: random.Random, weighted: list[tuple[V, int]]) -> V:
    values = [v for v, _ in weighted]
    return rng.choices(values, weights=[w for _, w in weighted])[0]


@dataclass
class Plan:
    brand: str
    lang: str
    customer: Customer
    first: str
    last: str
    gender: str
    email: str
    scenario: str
    outcome: str
    channel: str
    priority: int
    opened: dt.datetime
    product: str
    order: Order | None = None


def build_ordinary(world: DemoWorld, *, count: int, progress: Progress | None = None) -> int:
    plans = _plan(world, count)
    _orders_and_parcels(world, plans)
    for index, plan in enumerate(plans, start=1):
        _play(world, plan)
        if progress and (index % 25 == 0 or index == len(plans)):
            progress("ordinary cases", index, len(plans))
    return len(plans)


def _plan(world: DemoWorld, count: int) -> list[Plan]:
    rng, codes = world.rng, list(CUSTOMER_LANGUAGES)
    per_brand = [codes[i % len(codes)] for i in range(count)]
    # A few customers write more than once: about two cases for every three customers.
    pools: dict[str, list[tuple[Customer, str, str, str, str, str]]] = {}
    serial = 0
    for code in codes:
        wanted = max(1, (per_brand.count(code) * 2 + 2) // 3)
        people: list[tuple[Customer, str, str, str, str, str]] = []
        brand = world.brands[code]
        for _ in range(wanted):
            serial += 1
            lang = _pick(rng, CUSTOMER_LANGUAGES[code])
            names = catalogue.BELGIAN_NAMES[lang] if code == "be" else catalogue.NAMES[lang]
            first, last, gender = rng.choice(names)
            local = ascii_fold(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
            email = f"{local}.{serial}@example.com"
            customer = Customer(
                brand=brand,
                name=f"{first} {last}",
                language=lang,
                register=brand.default_register,
                country=brand.country,
                is_premium=rng.random() < 0.12,
                external_id=f"demo:{email}",
            )
            people.append((customer, lang, first, last, gender, email))
        pools[code] = people
    everyone = [p for people in pools.values() for p in people]
    Customer.objects.bulk_create([p[0] for p in everyone])
    CustomerIdentity.objects.bulk_create(
        CustomerIdentity(customer=p[0], kind=IdentityKind.EMAIL, value=p[5]) for p in everyone
    )
    plans: list[Plan] = []
    for code in per_brand:
        customer, lang, first, last, gender, email = rng.choice(pools[code])
        outcome = _pick(rng, OUTCOMES)
        scenario = rng.choice(texts.SCENARIOS)
        if outcome == "waiting_on_customer" and scenario not in {"damaged", "wrong_item"}:
            scenario = rng.choice(["damaged", "wrong_item"])
        channel = _pick(rng, CHANNELS)
        if channel == Channel.STORE and code != "fr":
            channel = Channel.EMAIL
        low, high = CASE_AGE[outcome]
        opened = world.now - dt.timedelta(hours=rng.uniform(low, high))
        plans.append(
            Plan(
                brand=code,
                lang=lang,
                customer=customer,
                first=first,
                last=last,
                gender=gender,
                email=email,
                scenario=scenario,
                outcome=outcome,
                channel=channel,
                priority=_pick(rng, PRIORITIES),
                opened=opened,
                product="",
            )
        )
    return plans


def _orders_and_parcels(world: DemoWorld, plans: list[Plan]) -> None:
    rng = world.rng
    numbers = rng.sample(range(100_000, 999_999), len(plans))
    lines: list[OrderLine] = []
    for plan, number in zip(plans, numbers, strict=True):
        sku, price, titles = rng.choice(catalogue.PRODUCTS)
        brand = world.brands[plan.brand]
        if brand.currency == "PLN":
            price = (price * Decimal("4.3")).quantize(Decimal("1")) - Decimal("0.01")
        plan.product = titles[plan.lang]
        low, high = ORDER_AGE[plan.scenario]
        placed = plan.opened - dt.timedelta(days=rng.uniform(low, high))
        cancelled = plan.scenario == "cancel_order" and plan.outcome in {"solved", "closed"}
        plan.order = Order(
            brand=brand,
            customer=plan.customer,
            number=f"{plan.brand.upper()}3{number}",
            placed_at=placed,
            currency=brand.currency,
            total=price,
            status=OrderStatus.CANCELLED
            if cancelled
            else (OrderStatus.PAID if plan.scenario == "cancel_order" else OrderStatus.SHIPPED),
        )
        lines.append(
            OrderLine(
                order=plan.order, sku=sku, title=titles[brand.default_language], unit_price=price
            )
        )
    Order.objects.bulk_create([p.order for p in plans if p.order is not None])
    OrderLine.objects.bulk_create(lines)

    shipments: list[tuple[Shipment, list[tuple[str, dt.datetime]], str]] = []
    for serial, plan in enumerate(plans):
        order = plan.order
        if order is None or plan.scenario == "cancel_order":
            continue
        carrier = CARRIER_OF[plan.brand]
        scans: list[tuple[str, dt.datetime]] = [
            (T.INFO_RECEIVED, order.placed_at + dt.timedelta(hours=14)),
            (T.IN_TRANSIT, order.placed_at + dt.timedelta(hours=30)),
        ]
        if plan.scenario != "where_is_parcel":
            scans += [
                (T.OUT_FOR_DELIVERY, order.placed_at + dt.timedelta(hours=48)),
                (T.DELIVERED, order.placed_at + dt.timedelta(hours=52, minutes=serial % 50)),
            ]
        shipment = Shipment(
            order=order,
            carrier=world.carriers[carrier],
            status=scans[-1][0],
            tracking_number=_tracking_number(carrier, plan.brand, serial),
            shipped_at=scans[0][1],
            delivered_at=scans[-1][1] if len(scans) > 2 else None,
            last_event_at=scans[-1][1],
        )
        shipments.append((shipment, scans, plan.brand))
    Shipment.objects.bulk_create([s for s, _, _ in shipments])
    TrackingEvent.objects.bulk_create(
        TrackingEvent(
            shipment=shipment,
            status=status,
            occurred_at=at,
            description=catalogue.TRACKING_WORDS[world.brands[code].default_language][status],
        )
        for shipment, scans, code in shipments
        for status, at in scans
    )


def _tracking_number(carrier: str, brand: str, serial: int) -> str:
    if carrier == "colissimo":
        return f"6A{31_000_000_000 + serial * 7919:011d}"
    if carrier == "postnl":
        return f"3SDMS{4_100_000_000 + serial * 104_729:010d}"
    if carrier == "seur":
        return f"80{60_000_000 + serial * 7_321:08d}"
    if brand == "de":
        return f"00340434{163_000_000_000 + serial * 15_485_863:012d}"
    return f"JJD0099{91_000_000_000 + serial * 3_571:011d}"


def _agent_for(world: DemoWorld, plan: Plan, *, other_than: User | None = None) -> User:
    members = [u for u in world.team_members(DESK[plan.brand]) if u != other_than]
    speakers = [u for u in members if plan.lang in world.agent_languages.get(u.pk, [])]
    return world.rng.choice(speakers or members)


def _play(world: DemoWorld, plan: Plan) -> None:
    rng, clock = world.rng, world.clock
    brand = world.brands[plan.brand]
    order = _order_of(plan)
    scenario = texts.TEXTS[plan.lang][plan.scenario]
    words = {"order": order.number, "product": plan.product, "first": plan.first, "last": plan.last}
    calendar = brand.calendar()

    def during_hours(hours: float) -> dt.datetime:
        """Agents work in the storefront's opening hours."""
        return clock.set(calendar.add_business_hours(clock.now(), hours))

    clock.set(plan.opened)
    case = _open(world, plan, brand, scenario, words)
    if plan.outcome == "new":
        return

    # An agent takes it, sometimes hands it on, sometimes leaves a note.
    during_hours(rng.uniform(0.2, 4))
    agent = _agent_for(world, plan)
    case_assign(case=case, assignee=agent, actor=agent)
    refund = texts.PROMISE[plan.scenario] == CommitmentKind.REFUND
    if rng.random() < 0.12:
        clock.advance(dt.timedelta(minutes=rng.uniform(3, 40)))
        other = _agent_for(world, plan, other_than=agent)
        case_transfer(
            case=case,
            actor=agent,
            to_assignee=other,
            note=catalogue.HANDOFF_NOTES[_lang_of(agent)][0 if refund else 1],
        )
        agent = other
    if rng.random() < 0.3:
        clock.advance(dt.timedelta(minutes=rng.uniform(2, 20)))
        note = 0 if plan.scenario == "where_is_parcel" else (2 if refund else 1)
        case_add_note(case=case, actor=agent, text=catalogue.NOTES[_lang_of(agent)][note])

    reply = _letter(world, plan, brand, agent)
    now = clock.advance(dt.timedelta(minutes=rng.uniform(2, 25)))
    if plan.outcome == "waiting_on_customer":
        body = texts.question_body(language=plan.lang, register=plan.customer.register)
        case_reply(case=case, actor=agent, text=reply(body), status=CaseStatus.WAITING_ON_CUSTOMER)
        return

    kind = texts.PROMISE[plan.scenario]
    days = rng.randint(2, 4)
    due = calendar.add_business_days(now, days)
    if plan.outcome == "broken":
        due = calendar.add_business_hours(now, rng.choice([4, 8]))
    else:
        while plan.outcome in {
            "open",
            "waiting_on_third_party",
        } and due <= world.now + dt.timedelta(hours=3):
            days += 1
            due = calendar.add_business_days(now, days)
    when = language.format_day(due, language=plan.lang, time_zone=brand.time_zone)
    body = texts.reply_body(
        language=plan.lang, register=plan.customer.register, scenario=plan.scenario
    )
    status = CaseStatus.WAITING_ON_THIRD_PARTY if plan.outcome == "waiting_on_third_party" else None
    case_reply(case=case, actor=agent, text=reply(body.format(date=when, **words)), status=status)
    promise = commitment_make(
        case=case,
        actor=agent,
        kind=kind,
        now=now,
        due=Due(at=due),
        description=texts.COMMITMENT_WORDS[plan.lang][kind].format(
            order=order.number, date=when, name=plan.customer.name, time=""
        ),
    )
    if plan.channel == Channel.PHONE and plan.outcome == "open":
        _callback(world, plan, case, agent, now)

    if plan.outcome == "broken":
        clock.set(promise.due_at + dt.timedelta(minutes=1))
        commitment_mark_broken(commitment_id=promise.pk, now=clock.now())
        clock.advance(dt.timedelta(hours=rng.uniform(2, 20)))
        message_receive(
            case=case,
            channel=plan.channel,
            language=plan.lang,
            text=texts.CHASERS[plan.lang].format(date=when),
        )
        case_set_priority(
            case=case,
            actor=None,
            priority=max(case.priority, Priority.HIGH),
            reason="a promise to this customer was broken",
        )
        return
    if plan.outcome in {"solved", "closed"}:
        clock.advance(dt.timedelta(hours=rng.uniform(3, 30)))
        message_receive(
            case=case, channel=plan.channel, language=plan.lang, text=scenario.follow_up
        )
        during_hours(rng.uniform(2, 16))
        done = {"refund": "refunded", "replacement": "replacement delivered"}.get(kind, "date sent")
        commitment_keep(commitment=promise, actor=agent, fulfilled_by=f"order:{order.pk}:{done}")
        case_set_status(case=case, actor=agent, status=CaseStatus.SOLVED, reason="promise kept")
        if plan.outcome == "closed":
            clock.advance(dt.timedelta(days=rng.uniform(3, 7)))
            case_set_status(
                case=case,
                actor=None,
                status=CaseStatus.CLOSED,
                reason="no reply for three days after solving",
            )


def _open(
    world: DemoWorld, plan: Plan, brand: Brand, scenario: texts.Scenario, words: dict[str, str]
) -> Case:
    order = _order_of(plan)
    subject = scenario.subject.format(**words)
    text = scenario.message.format(**words)
    if plan.channel == Channel.WEB and world.rng.random() < 0.6:
        raw = json.dumps(
            {
                "brand": plan.brand,
                "email": plan.email,
                "name": plan.customer.name,
                "language": plan.lang,
                "subject": subject,
                "message": text,
                "order_number": order.number,
            },
            ensure_ascii=False,
        ).encode()
        case = inbound_case(
            inbound_receive(channel=Channel.WEB, source="demo:contact-form", raw=raw)
        )
        if plan.priority != Priority.NORMAL:
            case_set_priority(
                case=case,
                actor=None,
                priority=plan.priority,
                reason="set from the contact form's topic",
            )
        return case
    case = case_open(
        brand=brand,
        customer=plan.customer,
        subject=subject,
        channel=plan.channel,
        language=plan.lang,
        priority=plan.priority,
        orders=[order],
    )
    message_receive(case=case, channel=plan.channel, language=plan.lang, text=text)
    return case


def _callback(
    world: DemoWorld, plan: Plan, case: Case, agent: User, now: dt.datetime
) -> Commitment:
    brand = world.brands[plan.brand]
    calendar = brand.calendar()
    start = max(now, world.now + dt.timedelta(hours=1))
    due = calendar.at_local_time(start, dt.time(17))
    while not calendar.is_business_day(due.astimezone(calendar.tz).date()):
        due = calendar.at_local_time(due + dt.timedelta(minutes=1), dt.time(17))
    day = language.format_day(due, language=plan.lang, time_zone=brand.time_zone)
    description = texts.COMMITMENT_WORDS[plan.lang][CommitmentKind.CALLBACK].format(
        name=plan.customer.name, time=f"17:00 ({day})", order="", date=day
    )
    return commitment_make(
        case=case,
        actor=agent,
        kind=CommitmentKind.CALLBACK,
        now=now,
        due=Due(at=due),
        description=description,
    )


def _order_of(plan: Plan) -> Order:
    if plan.order is None:
        raise RuntimeError("orders are created before the cases are played")
    return plan.order


def _lang_of(user: User) -> str:
    return user.language if user.language in catalogue.NOTES else "en"


def _letter(world: DemoWorld, plan: Plan, brand: Brand, agent: User) -> Callable[[str], str]:
    def wrap(body: str) -> str:
        return language.letter(
            language=plan.lang,
            register=plan.customer.register,
            gender=plan.gender,
            first=plan.first,
            last=plan.last,
            body=body,
            agent=agent.first_name,
            shop=brand.name,
        )

    return wrap
