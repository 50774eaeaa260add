"""Who is calling: a bearer token or the browser's session.

* ``Authorization: Bearer <token>`` — an ``accounts.ApiToken``; only its SHA-256 is stored. A
  token that is unknown, revoked or belongs to a deactivated account is refused with 401 (it
  does not fall back to the session: a client that sends a token means that token).
  ``last_used_at`` is written at most once a minute per token, with a conditional update, so
  reads do not turn into writes.
* The Django session cookie — for the browser (console, portal). Unsafe methods must pass
  Django's CSRF check (403 ``csrf_failed``). An anonymous session is simply "not signed in"
  (401), never a CSRF error.

Nobody else gets in: every route answers 401 with a JSON body to anonymous callers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from amends.accounts.models import ApiToken, User

TOUCH_INTERVAL = dt.timedelta(minutes=1)


class NotAuthenticated(Exception):
    """No usable credentials; the API answers 401."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class CsrfFailed(Exception):
    """A signed-in browser sent an unsafe request without a valid CSRF token; 403."""


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > 200:
            raise NotAuthenticated("the bearer token is empty or malformed")
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=ApiToken.hash(token))
            .first()
        )
        if found is None:
            raise NotAuthenticated(
                "the bearer token is unknown, revoked, or belongs to a deactivated account"
            )
        _touch(found)
        request.user = found.user
        return found.user


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)
    ).update(last_used_at=now)


class SessionAuth(APIKeyCookie):
    """Django's session, with the CSRF check ninja's ``django_auth`` makes, but only for a
    signed-in user: an anonymous caller gets 401, not a CSRF error."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed
        return request.COOKIES.get(self.param_name, "")

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = getattr(request, "user", None)
        if key is None or not isinstance(user, User) or not user.is_active:
            return None
        return user


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()
# The bearer token first: it never consults the session, and a session never needs a token.
AUTH = [bearer_auth, session_auth]
