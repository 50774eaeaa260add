"""The built-in rule set: the storefront terms of today, as policy rules (data).

These are what the engine uses while the ``PolicyRule`` table is empty, and what
``policy_rules_install_builtin`` copies into it. The numbers are the storefront terms of
``policies.selectors`` (``EU_DEFAULT``, ``LOST_AFTER_DAYS``, ``COUNTRY_OVERRIDES``):
30-day returns above the 14-day legal withdrawal period, a seven-day price-drop refund, a
parcel lost after 10 days without a scan (SEUR 8; Spain 12 and SEUR 12 there; Italy 12 for
carriers without their own number). They are copied, not imported, on purpose: a built-in rule
is versioned data, and a number that changed under the same version would make "return-window
v1" mean two things. ``tests/policies/test_rules_builtin.py`` fails when the two disagree; change
both, with a new version here.

Money amounts are per currency (the storefronts sell in EUR and PLN; PLN at about 4.3 to the
euro, as the demo shop prices). Authority: an agent up to 50 EUR, a supervisor up to 500 EUR,
above that a manager approves; customers serve themselves only in the clear-cut cases (the
rules marked ``self_service``), up to 50 EUR.
"""

from __future__ import annotations

from typing import Any

# Shipment statuses (carriers.taxonomy.TrackingStatus values) after which a parcel no longer
# travels, so days without a scan mean nothing: as policies.order_terms.NOT_TRAVELLING.
_NOT_TRAVELLING = ["delivered", "lost", "damaged", "returned_to_sender", "expired"]
_LOST_AFTER_DAYS = {"dhl": 10, "postnl": 10, "colissimo": 10, "seur": 8}
_LOST_THRESHOLD = {
    "default": 10,
    "carrier": _LOST_AFTER_DAYS,
    "country": {
        "ES": {"default": 12, "carrier": {**_LOST_AFTER_DAYS, "seur": 12}},
        "IT": {"default": 12, "carrier": _LOST_AFTER_DAYS},
    },
}
_REFUNDS = ["refund_full", "refund_partial"]
_ALL_MONEY = [
    "refund_full",
    "refund_partial",
    "reship",
    "price_adjustment",
    "goodwill_credit",
    "membership_cancellation",
]
_ALL = [*_ALL_MONEY, "return_label", "redelivery"]
_WHOLE_ORDER = {"basis": "percent_of_paid", "percent": 100}


def _within(field: str, days: int) -> dict[str, Any]:
    return {"op": "within_days", "field": field, "days": days}


BUILTIN_RULES: tuple[dict[str, Any], ...] = (
    # --- eligibility --------------------------------------------------------------------------
    {
        "id": "legal-withdrawal",
        "version": 1,
        "stage": "allow",
        "statutory": True,
        "remedies": [*_REFUNDS, "return_label"],
        "description": "Legal right of withdrawal: 14 days from delivery (Directive 2011/83/EU, "
        "art. 9), with the item sent back.",
        "when": _within("delivered_on", 14),
        "effect": {
            "amount": _WHOLE_ORDER,
            "self_service": True,
            "customer_reason": "legal_withdrawal",
        },
    },
    {
        "id": "return-window",
        "version": 1,
        "stage": "allow",
        "remedies": [*_REFUNDS, "return_label"],
        "description": "Returns within 30 days of delivery, with the item sent back.",
        "when": _within("delivered_on", 30),
        "effect": {
            "amount": _WHOLE_ORDER,
            "self_service": True,
            "customer_reason": "return_window",
        },
    },
    {
        "id": "not-as-described",
        "version": 1,
        "stage": "allow",
        "remedies": [*_REFUNDS, "reship", "return_label"],
        "description": "Not as described: refund or replacement within the two-year legal "
        "guarantee, with the item sent back; an agent judges the claim.",
        "when": {
            "op": "all",
            "of": [
                {"op": "eq", "field": "reported_problem", "value": "not_as_described"},
                _within("delivered_on", 730),
            ],
        },
        "effect": {"amount": _WHOLE_ORDER, "customer_reason": "not_as_described"},
    },
    {
        "id": "damaged-in-transit",
        "version": 1,
        "stage": "allow",
        "remedies": [*_REFUNDS, "reship"],
        "description": "The carrier reports the parcel damaged: refund or reship without a "
        "return; the carrier's claim pays.",
        "when": {"op": "eq", "field": "shipment_status", "value": "damaged"},
        "effect": {
            "amount": _WHOLE_ORDER,
            "without_return": True,
            "self_service": True,
            "cost_bearer": "carrier",
            "customer_reason": "damaged_in_transit",
        },
    },
    {
        "id": "damaged-on-arrival",
        "version": 1,
        "stage": "allow",
        "remedies": [*_REFUNDS, "reship"],
        "description": "The customer reports damage within 14 days of delivery: refund or "
        "reship without a return; an agent checks the photos; the carrier's claim pays.",
        "when": {
            "op": "all",
            "of": [
                {"op": "eq", "field": "reported_problem", "value": "damaged"},
                _within("delivered_on", 14),
            ],
        },
        "effect": {
            "amount": _WHOLE_ORDER,
            "without_return": True,
            "cost_bearer": "carrier",
            "customer_reason": "damaged_on_arrival",
        },
    },
    {
        "id": "lost-in-transit",
        "version": 1,
        "stage": "allow",
        "remedies": [*_REFUNDS, "reship"],
        "description": "Lost: the carrier says so, or no scan for more than the carrier's "
        "days in the storefront's country (10; SEUR 8; ES 12, SEUR 12 there; IT 12): refund or "
        "reship; the carrier's claim pays.",
        "when": {
            "op": "any",
            "of": [
                {"op": "eq", "field": "shipment_status", "value": "lost"},
                {
                    "op": "all",
                    "of": [
                        {"op": "not_in", "field": "shipment_status", "values": _NOT_TRAVELLING},
                        {
                            "op": "above_threshold",
                            "field": "days_without_scan",
                            "threshold": _LOST_THRESHOLD,
                        },
                    ],
                },
            ],
        },
        "effect": {
            "amount": _WHOLE_ORDER,
            "without_return": True,
            "self_service": True,
            "cost_bearer": "carrier",
            "customer_reason": "lost_in_transit",
        },
    },
    {
        "id": "returned-to-sender",
        "version": 1,
        "stage": "allow",
        "remedies": [*_REFUNDS, "reship"],
        "description": "The parcel came back to the shop: refund or reship; nothing to return.",
        "when": {"op": "eq", "field": "shipment_status", "value": "returned_to_sender"},
        "effect": {
            "amount": _WHOLE_ORDER,
            "without_return": True,
            "self_service": True,
            "customer_reason": "returned_to_sender",
        },
    },
    {
        "id": "redelivery",
        "version": 1,
        "stage": "allow",
        "remedies": ["redelivery"],
        "description": "A failed attempt or a parcel waiting at a pick-up point: a new delivery "
        "attempt.",
        "when": {
            "op": "in",
            "field": "shipment_status",
            "values": ["attempt_failed", "available_for_pickup", "exception"],
        },
        "effect": {"self_service": True, "customer_reason": "redelivery"},
    },
    {
        "id": "price-drop",
        "version": 1,
        "stage": "allow",
        "remedies": ["price_adjustment"],
        "description": "Price drop within 7 days of purchase: the difference between what was "
        "paid and the current price.",
        "when": {
            "op": "all",
            "of": [_within("placed_on", 7), {"op": "is_set", "field": "current_price"}],
        },
        "effect": {
            "amount": {"basis": "price_difference"},
            "without_return": True,
            "self_service": True,
            "customer_reason": "price_drop",
        },
    },
    {
        "id": "late-delivery-goodwill",
        "version": 1,
        "stage": "allow",
        "remedies": ["goodwill_credit"],
        "description": "Delivery two or more days late: 10 % of the order as goodwill, at most "
        "20 EUR (85 PLN).",
        "when": {"op": "ge", "field": "days_late", "value": 2},
        "effect": {
            "amount": {
                "basis": "percent_of_paid",
                "percent": 10,
                "cap": {"EUR": "20.00", "PLN": "85.00"},
            },
            "without_return": True,
            "self_service": True,
            "customer_reason": "late_delivery",
        },
    },
    {
        "id": "membership-pro-rata",
        "version": 1,
        "stage": "allow",
        "remedies": ["membership_cancellation"],
        "description": "Membership cancelled before its end: the unused days refunded pro rata.",
        "when": {
            "op": "all",
            "of": [
                {"op": "is_set", "field": "membership_start"},
                _within("membership_end", 0),
            ],
        },
        "effect": {
            "amount": {"basis": "membership_pro_rata"},
            "without_return": True,
            "self_service": True,
            "customer_reason": "membership_cancellation",
        },
    },
    # --- exceptions ---------------------------------------------------------------------------
    {
        "id": "goodwill-once",
        "version": 1,
        "stage": "deny",
        "remedies": ["goodwill_credit"],
        "description": "No goodwill credit on an order that already had a refund or a credit.",
        "when": {"op": "gt", "field": "refunded", "value": 0},
        "effect": {"customer_reason": "goodwill_once"},
    },
    # --- authority ----------------------------------------------------------------------------
    {
        "id": "authority-limits",
        "version": 1,
        "stage": "authority",
        "remedies": _ALL_MONEY,
        "description": "An agent grants up to 50 EUR, a supervisor up to 500 EUR, a customer "
        "serves themselves up to 50 EUR; above that a manager approves.",
        "effect": {
            "limits": {
                "customer": {"EUR": "50.00", "PLN": "215.00"},
                "agent": {"EUR": "50.00", "PLN": "215.00"},
                "supervisor": {"EUR": "500.00", "PLN": "2150.00"},
            },
            "above_all": "manager",
        },
    },
    # --- who bears the cost (after a cost_bearer an allow rule names itself) -------------------
    {
        "id": "cost-seller",
        "version": 1,
        "stage": "cost",
        "remedies": _ALL,
        "description": "The seller bears what its own fulfilment costs.",
        "when": {"op": "eq", "field": "seller_fulfilled", "value": True},
        "effect": {"bearer": "seller", "priority": 10},
    },
    {
        "id": "cost-platform",
        "version": 1,
        "stage": "cost",
        "remedies": _ALL,
        "description": "Otherwise the shop bears the cost.",
        "effect": {"bearer": "platform"},
    },
)
