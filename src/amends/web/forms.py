from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amends.brands.models import Brand


class ContactForm(forms.Form):
    brand = forms.ChoiceField(label=_("Shop"))
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"))
    order_number = forms.CharField(label=_("Order number (if any)"), max_length=40, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("What happened?"), widget=forms.Textarea, max_length=20_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [(b.code, b.name) for b in Brand.objects.order_by("code")]  # type: ignore[attr-defined]

    def payload(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "brand": data["brand"],
            "name": data["name"],
            "email": data["email"],
            "order_number": data.get("order_number", ""),
            "subject": data["subject"],
            "message": data["message"],
        }
