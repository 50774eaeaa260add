"""Reads of messages' attachments, filtered by who may see them.

An attachment is visible exactly when its message is: staff see every message of the cases
``cases_visible_to`` gives them; customers (and sellers) see only the public messages — from
and to the customer — of theirs, never internal notes. An attachment that exists but is not
visible is reported exactly like one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from amends.accounts.models import User
from amends.cases.selectors import cases_visible_to, user_may_work_case
from amends.conversations.models import Attachment, Direction
from amends.core.errors import NotFound

_LARGEST_ID = 2**63 - 1


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    qs = Attachment.objects.filter(message__case__in=cases_visible_to(user).values("pk"))
    if not user_may_work_case(user):
        qs = qs.filter(message__direction__in=[Direction.INBOUND, Direction.OUTBOUND])
    return qs


def attachment_get(*, user: User, attachment_id: int) -> Attachment:
    if not 0 < attachment_id <= _LARGEST_ID:
        raise NotFound(f"attachment {attachment_id} not found")
    try:
        return attachments_visible_to(user).select_related("message").get(pk=attachment_id)
    except Attachment.DoesNotExist as exc:
        raise NotFound(f"attachment {attachment_id} not found") from exc
