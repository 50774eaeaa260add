"""Orders (snapshots of the shop's order system), their lines and sellers, and remedies.

Also the tables of the two shop connections: the built-in demo shop's own books (``Demo*``,
kept by ``adapters/demo.py``) and the Shopify importer's map of Shopify ids (``Shopify*``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.models import TimeStampedModel


class Seller(TimeStampedModel):
    """A third-party marketplace seller. Sees only cases about its own orders."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class Order(TimeStampedModel):
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    seller = models.ForeignKey(
        Seller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text=_("Set when a third-party seller fulfils the order"),
    )
    number = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PAID)
    placed_at = models.DateTimeField()
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "number"], name="order_number_per_brand"),
        ]
        indexes = [models.Index(fields=["customer", "-placed_at"])]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="order_lines"
    )

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class RemedyKind(models.TextChoices):
    REFUND_FULL = "refund_full", _("Full refund")
    REFUND_PARTIAL = "refund_partial", _("Partial refund")
    RESHIP = "reship", _("Reship")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price-drop adjustment")
    RETURN_LABEL = "return_label", _("Return label")
    REDELIVERY = "redelivery", _("Redelivery")
    GOODWILL_CREDIT = "goodwill_credit", _("Goodwill credit")
    MEMBERSHIP_CANCELLATION = "membership_cancellation", _("Membership cancellation")


class RemedyStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NEEDS_APPROVAL = "needs_approval", _("Needs approval")
    APPROVED = "approved", _("Approved")
    EXECUTED = "executed", _("Executed")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class Remedy(TimeStampedModel):
    """What was granted to put things right. Decided by the policy engine, executed by the shop."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="remedies")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(max_length=32, choices=RemedyKind.choices)
    status = models.CharField(
        max_length=16, choices=RemedyStatus.choices, default=RemedyStatus.PROPOSED
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decision = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    # The shop's receipt (``Receipt.reference``), by which its later confirmation finds this.
    shop_reference = models.CharField(max_length=80, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the shop confirmed it was carried out")
    )
    # What the customer was promised on it; kept when the shop confirms.
    commitment = models.ForeignKey(
        "commitments.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="remedies",
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case_id}"


# --- operations asked of a shop ---------------------------------------------------------------


class ShopOperationKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    RESHIP = "reship", _("Reship")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price-drop adjustment")
    RETURN_LABEL = "return_label", _("Return label")
    REDELIVERY = "redelivery", _("Redelivery")
    GOODWILL_CREDIT = "goodwill_credit", _("Goodwill credit")
    MEMBERSHIP_CANCEL = "membership_cancel", _("Membership cancellation")


class ShopOperation(models.Model):
    """One operation amends asked a shop to carry out, stored once per idempotency key.

    The row is written in the same transaction as the operation itself, so the same key twice
    finds the first receipt instead of doing the work again (``adapters.idempotency.run_once``).
    ``confirmed_at`` is set when the shop confirms what the receipt left open (a refund that
    reached the customer's account): ``commerce.confirmations.shop_confirmed``.
    """

    idempotency_key = models.CharField(max_length=120, unique=True)
    backend = models.CharField(max_length=40, help_text=_("Which shop carried it out"))
    kind = models.CharField(max_length=24, choices=ShopOperationKind.choices)
    brand_code = models.CharField(max_length=16)
    # What was asked, to refuse the same key reused for something else.
    request = models.JSONField(default=dict)
    reference = models.CharField(max_length=80, blank=True, db_index=True)
    confirmed = models.BooleanField(default=False, help_text=_("Confirmed when it was carried out"))
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    expected_by = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.reference or self.idempotency_key}"


# --- the built-in demo shop's own books (adapters/demo.py) ----------------------------------


class LedgerKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price adjustment")
    MEMBERSHIP_PAYMENT = "membership_payment", _("Membership payment")
    MEMBERSHIP_REFUND = "membership_refund", _("Membership refund")


# Ledger kinds that give money back to the customer.
MONEY_BACK = (LedgerKind.REFUND, LedgerKind.PRICE_ADJUSTMENT, LedgerKind.MEMBERSHIP_REFUND)


class DemoLedgerEntry(models.Model):
    """A movement of money in the demo shop's payment ledger, for an order or a membership.

    Amounts are positive; the kind says which way the money went. Money going back to the
    customer is *pending* until the payment provider settles it (``demo_shop_settle``).
    """

    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="demo_ledger"
    )
    membership = models.ForeignKey(
        "DemoMembership", null=True, blank=True, on_delete=models.CASCADE, related_name="ledger"
    )
    kind = models.CharField(max_length=20, choices=LedgerKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    reference = models.CharField(max_length=40, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = _("demo ledger entries")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(order__isnull=False) | models.Q(membership__isnull=False),
                name="ledger_entry_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.kind} {self.amount} {self.currency}"


class DemoCreditBalance(models.Model):
    """Store credit a customer can spend in the demo shop, per currency."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="demo_credit"
    )
    currency = models.CharField(max_length=3, default="EUR")
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "currency"], name="credit_per_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.balance} {self.currency}"


class DemoMembership(models.Model):
    """A paid membership (free delivery and the like) the demo shop sells for a period."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="demo_memberships"
    )
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="+")
    plan = models.CharField(max_length=60)
    price_paid = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    period_start = models.DateField()
    period_end = models.DateField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.plan} for {self.customer_id} until {self.period_end}"


class DemoReturnLabel(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="demo_return_labels")
    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="+")
    tracking_number = models.CharField(max_length=64)
    reference = models.CharField(max_length=40, unique=True)
    lines = models.JSONField(default=list, help_text=_("[{sku, quantity}] being returned"))
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.reference} ({self.tracking_number})"


class DemoRedelivery(models.Model):
    """A request to the carrier to try delivering a parcel again, on a day or the next one."""

    shipment = models.ForeignKey(
        "carriers.Shipment", on_delete=models.CASCADE, related_name="demo_redeliveries"
    )
    requested_for = models.DateField()
    reference = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("demo redeliveries")

    def __str__(self) -> str:
        return f"{self.reference} on {self.requested_for}"


# --- Shopify (shopify/) -------------------------------------------------------------------------


SHOPIFY_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com")


class ShopifyShop(models.Model):
    """A Shopify store whose order webhooks amends imports, and the storefront it sells for."""

    domain = models.CharField(
        max_length=255, unique=True, help_text=_("The shop's myshopify.com domain")
    )
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        self.domain = self.domain.strip().lower()
        if not SHOPIFY_DOMAIN.fullmatch(self.domain):
            raise ValidationError({"domain": _("Enter a domain like example.myshopify.com.")})


class ShopifyDelivery(models.Model):
    """The headers of one stored webhook delivery: what its raw body is about."""

    inbound = models.OneToOneField(
        "inbound.InboundMessage", on_delete=models.CASCADE, related_name="shopify_delivery"
    )
    shop_domain = models.CharField(max_length=255)
    topic = models.CharField(max_length=80)
    webhook_id = models.CharField(max_length=100, blank=True)
    event_id = models.CharField(max_length=100, blank=True, db_index=True)
    api_version = models.CharField(max_length=20, blank=True)
    triggered_at = models.DateTimeField(null=True, blank=True)
    # The Shopify order this delivery is about: a refund or a fulfillment that arrives before its
    # order waits for it and is applied when the order is imported.
    order_ref = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = _("Shopify deliveries")

    def __str__(self) -> str:
        return f"{self.topic} from {self.shop_domain}"


class ShopifyKind(models.TextChoices):
    ORDER = "order", _("Order")
    REFUND = "refund", _("Refund")
    FULFILLMENT = "fulfillment", _("Fulfillment")
    CUSTOMER = "customer", _("Customer")


class ShopifyRecord(models.Model):
    """What a Shopify id was imported as, and how new the imported copy is.

    ``remote_updated_at`` is Shopify's ``updated_at`` of the copy we hold: an event about the
    same object that is older never overwrites it. ``facts`` keeps what the snapshot models have
    no field for (financial status, fulfilment state) so a later refund or fulfilment can work
    out the order's status again.
    """

    shop = models.ForeignKey(ShopifyShop, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=12, choices=ShopifyKind.choices)
    shopify_id = models.BigIntegerField()
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="shopify_records"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shopify_records",
    )
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "shopify_id"], name="shopify_record_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.shopify_id}"


class OrderContradiction(models.Model):
    """A disagreement between an order's, its payment's and its parcels' states
    (``commerce.consistency``), with the case opened for it. One open row per order and key, so
    the checker never opens a second case for the same contradiction; once it is gone, the row
    is marked resolved, and should it come back it opens a case of its own."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="contradictions")
    key = models.CharField(
        max_length=80, help_text=_("What disagrees, e.g. refunded_but_travelling:12")
    )
    detail = models.CharField(max_length=300)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "key"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_contradiction_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.key}"


class SellerCharge(models.Model):
    """A remedy on an order a third-party seller fulfilled: the seller is told, and charged the
    amount when the policy says the seller bears the cost (``Decision.cost_bearer``); with
    another bearer (the carrier's claim, the platform) the amount charged is zero."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="charges")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="seller_charges")
    remedy = models.OneToOneField(Remedy, on_delete=models.PROTECT, related_name="seller_charge")
    bearer = models.CharField(max_length=16, help_text=_("Who bears the cost, per the policy"))
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="EUR")
    rules = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.seller} · {self.amount} {self.currency} · remedy {self.remedy_id}"
