"""The consistency checker: one case for each contradiction between an order's states.

``commerce.consistency.contradictions`` finds them (pure); this reads the orders that changed
lately, records each contradiction once (``OrderContradiction``, one open row per order and
key), opens a case for it in the storefront's queue, and marks resolved the ones that are gone.
It runs from the worker's sweep (at most every ten minutes: ``core.worker.SWEEPS``) and after
each remedy the shop carried out; ``consistency_check(all=True)`` looks at every order.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

from amends.cases import events
from amends.cases.models import Channel, Priority
from amends.cases.services import case_open
from amends.commerce.consistency import Code, Contradiction, contradictions
from amends.commerce.models import Order, OrderContradiction
from amends.commerce.selectors import order_state

logger = logging.getLogger(__name__)

# What each contradiction is, in the words of the case's subject (translated when it is opened).
LABELS: dict[Code, str] = {
    Code.REFUND_ABOVE_TOTAL: gettext_noop("more refunded than paid"),
    Code.REFUNDED_BUT_UNPAID_BACK: gettext_noop("marked refunded, but the money was not paid back"),
    Code.PAID_BACK_BUT_NOT_REFUNDED: gettext_noop("money paid back, but not marked refunded"),
    Code.CANCELLED_BUT_TRAVELLING: gettext_noop("cancelled, but a parcel is on its way"),
    Code.REFUNDED_BUT_TRAVELLING: gettext_noop("refunded, but a parcel is on its way"),
    Code.DELIVERED_BUT_NOT_ARRIVED: gettext_noop("marked delivered, but a parcel has not arrived"),
    Code.ARRIVED_BUT_NOT_DELIVERED: gettext_noop("every parcel arrived, but not marked delivered"),
    Code.RETURNED_BUT_TRAVELLING: gettext_noop("returned, but a parcel is shown on its way"),
    Code.DELIVERY_DATE_WITHOUT_DELIVERY: gettext_noop(
        "a delivery date, but nothing will be delivered"
    ),
}
# Found, but no reason for a case: every parcel arrived and the order still says shipped. The
# order's own status lags behind its parcels in most shops (Shopify has no "delivered" order
# status at all), and what a customer is shown comes from the parcels, which are right. A case
# for each would bury the queues: the demo's orders alone gave 208.
NO_CASE = frozenset({Code.ARRIVED_BUT_NOT_DELIVERED})
RECENT = dt.timedelta(days=2)  # orders or parcels changed within this are looked at
BATCH = 200


def _changed_since(since: dt.datetime) -> list[int]:
    changed = Order.objects.filter(
        Q(updated_at__gte=since)
        | Q(shipments__updated_at__gte=since)
        | Q(shipments__last_event_at__gte=since)
    )
    return list(changed.order_by("id").values_list("id", flat=True).distinct())


def _open_case(order: Order, found: Contradiction) -> OrderContradiction | None:
    """Record the contradiction and open its case, once."""
    try:
        with transaction.atomic():
            row = OrderContradiction.objects.create(
                order=order, key=found.key, detail=found.detail[:300]
            )
            # The case is for the storefront's staff: worded in the storefront's language.
            with override(order.brand.default_language):
                subject = gettext("Order %(number)s: its states disagree (%(what)s)") % {
                    "number": order.number,
                    "what": gettext(LABELS[found.code]),
                }
            case = case_open(
                brand=order.brand,
                customer=order.customer,
                subject=subject,
                channel=Channel.SYSTEM,
                priority=Priority.HIGH,
                orders=[order],
            )
            events.contradiction_found(
                case=case,
                order_id=order.pk,
                number=order.number,
                code=str(found.code),
                detail=found.detail,
            )
            row.case = case
            row.save(update_fields=["case"])
    except IntegrityError:  # open already (found a moment ago by another worker)
        return None
    return row


def check_orders(order_ids: Sequence[int]) -> dict[str, int]:
    """Check these orders; returns how many contradictions were found new and resolved."""
    found_new = resolved = 0
    for start in range(0, len(order_ids), BATCH):
        chunk = order_ids[start : start + BATCH]
        orders = Order.objects.filter(pk__in=chunk).select_related("brand", "customer")
        open_rows: dict[int, dict[str, OrderContradiction]] = {}
        for row in OrderContradiction.objects.filter(order_id__in=chunk, resolved_at=None):
            open_rows.setdefault(row.order_id, {})[row.key] = row
        for order in orders.prefetch_related("shipments__events"):
            state = order_state(order)
            current = {c.key: c for c in contradictions(state) if c.code not in NO_CASE}
            known = open_rows.get(order.pk, {})
            for key, found in current.items():
                if key not in known and _open_case(order, found) is not None:
                    found_new += 1
            gone = [row.pk for key, row in known.items() if key not in current]
            if gone:
                resolved += OrderContradiction.objects.filter(pk__in=gone).update(
                    resolved_at=timezone.now()
                )
    return {"found": found_new, "resolved": resolved}


def consistency_check(*, since: dt.datetime | None = None, all: bool = False) -> dict[str, int]:
    """Check the orders changed since ``since`` (default: the last two days), or every one."""
    if all:
        ids: Iterable[int] = Order.objects.order_by("id").values_list("id", flat=True)
    else:
        ids = _changed_since(since or timezone.now() - RECENT)
    return check_orders(list(ids))
