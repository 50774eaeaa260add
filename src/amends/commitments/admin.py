from django.contrib import admin

from amends.commitments.models import Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin[Commitment]):
    list_display = ("case", "kind", "description", "owner", "due_at", "state")
    list_filter = ("state", "kind")
    raw_id_fields = ("case",)
    readonly_fields = ("state", "reminded_at", "escalated_at", "closed_at")
