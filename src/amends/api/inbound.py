"""``POST /inbound``: an integration (a headless storefront, a chat backend) relays what a
customer sent through a web form, as ``amends.inbound.parsed.ContactPayload`` JSON.

Validated at the edge: a body that is not the contact form (malformed JSON, wrong types,
missing or unknown fields) is refused with 400/422 and **nothing is stored**. The caller is a
program that still holds the payload and gets told exactly what to fix; storing what it sent
wrong would only fill the quarantine with junk no one can replay. A well-formed payload is
stored raw first (``inbound_receive``) and then processed; what the pipeline cannot file (an
unknown storefront, …) is kept in quarantine and answered with 202 and the reason.

* 201: filed on a case (``case_reference``);
* 202: stored and quarantined (``reason``), to be replayed once the cause is fixed;
* 200: the same payload (or the same ``Idempotency-Key``) was received before: the first
  result, ``duplicate: true``, nothing stored twice.

Who may call it: staff accounts and their API tokens (an integration's token belongs to a staff
account). It files messages for any storefront, like the public contact form does; customers
open cases with ``POST /cases`` and write on them with ``POST /cases/{id}/reply``; sellers do
neither (403).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import HeaderEx, P, Router, Status

from amends.api.permissions import current_user, require_staff
from amends.api.schemas.common import ERRORS_WRITE
from amends.api.schemas.inbound import InboundOut
from amends.cases.models import Channel
from amends.inbound.models import InboundStatus
from amends.inbound.parsed import ContactPayload
from amends.inbound.services import inbound_receive

router = Router(tags=["inbound"])


@router.post(
    "/inbound",
    response={200: InboundOut, 201: InboundOut, 202: InboundOut, **ERRORS_WRITE},
)
def inbound_post(
    request: HttpRequest,
    payload: ContactPayload,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key", max_length=300)] = None,
) -> Status[InboundOut]:
    """File a contact-form message from an integration. Send an ``Idempotency-Key`` header to
    make retries safe."""
    user = current_user(request)
    require_staff(user, action="relay inbound messages")
    result = inbound_receive(
        channel=Channel.API,
        raw=request.body,
        content_type="application/json",
        source=f"api:user:{user.pk}",
        external_id=(idempotency_key or "").strip()[:300],
    )
    inbound = result.inbound
    body = InboundOut(
        inbound_id=inbound.pk,
        status=inbound.status,  # type: ignore[arg-type]
        duplicate=not result.created,
        case_reference=inbound.case.reference if inbound.case_id and inbound.case else None,
        reason=inbound.reason if inbound.status == InboundStatus.QUARANTINED else "",
    )
    if not result.created:
        return Status(200, body)
    if inbound.status == InboundStatus.PROCESSED:
        return Status(201, body)
    return Status(202, body)
