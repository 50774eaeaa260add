"""Security headers that Django does not set itself: a strict Content-Security-Policy.

No page runs inline script or inline style: scripts and stylesheets come from our own static
files only (htmx, the CSP build of Alpine, chart.js — see scripts/vendor.sh). The one page we do
not write, the API docs at ``/api/v1/docs``, renders django-ninja's own template with
``ninja`` in INSTALLED_APPS: Swagger UI then loads from ninja's static files with its settings
in a ``<script type="application/json">`` block (data, never executed), so it lives under the
same policy and needs no exemption.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
HEADER = "Content-Security-Policy"

SyncGetResponse = Callable[[HttpRequest], HttpResponseBase]
AsyncGetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


class ContentSecurityPolicyMiddleware:
    """Adds :data:`CONTENT_SECURITY_POLICY` to every response that has no policy of its own."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: SyncGetResponse | AsyncGetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        return _with_policy(cast(SyncGetResponse, self.get_response)(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        return _with_policy(await cast(AsyncGetResponse, self.get_response)(request))


def _with_policy(response: HttpResponseBase) -> HttpResponseBase:
    if HEADER not in response.headers:
        response.headers[HEADER] = CONTENT_SECURITY_POLICY
    return response
