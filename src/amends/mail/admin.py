from functools import partial

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amends.conversations.models import DeliveryStatus, Message
from amends.mail.models import (
    MailAddressStatus,
    Mailbox,
    OutboundMail,
    OutboundStatus,
    ReceivedMail,
)


class MailboxForm(forms.ModelForm[Mailbox]):
    imap_password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("The IMAP account's password or app password"),
    )

    class Meta:
        model = Mailbox
        fields = (
            "brand",
            "address",
            "active",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_user",
            "imap_password",
            "imap_folder",
            "imap_done_folder",
        )


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    form = MailboxForm
    list_display = ("address", "brand", "active", "imap_host", "last_polled_at", "last_error")
    list_filter = ("active", "brand")
    readonly_fields = ("uidvalidity", "last_uid", "last_polled_at", "last_error")


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin[OutboundMail]):
    list_display = ("message_id", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("status",)
    search_fields = ("message_id", "recipients")
    exclude = ("raw",)
    readonly_fields = (
        "reply",
        "message_id",
        "sender",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    actions = ("send_again",)

    @admin.action(description=_("Send again (after checking it did not arrive)"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        from amends.conversations.tasks import message_deliver

        again = list(queryset.filter(status__in=[OutboundStatus.UNCERTAIN, OutboundStatus.FAILED]))
        for row in again:
            with transaction.atomic():
                OutboundMail.objects.filter(pk=row.pk, status=row.status).update(
                    status=OutboundStatus.QUEUED, next_attempt_at=None
                )
                Message.objects.filter(pk=row.reply_id).update(
                    delivery_status=DeliveryStatus.QUEUED
                )
                transaction.on_commit(partial(message_deliver.enqueue, message_id=row.reply_id))
        self.message_user(
            request,
            ngettext("%(count)d mail queued again", "%(count)d mails queued again", len(again))
            % {"count": len(again)},
            messages.INFO,
        )


@admin.register(MailAddressStatus)
class MailAddressStatusAdmin(admin.ModelAdmin[MailAddressStatus]):
    list_display = ("address", "state", "detail", "updated_at")
    list_filter = ("state",)
    search_fields = ("address",)


@admin.register(ReceivedMail)
class ReceivedMailAdmin(admin.ModelAdmin[ReceivedMail]):
    list_display = ("message_id", "sender", "subject", "kind", "mailbox", "received_at")
    list_filter = ("kind", "mailbox")
    search_fields = ("message_id", "sender", "subject")
    readonly_fields = tuple(f.name for f in ReceivedMail._meta.fields)
