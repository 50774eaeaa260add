"""How much an allow rule grants: the amount part of a rule body, and its compiled form.

Four bases, each with an optional ``cap`` per currency:

* ``percent_of_paid``: a share of what the customer paid (``{"percent": 10}``);
* ``fixed``: an amount per currency (``{"amount": {"EUR": "20.00", "PLN": "85.00"}}``);
* ``price_difference``: paid minus the current price (the price-drop refund);
* ``membership_pro_rata``: the unused share of the membership fee, by days.

A currency a money table does not list counts as zero, so a rule never grants an amount it did
not name for that currency. Amounts are written as text or numbers with at most two decimals,
never negative. The engine then keeps the result within paid minus refunded and rounds it down
to the cent; the functions here only say what the rule itself would give.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from amends.policies.decisions import Facts

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
MoneyAmount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]
MoneyMap = Annotated[dict[Currency, MoneyAmount], Field(min_length=1, max_length=50)]
Percent = Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)]

AmountFn = Callable[[Facts], Decimal]
ZERO = Decimal("0")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PercentOfPaid(_Node):
    basis: Literal["percent_of_paid"]
    percent: Percent
    cap: MoneyMap | None = None


class Fixed(_Node):
    basis: Literal["fixed"]
    amount: MoneyMap


class PriceDifference(_Node):
    basis: Literal["price_difference"]
    cap: MoneyMap | None = None


class MembershipProRata(_Node):
    basis: Literal["membership_pro_rata"]
    cap: MoneyMap | None = None


AmountNode = PercentOfPaid | Fixed | PriceDifference | MembershipProRata
AmountSpec = Annotated[AmountNode, Field(discriminator="basis")]


def compile_amount(spec: AmountNode) -> AmountFn:
    """A function of the facts giving what ``spec`` grants (before the engine's limits)."""
    base: AmountFn
    if isinstance(spec, Fixed):
        amounts = dict(spec.amount)
        return lambda f: amounts.get(f.currency, ZERO)
    if isinstance(spec, PercentOfPaid):
        share = spec.percent / 100
        base = (lambda f: f.paid) if share == 1 else (lambda f: f.paid * share)
    elif isinstance(spec, PriceDifference):

        def base(f: Facts) -> Decimal:
            return f.paid - f.current_price if f.current_price is not None else ZERO

    else:
        base = _pro_rata
    if spec.cap is None:
        return base
    caps = dict(spec.cap)
    return lambda f: min(base(f), caps.get(f.currency, ZERO))


def _pro_rata(f: Facts) -> Decimal:
    """The unused share of the membership fee, by days: nothing before it is known."""
    start, end, fee = f.membership_start, f.membership_end, f.membership_paid
    if start is None or end is None or fee is None or end <= start:
        return ZERO
    total = (end - start).days
    unused = min(max((end - max(f.today, start)).days, 0), total)
    return fee * unused / total
