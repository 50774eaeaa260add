from django.contrib import admin
from django.http import HttpRequest

from amends.commerce.models import (
    DemoCreditBalance,
    DemoLedgerEntry,
    DemoMembership,
    DemoRedelivery,
    DemoReturnLabel,
    Order,
    OrderLine,
    Remedy,
    Seller,
    SellerCharge,
    ShopifyDelivery,
    ShopifyRecord,
    ShopifyShop,
    ShopOperation,
)


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


@admin.register(ShopOperation)
class ShopOperationAdmin(admin.ModelAdmin[ShopOperation]):
    """What amends asked the shop to do: read-only, it is the record of what happened."""

    list_display = ("created_at", "kind", "brand_code", "reference", "amount", "confirmed_at")
    list_filter = ("kind", "backend")
    search_fields = ("idempotency_key", "reference")
    readonly_fields = [f.name for f in ShopOperation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ShopifyShop)
class ShopifyShopAdmin(admin.ModelAdmin[ShopifyShop]):
    """Which storefront each Shopify store's webhooks are imported into."""

    list_display = ("domain", "brand", "active")
    list_filter = ("active", "brand")
    search_fields = ("domain",)


@admin.register(ShopifyDelivery)
class ShopifyDeliveryAdmin(admin.ModelAdmin[ShopifyDelivery]):
    list_display = ("inbound", "shop_domain", "topic", "webhook_id", "triggered_at")
    list_filter = ("topic",)
    search_fields = ("shop_domain", "webhook_id", "event_id")
    readonly_fields = [f.name for f in ShopifyDelivery._meta.fields]


@admin.register(ShopifyRecord)
class ShopifyRecordAdmin(admin.ModelAdmin[ShopifyRecord]):
    list_display = ("shop", "kind", "shopify_id", "order", "customer", "remote_updated_at")
    list_filter = ("kind", "shop")
    search_fields = ("=shopify_id",)
    raw_id_fields = ("order", "customer")


@admin.register(DemoLedgerEntry)
class DemoLedgerEntryAdmin(admin.ModelAdmin[DemoLedgerEntry]):
    list_display = ("reference", "kind", "order", "membership", "amount", "currency", "settled_at")
    list_filter = ("kind",)
    search_fields = ("reference", "order__number")
    raw_id_fields = ("order", "membership")


@admin.register(DemoMembership)
class DemoMembershipAdmin(admin.ModelAdmin[DemoMembership]):
    list_display = ("customer", "plan", "price_paid", "period_start", "period_end", "cancelled_at")
    raw_id_fields = ("customer",)


admin.site.register(DemoCreditBalance, raw_id_fields=("customer",))
admin.site.register(DemoReturnLabel, raw_id_fields=("order",))
admin.site.register(DemoRedelivery, raw_id_fields=("shipment",))


@admin.register(SellerCharge)
class SellerChargeAdmin(admin.ModelAdmin[SellerCharge]):
    """What third-party sellers were told and charged for remedies on their orders: read-only."""

    list_display = ("created_at", "seller", "order", "bearer", "amount", "currency", "told_at")
    list_filter = ("bearer",)
    search_fields = ("seller__name", "order__number")
    readonly_fields = [f.name for f in SellerCharge._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
