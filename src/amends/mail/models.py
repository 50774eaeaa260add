"""Email: the mailboxes amends reads, what each mail was, the outbox, and addresses that bounce.

The raw bytes of every received mail live in ``inbound.InboundMessage`` (stored first, with a
sha256); ``ReceivedMail`` records what the mail turned out to be once parsed. Replies leave
through ``OutboundMail``, written in the same transaction as the reply itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImapSecurity(models.TextChoices):
    TLS = "tls", _("TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (loopback only)")


class Mailbox(models.Model):
    """A support address of a storefront. Mail reaches it by IMAP (amends polls the account),
    by LMTP/SMTP delivery from the MTA (``amends mail serve``) or by ``amends mail import``."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="mailboxes")
    address = models.EmailField(unique=True, help_text=_("The address customers write to"))
    active = models.BooleanField(default=True)
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(
        max_length=8, choices=ImapSecurity.choices, default=ImapSecurity.TLS
    )
    imap_user = models.CharField(max_length=255, blank=True)
    imap_password = models.CharField(max_length=255, blank=True)
    imap_folder = models.CharField(max_length=255, default="INBOX")
    imap_done_folder = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Move stored mail here; when empty it is flagged and left in place"),
    )
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["address"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def polls_imap(self) -> bool:
        return bool(self.active and self.imap_host and self.imap_user)


class MailKind(models.TextChoices):
    MESSAGE = "message", _("Message from a person")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Delivery failure")
    DELAY = "delay", _("Delivery delayed")
    OWN = "own", _("Mail from our own address")
    LOOP = "loop", _("Stopped as a mail loop")


class ReceivedMail(models.Model):
    """What a stored mail was: its ids for threading, its sender, and what became of it."""

    inbound = models.OneToOneField(
        "inbound.InboundMessage", on_delete=models.CASCADE, related_name="mail"
    )
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL)
    message_id = models.CharField(max_length=300, db_index=True)
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=12, choices=MailKind.choices, default=MailKind.MESSAGE)
    case_message = models.ForeignKey(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_mail",
    )
    answers = models.ForeignKey(
        "mail.OutboundMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_by",
        help_text=_("The reply this bounce or auto-reply answers"),
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["sender", "received_at"], name="mail_sender_rate_idx")]

    def __str__(self) -> str:
        return f"<{self.message_id}> ({self.kind})"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNCERTAIN = "uncertain", _("Perhaps sent: check before sending again")
    BOUNCED = "bounced", _("Bounced")


class OutboundMail(models.Model):
    """The outbox: one row per mail to send, written in the reply's own transaction. The
    Message-ID and the bytes are fixed when the row is written, so every attempt sends the same
    mail."""

    reply = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="outbound_mail"
    )
    message_id = models.CharField(max_length=300, unique=True)
    sender = models.CharField(max_length=254)
    recipients = models.JSONField(default=list)
    raw = models.BinaryField()
    status = models.CharField(
        max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"<{self.message_id}> ({self.status})"


class AddressState(models.TextChoices):
    BOUNCING = "bouncing", _("Bounces: mail is not delivered")
    DELAYED = "delayed", _("Delivery delayed")


class MailAddressStatus(models.Model):
    """An address that bounced (permanent) or was delayed, from the delivery reports."""

    address = models.EmailField(unique=True)
    state = models.CharField(max_length=10, choices=AddressState.choices)
    detail = models.TextField(blank=True)
    outbound = models.ForeignKey(OutboundMail, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "mail address statuses"

    def __str__(self) -> str:
        return f"{self.address}: {self.state}"


class SenderNotice(models.Model):
    """A sender told once why their mail was not accepted (too large, too many files)."""

    address = models.EmailField()
    reason_code = models.CharField(max_length=40)
    inbound = models.ForeignKey(
        "inbound.InboundMessage", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "reason_code"], name="sender_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.reason_code}"
