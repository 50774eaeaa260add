from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from amends.notifications.models import Notification

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.cases.models import Case


def notify(
    *, recipient: User, kind: str, text: str, dedupe_key: str, case: Case | None = None
) -> Notification | None:
    """Record a notice once. A second call with the same key changes nothing and returns None."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient, kind=kind, text=text[:500], case=case, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
