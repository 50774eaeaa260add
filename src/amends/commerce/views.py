"""Webhooks from shops: ``POST /hooks/shop/shopify/``.

Answers (JSON, ``{"status": ..., "reason": ...}`` or ``{"error": ..., "detail": ...}``):

* 200 processed / ignored (an unknown topic, an event older than our copy) / duplicate;
* 202 quarantined — well-formed and stored, not importable yet (unknown shop, order not yet
  imported); Shopify need not send it again;
* 400 malformed (stored and quarantined), 401 bad or missing signature (not stored),
  413 body over :data:`MAX_BODY_BYTES` (not read), 405 not a POST, 503 no secret configured;
* 500 our failure: stored, quarantined, and processed again when Shopify retries.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from amends.commerce.shopify.receive import shopify_webhook_receive
from amends.commerce.shopify.signature import SignatureRejected

logger = logging.getLogger(__name__)

# Shopify's largest order bodies (hundreds of lines with their tax and discount sets) stay well
# under this; a larger body is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024


def _error(status: int, error: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": error, "detail": detail}, status=status)


@csrf_exempt  # signed with the shop's secret instead; a webhook carries no CSRF token
def shopify_webhook(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "webhooks are delivered with POST")
        response["Allow"] = "POST"
        return response
    secret = settings.AMENDS_SHOPIFY_WEBHOOK_SECRET
    if not secret:
        return _error(503, "not_configured", "AMENDS_SHOPIFY_WEBHOOK_SECRET is not set")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error(400, "malformed", "the Content-Length header is not a number")
    too_large = _error(413, "too_large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    if declared > MAX_BODY_BYTES:
        return too_large
    try:
        body = request.body
    except RequestDataTooBig:
        return too_large
    if len(body) > MAX_BODY_BYTES:
        return too_large
    try:
        outcome = shopify_webhook_receive(body=body, headers=request.headers, secret=secret)
    except SignatureRejected as exc:
        logger.warning(
            "Shopify webhook refused (%s) from %r, topic %r",
            exc.reason,
            request.headers.get("X-Shopify-Shop-Domain", "")[:100],
            request.headers.get("X-Shopify-Topic", "")[:80],
        )
        return _error(401, exc.reason, exc.detail)
    return JsonResponse(outcome.as_json(), status=outcome.http_status)
