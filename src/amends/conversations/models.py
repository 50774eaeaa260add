"""Messages on a case, from every channel, and their attachments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Channel


class Direction(models.TextChoices):
    INBOUND = "in", _("From the customer")
    OUTBOUND = "out", _("To the customer")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System")


class DeliveryStatus(models.TextChoices):
    NOT_APPLICABLE = "n/a", _("Not applicable")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNCERTAIN = "unsure", _("Perhaps sent: check before sending again")


class Message(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    author_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    body_text = models.TextField(help_text="What is shown: for mail, without quoted history")
    body_html = models.TextField(blank=True)
    # The whole text when ``body_text`` is a shortened view of it (mail with quoted history).
    body_full = models.TextField(blank=True)
    # Facts about how the message arrived: "signed", "encrypted", "auto-reply", …
    labels = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, blank=True)
    external_id = models.CharField(max_length=300, blank=True)
    delivery_status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_APPLICABLE
    )
    inbound = models.ForeignKey(
        "inbound.InboundMessage", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "id"], name="message_case_idx")]

    def __str__(self) -> str:
        return f"{self.direction} message on case {self.case_id}"

    @property
    def is_public(self) -> bool:
        return self.direction in {Direction.INBOUND, Direction.OUTBOUND}


def attachment_key(instance: Attachment, filename: str) -> str:
    """Where an attachment's bytes are stored: a generated key, never the sender's file name."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file sent with a message. ``filename`` is for display only (cleaned, see
    ``conversations/filenames.py``); the bytes live under a generated key in ``file``."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=128, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # An image the mail's HTML shows in place (``cid:``); served like any other attachment.
    content_id = models.CharField(max_length=250, blank=True)
    inline = models.BooleanField(default=False)
    file = models.FileField(upload_to=attachment_key, max_length=255)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
