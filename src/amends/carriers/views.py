"""Carrier webhooks: ``POST /hooks/carriers/<code>/``.

The order of the checks is the point: the size is judged from the declared length before a byte
is read (and again while reading, for a body sent without one); the signature is checked before
anything is stored, so an unsigned body never reaches the database; the raw body is stored
before it is parsed, so a body that fails later is still there to replay. Errors answer with the
API's error shape (``api.errors.error_body``: ``{"code", "detail", "errors"}``).

=================================================  ======  ==================================
what                                               status  body
=================================================  ======  ==================================
recorded (or every event already known)            200     ``{"status": "processed", counts}``
the same body delivered again                      200     ``{"status": "duplicate"}``
some or all events about unknown tracking numbers  202     ``{"status": "kept", counts}``
body the adapter cannot read                       400     ``malformed`` / ``unsupported``
missing or wrong signature                         401     ``bad_signature``
no webhook secret configured for the carrier      403     ``not_configured``
unknown carrier code                               404     ``not_found``
not a POST                                         405     ``method_not_allowed``
body over the limit                                413     ``too_large``
=================================================  ======  ==================================
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from amends.api.errors import error_body
from amends.carriers.adapters.base import MAX_BODY_BYTES, WebhookRejected
from amends.carriers.channel import PayloadOutcome, carrier_payload_receive
from amends.carriers.selectors import carrier_adapter, carrier_settings

_REJECTED_STATUS = {"signature": 401, "too_large": 413}
_REJECTED_CODE = {"signature": "bad_signature", "too_large": "too_large"}


def max_body() -> int:
    return int(getattr(settings, "AMENDS_CARRIER_WEBHOOK_MAX_BYTES", MAX_BODY_BYTES))


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(code, detail), status=status)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _answer(outcome: PayloadOutcome) -> JsonResponse:
    inbound = outcome.inbound
    if outcome.malformed:
        code = inbound.reason.split(":", 1)[0] if ":" in inbound.reason else "malformed"
        code = code if code in {"malformed", "unsupported"} else "malformed"
        return _error(400, code, inbound.reason)
    body: dict[str, Any] = {"inbound_id": inbound.pk}
    if outcome.result is not None:
        body.update(outcome.result.counts())
    if outcome.kept_for_replay or (outcome.result is not None and outcome.result.unknown):
        body.update(status="kept", reason=inbound.reason)
        return JsonResponse(body, status=202)
    body["status"] = "processed" if outcome.result is not None else "duplicate"
    return JsonResponse(body, status=200)


@csrf_exempt  # a carrier has no CSRF token; the request is authenticated by its signature
def carrier_webhook(request: HttpRequest, code: str) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "carrier webhooks accept POST only")
        response["Allow"] = "POST"
        return response
    adapter = carrier_adapter(code)
    if adapter is None:
        return _error(404, "not_found", f"no carrier {code[:32]!r} receives webhooks here")
    limit = max_body()
    if _declared_length(request) > limit:
        return _error(413, "too_large", f"the request body is larger than {limit} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(413, "too_large", f"the request body is larger than {limit} bytes")
    secret = carrier_settings(code).get("WEBHOOK_SECRET", "")
    if not secret:  # whether the carrier signs or a relay does, an unset secret admits no one
        return _error(
            403, "not_configured", f"no webhook secret is configured for carrier {code!r}"
        )
    try:
        adapter.verify(body=body, headers=request.headers, secret=secret)
    except WebhookRejected as exc:
        status = _REJECTED_STATUS.get(exc.reason, 400)
        return _error(status, _REJECTED_CODE.get(exc.reason, exc.reason), exc.detail)
    outcome = carrier_payload_receive(
        carrier=code, raw=body, content_type=request.content_type or "application/json"
    )
    return _answer(outcome)
