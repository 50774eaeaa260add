"""The sign-in page: a password, or a one-time link by email; both throttled.

Nothing here tells whether an address has an account: asking for a link always gets the same
redirect and the same page, a wrong password and an unknown address the same message, and the
throttle counts every address alike (ADR 0013).

Limits (per 15 minutes, in the shared cache; see the ADR for why these numbers):

=======================  =============  ======
what                     per address    per IP
=======================  =============  ======
link requests            5              20
failed password tries    5              20
=======================  =============  ======

Only *failed* password attempts count, so people signing in successfully from one office (one
IP) never lock each other out; after the fifth failure even the right password waits.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from amends.accounts.signin import (
    MAX_EMAIL_LENGTH,
    MAX_TOKEN_LENGTH,
    LinkNotValid,
    link_minutes,
    normalize_email,
    signin_link_check,
    signin_link_redeem,
    signin_link_request,
)

MAX_PASSWORD_LENGTH = 4096
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
SENT_TO_SESSION_KEY = "signin_link_sent_to"


@dataclass(frozen=True)
class Limit:
    group: str
    rate: str  # django-ratelimit's "count/period"
    by: str  # "address" or "ip"


LINK_PER_ADDRESS = Limit("amends.signin.link.address", "5/15m", "address")
LINK_PER_IP = Limit("amends.signin.link.ip", "20/15m", "ip")
PASSWORD_PER_ADDRESS = Limit("amends.signin.password.address", "5/15m", "address")
PASSWORD_PER_IP = Limit("amends.signin.password.ip", "20/15m", "ip")


# --- throttle ---------------------------------------------------------------------------------


def client_network(request: HttpRequest) -> str:
    """The client's address; for IPv6 its /64, which one household or office usually holds.

    ``REMOTE_ADDR`` is the peer as the server sees it (behind a proxy, what the proxy's
    ``X-Forwarded-For`` says: see ``amends serve``'s proxy headers).
    """
    raw = str(request.META.get("REMOTE_ADDR") or "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _usage(request: HttpRequest, limit: Limit, address: str, *, count: bool) -> dict[str, Any]:
    value = address if limit.by == "address" else client_network(request)
    key: Callable[[str, HttpRequest], str] = lambda _group, _request: value  # noqa: E731
    # One transaction: on SQLite (IMMEDIATE) the read and the write of the counter cannot
    # interleave with another request's, so concurrent attempts are all counted.
    with transaction.atomic():
        usage: dict[str, Any] | None = get_usage(
            request, group=limit.group, key=key, rate=limit.rate, increment=count
        )
    return usage or {"count": 0, "limit": 1, "should_limit": False, "time_left": 0}


def _wait_seconds(usages: Sequence[dict[str, Any]], *, at_limit: bool) -> int | None:
    """Seconds until the longest exceeded window ends, or None if none is exceeded.

    ``at_limit``: also count a window that is exactly full (used before an attempt that only
    counts if it fails).
    """
    waits = [
        max(int(u["time_left"]), 1)
        for u in usages
        if u["should_limit"] or (at_limit and u["count"] >= u["limit"])
    ]
    return max(waits) if waits else None


def _throttled(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(
        request,
        "signin/throttled.html",
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


# --- helpers ----------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` if it is a path on this site, else ""; never another host, never a scheme."""
    value = (value or "").strip()
    if not value or len(value) > 2000:
        return ""
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    # Keep only the path: a link in a mail must not carry a host even if it is ours.
    if not value.startswith("/") or value.startswith("//"):
        return ""
    return value


def _after_sign_in(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    return redirect(_safe_next(request, next_url) or settings.LOGIN_REDIRECT_URL)


class LinkRequestForm(forms.Form):
    email = forms.EmailField(max_length=MAX_EMAIL_LENGTH)


def _page(
    request: HttpRequest,
    *,
    next_url: str,
    password_failed: bool = False,
    email: str = "",
    link_form: LinkRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "registration/login.html",
        {
            "next": next_url,
            "password_failed": password_failed,
            "email": email,
            "link_form": link_form,
            "minutes": link_minutes(),
        },
        status=status,
    )


# --- views ------------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """GET: both ways to sign in. POST: the password form."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        return _page(request, next_url=next_url)
    email = normalize_email(request.POST.get("username", ""))
    password = request.POST.get("password", "")
    limits = (PASSWORD_PER_IP, PASSWORD_PER_ADDRESS)
    wait = _wait_seconds(
        [_usage(request, lim, email, count=False) for lim in limits], at_limit=True
    )
    if wait is not None:
        return _throttled(request, wait)
    user = None
    if email and password and len(password) <= MAX_PASSWORD_LENGTH:
        # Django's ModelBackend hashes the password even for an unknown address, and refuses a
        # deactivated account exactly like a wrong password.
        user = authenticate(request, username=email, password=password)
    if user is None:
        for lim in limits:
            _usage(request, lim, email, count=True)
        return _page(request, next_url=next_url, password_failed=True, email=email)
    login(request, user)
    return _after_sign_in(request, next_url)


@csrf_protect
@never_cache
@require_POST
def link_request(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next"))
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, next_url=next_url, link_form=form)
    email = normalize_email(form.cleaned_data["email"])
    # The IP first: a client already over its limit does not use up the addresses it tries.
    for lim in (LINK_PER_IP, LINK_PER_ADDRESS):
        wait = _wait_seconds([_usage(request, lim, email, count=True)], at_limit=False)
        if wait is not None:
            return _throttled(request, wait)
    signin_link_request(
        email=email, next_url=next_url, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    request.session[SENT_TO_SESSION_KEY] = email
    return redirect("signin-link-sent")


@never_cache
@require_GET
def link_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "signin/link_sent.html",
        {"email": request.session.get(SENT_TO_SESSION_KEY, ""), "minutes": link_minutes()},
    )


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "signin/link_invalid.html", {"minutes": link_minutes()}, status=400)


@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_confirm(request: HttpRequest) -> HttpResponse:
    """Where the emailed link lands. GET only shows a button; the POST signs in.

    Mail scanners and link previews open links by GET; if that signed in, it would spend the
    one-time token before the person ever clicked.
    """
    source = request.POST if request.method == "POST" else request.GET
    token = source.get("token", "")[: MAX_TOKEN_LENGTH + 1]
    next_url = _safe_next(request, source.get("next"))
    if request.method != "POST":
        email = signin_link_check(token=token)
        if email is None:
            return _link_invalid(request)
        return render(
            request,
            "signin/link_confirm.html",
            {"email": email, "token": token, "next": next_url},
        )
    try:
        user = signin_link_redeem(token=token)
    except LinkNotValid:
        return _link_invalid(request)
    # The session keeps the account by Django's own backend: a link signs in once, the session
    # then lives like any other.
    login(request, user, backend=SESSION_BACKEND)
    request.session.pop(SENT_TO_SESSION_KEY, None)
    return _after_sign_in(request, next_url)
