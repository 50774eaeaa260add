from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language_info

from amends.console.countdown import countdown_state, countdown_text

register = template.Library()


@register.filter
def countdown(due_at: dt.datetime | None) -> str:
    """``{{ commitment.due_at|countdown }}`` → "in 3 h 20 min", "overdue by 2 h"."""
    if due_at is None:
        return ""
    return countdown_text(due_at=due_at, now=timezone.now())


@register.filter
def countdown_class(due_at: dt.datetime | None) -> str:
    """A CSS class for how close the due time is: countdown-overdue / -soon / -later."""
    if due_at is None:
        return ""
    return f"countdown-{countdown_state(due_at=due_at, now=timezone.now())}"


@register.filter
def language_label(code: str) -> str:
    """A language code as its name in the reader's language ("fr" → "French"); unknown codes
    are shown as they are."""
    try:
        return str(get_language_info(str(code))["name_translated"])
    except (KeyError, TypeError):
        return str(code)


@register.filter
def item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if mapping else None
