from django.contrib import admin

from amends.carriers.models import Carrier, Shipment, TrackingEvent


class EventInline(admin.TabularInline[TrackingEvent, Shipment]):
    model = TrackingEvent
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin[Shipment]):
    list_display = ("tracking_number", "carrier", "order", "status", "estimated_delivery")
    list_filter = ("carrier", "status")
    search_fields = ("tracking_number",)
    inlines = [EventInline]


admin.site.register(Carrier)
