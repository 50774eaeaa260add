from django.contrib import admin

from amends.conversations.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ("case", "direction", "channel", "created_at", "delivery_status")
    list_filter = ("direction", "channel")
    raw_id_fields = ("case", "author_user", "author_customer", "inbound")
