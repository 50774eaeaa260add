"""Telling a sender, once a day at most, that their mail was not accepted and why.

Only for reasons the sender can fix (too large, too many files). Never to automatic mail, the
null sender or our own addresses (see ``processing.sender_of``), and marked as automatic itself
(``Auto-Submitted: auto-replied``, RFC 3834) so that well-behaved autoresponders stay quiet.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from amends.core import register
from amends.inbound.models import InboundMessage
from amends.mail.models import Mailbox, SenderNotice
from amends.mail.processing import limits as mail_limits
from amends.mail.processing import mailbox_for

logger = logging.getLogger(__name__)


def tell_sender_once(*, address: str, inbound_id: int) -> None:
    reason_code = f"refused:{timezone.now():%Y-%m-%d}"
    try:
        with transaction.atomic():
            SenderNotice.objects.create(
                address=address, reason_code=reason_code, inbound_id=inbound_id
            )
    except IntegrityError:
        return  # told today already
    sender_notice_send.enqueue(inbound_id=inbound_id, address=address)


def _from_address(mailbox: Mailbox | None) -> tuple[str, str, str]:
    """Who the notice is from, and the storefront's language and register it is written in
    (the sender may be no customer yet, so the storefront's defaults)."""
    if mailbox is not None:
        brand = mailbox.brand
        return brand.sender_email or mailbox.address, brand.default_language, brand.default_register
    return "", "en", "formal"


@task()
def sender_notice_send(*, inbound_id: int, address: str) -> str:
    inbound = InboundMessage.objects.filter(pk=inbound_id).first()
    if inbound is None:
        return "missing"
    sender, language, address_register = _from_address(mailbox_for(inbound))
    limits = mail_limits()
    with register.override(language, address_register):
        subject = gettext("Your mail could not be accepted")
        body = gettext(
            "Hello,\n\nWe received your mail, but we could not accept it: it is larger than "
            "%(size)s or carries more than %(count)s attachments.\n"
            "Please send it again with fewer or smaller attachments, or use the contact form "
            "on our website.\n\nThis is an automatic message."
        ) % {
            "size": filesizeformat(limits.max_bytes),
            "count": limits.max_attachments,
        }
    notice = EmailMessage(
        subject=subject,
        body=body,
        from_email=sender or None,
        to=[address],
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    )
    notice.send()
    return "sent"
