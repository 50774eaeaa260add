from django.contrib import admin

from amends.customers.models import Customer, CustomerIdentity


class IdentityInline(admin.TabularInline[CustomerIdentity, Customer]):
    model = CustomerIdentity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "brand", "language", "register", "is_premium")
    list_filter = ("brand", "language", "is_premium")
    search_fields = ("name", "identities__value")
    inlines = [IdentityInline]
