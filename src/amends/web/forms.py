from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amends.brands.models import Brand
from amends.commerce.models import Order
from amends.conversations.filenames import clean_filename
from amends.conversations.uploads import (
    ACCEPT,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    RejectedFile,
    Upload,
    inspect_file,
    total_too_large,
)
from amends.customers.models import Customer
from amends.inbound.parsed import AttachmentPayload, Problem, WantedOutcome
from amends.inbound.services import describe_order

NOT_ABOUT_AN_ORDER = "none"
MIN_DETAILS = 10
MAX_DETAILS = 20_000
# ``?about=seller`` on the contact page starts on this problem.
ABOUT = {"seller": Problem.SELLER_ISSUE}


# The four steps of the form and the fields each asks for.
STEPS = (
    ("order", _("Your order"), ("order", "brand", "name", "email", "order_number")),
    ("problem", _("What went wrong?"), ("problem",)),
    ("outcome", _("What would you like us to do?"), ("wanted_outcome",)),
    ("details", _("Details and attachments"), ("details", "attachments")),
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``ContactForm.clean_attachments``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class ContactForm(forms.Form):
    """The guided contact form: the order, what went wrong, what the customer wants, then the
    details and any photos or documents. A signed-in customer picks one of their own orders;
    anyone else names the shop and how to reach them.

    ``payload()`` is the ``ContactPayload`` JSON the inbound pipeline stores before anything
    else, attachments included.
    """

    # (a) the order — for a signed-in customer
    order = forms.ChoiceField(label=_("Which order is it about?"), widget=forms.RadioSelect)
    # (a) the order — for anyone else
    brand = forms.ChoiceField(label=_("Shop"))
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"))
    order_number = forms.CharField(
        label=_("Order number (if it is about an order)"), max_length=40, required=False
    )
    # (b) and (c)
    problem = forms.ChoiceField(
        label=_("What went wrong?"),
        choices=Problem.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what went wrong.")},
    )
    wanted_outcome = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=WantedOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like us to do.")},
    )
    # (d)
    details = forms.CharField(
        label=_("Tell us what happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=MIN_DETAILS,
        max_length=MAX_DETAILS,
        error_messages={
            "required": _("Tell us what happened."),
            "min_length": _(
                "Tell us a little more: at least %(limit_value)d characters "
                "(you wrote %(show_value)d)."
            ),
        },
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        customer: Customer | None = None,
        orders: Sequence[Order] = (),
        language: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.language = language
        self.uploads: list[Upload] = []
        self._orders = {order.number: order for order in orders}
        # Help texts with numbers in them, in the language of this request.
        self.fields["details"].help_text = _(
            "At least %(min)d characters. Dates, what you saw and what you were told all help."
        ) % {"min": MIN_DETAILS}
        self.fields["attachments"].help_text = _(
            "Up to %(count)d files: photos, PDF or plain text; at most %(each)s each "
            "and %(total)s together."
        ) % {
            "count": MAX_FILES,
            "each": filesizeformat(MAX_FILE_BYTES),
            "total": filesizeformat(MAX_TOTAL_BYTES),
        }
        if customer is not None:
            for name in ("brand", "name", "email", "order_number"):
                del self.fields[name]
            order_field = cast(forms.ChoiceField, self.fields["order"])
            order_field.choices = [
                *((order.number, describe_order(order)) for order in orders),
                (NOT_ABOUT_AN_ORDER, _("It is not about an order")),
            ]
            order_field.error_messages["required"] = _(
                "Choose the order, or that it is not about an order."
            )
        else:
            del self.fields["order"]
            brand_field = cast(forms.ChoiceField, self.fields["brand"])
            brand_field.choices = [
                ("", _("Choose the shop")),
                *((b.code, b.name) for b in Brand.objects.order_by("code")),
            ]
            brand_field.error_messages["required"] = _("Choose the shop you bought from.")
            self.fields["name"].error_messages["required"] = _("Tell us your name.")
            self.fields["email"].error_messages["required"] = _("Give your email address.")
            self.fields["email"].widget.attrs["autocomplete"] = "email"
            self.fields["name"].widget.attrs["autocomplete"] = "name"
            self.fields["email"].widget.attrs["data-msg-invalid"] = _(
                "Enter your email address like name@example.com."
            )
        self._messages_for_the_page()

    def _messages_for_the_page(self) -> None:
        """What the page says, before sending, about a step that is not complete yet. The
        server checks the same and more; these only save a round trip."""
        for field in self.fields.values():
            message = field.error_messages.get("required")
            if field.required and message:
                field.widget.attrs.setdefault("data-msg-required", str(message))
        self.fields["details"].widget.attrs["data-msg-short"] = _(
            "Tell us a little more: at least %(min)d characters."
        ) % {"min": MIN_DETAILS}
        files = self.fields["attachments"].widget.attrs
        files["data-max-files"] = str(MAX_FILES)
        files["data-max-bytes"] = str(MAX_FILE_BYTES)
        files["data-max-total"] = str(MAX_TOTAL_BYTES)
        files["data-msg-count"] = _("At most %(count)d files can be attached.") % {
            "count": MAX_FILES
        }
        files["data-msg-size"] = _("“%(name)s” is larger than %(limit)s.") % {
            "name": "{name}",
            "limit": filesizeformat(MAX_FILE_BYTES),
        }
        files["data-msg-total"] = _("The files are larger than %(limit)s together.") % {
            "limit": filesizeformat(MAX_TOTAL_BYTES)
        }
        files["data-msg-type"] = _(
            "“%(name)s” is not a photo, PDF or text file; only those can be attached."
        ) % {"name": "{name}"}

    # -- the steps, for the template -------------------------------------------------------------

    @property
    def steps_with_errors(self) -> set[str]:
        """The steps the page opens on after a refused submission (the first of them)."""
        if not self.is_bound:
            return set()
        steps = {key for key, _label, names in STEPS if any(n in self.errors for n in names)}
        if self.non_field_errors():
            steps.add("order")
        return steps

    # -- validation ------------------------------------------------------------------------------

    def clean_details(self) -> str:
        details: str = self.cleaned_data["details"]
        return details.strip()

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise ValidationError(
                ngettext(
                    "You attached %(count)d files; at most %(limit)d file can be attached.",
                    "You attached %(count)d files; at most %(limit)d files can be attached.",
                    MAX_FILES,
                )
                % {"count": len(files), "limit": MAX_FILES},
                code="too_many",
            )
        problems: list[ValidationError] = []
        uploads: list[Upload] = []
        for uploaded in files:
            if (uploaded.size or 0) > MAX_FILE_BYTES:
                # Refused before reading it into memory.
                error = RejectedFile(
                    "too_large",
                    "",
                    "“%(name)s” is %(size)s; each file may be at most %(limit)s.",
                    name=clean_filename(uploaded.name or ""),
                    size=filesizeformat(uploaded.size or 0),
                    limit=filesizeformat(MAX_FILE_BYTES),
                )
                problems.append(ValidationError(error.message, code=error.code))
                continue
            data = uploaded.read()
            upload = Upload(
                filename=uploaded.name or "",
                content_type=uploaded.content_type or "",
                data=data,
            )
            try:
                inspect_file(filename=upload.filename, declared_type=upload.content_type, data=data)
            except RejectedFile as exc:
                problems.append(ValidationError(exc.message, code=exc.code))
                continue
            uploads.append(upload)
        if problems:
            raise ValidationError(problems)
        if total_too_large([len(u.data) for u in uploads]):
            raise ValidationError(
                _("The files are %(size)s together; at most %(limit)s can be attached.")
                % {
                    "size": filesizeformat(sum(len(u.data) for u in uploads)),
                    "limit": filesizeformat(MAX_TOTAL_BYTES),
                },
                code="too_large_together",
            )
        self.uploads = uploads
        return files

    # -- the payload -----------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.customer is not None:
            brand = self.customer.brand
            chosen = data.get("order", NOT_ABOUT_AN_ORDER)
            order_number = chosen if chosen in self._orders else ""
            name = self.customer.name
            email = self.customer.primary_email or (
                self.customer.user.email if self.customer.user else ""
            )
        else:
            brand = Brand.objects.get(code=data["brand"])
            order_number = data.get("order_number", "").strip()
            name, email = data["name"], data["email"]
        return {
            "brand": brand.code,
            "name": name,
            "email": email,
            "order_number": order_number,
            "language": self.language if self.language in brand.languages else "",
            "problem": data["problem"],
            "wanted_outcome": data["wanted_outcome"],
            "message": data["details"],
            "attachments": [AttachmentPayload.of(u) for u in self.uploads],
        }
