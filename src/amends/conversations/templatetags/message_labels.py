"""``{% message_labels message as labels %}``: how a message arrived, in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from amends.conversations.models import Message

register = template.Library()


def _label(code: str) -> str:
    if code.startswith("withheld:"):
        return gettext("Attachment not offered for download: %(file)s") % {
            "file": code.removeprefix("withheld:")
        }
    known = {
        "signed": gettext("Signed mail"),
        "encrypted": gettext("Encrypted mail"),
        "repaired": gettext("Damaged mail, read as well as possible"),
    }
    return known.get(code, code)


@register.simple_tag
def message_labels(message: Message) -> list[str]:
    return [_label(str(code)) for code in message.labels or []]
