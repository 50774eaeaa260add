"""Storefronts: a country site of the shop with its languages, register, hours and senders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.core.businesstime import DEFAULT_HOURS, BusinessCalendar, parse_hours


class Register(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")


SUPPORTED_LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")


def _default_hours() -> dict[str, list[list[str]]]:
    return {day: [list(i) for i in intervals] for day, intervals in DEFAULT_HOURS.items()}


class Brand(models.Model):
    code = models.SlugField(max_length=16, unique=True, help_text=_("Short code, e.g. fr, nl-be"))
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    languages = models.JSONField(default=list)
    default_language = models.CharField(max_length=8)
    default_register = models.CharField(
        max_length=8, choices=Register.choices, default=Register.FORMAL
    )
    time_zone = models.CharField(max_length=64, default="Europe/Paris")
    business_hours = models.JSONField(default=_default_hours)
    extra_closed_dates = models.JSONField(default=list, blank=True)
    sender_email = models.EmailField()
    currency = models.CharField(max_length=3, default="EUR")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = f"unknown time zone {self.time_zone!r}"
        try:
            parse_hours(self.business_hours)
        except (ValueError, TypeError, AttributeError) as exc:
            errors["business_hours"] = str(exc)
        unknown = [lang for lang in self.languages if lang not in SUPPORTED_LANGUAGES]
        if unknown or not self.languages:
            errors["languages"] = f"choose from {', '.join(SUPPORTED_LANGUAGES)}"
        if self.default_language not in self.languages:
            errors["default_language"] = "must be one of the brand's languages"
        try:
            for value in self.extra_closed_dates:
                dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            errors["extra_closed_dates"] = "dates must be YYYY-MM-DD"
        if errors:
            raise ValidationError(errors)

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            time_zone=self.time_zone,
            hours=self.business_hours,
            holiday_country=self.country,
            extra_closed_dates=tuple(dt.date.fromisoformat(d) for d in self.extra_closed_dates),
        )
