from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest

from amends.accounts.models import AgentProfile, ApiToken, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {"fields": ("first_name", "last_name", "role", "language", "seller", "brands")},
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )
    filter_horizontal = ("brands",)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Switching an agent off hands their open cases back to their teams' queues."""
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if was_active and not obj.is_active:
                from amends.cases.services import agent_leave

                actor = request.user if isinstance(request.user, User) else None
                moved = agent_leave(agent=obj, actor=actor, reason="account deactivated")
                if moved:
                    messages.info(request, f"{moved} open case(s) went back to their team queues.")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "brand", "lead", "is_senior")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    list_display = ("user", "is_senior", "is_available")
    filter_horizontal = ("teams",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "created_at", "last_used_at")
