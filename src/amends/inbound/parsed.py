"""What every channel's parser turns a raw payload into, and the parsers of the built-in channels.

A parser raises ``UnprocessableInbound`` with a reason a person can act on; the raw payload is
kept and quarantined with that reason.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from amends.conversations.uploads import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    RejectedFile,
    Upload,
    inspect_file,
)


class UnprocessableInbound(Exception):
    """The payload cannot be turned into a message; ``str(exc)`` is the quarantine reason."""


@dataclass(frozen=True)
class ParsedInbound:
    brand_code: str
    text: str
    subject: str = ""
    sender_email: str = ""
    sender_phone: str = ""
    sender_name: str = ""
    language: str = ""
    case_reference: str = ""
    order_numbers: tuple[str, ...] = ()
    external_id: str = ""
    wanted_outcome: str = ""
    problem: str = ""
    attachments: tuple[Upload, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


class Problem(models.TextChoices):
    """What went wrong, as the guided contact form asks it. The codes are the triage intents,
    so a case opened from the form starts with the customer's own answer in ``Case.intents``."""

    DELIVERY_FAILED = "delivery_failed", _("Not delivered, or the delivery failed")
    PARCEL_DAMAGED = "parcel_damaged", _("Parcel damaged")
    WRONG_OR_DEFECTIVE_ITEM = "wrong_or_defective_item", _("Wrong or defective item")
    LATE_DELIVERY = "late_delivery", _("Delivery is late")
    PRICE_DROP_ADJUSTMENT = "price_drop_adjustment", _("The price dropped after I bought")
    RETURN_REQUEST = "return_request", _("I want to return something")
    BILLING_PAYMENT = "billing_payment", _("Billing or payment")
    CANCEL_ACCOUNT_OR_MEMBERSHIP = (
        "cancel_account_or_membership",
        _("My account or membership"),
    )
    SELLER_ISSUE = "seller_issue", _("A question for the seller")
    OTHER = "other", _("Something else")


class WantedOutcome(models.TextChoices):
    """What the customer wants done."""

    REFUND = "refund", _("A refund")
    REPLACEMENT = "replacement", _("A replacement")
    REDELIVERY = "redelivery", _("A new delivery")
    EXPLANATION = "explanation", _("An explanation")
    CANCEL_MEMBERSHIP = "cancel_membership", _("Cancel my membership")
    OTHER = "other", _("Something else")


# Outcomes integrations sent before the guided form existed; shown by name, never offered.
OTHER_OUTCOME_LABELS = {"price_adjustment": _("A price-drop adjustment")}

# Base64 of the largest file, with room for line breaks some encoders add.
_MAX_BASE64_CHARS = (MAX_FILE_BYTES + 2) // 3 * 4 + MAX_FILE_BYTES // 57 + 16


def _b64decode(data: str) -> bytes:
    """Strict base64 (RFC 4648); line breaks, as MIME encoders add them, are allowed."""
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        return binascii.a2b_base64("".join(data.split()), strict_mode=True)


class AttachmentPayload(BaseModel):
    """One attached file: the sender's name and declared type, the size and the bytes in base64
    (RFC 4648). Checked like an upload: type, first bytes, name ending, size."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=1000)
    content_type: str = Field(min_length=1, max_length=128)
    size: int = Field(ge=1, le=MAX_FILE_BYTES)
    data: str = Field(min_length=1, max_length=_MAX_BASE64_CHARS, repr=False)
    _content: bytes = PrivateAttr(default=b"")

    @model_validator(mode="after")
    def _decode_and_check(self) -> Self:
        try:
            content = _b64decode(self.data)
        except (binascii.Error, ValueError):
            raise ValueError("data is not valid base64") from None
        if len(content) != self.size:
            raise ValueError(f"size says {self.size} bytes but data holds {len(content)}")
        try:
            inspect_file(filename=self.filename, declared_type=self.content_type, data=content)
        except RejectedFile as exc:
            raise ValueError(exc.reason) from None
        self._content = content
        return self

    def upload(self) -> Upload:
        return Upload(filename=self.filename, content_type=self.content_type, data=self._content)

    @classmethod
    def of(cls, upload: Upload) -> dict[str, str | int]:
        """The JSON form of ``upload``, as the contact form puts it in the payload."""
        return {
            "filename": upload.filename,
            "content_type": upload.content_type,
            "size": len(upload.data),
            "data": base64.b64encode(upload.data).decode("ascii"),
        }


class ContactPayload(BaseModel):
    """The JSON the web contact form and ``POST /api/v1/inbound`` carry.

    ``problem`` is one of :class:`Problem` (or empty); ``wanted_outcome`` is usually one of
    :class:`WantedOutcome`. Everything the customer gave is in the payload, attachments
    included, so the raw payload stored first is enough to replay the submission.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    brand: str = Field(min_length=1, max_length=16)
    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    subject: str = Field(default="", max_length=300)
    message: str = Field(min_length=1, max_length=100_000)
    order_number: str = Field(default="", max_length=40)
    case_reference: str = Field(default="", max_length=20)
    language: str = Field(default="", max_length=8)
    wanted_outcome: str = Field(default="", max_length=40)
    problem: str = Field(default="", max_length=40)
    attachments: list[AttachmentPayload] = Field(default_factory=list, max_length=MAX_FILES)

    @field_validator("problem")
    @classmethod
    def _problem(cls, value: str) -> str:
        if value and value not in Problem.values:
            raise ValueError(f"unknown problem {value!r}; one of {', '.join(Problem.values)}")
        return value

    @model_validator(mode="after")
    def _attachments_together(self) -> Self:
        total = sum(a.size for a in self.attachments)
        if total > MAX_TOTAL_BYTES:
            raise ValueError(
                f"the attachments hold {total} bytes together; the limit is {MAX_TOTAL_BYTES}"
            )
        return self

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        # The same rule as every form of the site (Django's), so the API and the web agree.
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("not a valid email address") from None
        return value.lower()


def parse_contact(raw: bytes, content_type: str) -> ParsedInbound:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnprocessableInbound(f"payload is not UTF-8 JSON: {exc}") from exc
    try:
        payload = ContactPayload.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'payload'}: {err['msg']}"
            for err in exc.errors()
        )
        raise UnprocessableInbound(f"payload does not match the contact form: {problems}") from exc
    return ParsedInbound(
        brand_code=payload.brand.lower(),
        text=payload.message,
        subject=payload.subject,
        sender_email=str(payload.email).lower(),
        sender_name=payload.name,
        language=payload.language,
        case_reference=payload.case_reference,
        order_numbers=(payload.order_number,) if payload.order_number else (),
        wanted_outcome=payload.wanted_outcome,
        problem=payload.problem,
        attachments=tuple(a.upload() for a in payload.attachments),
    )


Parser = Callable[[bytes, str], ParsedInbound]

_PARSERS: dict[str, Parser] = {"web": parse_contact, "api": parse_contact}


def register_parser(channel: str, parser: Parser) -> None:
    _PARSERS[channel] = parser


def parser_for(channel: str) -> Parser:
    try:
        return _PARSERS[channel]
    except KeyError:
        raise UnprocessableInbound(f"no parser is registered for channel {channel!r}") from None
