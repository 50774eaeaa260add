"""REST API v1 (django-ninja). Routers live beside this file, one per resource."""

from amends.api.app import api

__all__ = ["api"]
