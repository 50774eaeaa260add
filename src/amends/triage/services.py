"""Storing a message's triage and carrying it over to its case.

The triage itself (embeddings, classifiers: tens of milliseconds) runs before any transaction
is opened, so the write lock is held only for the few rows written. Storing is idempotent: one
:class:`MessageTriage` per message (a unique key), and a second call returns the first row
without touching the case or the timeline again.

What the case gets from a message's triage:

* ``language`` — only if the case has none yet (the first message that says it);
* ``intents`` — the union of every message's intents, in order of appearance;
* ``sentiment`` — the latest message's, as a score from -1 (negative) to 1 (positive);
* ``churn_risk`` — the highest any message had: a customer who said they are leaving has not
  taken it back by writing "thanks" afterwards;
* the customer's orders the message names (by order number, or by the tracking number of one of
  their parcels), linked to the case.

Then, in the same transaction, routing (``amends.triage.routing.route_after_triage``, when
installed) decides where the case goes.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q

from amends.cases.models import Case
from amends.cases.services import case_link_order
from amends.commerce.models import Order
from amends.conversations.models import Message
from amends.mail.threads import order_candidates
from amends.triage import events
from amends.triage.models import MessageTriage
from amends.triage.result import UNKNOWN, Triage


def _local_day(message: Message) -> dt.date:
    try:
        zone = ZoneInfo(message.case.brand.time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return message.created_at.astimezone(zone).date()


def message_triage_compute(*, message: Message) -> Triage:
    """What the configured triager says about ``message`` (no database writes)."""
    return message_triage_compute_many(messages=[message])[0]


def message_triage_compute_many(*, messages: Sequence[Message]) -> list[Triage]:
    """:func:`message_triage_compute` for many messages at once, in their order: one embedding
    batch per storefront language set and local day (the triager reads both)."""
    from amends.triage.engine import triager

    groups: dict[tuple[tuple[str, ...], dt.date], list[int]] = {}
    for index, message in enumerate(messages):
        languages = tuple(str(lang) for lang in (message.case.brand.languages or []))
        groups.setdefault((languages, _local_day(message)), []).append(index)
    verdicts: list[Triage | None] = [None] * len(messages)
    engine = triager()
    for (languages, today), indexes in groups.items():
        found = engine.triage_many(
            [messages[i].body_text for i in indexes], languages=list(languages), today=today
        )
        for index, verdict in zip(indexes, found, strict=True):
            verdicts[index] = verdict
    return [v for v in verdicts if v is not None]


def _named_orders(*, case: Case, message: Message, triage: Triage) -> list[Order]:
    numbers = set(order_candidates(message.body_text))
    numbers |= {e.value for e in triage.entities if e.kind == "order_number"}
    numbers |= {e.value.replace("-", "") for e in triage.entities if e.kind == "order_number"}
    parcels = {e.value for e in triage.entities if e.kind == "tracking_number"}
    if not numbers and not parcels:
        return []
    named = Q(number__in=numbers) | Q(shipments__tracking_number__in=numbers | parcels)
    return list(Order.objects.filter(named, customer_id=case.customer_id).distinct().order_by("id"))


def _stored(triage: Triage, message: Message) -> MessageTriage:
    return MessageTriage(
        message=message,
        lang=triage.lang,
        lang_score=triage.lang_score,
        languages=[list(item) for item in triage.languages],
        intents=[list(item) for item in triage.intents],
        sentiment=triage.sentiment,
        sentiment_score=triage.sentiment_score,
        churn_risk=triage.churn_risk,
        churn=triage.churn,
        churn_phrase=triage.churn_phrase[:300],
        entities=[asdict(e) for e in triage.entities],
        model_version=triage.model_version,
    )


def _router() -> Callable[..., object] | None:
    """``amends.triage.routing.route_after_triage`` when routing is installed."""
    try:
        module = importlib.import_module("amends.triage.routing")
    except ModuleNotFoundError as exc:
        if exc.name != "amends.triage.routing":
            raise  # routing is there but something it needs is not: a bug to see, not hide
        return None
    route = getattr(module, "route_after_triage", None)
    return route if callable(route) else None


def message_triage_store(*, message: Message, triage: Triage) -> tuple[MessageTriage, bool]:
    """Store ``triage`` for ``message``, carry it to the case and route the case, in one
    transaction (a routing failure leaves no half-triaged case; the task runs again); (row,
    whether it was new)."""
    with transaction.atomic():
        # The case's row is held first: two messages of one case are carried over one at a
        # time, and a second run for this message waits, then finds the first one's row.
        case = Case.objects.select_for_update().get(pk=message.case_id)
        existing = MessageTriage.objects.filter(message=message).first()
        if existing is not None:
            return existing, False
        row = _stored(triage, message)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:  # stored by another worker meanwhile (SQLite has no row locks)
            return MessageTriage.objects.get(message=message), False
        changed = _update_case(case=case, triage=triage)
        if triage.lang != UNKNOWN and message.language != triage.lang:
            Message.objects.filter(pk=message.pk).update(language=triage.lang)
            message.language = triage.lang
        linked = []
        for order in _named_orders(case=case, message=message, triage=triage):
            if not case.orders.filter(pk=order.pk).exists():
                case_link_order(case=case, order=order, actor=None)
                linked.append(order.number)
        if linked:
            changed["orders_linked"] = linked
        events.message_triaged(case=case, message_id=message.pk, triage=triage, changed=changed)
        route = _router()
        if route is not None:
            route(case=case, message=message, triage=triage)
    return row, True


def _update_case(*, case: Case, triage: Triage) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if not case.language and triage.lang != UNKNOWN:
        changes["language"] = triage.lang
    intents = list(case.intents or [])
    for intent in triage.intent_ids:
        if intent not in intents:
            intents.append(intent)
    if "other" in intents and len(intents) > 1:
        intents.remove("other")  # "other" only while nothing more specific is known
    if intents != list(case.intents or []):
        changes["intents"] = intents
    if case.sentiment != triage.sentiment_score:
        changes["sentiment"] = triage.sentiment_score
    if case.churn_risk is None or triage.churn_risk > case.churn_risk:
        changes["churn_risk"] = triage.churn_risk
    if changes:
        Case.objects.filter(pk=case.pk).update(**changes)
    before = {field: getattr(case, field) for field in changes}
    for field, value in changes.items():
        setattr(case, field, value)
    return {field: [before[field], value] for field, value in changes.items()}
