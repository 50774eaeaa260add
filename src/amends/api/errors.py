"""How every failure becomes ``{"code": ..., "detail": ..., "errors": {field: message}}``.

=====================================  ======  ===========================================
what                                   status  code
=====================================  ======  ===========================================
``DomainError`` subclasses             .status its ``.code`` (``not_found``, ``conflict``, …)
no or bad credentials                  401     ``not_authenticated``
signed-in browser without CSRF token   403     ``csrf_failed``
body is not JSON                       400     ``malformed_json``
body, query or path fails the schema   422     ``invalid`` (``errors`` keyed by field path)
body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``  413  ``too_large``
anything else ninja raises             its     ``http_<status>``
a bug                                  500     ``internal_error`` (logged)
=====================================  ======  ===========================================

Unknown ids and ids of objects the caller may not see are the same ``NotFound``: same status,
same body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from amends.api.auth import CsrfFailed, NotAuthenticated
from amends.core.errors import DomainError

logger = logging.getLogger(__name__)


def error_body(code: str, detail: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": detail, "errors": errors or {}}


def _field_path(loc: Any) -> str:
    """``("body", "payload", "order_ids", 0)`` → ``order_ids.0``; ``("query", "limit")`` →
    ``limit``. The source and the name of the view's parameter say nothing to the caller."""
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or "body"


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        key = _field_path(error.get("loc"))
        message = str(error.get("msg", "invalid"))
        fields[key] = f"{fields[key]}; {message}" if key in fields else message
    return fields


def _malformed_json_detail(request: HttpRequest) -> str:
    try:
        json.loads(request.body)
    except UnicodeDecodeError:
        return "the request body is not UTF-8 text"
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return f"the request body is not valid JSON: {exc.msg} ({where})"
    except Exception:  # noqa: S110 - only for the message
        pass
    return "the request body could not be parsed as JSON"


def install(api: NinjaAPI) -> None:
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, error_body(str(exc.code), exc.detail, exc.errors), status=exc.status
        )

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_errors(list(exc.errors))
        summary = "; ".join(f"{k}: {v}" for k, v in fields.items())
        return api.create_response(
            request,
            error_body("invalid", f"the request does not match the schema: {summary}", fields),
            status=422,
        )

    def on_not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = (
            exc.detail
            if isinstance(exc, NotAuthenticated)
            else "sign in, or send an API token as 'Authorization: Bearer <token>'"
        )
        response = api.create_response(request, error_body("not_authenticated", detail), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="amends"'
        return response

    def on_csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "csrf_failed",
                "the CSRF check failed: send the csrftoken cookie's value as X-CSRFToken",
            ),
            status=403,
        )

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return api.create_response(
            request,
            error_body("too_large", f"the request body is larger than {limit} bytes"),
            status=413,
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return api.create_response(
                request,
                error_body("malformed_json", _malformed_json_detail(request)),
                status=400,
            )
        return api.create_response(
            request, error_body(f"http_{exc.status_code}", str(exc)), status=exc.status_code
        )

    def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", "not found"), status=404)

    def on_bug(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API %s %s failed", request.method, request.path, exc_info=exc)
        # Lets Django's test client re-raise the bug in the test that hit it.
        got_request_exception.send(sender=None, request=request)
        return api.create_response(
            request,
            error_body("internal_error", "something went wrong on our side; it has been logged"),
            status=500,
        )

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (DomainError, on_domain_error),
        (ValidationError, on_validation_error),
        (NotAuthenticated, on_not_authenticated),
        (AuthenticationError, on_not_authenticated),
        (CsrfFailed, on_csrf_failed),
        (RequestDataTooBig, on_too_big),
        (HttpError, on_http_error),
        (Http404, on_http404),
        (Exception, on_bug),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
