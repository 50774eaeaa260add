from django.contrib import admin

from amends.inbound.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ("id", "channel", "source", "status", "reason", "attempts", "received_at")
    list_filter = ("status", "channel")
    readonly_fields = ("sha256", "dedupe_key", "received_at", "processed_at")
    exclude = ("raw",)
