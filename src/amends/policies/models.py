"""Stored policy rules: one row per version, never changed once written.

A change to a rule is a new row with the next version (``policies.services.policy_rule_save``),
so "return-window v2" means the same thing for as long as the decisions that name it are kept.
The newest version of each rule id says whether the rule is in force (``active``); turning a
rule off is a new version too. Every row is validated when it is saved (``full_clean``, which
runs the rule schema of ``policies.rules``), whoever saves it.

There is no data migration: an empty table means the built-in rule set
(``policies.builtin``), and ``policy_rules_install_builtin`` copies that set into the table with
the same ids and versions (``policy_rule_save`` does it by itself before the first change). A
data migration that imported the built-in set would rewrite its own past whenever that set got
a new version.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.policies.rules import RuleError, check_shape, parse_rule

MAX_BODY_CHARS = 32_000  # the serialised body; the built-in rules are under 1,500


class PolicyRule(models.Model):
    rule_id = models.CharField(
        _("rule id"),
        max_length=64,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9-]*\Z",
                _("Lower-case letters, digits and hyphens, starting with a letter or digit."),
            )
        ],
    )
    version = models.PositiveIntegerField(_("version"), editable=False)
    body = models.JSONField(
        _("rule"),
        help_text=_("The rule as JSON: stage, remedies, when, description and effect."),
    )
    active = models.BooleanField(_("in force"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    note = models.TextField(
        _("note"), blank=True, max_length=1000, help_text=_("Why this version was made.")
    )

    class Meta:
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")
        ordering = ["rule_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "version"], name="policy_rule_version"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="policy_rule_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(
                f"{self}: a policy rule version is never changed; save a new version with "
                "policies.services.policy_rule_save"
            )
        self.full_clean()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate the body as a rule with this row's id and version, and keep its canonical
        form (codes in one case, amounts as text, defaults left out). A body the form could
        not even read (excluded) is not validated again."""
        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not exclude or "body" not in exclude:
            try:
                self.body = canonical_body(self.body, rule_id=self.rule_id, version=self.version)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def stage(self) -> str:
        return str(self.body.get("stage", "")) if isinstance(self.body, dict) else ""


def canonical_body(body: Any, *, rule_id: str, version: int | None) -> dict[str, Any]:
    """``body`` validated as rule ``rule_id`` (version ``version``), in canonical form.

    Raises ``ValidationError`` on ``body`` with one message per bad field, each starting with
    the field's path in the JSON (``effect.amount.cap.EUR: ...``).
    """
    if not isinstance(body, dict):
        raise ValidationError({"body": _("A rule is a JSON object.")})
    try:
        check_shape(body)  # before anything recursive (json.dumps) sees a hostile nesting
    except RuleError as exc:
        raise ValidationError({"body": [f"{p}: {why}" for p, why in exc.errors.items()]}) from None
    try:
        size = len(json.dumps(body))
    except (TypeError, ValueError, RecursionError):
        raise ValidationError({"body": _("The rule is not plain JSON.")}) from None
    if size > MAX_BODY_CHARS:
        raise ValidationError(
            {"body": _("The rule is too large: at most %(n)d characters.") % {"n": MAX_BODY_CHARS}}
        )
    if "id" in body and body["id"] != rule_id:
        raise ValidationError({"body": _("id: the rule's id is %(id)s.") % {"id": rule_id}})
    try:
        rule = parse_rule({**body, "id": rule_id, "version": version or 1})
    except RuleError as exc:
        raise ValidationError(
            {"body": [f"{path}: {why}" for path, why in exc.errors.items()]}
        ) from None
    return dict(rule.body)
