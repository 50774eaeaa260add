"""The rules in force: what callers give ``engine.evaluate``, read from the table, cached.

``active_rules()`` returns the newest version of each stored rule that is in force, validated
and compiled, or the built-in set while the table is empty. Loading compiles every rule, so the
result is kept in the process and reused: at most every ``CHECK_SECONDS`` one cheap query (the
number of rows and the highest id) says whether the table changed. Rows are only ever added
(``policies.models``), so that pair changes with every change; another process's change is
seen within ``CHECK_SECONDS``, this process's own at once (the services call
``active_rules_forget``).

A stored rule that no longer validates (the schema moved on after it was saved) must not make
every decision fail: the error is logged and the built-in set is used until the rule is saved
again in a valid form.
"""

from __future__ import annotations

import logging
import time

from django.db.models import Count, Max

from amends.policies.models import PolicyRule
from amends.policies.rules import RuleError, RuleSet, builtin_rules, parse_rules

logger = logging.getLogger(__name__)

CHECK_SECONDS = 5.0

_memo: tuple[float, tuple[int, int | None], RuleSet] | None = None


def latest_versions() -> list[PolicyRule]:
    """The newest version of every stored rule id, in force or not, by rule id."""
    newest: dict[str, PolicyRule] = {}
    for row in PolicyRule.objects.order_by("rule_id", "-version"):
        newest.setdefault(row.rule_id, row)
    return list(newest.values())


def _stamp() -> tuple[int, int | None]:
    figures = PolicyRule.objects.aggregate(rows=Count("id"), last=Max("id"))
    return int(figures["rows"]), figures["last"]


def _load(stamp: tuple[int, int | None]) -> RuleSet:
    if stamp[0] == 0:
        return builtin_rules()
    rows = [row for row in latest_versions() if row.active]
    try:
        return parse_rules(row.body for row in rows)
    except RuleError as exc:
        logger.error("stored policy rules are not valid (%s); using the built-in rules", exc)
        return builtin_rules()


def active_rules() -> RuleSet:
    """The validated rules in force (see the module docstring)."""
    global _memo
    now = time.monotonic()
    memo = _memo
    if memo is not None and now - memo[0] < CHECK_SECONDS:
        return memo[2]
    stamp = _stamp()
    rules = memo[2] if memo is not None and memo[1] == stamp else _load(stamp)
    _memo = (now, stamp, rules)
    return rules


def active_rules_forget() -> None:
    """Read the table again on the next call (after this process changed it)."""
    global _memo
    _memo = None
