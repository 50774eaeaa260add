"""When a rule applies: a small, closed vocabulary of predicates on :class:`Facts`.

A condition is JSON data, never code: ``{"op": "within_days", "field": "delivered_on", "days":
30}``. The vocabulary:

* ``all`` / ``any`` with ``of: [conditions]``, ``not`` with ``of: condition``;
* ``eq``, ``ne``, ``lt``, ``le``, ``gt``, ``ge`` with ``field`` and ``value`` (ordering only on
  numbers and dates; a missing fact never satisfies an ordering);
* ``in`` / ``not_in`` with ``field`` and ``values``;
* ``is_set`` / ``is_unset`` with ``field``;
* ``within_days`` with a date ``field`` and ``days``: today is at most ``days`` after that date.
  A window of N days from a day ends at the end of the day N days later (bought on 3 March,
  seven days: open until 10 March inclusive), as in ``policies.order_terms``;
* ``above_threshold`` with a number ``field`` and a ``threshold`` per carrier and storefront
  country: ``{"default": 10, "carrier": {"seur": 8}, "country": {"ES": {"default": 12,
  "carrier": {...}}}}``. A country's entry replaces the whole table there, as
  ``selectors.COUNTRY_OVERRIDES`` replaces ``Terms`` fields.

Fields are the attributes of :class:`Facts` plus ``available`` (paid minus refunded). Each value
is checked against its field's type when the rule is loaded, so evaluating never parses.

:func:`compile_condition` turns a validated condition into a :class:`Predicate`: a closure that
tests the facts (fast: no dispatch on the op at evaluation time) and, for the agent, a sentence
saying which part did not hold.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from amends.policies.decisions import Facts

DATE_FIELDS = frozenset(
    {"today", "placed_on", "delivered_on", "membership_start", "membership_end"}
)
NUMBER_FIELDS = frozenset(
    {
        "paid",
        "refunded",
        "available",
        "days_without_scan",
        "days_late",
        "current_price",
        "membership_paid",
    }
)
TEXT_FIELDS = frozenset({"country", "currency", "shipment_status", "carrier", "reported_problem"})
BOOL_FIELDS = frozenset({"seller_fulfilled"})
ALL_FIELDS = DATE_FIELDS | NUMBER_FIELDS | TEXT_FIELDS | BOOL_FIELDS

# Codes are compared as Facts writes them (see decisions.Facts.__post_init__).
_UPPER = frozenset({"country", "currency"})

MAX_CHILDREN = 32
MAX_VALUES = 200
MAX_DAYS = 3650

FieldName = Literal[
    "today",
    "placed_on",
    "delivered_on",
    "membership_start",
    "membership_end",
    "paid",
    "refunded",
    "available",
    "days_without_scan",
    "days_late",
    "current_price",
    "membership_paid",
    "country",
    "currency",
    "shipment_status",
    "carrier",
    "reported_problem",
    "seller_fulfilled",
]
DateField = Literal["today", "placed_on", "delivered_on", "membership_start", "membership_end"]
NumberField = Literal[
    "paid",
    "refunded",
    "available",
    "days_without_scan",
    "days_late",
    "current_price",
    "membership_paid",
]
Days = Annotated[int, Field(strict=True, ge=0, le=MAX_DAYS)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _typed(field: str, value: Any) -> Any:
    """``value`` as the type of ``field``; ``ValueError`` saying what was expected."""
    if field in DATE_FIELDS:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError(f"{field} is a date: give it as YYYY-MM-DD, not {value!r}")
    if field in NUMBER_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"{field} is a number, not {value!r}")
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise ValueError(f"{field} is a number, not {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"{field} is a finite number, not {value!r}")
        return number
    if field in BOOL_FIELDS:
        if not isinstance(value, bool):
            raise ValueError(f"{field} is true or false, not {value!r}")
        return value
    if not isinstance(value, str) or not 0 < len(value) <= 100:
        raise ValueError(f"{field} is a text of 1 to 100 characters, not {value!r}")
    return value.upper() if field in _UPPER else value.lower()


class AllOf(_Node):
    op: Literal["all"]
    of: list[Condition] = Field(max_length=MAX_CHILDREN)


class AnyOf(_Node):
    op: Literal["any"]
    of: list[Condition] = Field(min_length=1, max_length=MAX_CHILDREN)


class NotOf(_Node):
    op: Literal["not"]
    of: Condition


class Compare(_Node):
    op: Literal["eq", "ne", "lt", "le", "gt", "ge"]
    field: FieldName
    value: Any

    @model_validator(mode="after")
    def _check(self) -> Compare:
        typed = _typed(self.field, self.value)
        ordered = self.field in NUMBER_FIELDS or self.field in DATE_FIELDS
        if self.op in {"lt", "le", "gt", "ge"} and not ordered:
            raise ValueError(f"{self.op} compares numbers or dates; {self.field} is neither")
        object.__setattr__(self, "value", typed)
        return self


class Member(_Node):
    op: Literal["in", "not_in"]
    field: FieldName
    values: list[Any] = Field(min_length=1, max_length=MAX_VALUES)

    @model_validator(mode="after")
    def _check(self) -> Member:
        object.__setattr__(self, "values", [_typed(self.field, v) for v in self.values])
        return self


class Presence(_Node):
    op: Literal["is_set", "is_unset"]
    field: FieldName


class WithinDays(_Node):
    op: Literal["within_days"]
    field: DateField
    days: Days


class ThresholdTable(_Node):
    default: Days
    carrier: dict[Code, Days] = Field(default_factory=dict, max_length=100)


class Threshold(ThresholdTable):
    country: dict[Country, ThresholdTable] = Field(default_factory=dict, max_length=100)


class AboveThreshold(_Node):
    op: Literal["above_threshold"]
    field: NumberField
    threshold: Threshold


ConditionNode = AllOf | AnyOf | NotOf | Compare | Member | Presence | WithinDays | AboveThreshold
Condition = Annotated[ConditionNode, Field(discriminator="op")]
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()

ALWAYS = AllOf(op="all", of=[])


class Predicate:
    """A compiled condition: ``test(facts)``, and what it says in words."""

    __slots__ = ("children", "kind", "test", "text", "why")

    def __init__(
        self,
        test: Callable[[Facts], bool],
        text: str,
        *,
        kind: str = "leaf",
        children: tuple[Predicate, ...] = (),
        why: Callable[[Facts], str] | None = None,
    ) -> None:
        self.test = test
        self.text = text
        self.kind = kind
        self.children = children
        self.why = why

    def why_not(self, facts: Facts) -> str:
        """The part that does not hold for ``facts`` (call it only when ``test`` is false)."""
        if self.kind == "all":
            failing = next((c for c in self.children if not c.test(facts)), None)
            return failing.why_not(facts) if failing is not None else self.text
        if self.kind == "any":
            return "none of: " + "; ".join(c.why_not(facts) for c in self.children)
        if self.why is not None:
            return self.why(facts)
        return f"not {self.text}" if self.kind == "leaf" else self.text


def _getter(field: str) -> Callable[[Facts], Any]:
    if field == "available":
        return lambda f: f.paid - f.refunded
    return operator.attrgetter(field)


_ORDER = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def _compile_compare(node: Compare) -> Predicate:
    get, value = _getter(node.field), node.value
    text = f"{node.field} {_SYMBOL[node.op]} {value}"
    why = _why_value(node.field, get, f"not {_SYMBOL[node.op]} {value}")
    if node.op == "eq":
        return Predicate(lambda f: get(f) == value, text, why=why)
    if node.op == "ne":
        return Predicate(lambda f: get(f) != value, text, why=why)
    compare = _ORDER[node.op]

    def ordered(f: Facts) -> bool:
        current = get(f)
        return current is not None and bool(compare(current, value))

    return Predicate(ordered, text, why=why)


def _why_value(field: str, get: Callable[[Facts], Any], expected: str) -> Callable[[Facts], str]:
    def why(f: Facts) -> str:
        current = get(f)
        return f"{field} unknown" if current is None else f"{field} is {current}, {expected}"

    return why


def _compile_threshold(node: AboveThreshold) -> Predicate:
    get = _getter(node.field)
    table = node.threshold
    base = (table.default, {k.lower(): v for k, v in table.carrier.items()})
    countries = {
        code: (t.default, {k.lower(): v for k, v in t.carrier.items()})
        for code, t in table.country.items()
    }

    def limit_for(f: Facts) -> int:
        default, by_carrier = countries.get(f.country, base)
        return by_carrier.get(f.carrier, default) if f.carrier else default

    def above(f: Facts) -> bool:
        current = get(f)
        return current is not None and bool(current > limit_for(f))

    def why(f: Facts) -> str:
        current = get(f)
        if current is None:
            return f"{node.field} unknown"
        where = f"{f.carrier or 'any carrier'} in {f.country}"
        return f"{node.field} is {current}, not above {limit_for(f)} for {where}"

    return Predicate(above, f"{node.field} above the carrier's threshold", why=why)


def compile_condition(node: ConditionNode) -> Predicate:
    """A predicate for a validated condition. Recursion is bounded by the body's depth check."""
    if isinstance(node, AllOf | AnyOf):
        children = tuple(compile_condition(child) for child in node.of)
        tests = tuple(c.test for c in children)
        if isinstance(node, AllOf):
            if len(tests) == 1:
                return Predicate(tests[0], children[0].text, kind="all", children=children)
            return Predicate(
                lambda f: all(t(f) for t in tests),
                " and ".join(c.text for c in children) or "always",
                kind="all",
                children=children,
            )
        return Predicate(
            lambda f: any(t(f) for t in tests),
            " or ".join(c.text for c in children),
            kind="any",
            children=children,
        )
    if isinstance(node, NotOf):
        inner = compile_condition(node.of)
        inner_test = inner.test
        return Predicate(lambda f: not inner_test(f), f"not ({inner.text})", kind="not")
    if isinstance(node, Compare):
        return _compile_compare(node)
    if isinstance(node, Member):
        get, values = _getter(node.field), frozenset(node.values)
        shown = ", ".join(sorted(str(v) for v in values))
        if node.op == "in":
            why = _why_value(node.field, get, f"not in [{shown}]")
            return Predicate(lambda f: get(f) in values, f"{node.field} in [{shown}]", why=why)
        why = _why_value(node.field, get, f"one of [{shown}]")
        return Predicate(lambda f: get(f) not in values, f"{node.field} not in [{shown}]", why=why)
    if isinstance(node, Presence):
        get = _getter(node.field)
        if node.op == "is_set":
            return Predicate(
                lambda f: get(f) is not None,
                f"{node.field} known",
                why=lambda f: f"{node.field} unknown",
            )
        why = _why_value(node.field, get, "not unknown")
        return Predicate(lambda f: get(f) is None, f"{node.field} unknown", why=why)
    if isinstance(node, WithinDays):
        get, delta = _getter(node.field), dt.timedelta(days=node.days)

        def within(f: Facts) -> bool:
            start = get(f)
            return start is not None and bool(f.today <= start + delta)

        def ended(f: Facts) -> str:
            start = get(f)
            if start is None:
                return f"{node.field} unknown"
            return f"{node.days} days from {node.field} {start} ended on {start + delta}"

        return Predicate(within, f"within {node.days} days of {node.field}", why=ended)
    return _compile_threshold(node)
