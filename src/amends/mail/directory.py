"""Who receives mail where: mailboxes and storefront senders by address, kept in memory.

Every mail asks which storefront it was sent to; the answer changes only when an administrator
edits a mailbox or a storefront, so it is read once and dropped on any such change (and after
at most a minute, for changes made by another process).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save

from amends.brands.models import Brand
from amends.mail.models import Mailbox

_TTL = 60.0


@dataclass(frozen=True)
class Directory:
    mailboxes: dict[str, Mailbox]  # address → mailbox (its brand loaded)
    senders: dict[str, Brand]  # a storefront's sender address → the storefront
    only_brand: Brand | None  # the storefront, when there is exactly one


_cached: tuple[float, Directory] | None = None


def directory(*, fresh: bool = False) -> Directory:
    """The directory, read again when ``fresh`` (before refusing an address: a mailbox added a
    moment ago in another process must not be refused)."""
    global _cached
    now = time.monotonic()
    if not fresh and _cached is not None and now - _cached[0] < _TTL:
        return _cached[1]
    mailboxes = {m.address.lower(): m for m in Mailbox.objects.select_related("brand")}
    brands = list(Brand.objects.all())
    senders = {b.sender_email.lower(): b for b in brands if b.sender_email}
    found = Directory(mailboxes, senders, brands[0] if len(brands) == 1 else None)
    _cached = (now, found)
    return found


def forget(*args: Any, **kwargs: Any) -> None:
    global _cached
    _cached = None
    from amends.mail.loops import forget_own_addresses

    forget_own_addresses()


def connect() -> None:
    for model in (Mailbox, Brand):
        post_save.connect(forget, sender=model, dispatch_uid=f"mail-directory:{model.__name__}")
        post_delete.connect(
            forget, sender=model, dispatch_uid=f"mail-directory-del:{model.__name__}"
        )
