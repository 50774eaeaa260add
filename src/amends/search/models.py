"""One searchable entry per case, customer, order and shipment.

The text lives here; the full-text index over it is the database's own (SQLite FTS5 tables,
a PostgreSQL ``tsvector`` column with GIN indexes), created by this app's migrations for
whichever database runs; see ``schema.py``.
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
    # Words as written (lower case, accents kept); each database folds and stems them.
    # The columns below have database defaults, so rows written by code that predates them
    # (another process during an upgrade, a bulk import) still go in.
    body = models.TextField()
    # The language the text is written in (the case's, else the customer's): which stemmer.
    language = models.CharField(max_length=8, blank=True, default="", db_default="")
    # Case reference, order and tracking numbers, emails, phones: compacted ("am000123"), one
    # per word. An identifier equal to the query puts the entry first.
    identifiers = models.TextField(blank=True, default="", db_default="")
    # Names without diacritics, for the typo-tolerant match.
    names = models.TextField(blank=True, default="", db_default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
