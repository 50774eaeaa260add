"""The demo shop's payment provider settling refunds, a little while after they were made.

A real payment provider confirms a refund later (a webhook, a settlement file); the demo shop
does the same so that everything waiting on that confirmation — the commitment told to the
customer — is exercised in the demo too. Each refund enqueues :func:`demo_shop_settle` when it
commits, to run ``SETTLE_AFTER_SECONDS`` later; :func:`demo_settle_due` is the sweep that
catches what a lost task or a backend without delays left pending. Settling twice is harmless:
an entry already settled is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from amends.commerce.confirmations import shop_confirmed
from amends.commerce.models import MONEY_BACK, DemoLedgerEntry


def demo_settle(*, reference: str, now: dt.datetime | None = None) -> bool:
    """Settle one pending refund and confirm it to amends; False when there was nothing to do."""
    moment = now or timezone.now()
    with transaction.atomic():
        entry = (
            DemoLedgerEntry.objects.select_for_update()
            .filter(reference=reference, kind__in=MONEY_BACK, settled_at__isnull=True)
            .first()
        )
        if entry is None:
            return False
        entry.settled_at = moment
        entry.save(update_fields=["settled_at"])
        shop_confirmed(reference=entry.reference, confirmed_at=moment)
    return True


def demo_settle_due(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Settle every refund pending for longer than ``older_than``; return how many."""
    moment = now or timezone.now()
    references = DemoLedgerEntry.objects.filter(
        kind__in=MONEY_BACK, settled_at__isnull=True, created_at__lte=moment - older_than
    ).values_list("reference", flat=True)
    return sum(demo_settle(reference=reference, now=moment) for reference in list(references))


@task()
def demo_shop_settle(*, reference: str) -> bool:
    return demo_settle(reference=reference)


def settle_enqueue(*, reference: str, delay_seconds: float) -> None:
    """Enqueue the settlement; a backend that cannot delay (the immediate one) runs it now."""
    if delay_seconds > 0 and demo_shop_settle.get_backend().supports_defer:
        run_after = timezone.now() + dt.timedelta(seconds=delay_seconds)
        demo_shop_settle.using(run_after=run_after).enqueue(reference=reference)
    else:
        demo_shop_settle.enqueue(reference=reference)
