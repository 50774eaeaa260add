"""``{{ message.body_html|sanitized_html }}``: the only way a message's HTML reaches a page.

HTML a customer or their mail program wrote is cleaned with nh3 (ammonia) against an allow-list:
formatting, lists, tables, quotes and links stay; scripts, styles, event handlers, forms,
frames, SVG and MathML, images (remote ones track the reader) and every URL scheme but
http(s) and mailto go. Links get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
        "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "svg", "math"},
    )


@register.filter(is_safe=True)
def sanitized_html(value: object) -> SafeString:
    """The value as HTML that is safe to put in a page."""
    if value is None:
        return mark_safe("")
    return mark_safe(sanitize_html(str(value)))  # noqa: S308 - cleaned by nh3 just above
