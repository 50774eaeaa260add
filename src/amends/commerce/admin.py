from django.contrib import admin

from amends.commerce.models import Order, OrderLine, Remedy, Seller


class LineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ("number", "brand", "customer", "seller", "status", "total", "placed_at")
    list_filter = ("brand", "status")
    search_fields = ("number",)
    inlines = [LineInline]


admin.site.register(Seller)
admin.site.register(Remedy)
