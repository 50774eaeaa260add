"""Policy rules: JSON data, validated once when loaded, compiled into :class:`Rule`.

A rule body is a dict (what ``PolicyRule.body`` stores and the admin edits)::

    {"id": "price-drop", "version": 1, "stage": "allow", "remedies": ["price_adjustment"],
     "description": "Price-drop refund within 7 days of purchase.",
     "when": {"op": "all", "of": [{"op": "within_days", "field": "placed_on", "days": 7},
                                  {"op": "is_set", "field": "current_price"}]},
     "effect": {"amount": {"basis": "price_difference"}, "self_service": true,
                "customer_reason": "price_drop"}}

``stage`` says how the rule takes part in a decision (``policies.engine`` explains how they
combine): ``allow`` (eligibility, with the most it grants), ``deny`` (an exception that wins),
``authority`` (limits per role and currency above which a decision needs approval) and ``cost``
(who bears it). ``when`` uses the closed vocabulary of ``policies.conditions``; nothing is
evaluated as code. ``customer_reason`` is a key of :data:`CUSTOMER_REASONS`, whose English
texts are gettext message ids, so every reason a customer can read is in the catalogues.

An allow rule's ``effect.amount`` is one of the bases of ``policies.amounts`` (percent of
paid, fixed, price difference, membership pro rata), each with an optional cap per currency.

Validation is pydantic's, with two additions: a shape check first (depth, size, JSON types
only), so that hostile nesting is refused before anything recursive runs, and error paths that
follow the JSON (``effect.amount.cap.EUR``) so the admin and the API can name the bad field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_noop
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from amends.policies.amounts import AmountFn, AmountSpec, MoneyMap, compile_amount
from amends.policies.builtin import BUILTIN_RULES
from amends.policies.conditions import ALWAYS, Condition, Predicate, compile_condition
from amends.policies.decisions import Facts, Remedy, RuleRef

Stage = Literal["deny", "allow", "authority", "cost"]
STAGES: tuple[Stage, ...] = ("deny", "allow", "authority", "cost")
Bearer = Literal["platform", "seller", "carrier"]

# Remedies that move money (or goods worth money: a reship). The others have no amount.
MONETARY = frozenset(Remedy) - {Remedy.RETURN_LABEL, Remedy.REDELIVERY}

MAX_DEPTH = 24  # JSON levels: a condition nested about ten deep
MAX_NODES = 2000
MAX_TEXT = 1000

# What a customer may be told about a decision, by key; the texts are gettext message ids.
CUSTOMER_REASONS: dict[str, str] = {
    "return_window": gettext_noop(
        "The item can be returned within the return period; the refund follows once it is back."
    ),
    "legal_withdrawal": gettext_noop(
        "The legal withdrawal period applies: the refund follows once the item is back."
    ),
    "not_as_described": gettext_noop(
        "The item does not match its description, so a refund or a replacement is possible."
    ),
    "damaged_in_transit": gettext_noop(
        "The parcel was damaged in transit. A refund or a new parcel is possible, and nothing "
        "needs to be sent back."
    ),
    "damaged_on_arrival": gettext_noop(
        "The item arrived damaged. A refund or a new parcel is possible, and nothing needs to "
        "be sent back."
    ),
    "lost_in_transit": gettext_noop(
        "The parcel is considered lost. A refund or a new parcel is possible, and nothing needs "
        "to be sent back."
    ),
    "returned_to_sender": gettext_noop(
        "The parcel came back to the shop. A refund or a new parcel is possible."
    ),
    "price_drop": gettext_noop(
        "The price went down shortly after the purchase, so the difference of %(amount)s "
        "%(currency)s is refunded."
    ),
    "late_delivery": gettext_noop(
        "The delivery was late, so a goodwill credit of %(amount)s %(currency)s is offered."
    ),
    "membership_cancellation": gettext_noop(
        "The membership ends and its unused part, %(amount)s %(currency)s, is refunded."
    ),
    "redelivery": gettext_noop("A new delivery attempt can be arranged."),
    "goodwill_once": gettext_noop(
        "This order has already received a refund or a credit, so no further goodwill credit "
        "is possible."
    ),
}

RuleId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Role = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[a-z][a-z_]*$")]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReasonEffect(_Node):
    customer_reason: str

    @model_validator(mode="after")
    def _known_reason(self) -> ReasonEffect:
        if self.customer_reason not in CUSTOMER_REASONS:
            known = ", ".join(sorted(CUSTOMER_REASONS))
            raise ValueError(f"unknown customer_reason {self.customer_reason!r}; one of {known}")
        return self


class AllowEffect(ReasonEffect):
    amount: AmountSpec | None = None
    without_return: Annotated[bool, Field(strict=True)] = False
    self_service: Annotated[bool, Field(strict=True)] = False
    cost_bearer: Bearer | None = None


class AuthorityEffect(_Node):
    limits: Annotated[dict[Role, MoneyMap], Field(min_length=1, max_length=20)]
    above_all: Role = "manager"


class CostEffect(_Node):
    bearer: Bearer
    priority: Annotated[int, Field(strict=True, ge=0, le=1000)] = 0


class _RuleBody(_Node):
    id: RuleId
    version: Annotated[int, Field(strict=True, ge=1, le=1_000_000)]
    remedies: list[Remedy] = Field(min_length=1, max_length=len(Remedy))
    when: Condition = ALWAYS
    description: str = Field(min_length=1, max_length=500)
    statutory: Annotated[bool, Field(strict=True)] = False

    @model_validator(mode="after")
    def _unique_remedies(self) -> _RuleBody:
        if len(set(self.remedies)) != len(self.remedies):
            raise ValueError("remedies: each remedy once")
        return self


class AllowBody(_RuleBody):
    stage: Literal["allow"]
    effect: AllowEffect

    @model_validator(mode="after")
    def _amount_fits(self) -> AllowBody:
        money = sorted(r.value for r in self.remedies if r in MONETARY)
        if money and self.effect.amount is None:
            raise ValueError(f"effect.amount is required for {', '.join(money)}")
        if not money and self.effect.amount is not None:
            raise ValueError("effect.amount: these remedies have no amount")
        return self


class DenyBody(_RuleBody):
    stage: Literal["deny"]
    effect: ReasonEffect


class AuthorityBody(_RuleBody):
    stage: Literal["authority"]
    effect: AuthorityEffect

    @model_validator(mode="after")
    def _money_only(self) -> AuthorityBody:
        other = sorted(r.value for r in self.remedies if r not in MONETARY)
        if other:
            raise ValueError(f"authority limits apply to amounts; {', '.join(other)} has none")
        return self


class CostBody(_RuleBody):
    stage: Literal["cost"]
    effect: CostEffect


RuleBody = Annotated[AllowBody | DenyBody | AuthorityBody | CostBody, Field(discriminator="stage")]
_BODY = TypeAdapter(RuleBody)


class RuleError(ValueError):
    """A rule body (or a rule set) is refused; ``errors`` maps each bad field's path to why."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path}: {why}" for path, why in self.errors.items()))


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated, compiled rule: what ``engine.evaluate`` runs. Build it with
    :func:`parse_rule`; ``body`` is the canonical JSON it came from."""

    ref: RuleRef
    label: str  # "return-window v2", as explanations name it
    stage: Stage
    remedies: frozenset[Remedy]
    when: Predicate
    test: Callable[[Facts], bool]  # when.test, one attribute nearer
    description: str
    body: Mapping[str, Any]
    statutory: bool = False
    amount: AmountFn | None = None
    without_return: bool = False
    self_service: bool = False
    cost_bearer: str | None = None
    customer_reason: str = ""
    # authority: role → currency → limit; per currency, the approvers by rising limit
    limits: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    approvers: Mapping[str, tuple[tuple[Decimal, str], ...]] = field(default_factory=dict)
    above_all: str = "manager"
    bearer: str | None = None
    priority: int = 0

    @property
    def id(self) -> str:
        return self.ref.rule_id

    @property
    def version(self) -> int:
        return self.ref.version


def check_shape(raw: Any) -> None:
    """Refuse what is not plain JSON, too deep or too large, without recursing."""
    if not isinstance(raw, dict):
        raise RuleError({"body": "a rule is a JSON object"})
    stack: list[tuple[Any, int, str]] = [(raw, 1, "body")]
    nodes = 0
    while stack:
        node, depth, path = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise RuleError({"body": f"too large: more than {MAX_NODES} values"})
        if depth > MAX_DEPTH:
            raise RuleError({path: f"nested too deep: at most {MAX_DEPTH} levels"})
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or len(key) > 100:
                    raise RuleError({path: "keys are texts of at most 100 characters"})
                stack.append((value, depth + 1, f"{path}.{key}"))
        elif isinstance(node, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(node))
        elif isinstance(node, str):
            if len(node) > MAX_TEXT:
                raise RuleError({path: f"text longer than {MAX_TEXT} characters"})
        elif node is not None and not isinstance(node, bool | int | float):
            raise RuleError({path: f"not a JSON value: {type(node).__name__}"})


def _path(raw: Any, loc: tuple[int | str, ...]) -> str:
    """Pydantic's location as a path in the JSON, without the union tags it inserts."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(node, list) and isinstance(item, int):
            parts.append(f"[{item}]")
            node = node[item] if 0 <= item < len(node) else None
        elif isinstance(node, dict) and item in node:
            parts.append(f".{item}")
            node = node[item]
        elif isinstance(node, dict) and item in {node.get(k) for k in ("op", "stage", "basis")}:
            continue
        elif item == "[key]":
            parts.append(" (key)")
        else:
            parts.append(f".{item}")
            node = None
    return "".join(parts).lstrip(".") or "body"


def _errors(raw: Any, exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        path = _path(raw, tuple(error["loc"]))
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            tag = str(error.get("ctx", {}).get("discriminator", "")).strip("'")
            path = f"{path}.{tag}" if path != "body" else tag
            if error["type"] == "union_tag_invalid":
                message = (
                    f"unknown {tag} {error['ctx']['tag']!r}; one of {error['ctx']['expected_tags']}"
                )
            else:
                message = f"{tag} is missing"
        errors.setdefault(path, message)
    return errors


def parse_rule(raw: Any) -> Rule:
    """Validate and compile one rule body; :class:`RuleError` names every bad field."""
    check_shape(raw)
    try:
        body = _BODY.validate_python(raw)
    except ValidationError as exc:
        raise RuleError(_errors(raw, exc)) from None
    ref = RuleRef(rule_id=body.id, version=body.version)
    when = compile_condition(body.when)
    common: dict[str, Any] = {
        "ref": ref,
        "label": f"{body.id} v{body.version}",
        "stage": body.stage,
        "remedies": frozenset(body.remedies),
        "when": when,
        "test": when.test,
        "description": body.description,
        "body": body.model_dump(mode="json", exclude_defaults=True) | {"stage": body.stage},
        "statutory": body.statutory,
    }
    if isinstance(body, AllowBody):
        effect = body.effect
        return Rule(
            **common,
            amount=compile_amount(effect.amount) if effect.amount is not None else None,
            without_return=effect.without_return,
            self_service=effect.self_service,
            cost_bearer=effect.cost_bearer,
            customer_reason=CUSTOMER_REASONS[effect.customer_reason],
        )
    if isinstance(body, DenyBody):
        return Rule(**common, customer_reason=CUSTOMER_REASONS[body.effect.customer_reason])
    if isinstance(body, AuthorityBody):
        limits = {role: dict(table) for role, table in body.effect.limits.items()}
        currencies = {c for table in limits.values() for c in table}
        approvers = {
            currency: tuple(
                sorted(
                    (table[currency], role)
                    for role, table in limits.items()
                    if role != "customer" and currency in table
                )
            )
            for currency in currencies
        }
        return Rule(**common, limits=limits, approvers=approvers, above_all=body.effect.above_all)
    return Rule(**common, bearer=body.effect.bearer, priority=body.effect.priority)


@dataclass(frozen=True, slots=True)
class Bucket:
    """The rules of a set that cover one remedy, by stage, in the order the engine reads them."""

    deny: tuple[Rule, ...]
    allow: tuple[Rule, ...]
    authority: tuple[Rule, ...]
    cost: tuple[Rule, ...]


class RuleSet(tuple[Rule, ...]):
    """Rules in a fixed order (stage, id) with an index per remedy, built once.

    ``engine.evaluate`` accepts any sequence of rules; given a ``RuleSet`` it skips indexing.
    Two rules with the same id are refused: a decision must name each rule unambiguously.
    """

    buckets: dict[Remedy, Bucket]

    def __new__(cls, rules: Iterable[Rule] = ()) -> RuleSet:
        ordered = sorted(rules, key=lambda r: (STAGES.index(r.stage), r.id, r.version))
        seen: set[str] = set()
        for rule in ordered:
            if rule.id in seen:
                raise RuleError({"id": f"{rule.id} appears more than once in the rule set"})
            seen.add(rule.id)
        self = super().__new__(cls, ordered)
        self.buckets = {}
        for remedy in Remedy:
            covering = [r for r in ordered if remedy in r.remedies]
            self.buckets[remedy] = Bucket(
                deny=tuple(r for r in covering if r.stage == "deny"),
                allow=tuple(r for r in covering if r.stage == "allow"),
                authority=tuple(r for r in covering if r.stage == "authority"),
                cost=tuple(
                    sorted(
                        (r for r in covering if r.stage == "cost"),
                        key=lambda r: (-r.priority, r.id),
                    )
                ),
            )
        return self

    def uncovered(self) -> list[Remedy]:
        """Remedies no allow or deny rule speaks about: the engine cannot decide those."""
        return [r for r, b in self.buckets.items() if not b.allow and not b.deny]


def parse_rules(bodies: Iterable[Any], *, require_coverage: bool = True) -> RuleSet:
    """A validated rule set; with ``require_coverage``, every remedy must have a rule."""
    rules: list[Rule] = []
    errors: dict[str, str] = {}
    for index, raw in enumerate(bodies):
        try:
            rules.append(parse_rule(raw))
        except RuleError as exc:
            errors.update({f"rules[{index}].{path}": why for path, why in exc.errors.items()})
    if errors:
        raise RuleError(errors)
    ruleset = RuleSet(rules)
    missing = ruleset.uncovered() if require_coverage else []
    if missing:
        names = ", ".join(r.value for r in missing)
        raise RuleError({"rules": f"no allow or deny rule covers {names}"})
    return ruleset


@functools.cache
def builtin_rules() -> RuleSet:
    """The built-in rule set (``policies.builtin``), validated once per process."""
    return parse_rules(BUILTIN_RULES)
