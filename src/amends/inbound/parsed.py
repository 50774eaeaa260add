"""What every channel's parser turns a raw payload into, and the parsers of the built-in channels.

A parser raises ``UnprocessableInbound`` with a reason a person can act on; the raw payload is
kept and quarantined with that reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


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
    extra: dict[str, str] = field(default_factory=dict)


class ContactPayload(BaseModel):
    """The JSON the web contact form and ``POST /api/v1/inbound`` carry."""

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
