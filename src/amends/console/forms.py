from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.cases.models import CaseStatus
from amends.commitments.models import CommitmentKind


class TransferForm(forms.Form):
    to_assignee = forms.ChoiceField(label=_("Hand over to"), required=False)
    note = forms.CharField(
        label=_("Hand-off note (what was done, what the customer is waiting for)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(
        label=_("Internal note (the customer does not see it)"), required=False
    )
    # Only offered once the reply check has refused the text: why it should go anyway.
    override_reason = forms.CharField(
        label=_("Send anyway, because (at least 10 characters, kept on the timeline)"),
        required=False,
        max_length=1000,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Promise"), choices=CommitmentKind.choices)
    description = forms.CharField(label=_("In the customer's words"), max_length=500)
    within_business_days = forms.IntegerField(
        label=_("Within business days"), min_value=1, max_value=365, required=False
    )
    by_local_time = forms.TimeField(label=_("Or by (local time)"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        given = [data.get("within_business_days"), data.get("by_local_time")]
        if sum(v is not None for v in given) != 1:
            raise forms.ValidationError(
                _("Give either a number of business days or a time of day.")
            )
        return data
