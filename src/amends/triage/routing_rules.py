"""Routing rules: which queue each intent goes to, as data validated once when loaded.

The rules name queues, not teams: ``"queue": "billing"`` means the storefront's team whose slug
is ``billing`` or ends in ``-billing`` (``fr-billing``), or failing that a team serving every
storefront with such a slug — the convention the deliveries queue already follows
(``proactive.services.delivery_team_for``). So one rule set serves every storefront, and a
storefront gets a billing queue by creating a team, in the admin, with no rule edited. A
storefront without the queue keeps the case where it is (its default queue, usually).

Why data in settings and not a model: the rules change with the organisation (a new queue, a
new intent), rarely and by the people who deploy amends, and the per-storefront part — which
queues exist — is already data (teams). A model would bring a migration, an admin and a cache to
invalidate across processes for what is a dozen lines. Should storefronts need different rules,
``ROUTING_RULES`` can grow a per-brand section validated the same way.

A rule set is a dict (the default is :data:`DEFAULT_RULES`; a deployment may put its own in
``settings.AMENDS_TRIAGE["ROUTING_RULES"]``)::

    {"version": 1,
     "routes": [{"intents": ["seller_issue"], "when": "seller_order", "queue": "sellers"},
                {"intents": ["billing_payment"], "queue": "billing"}],
     "urgent_churn_risk": 0.85, "human_hold_minutes": 30}

``when`` says whose problem it is: ``seller_order`` (a linked order a third-party seller
fulfils: the seller's), ``shipment`` (a linked order has a parcel: the carrier's) or ``always``.
A bad rule set is refused when first read, with the path of each bad field, and by the system
check (``check_routing_rules``) when amends starts, never half-applied to a case.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models import Q
from django.dispatch import receiver
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from amends.accounts.models import Team
from amends.brands.models import Brand
from amends.triage.result import INTENTS

When = Literal["always", "seller_order", "shipment"]
Party = Literal["", "seller", "carrier"]
PARTY: dict[str, Party] = {"always": "", "seller_order": "seller", "shipment": "carrier"}
QueueName = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]

PARCEL_INTENTS = ("delivery_failed", "parcel_lost", "parcel_damaged", "late_delivery")

DEFAULT_RULES: dict[str, Any] = {
    "version": 1,
    "routes": [
        # The seller's problem: what they sent, and their returns.
        {
            "intents": ["seller_issue", "wrong_or_defective_item", "return_request"],
            "when": "seller_order",
            "queue": "sellers",
        },
        # The carrier's problem: a parcel that exists and went wrong.
        {"intents": list(PARCEL_INTENTS), "when": "shipment", "queue": "deliveries"},
        {"intents": ["billing_payment", "price_drop_adjustment"], "queue": "billing"},
        {"intents": ["account_access", "cancel_account_or_membership"], "queue": "accounts"},
    ],
    "urgent_churn_risk": 0.85,
    "human_hold_minutes": 30,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Route(_Strict):
    intents: tuple[str, ...] = Field(min_length=1, max_length=len(INTENTS))
    queue: QueueName
    when: When = "always"

    @field_validator("intents")
    @classmethod
    def _known_intents(cls, intents: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(intents) - set(INTENTS))
        if unknown:
            raise ValueError(f"unknown intents {unknown}; one of {', '.join(INTENTS)}")
        if len(set(intents)) != len(intents):
            raise ValueError("each intent once")
        return intents

    @property
    def party(self) -> Party:
        return PARTY[self.when]


class RoutingRules(_Strict):
    version: Annotated[int, Field(strict=True, ge=1, le=1_000_000)]
    routes: tuple[Route, ...] = Field(max_length=100)
    # A churn risk at least this high (or said in so many words) makes the case urgent, not high.
    urgent_churn_risk: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.85
    # A case a person moved (or re-prioritised) this recently is not moved (or re-prioritised).
    human_hold_minutes: Annotated[int, Field(strict=True, ge=0, le=7 * 24 * 60)] = 30

    @model_validator(mode="after")
    def _unambiguous(self) -> RoutingRules:
        seen: dict[tuple[str, str], int] = {}
        for index, route in enumerate(self.routes):
            for intent in route.intents:
                first = seen.setdefault((intent, route.when), index)
                if first != index:
                    raise ValueError(
                        f"routes.{index}: {intent!r} when {route.when!r} is already routed by "
                        f"routes.{first}"
                    )
        return self

    def routes_for(self, intent: str) -> tuple[Route, ...]:
        """The routes of one intent, in rule order (the first whose condition holds wins)."""
        return tuple(route for route in self.routes if intent in route.intents)


def parse_rules(data: object) -> RoutingRules:
    """Validate a rule set; ``ImproperlyConfigured`` names every bad field by its path."""
    if not isinstance(data, Mapping):
        raise ImproperlyConfigured("routing rules must be a dict with 'version' and 'routes'")
    try:
        return RoutingRules.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(rules)'}: {err['msg']}"
            for err in exc.errors()[:20]
        )
        raise ImproperlyConfigured(f"invalid routing rules: {problems}") from None


@functools.cache
def routing_rules() -> RoutingRules:
    """The rule set in force: the deployment's, or the defaults; validated once per process."""
    triage = getattr(settings, "AMENDS_TRIAGE", None) or {}
    raw = triage.get("ROUTING_RULES") if isinstance(triage, Mapping) else None
    return parse_rules(DEFAULT_RULES if raw is None else raw)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "AMENDS_TRIAGE":
        routing_rules.cache_clear()


def check_routing_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A Django system check, so a bad rule set stops ``amends serve`` before any case."""
    try:
        routing_rules()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="amends.triage.E001")]
    return []


def queue_team(*, brand: Brand, queue: str) -> Team | None:
    """The storefront's team for a queue name (see the module's docstring), or None.

    Senior teams are never a rule's queue: they take churn risks and escalations only.
    """
    named = Q(slug=queue) | Q(slug__endswith=f"-{queue}")
    return (
        Team.objects.filter(named, brand=brand, is_senior=False).order_by("id").first()
        or Team.objects.filter(named, brand__isnull=True, is_senior=False).order_by("id").first()
    )


def senior_team(*, brand: Brand) -> Team | None:
    """The storefront's senior queue, or the senior queue serving every storefront."""
    return (
        Team.objects.filter(is_senior=True, brand=brand).order_by("id").first()
        or Team.objects.filter(is_senior=True, brand__isnull=True).order_by("id").first()
    )
