"""Policy rules in the admin: saving a rule writes a new version; errors name the bad field.

The change form of a stored version is where its next version is written: "Save" stores the
edited body as a new row (``policy_rule_save``) and leaves the one shown untouched. Nothing is
deleted. The form runs the same checks as the service, so a bad body comes back on the form
with one message per bad field instead of failing on save.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.errors import DomainError, InvalidInput
from amends.policies.models import MAX_BODY_CHARS, PolicyRule
from amends.policies.services import policy_rule_check, policy_rule_save


class RuleBodyField(forms.JSONField):
    """JSON that refuses what is too large or too deep to parse, instead of crashing."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > MAX_BODY_CHARS:
            raise ValidationError(
                _("The rule is too large: at most %(n)d characters."), params={"n": MAX_BODY_CHARS}
            )
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(_("The rule is nested too deeply.")) from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data if isinstance(data, str) else "")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


class PolicyRuleForm(forms.ModelForm[PolicyRule]):
    body = RuleBodyField(
        label=_("rule"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text=_("The rule as JSON: stage, remedies, when, description and effect."),
    )

    class Meta:
        model = PolicyRule
        fields = ["rule_id", "body", "active", "note"]

    def clean(self) -> dict[str, Any]:
        """The service's checks of the rules that would be in force. The body itself is
        checked by the model (``PolicyRule.clean``), which reports each bad field."""
        data = super().clean() or self.cleaned_data
        rule_id = data.get("rule_id") or self.instance.rule_id
        if self.errors or not rule_id or "body" not in data:
            return data
        try:
            policy_rule_check(rule_id=rule_id, body=data["body"], active=bool(data.get("active")))
        except InvalidInput as exc:
            for key, why in exc.errors.items():
                if key in {"active", "note"}:
                    self.add_error(key, why)
                elif key != "body" and not key.startswith("body."):
                    self.add_error(None, why)
        return data


@admin.register(PolicyRule)
class PolicyRuleAdmin(admin.ModelAdmin[PolicyRule]):
    form = PolicyRuleForm
    list_display = ("rule_id", "version", "stage", "active", "created_at", "created_by", "note")
    list_filter = ("active", "rule_id")
    search_fields = ("rule_id", "note")
    readonly_fields = ("version", "created_at", "created_by")

    def get_readonly_fields(self, request: HttpRequest, obj: PolicyRule | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "rule_id") if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: PolicyRule | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PolicyRule, form: Any, change: bool) -> None:
        actor = request.user if request.user.is_authenticated else None
        try:
            saved = policy_rule_save(
                rule_id=obj.rule_id,
                body=form.cleaned_data["body"],
                active=obj.active,
                note=obj.note,
                actor=actor,
            )
        except DomainError as exc:
            # Checked on the form already: what is left is someone saving first. Show theirs.
            latest = PolicyRule.objects.filter(rule_id=obj.rule_id).order_by("-version").first()
            if latest is None:
                raise
            self.message_user(request, exc.detail, level=messages.ERROR)
            saved = latest
        if change and saved.pk != obj.pk:
            self.message_user(
                request, gettext("Saved as version %(v)d.") % {"v": saved.version}, messages.INFO
            )
        obj.pk, obj.version, obj.body = saved.pk, saved.version, saved.body
        obj._state.adding = False
