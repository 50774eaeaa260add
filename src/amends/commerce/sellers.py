"""A third-party seller hears of every remedy granted on an order it fulfilled, and is charged
what the policy puts at its cost.

``seller_charge_record`` runs in the transaction that records a remedy carried out by the shop
(``commerce.remedies.remedy_execute``): one ``SellerCharge`` per remedy (its one-to-one key makes
a retried task record nothing more), an event on the case, and, after commit, the task that
emails the seller once (``told_at``). The seller also sees the case in its own portal pages.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, override
from django_tasks import task

from amends.cases import events
from amends.cases.events import EventKind
from amends.commerce.models import Order, Remedy, Seller, SellerCharge
from amends.web.templatetags.amends_format import money

logger = logging.getLogger(__name__)

SELLER = "seller"


def _seller_of(order: Order) -> Seller | None:
    if order.seller is not None:
        return order.seller
    line = order.lines.filter(seller__isnull=False).select_related("seller").first()
    return line.seller if line is not None else None


def seller_charge_record(*, remedy: Remedy, order: Order) -> SellerCharge | None:
    """Record the charge (zero unless the seller bears the cost) and tell the seller after
    commit. None when no seller fulfilled the order, or when it was recorded before."""
    seller = _seller_of(order)
    if seller is None:
        return None
    decision = remedy.decision or {}
    bearer = str(decision.get("cost_bearer") or "platform")
    amount = remedy.amount if bearer == SELLER and remedy.amount is not None else Decimal("0")
    try:
        with transaction.atomic():
            charge = SellerCharge.objects.create(
                seller=seller,
                order=order,
                remedy=remedy,
                bearer=bearer,
                amount=amount,
                currency=remedy.currency,
                rules=list(decision.get("rules") or []),
            )
    except IntegrityError:  # recorded by an earlier run of the same task
        return None
    events.remedy_event(
        case=remedy.case,
        kind=EventKind.SELLER_CHARGED,
        actor=None,
        remedy_id=remedy.pk,
        seller=seller.name,
        bearer=bearer,
        amount=str(amount),
        currency=remedy.currency,
    )
    charge_id = charge.pk
    transaction.on_commit(lambda: seller_charge_tell.enqueue(charge_id=charge_id))
    return charge


@task()
def seller_charge_tell(*, charge_id: int) -> str:
    """Email the seller about the remedy and what it is charged, once."""
    with transaction.atomic():
        charge = (
            SellerCharge.objects.select_for_update(of=("self",))
            .select_related("seller", "order", "remedy")
            .filter(pk=charge_id)
            .first()
        )
        if charge is None:
            return "missing"
        if charge.told_at is not None:
            return "told already"
        if not charge.seller.email:
            return "no address"
        # Sellers are businesses: written in the shop's language, English for a seller abroad.
        language = charge.order.brand.default_language
        with override(language if charge.seller.country == charge.order.brand.country else "en"):
            subject = gettext("A remedy on your order %(number)s") % {"number": charge.order.number}
            values = {
                "number": charge.order.number,
                "remedy": str(charge.remedy.get_kind_display()),
                "amount": money(charge.remedy.amount or 0, charge.currency),
                "charged": money(charge.amount, charge.currency),
                "rules": ", ".join(charge.rules) or "-",
            }
            if charge.amount > 0:
                body = (
                    gettext(
                        "We granted the customer of order %(number)s a remedy: %(remedy)s "
                        "(%(amount)s). Under the marketplace's terms it is at your cost: "
                        "%(charged)s will be charged to your account.\n\nRules: %(rules)s"
                    )
                    % values
                )
            else:
                body = (
                    gettext(
                        "We granted the customer of order %(number)s a remedy: %(remedy)s "
                        "(%(amount)s). It is not at your cost.\n\nRules: %(rules)s"
                    )
                    % values
                )
        EmailMessage(
            subject=subject,
            body=body,
            from_email=charge.order.brand.sender_email or settings.DEFAULT_FROM_EMAIL,
            to=[charge.seller.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
        charge.told_at = timezone.now()
        charge.save(update_fields=["told_at"])
    return "told"
