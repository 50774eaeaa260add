"""HTML mail made safe to show (nh3) and readable as plain text (inscriptis).

The sanitised HTML keeps formatting, links and the pictures the mail itself carries
(``cid:`` references to its inline parts); it loses scripts, styles, event handlers, forms and
every remote picture, since a remote picture tells its sender when and where the mail was read.

The text version is what agents, search and triage read when a mail has no text part.
inscriptis (Apache-2.0) lays out lists, tables and blocks the way a browser would, which a tag
stripper does not; its lxml parser gives up on absurdly deep markup, and then the tags are
simply dropped instead.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from inscriptis import get_text

_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_BLOCK_END = re.compile(r"(?i)<(?:br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Pictures only from the mail itself: an ``img`` whose source is not ``cid:`` loses it."""
    if tag == "img" and attribute == "src" and not value.strip().lower().startswith("cid:"):
        return None
    return value


def sanitise_html(html: str) -> str:
    """HTML without anything that runs, phones home or hides: safe to put in a page."""
    try:
        return nh3.clean(html, url_schemes=_URL_SCHEMES, attribute_filter=_keep_attribute)
    except Exception:  # nh3 refusing the input leaves nothing safe to show but the text
        return ""


def html_to_text(html: str) -> str:
    """The text a reader sees in ``html``, laid out with line breaks for blocks and lists."""
    try:
        text = get_text(html)
    except Exception:  # lxml refuses some documents (encoding declarations, broken bytes)
        text = ""
    if not text.strip():
        try:  # nh3 with no tags allowed is a tag stripper that also drops scripts and styles
            text = html_lib.unescape(nh3.clean(_BLOCK_END.sub("\n", html), tags=set()))
        except Exception:
            text = ""
    return _BLANK_LINES.sub("\n\n", text).strip()
