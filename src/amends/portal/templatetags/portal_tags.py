"""Template filters of the customer portal."""

from __future__ import annotations

from django import template

from amends.portal import labels

register = template.Library()


@register.filter
def customer_status(status: str) -> str:
    """A case status in the customer's words: "Waiting for your reply"."""
    return labels.customer_status(status)


@register.filter
def promise_state(state: str) -> str:
    """A commitment's state in the customer's words."""
    return labels.promise_state(state)


@register.filter
def country_name(code: str) -> str:
    return labels.country_name(code)
