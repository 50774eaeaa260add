from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from amends.cases.models import Case, CaseEvent


class EventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "data", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    """Read-mostly: owner and status change through the API and console, which append events."""

    list_display = (
        "reference",
        "subject",
        "brand",
        "status",
        "priority",
        "team",
        "assignee",
        "bounces",
    )
    list_filter = ("status", "brand", "team", "priority")
    search_fields = ("subject", "customer__name")
    readonly_fields = ("team", "assignee", "status", "bounces", "version")
    raw_id_fields = ("customer", "orders")
    inlines = [EventInline]
