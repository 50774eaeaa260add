"""One searchable entry per case, customer, order and shipment.

The text lives here; the full-text index over it is the database's own (SQLite FTS5, PostgreSQL
``tsvector`` with a GIN index), created by this app's migration for whichever database runs.
"""

from __future__ import annotations

from django.db import models


class EntryKind(models.TextChoices):
    CASE = "case"
    CUSTOMER = "customer"
    ORDER = "order"
    SHIPMENT = "shipment"


class SearchEntry(models.Model):
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
