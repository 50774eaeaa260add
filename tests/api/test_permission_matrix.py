"""The permission matrix: every route of the API, every role, both owners of the object.

Each role sees side ``a`` or side ``b`` (the admin both). For every route:

* anonymous → 401;
* an object of the other side → 404, with the same body as an id that does not exist, and
  nothing changed;
* an object of one's own side → the data (reads), or the change (staff writes), or 403 and
  nothing changed (customers and sellers writing, except a customer writing on their own case);
  a staff role refused for a reason of the route's own (an agent approving a remedy above
  their authority: 409) changes nothing either;
* lists → exactly the objects of the sides the role sees.

The list of routes is read from the API itself (its URL patterns and its OpenAPI schema):
adding a route without adding it here fails ``test_matrix_covers_every_route``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern

from amends.api.app import api
from amends.api.auth import AUTH
from amends.cases.models import Case, CaseEvent
from amends.commerce.models import Remedy
from amends.commitments.models import Commitment
from amends.conversations.models import Message
from amends.inbound.models import InboundMessage
from tests.api.conftest import (
    ROLES,
    STAFF_KINDS,
    ClientFor,
    Side,
    World,
    call,
    role_kind,
    sees,
)

pytestmark = pytest.mark.django_db

Body = Callable[[World, Side], dict[str, Any]]
Headers = Callable[[World, Side], dict[str, str]]

# Path parameter → the attribute of a side holding the object it names.
PARAM_OBJECTS = {
    "case_id": "case",
    "commitment_id": "commitment",
    "customer_id": "customer",
    "order_id": "order",
    "remedy_id": "remedy",
    "shipment_id": "shipment",
}
UNKNOWN_ID = 987654321


@dataclass(frozen=True)
class Route:
    """How to call a route for the object of one side, and what each role should get.

    kind: ``read`` (an object), ``list`` (a collection; ``lists`` names the side's object that
    must appear), ``write`` (a change to an object), ``create`` / ``inbound`` / ``me`` (routes
    of their own).
    """

    kind: str
    body: Body | None = None
    lists: str = ""
    ok: int = 200
    customer_may: bool = False  # a customer may do this to their own object
    check: Callable[[Any, Side], None] | None = field(default=None)
    headers: Headers | None = None
    # A staff role kind that gets another status than ``ok`` on its own side's object.
    staff_status: Mapping[str, int] = field(default_factory=dict)

    def headers_for(self, world: World, side: Side) -> dict[str, str] | None:
        return self.headers(world, side) if self.headers else None


def _same_case(data: Any, side: Side) -> None:
    assert isinstance(data, list)
    assert data, "expected at least one row"
    assert {row["case_id"] for row in data} == {side.case.pk}


def _events(data: Any, side: Side) -> None:
    assert isinstance(data, list)
    assert data[0]["kind"] == "message_received"


def _messages(data: Any, side: Side) -> None:
    _same_case(data, side)


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/me"): Route("me"),
    ("GET", "/search"): Route("search"),
    ("GET", "/cases"): Route("list", lists="case"),
    ("POST", "/cases"): Route(
        "create",
        body=lambda w, s: {
            "customer_id": s.customer.pk,
            "subject": "Another problem",
            "message": "It happened again",
        },
        ok=201,
        customer_may=True,
    ),
    ("GET", "/cases/{case_id}"): Route("read"),
    ("POST", "/cases/{case_id}/assign"): Route(
        "write", body=lambda w, s: {"assignee_id": s.agent.pk}
    ),
    ("POST", "/cases/{case_id}/transfer"): Route(
        "write",
        body=lambda w, s: {"note": "Customer waits for a refund", "to_assignee_id": s.agent.pk},
    ),
    ("POST", "/cases/{case_id}/status"): Route("write", body=lambda w, s: {"status": "open"}),
    ("GET", "/cases/{case_id}/events"): Route("read", check=_events),
    ("GET", "/cases/{case_id}/messages"): Route("read", check=_messages),
    ("POST", "/cases/{case_id}/reply"): Route(
        "write", body=lambda w, s: {"text": "Thank you"}, ok=201, customer_may=True
    ),
    ("POST", "/cases/{case_id}/notes"): Route(
        "write", body=lambda w, s: {"text": "checked the warehouse"}, ok=201
    ),
    ("GET", "/cases/{case_id}/commitments"): Route("read", check=_same_case),
    ("POST", "/cases/{case_id}/commitments"): Route(
        "write",
        body=lambda w, s: {
            "kind": "refund",
            "description": "Refund the lamp",
            "within_business_days": 3,
        },
        ok=201,
    ),
    ("GET", "/cases/{case_id}/remedies"): Route("read", check=_same_case),
    ("POST", "/cases/{case_id}/remedies"): Route(
        "write",
        body=lambda w, s: {
            "order_id": s.order.pk,
            "remedy": "price_adjustment",
            "current_price": "20.00",
        },
        headers=lambda w, s: {"Idempotency-Key": f"matrix-{s.name}"},
        ok=201,
    ),
    ("POST", "/remedies/{remedy_id}/approve"): Route(
        "write",
        # The side's remedy is above an agent's limit: a supervisor (or the admin) approves.
        staff_status={"agent": 409},
    ),
    ("GET", "/commitments"): Route("list", lists="commitment"),
    ("GET", "/commitments/{commitment_id}"): Route("read"),
    ("POST", "/commitments/{commitment_id}/keep"): Route(
        "write", body=lambda w, s: {"fulfilled_by": "call"}
    ),
    ("POST", "/commitments/{commitment_id}/waive"): Route(
        "write", body=lambda w, s: {"reason": "customer withdrew the request"}
    ),
    ("GET", "/customers"): Route("list", lists="customer"),
    ("GET", "/customers/{customer_id}"): Route("read"),
    ("GET", "/orders"): Route("list", lists="order"),
    ("GET", "/orders/{order_id}"): Route("read"),
    ("GET", "/shipments/{shipment_id}"): Route("read"),
    ("POST", "/inbound"): Route(
        "inbound",
        body=lambda w, s: {
            "brand": s.brand.code,
            "email": s.customer.primary_email,
            "subject": "Where is my parcel?",
            "message": "It has not arrived.",
        },
        ok=201,
    ),
}


# --- the inventory of routes, read from the API ----------------------------------------------

NON_OPERATION_URLS = {"openapi-json", "openapi-view", "api-root"}


def _path_view(pattern: URLPattern) -> Any:
    for cell in pattern.callback.__closure__ or ():
        if hasattr(cell.cell_contents, "operations"):
            return cell.cell_contents
    raise AssertionError(f"cannot find the operations behind URL {pattern.pattern}")


def routes_from_urls() -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in NON_OPERATION_URLS:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for operation in _path_view(pattern).operations:
            for method in operation.methods:
                found[(method.upper(), path)] = operation
    return found


def routes_from_openapi() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="")
    return {
        (method.upper(), path if path.startswith("/") else "/" + path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_matrix_covers_every_route() -> None:
    from_urls = routes_from_urls()
    assert set(from_urls) == routes_from_openapi(), "a route is hidden from the OpenAPI schema"
    missing = set(from_urls) - set(ROUTES)
    assert not missing, f"routes without a row in the permission matrix: {sorted(missing)}"
    stale = set(ROUTES) - set(from_urls)
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"


def test_every_route_requires_authentication() -> None:
    for key, operation in routes_from_urls().items():
        assert list(operation.auth_callbacks) == AUTH, f"{key} does not use the API's auth"


# --- the matrix ------------------------------------------------------------------------------


def _fill(path: str, side: Side | None, *, unknown: bool = False) -> str:
    def value(match: re.Match[str]) -> str:
        if unknown or side is None:
            return str(UNKNOWN_ID)
        return str(getattr(side, PARAM_OBJECTS[match.group(1)]).pk)

    return re.sub(r"\{(\w+)\}", value, path)


def _state() -> tuple[Any, ...]:
    """Everything a write could change, to prove a refused write changed nothing."""
    return (
        list(Case.objects.order_by("id").values_list("id", "version", "status", "assignee_id")),
        CaseEvent.objects.count(),
        Message.objects.count(),
        list(Commitment.objects.order_by("id").values_list("id", "state")),
        InboundMessage.objects.count(),
        list(Remedy.objects.order_by("id").values_list("id", "status")),
    )


def _expected_status(route: Route, role: str, side: str) -> int:
    kind = role_kind(role)
    staff = kind in STAFF_KINDS
    if route.kind in {"read"}:
        return route.ok if sees(role, side) else 404
    if route.kind == "write":
        if not sees(role, side):
            return 404
        if staff:
            return route.staff_status.get(kind, route.ok)
        if route.customer_may and kind == "customer":
            return route.ok
        return 403
    if route.kind == "create":
        if not sees(role, side):
            return 404
        return route.ok if staff or kind == "customer" else 403
    if route.kind == "inbound":
        return route.ok if staff else 403
    raise AssertionError(route.kind)


def _not_found_like_unknown(
    client: Any,
    method: str,
    path: str,
    body: Any,
    got: Any,
    headers: dict[str, str] | None = None,
) -> None:
    """An object the caller may not see answers exactly like one that does not exist."""
    visible_id = re.findall(r"\d+", path)[0]
    unknown = call(client, method, re.sub(r"\d+", str(UNKNOWN_ID), path, count=1), body, headers)
    assert unknown.status_code == 404
    assert got.json() == {
        **unknown.json(),
        "detail": unknown.json()["detail"].replace(str(UNKNOWN_ID), visible_id),
    }
    assert set(got.json()) == {"code", "detail", "errors"}
    assert got.json()["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", list(ROUTES), ids=lambda k: f"{k[0]} {k[1]}")
def test_matrix(key: tuple[str, str], role: str, world: World, client_for: ClientFor) -> None:
    method, template = key
    route = ROUTES[key]
    client = client_for(role)

    if role == "anonymous":
        body = route.body(world, world.a) if route.body else None
        before = _state()
        response = call(
            client, method, _fill(template, world.a), body, route.headers_for(world, world.a)
        )
        assert response.status_code == 401, response.content
        assert response.json()["code"] == "not_authenticated"
        assert _state() == before
        return

    if route.kind == "me":
        response = call(client, method, template)
        assert response.status_code == 200
        user = world.user(role)
        assert user is not None
        assert response.json()["id"] == user.pk
        assert response.json()["role"] == user.role
        return

    if route.kind == "search":
        # Both sides' cases are about a lamp; each role finds exactly the ones it may see.
        from amends.search.indexing import rebuild

        rebuild()  # the index follows commits, and this test's transaction never commits
        response = call(client, method, template + "?q=lamp&kind=case&kind=order")
        assert response.status_code == 200, response.content
        found = {(row["kind"], row["id"]) for row in response.json()["items"]}
        visible_cases = {("case", world.side(s).case.pk) for s in ("a", "b") if sees(role, s)}
        assert {hit for hit in found if hit[0] == "case"} == visible_cases
        return

    if route.kind == "list":
        response = call(client, method, template)
        assert response.status_code == 200, response.content
        listed = {row["id"] for row in response.json()["items"]}
        assert listed == {
            getattr(world.side(s), route.lists).pk for s in ("a", "b") if sees(role, s)
        }
        return

    for side_name in ("a", "b"):
        side = world.side(side_name)
        path = _fill(template, side)
        body = route.body(world, side) if route.body else None
        headers = route.headers_for(world, side)
        expected = _expected_status(route, role, side_name)
        before = _state()
        response = call(client, method, path, body, headers)
        assert response.status_code == expected, (side_name, response.content)
        if expected >= 400:
            assert _state() == before, "a refused request changed something"
            assert set(response.json()) == {"code", "detail", "errors"}
        if expected == 404 and "{" in template:
            _not_found_like_unknown(client, method, path, body, response, headers)
        if expected == 200 and route.kind == "read":
            data = response.json()
            if route.check is not None:
                route.check(data, side)
            else:
                main = PARAM_OBJECTS[re.findall(r"\{(\w+)\}", template)[-1]]
                assert data["id"] == getattr(side, main).pk
