"""What triage says about one message: plain data, the contract between triage and its readers
(routing, the console, suggested replies)."""

from __future__ import annotations

from dataclasses import dataclass, field

INTENTS = (
    "delivery_failed",
    "parcel_lost",
    "parcel_damaged",
    "late_delivery",
    "refund_request",
    "price_drop_adjustment",
    "return_request",
    "wrong_or_defective_item",
    "cancel_order",
    "cancel_account_or_membership",
    "seller_issue",
    "billing_payment",
    "account_access",
    "complaint_about_service",
    "other",
)
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Entity:
    kind: str  # "order_number", "tracking_number", "carrier", "amount", "date"
    text: str  # as written
    value: str  # normalised: the order number as the shop spells it, "12.50 EUR", "2026-11-24"
    carrier: str | None = None  # for tracking numbers and carrier names: the carrier code


@dataclass(frozen=True)
class Triage:
    lang: str  # ISO 639-1 of the brand's languages, or "unknown"
    lang_score: float  # 0..1
    # Every language with a share of the text, for mixed-language messages (largest first).
    languages: tuple[tuple[str, float], ...] = ()
    # Intents above their threshold, highest score first; never empty ("other").
    intents: tuple[tuple[str, float], ...] = ()
    sentiment: str = "neutral"  # "negative" | "neutral" | "positive"
    sentiment_score: float = 0.0  # -1..1
    churn_risk: float = 0.0  # 0..1
    churn: bool = False  # churn_risk above the threshold, or an explicit phrase
    churn_phrase: str = ""  # the words that said it, when a phrase rule matched
    entities: tuple[Entity, ...] = field(default_factory=tuple)
    model_version: str = ""

    @property
    def intent_ids(self) -> tuple[str, ...]:
        return tuple(intent for intent, _score in self.intents)
