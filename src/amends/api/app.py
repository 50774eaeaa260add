"""The REST API v1: one ``NinjaAPI`` with a router per resource, mounted at ``/api/v1/``.

Every route needs a signed-in caller (bearer token or session, see ``auth``); errors have one
shape (see ``errors``); lists are cursor-paginated (see ``pagination``). The OpenAPI schema is
at ``/api/v1/openapi.json`` and the interactive docs at ``/api/v1/docs``.
"""

from ninja import NinjaAPI

from amends.api import (
    cases,
    commitments,
    customers,
    errors,
    inbound,
    me,
    messages,
    orders,
    remedies,
    search,
)
from amends.api.auth import AUTH

api = NinjaAPI(
    title="amends API",
    version="1",
    urls_namespace="api-v1",
    description="Cases, messages, commitments, remedies, customers, orders and shipments.",
    auth=AUTH,
)
errors.install(api)

for module in (me, cases, messages, commitments, remedies, customers, orders, inbound, search):
    api.add_router("", module.router)
