"""Shipment problems, read-only: what was found, which case and notice, and what failed."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from amends.proactive.models import ShipmentProblem


@admin.register(ShipmentProblem)
class ShipmentProblemAdmin(admin.ModelAdmin[ShipmentProblem]):
    list_display = ("id", "kind", "shipment", "case", "detected_at", "notified_at", "last_error")
    list_filter = ("kind",)
    list_select_related = ("shipment", "case")
    search_fields = ("shipment__tracking_number", "shipment__order__number")
    raw_id_fields = ("shipment", "case", "notice", "commitment")
    readonly_fields = (
        "shipment",
        "kind",
        "case",
        "detected_at",
        "rule",
        "detail",
        "notified_at",
        "notice",
        "commitment",
        "last_error",
        "attempts",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ShipmentProblem | None = None
    ) -> bool:
        return False
