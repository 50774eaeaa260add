"""Customers and the addresses and numbers they reach us from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amends.brands.models import Register
from amends.core.models import TimeStampedModel


class Customer(TimeStampedModel):
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="customers")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=8)
    register = models.CharField(max_length=8, choices=Register.choices, default=Register.FORMAL)
    country = models.CharField(max_length=2, blank=True)
    is_premium = models.BooleanField(default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    external_id = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""

    @property
    def primary_email(self) -> str:
        identity = self.identities.filter(kind=IdentityKind.EMAIL).order_by("id").first()
        return identity.value if identity else ""


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class CustomerIdentity(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=8, choices=IdentityKind.choices)
    value = models.CharField(max_length=254, help_text=_("Lower-case email or E.164 phone"))
    verified = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
