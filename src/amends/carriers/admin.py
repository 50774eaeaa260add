from django.contrib import admin

from amends.carriers.models import Carrier, Shipment, TrackingEvent


class EventInline(admin.TabularInline[TrackingEvent, Shipment]):
    model = TrackingEvent
    extra = 0
    fields = (
        "occurred_at",
        "status",
        "carrier_code",
        "description",
        "location",
        "estimated_delivery",
        "received_at",
    )
    readonly_fields = ("received_at",)


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin[Shipment]):
    list_display = (
        "tracking_number",
        "carrier",
        "order",
        "status",
        "estimated_delivery",
        "promised_delivery",
        "last_event_at",
    )
    list_filter = ("carrier", "status")
    search_fields = ("tracking_number",)
    # Derived from the timeline by carriers.ingest; an edit here would be overwritten by the
    # next event, so they are shown, not edited.
    readonly_fields = (
        "status",
        "last_event_at",
        "delivered_at",
        "promised_delivery",
        "next_poll_at",
        "poll_failures",
    )
    inlines = [EventInline]


admin.site.register(Carrier)
