from django.contrib import admin

from amends.brands.models import Brand


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin[Brand]):
    list_display = ("code", "name", "country", "default_language", "default_register", "time_zone")
