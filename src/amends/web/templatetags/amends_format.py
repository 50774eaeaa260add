"""Numbers people read: money in the reader's locale (``{{ total|money:currency }}``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import UnknownCurrencyError, format_currency
from django import template
from django.utils import translation

register = template.Library()


@register.filter
def money(amount: Decimal | float | int | str | None, currency: str = "EUR") -> str:
    """``1234.5`` in EUR reads "1 234,50 €" in French, "€ 1.234,50" in Dutch, "€1,234.50" in
    English. Nothing shown for no amount; an unknown currency code is shown beside the number."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return ""
    locale = translation.to_locale(translation.get_language() or "en")
    try:
        return format_currency(value, currency or "EUR", locale=locale)
    except (UnknownCurrencyError, ValueError):
        return f"{value:.2f} {currency}".strip()
