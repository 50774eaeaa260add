"""Changing the stored policy rules: a change is a new version, checked before it is written.

``policy_rule_save`` validates the body (the rule schema), then the rule set it would leave in
force (every remedy still covered by a rule; a statutory rule cannot be turned off), and writes
one new row. Saving what the newest version already says writes nothing and returns that
version, so a double click or a replayed request never makes a duplicate version. Two people
saving the same rule at once: the second gets ``Conflict`` (the unique version number) and
reloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from amends.accounts.models import User
from amends.core.errors import Conflict, InvalidInput
from amends.policies.builtin import BUILTIN_RULES
from amends.policies.models import PolicyRule, canonical_body
from amends.policies.rules import RuleError, parse_rules
from amends.policies.ruleset import active_rules_forget, latest_versions


def _invalid(exc: ValidationError) -> InvalidInput:
    errors = {
        field: " ".join(str(m) for m in messages) for field, messages in exc.message_dict.items()
    }
    bodies = exc.message_dict.get("body", [])
    for message in bodies:
        path, _sep, why = str(message).partition(": ")
        if why:
            errors[f"body.{path}"] = why
    detail = "; ".join(str(m) for m in bodies) or "; ".join(errors.values())
    return InvalidInput(_("The rule is not valid: %(why)s") % {"why": detail}, errors=errors)


def policy_rule_check(*, rule_id: str, body: Any, active: bool = True) -> dict[str, Any]:
    """The canonical body ``policy_rule_save`` would store, or ``InvalidInput`` naming the
    bad fields. Also checks the rule set that would then be in force."""
    try:
        PolicyRule._meta.get_field("rule_id").run_validators(rule_id)
        canonical = canonical_body(body, rule_id=rule_id, version=None)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            exc = ValidationError({"rule_id": exc.messages})
        raise _invalid(exc) from None
    stored = {row.rule_id: row.body for row in latest_versions() if row.active}
    in_force = stored or {body["id"]: body for body in BUILTIN_RULES}
    if in_force.get(rule_id, {}).get("statutory") and not (active and canonical.get("statutory")):
        raise InvalidInput(
            _("%(rule)s is a statutory rule: it stays in force and stays statutory.")
            % {"rule": rule_id},
            errors={"active": _("A statutory rule cannot be turned off.")},
        )
    bodies = [body for key, body in in_force.items() if key != rule_id]
    if active:
        bodies.append(canonical)
    try:
        parse_rules(bodies)
    except RuleError as exc:
        raise InvalidInput(
            _("The rules in force would not be valid: %(why)s") % {"why": exc},
            errors={"rules": str(exc)},
        ) from None
    return canonical


@transaction.atomic
def policy_rule_save(
    *,
    rule_id: str,
    body: Mapping[str, Any],
    active: bool = True,
    note: str = "",
    actor: User | None,
) -> PolicyRule:
    """Store ``body`` as the next version of ``rule_id`` (the first one if it is new).

    The ``id`` and ``version`` of the body are set from ``rule_id`` and the next number. On an
    empty table the built-in rules are installed first, so the rest of them stay in force.
    """
    if len(note) > 1000:
        raise InvalidInput(
            _("The note is too long."), errors={"note": _("At most 1000 characters.")}
        )
    canonical = policy_rule_check(rule_id=rule_id, body=body, active=active)
    if not PolicyRule.objects.exists():
        policy_rules_install_builtin(actor=actor)
    latest = PolicyRule.objects.filter(rule_id=rule_id).order_by("-version").first()
    if latest is not None and latest.active == active and _same(latest.body, canonical):
        return latest
    rule = PolicyRule(
        rule_id=rule_id,
        version=latest.version + 1 if latest is not None else 1,
        body=canonical,
        active=active,
        note=note,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise Conflict(
            _("Someone saved a new version of %(rule)s first; reload it and try again.")
            % {"rule": rule_id}
        ) from None
    except ValidationError as exc:
        if "__all__" in exc.message_dict:  # the version number someone else took
            raise Conflict(
                _("Someone saved a new version of %(rule)s first; reload it and try again.")
                % {"rule": rule_id}
            ) from None
        raise _invalid(exc) from None
    active_rules_forget()
    transaction.on_commit(active_rules_forget)
    return rule


def _same(stored: Any, canonical: Mapping[str, Any]) -> bool:
    """The same rule apart from its version number."""
    if not isinstance(stored, dict):
        return False
    return {k: v for k, v in stored.items() if k != "version"} == {
        k: v for k, v in canonical.items() if k != "version"
    }


@transaction.atomic
def policy_rules_install_builtin(*, actor: User | None = None) -> list[PolicyRule]:
    """Copy the built-in rules into the table, with their own ids and versions.

    Only rule ids the table does not hold yet are written; a rule already stored (perhaps
    changed since) is left as it is. Returns the rows written; running it again writes none.
    """
    stored = set(PolicyRule.objects.values_list("rule_id", flat=True))
    written: list[PolicyRule] = []
    for body in BUILTIN_RULES:
        if body["id"] in stored:
            continue
        rule = PolicyRule(
            rule_id=body["id"],
            version=body["version"],
            body=body,
            note=_("Built-in rule"),
            created_by=actor,
        )
        rule.save()
        written.append(rule)
    if written:
        active_rules_forget()
        transaction.on_commit(active_rules_forget)
    return written
