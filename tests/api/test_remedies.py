"""``/cases/{id}/remedies`` and ``/remedies/{id}/approve``: the policy decides, a retry grants
once, an approver's authority counts, and a bad request creates nothing."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from amends.api.schemas.remedies import RemedyName
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent
from amends.commerce.models import Remedy, RemedyKind, RemedyStatus
from amends.commerce.remedies import remedy_execute, remedy_grant
from amends.policies.ruleset import active_rules_forget
from tests.api.conftest import ClientFor, Side, World, call
from tests.factories import OrderFactory, OrderLineFactory, SellerFactory

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _builtin_rules() -> Iterator[None]:
    active_rules_forget()
    yield
    active_rules_forget()


def post(client: Any, case: Case, body: Any, key: str | None = "key-1") -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    return call(client, "POST", f"/cases/{case.pk}/remedies", body, headers)


def price_drop(side: Side, **changes: Any) -> dict[str, Any]:
    """59.90 paid three days ago; 20.00 today: 39.90 back, within an agent's 50."""
    return {
        "order_id": side.order.pk,
        "remedy": "price_adjustment",
        "current_price": "20.00",
        **changes,
    }


def decided(case: Case) -> int:
    return CaseEvent.objects.filter(case=case, kind=EventKind.REMEDY_DECIDED).count()


def queued(remedy_id: int) -> int:
    """How many times the shop was asked (through the task queue) to carry the remedy out."""
    return sum(
        1
        for row in DBTaskResult.objects.filter(task_path=remedy_execute.module_path)
        if row.args_kwargs.get("kwargs", {}).get("remedy_id") == remedy_id
    )


def test_the_schema_names_every_remedy_the_shop_knows() -> None:
    assert set(typing.get_args(RemedyName)) == set(RemedyKind.values)


# --- what the policy decides -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "amount", "approver"),
    [
        ({}, "approved", "39.90", None),
        ({"current_price": "5.00"}, "needs_approval", "54.90", "supervisor"),
        ({"amount": "45.00"}, "denied", None, None),  # more than the 39.90 the rules allow
        ({"remedy": "reship", "current_price": None}, "denied", None, None),  # nothing wrong
    ],
)
def test_every_decision_is_a_201_with_the_decision_in_the_body(
    changes: dict[str, Any],
    status: str,
    amount: str | None,
    approver: str | None,
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    case = world.a.case
    before = decided(case)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for("agent_a"), case, price_drop(world.a, **changes))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == status
    assert data["amount"] == amount
    assert data["approver"] == approver
    assert data["case_id"] == case.pk
    assert data["order_id"] == world.a.order.pk
    assert data["currency"] == "EUR"
    assert data["rules"], "staff see the rules that decided"
    assert data["explanation"]
    assert data["decided_by"] == {"id": world.a.agent.pk, "name": str(world.a.agent)}
    assert data["customer_reason"]
    remedy = Remedy.objects.get(pk=data["id"])
    assert remedy.status == status
    assert decided(case) == before + 1
    # Only what the policy allowed goes to the shop.
    assert queued(remedy.pk) == (1 if status == "approved" else 0)


def test_allowed_price_drop_names_its_rule_and_who_pays(
    world: World, client_for: ClientFor
) -> None:
    data = post(client_for("agent_a"), world.a.case, price_drop(world.a)).json()
    assert "price-drop v1" in data["rules"]
    assert data["cost_bearer"] == "seller"  # the seller fulfilled the order


def test_customers_and_sellers_see_the_decision_and_the_reason_not_the_rules(
    world: World, client_for: ClientFor
) -> None:
    granted = post(client_for("agent_a"), world.a.case, price_drop(world.a)).json()
    for role in ("customer_x", "seller_s"):
        response = call(client_for(role), "GET", f"/cases/{world.a.case.pk}/remedies")
        assert response.status_code == 200
        row = next(r for r in response.json() if r["id"] == granted["id"])
        assert row["status"] == "approved"
        assert row["amount"] == "39.90"
        assert row["rules"] == []
        assert row["explanation"] == []
        assert row["cost_bearer"] is None
        assert row["approver"] is None
        assert row["decided_by"] is None
        assert world.a.agent.email not in str(response.json())
        # In the customer's language (French, formal), with the amount written the French way.
        assert "39,90 EUR" in row["customer_reason"]
        assert not row["customer_reason"].startswith("The price went down")


def test_staff_see_remedies_newest_first(world: World, client_for: ClientFor) -> None:
    granted = post(client_for("agent_a"), world.a.case, price_drop(world.a)).json()
    rows = call(client_for("agent_a"), "GET", f"/cases/{world.a.case.pk}/remedies").json()
    assert [r["id"] for r in rows] == [granted["id"], world.a.remedy.pk]
    waiting = rows[1]
    assert waiting["status"] == "needs_approval"
    assert waiting["approver"] == "supervisor"
    assert waiting["explanation"]


def test_a_seller_sees_only_the_remedies_on_its_own_orders(
    world: World, client_for: ClientFor
) -> None:
    other = OrderFactory(customer=world.a.customer, seller=SellerFactory())
    OrderLineFactory(order=other, seller=other.seller)
    world.a.case.orders.add(other)
    theirs = remedy_grant(
        case=world.a.case,
        order=other,
        remedy=RemedyKind.PRICE_ADJUSTMENT,
        actor=world.a.agent,
        idempotency_key="other-seller",
        current_price=Decimal("30.00"),
    )
    path = f"/cases/{world.a.case.pk}/remedies"
    seller_ids = {r["id"] for r in call(client_for("seller_s"), "GET", path).json()}
    assert seller_ids == {world.a.remedy.pk}
    customer_ids = {r["id"] for r in call(client_for("customer_x"), "GET", path).json()}
    assert customer_ids == {world.a.remedy.pk, theirs.pk}
    # Nor can it reach the other one by id: exactly like a remedy that does not exist.
    hidden = call(client_for("seller_s"), "POST", f"/remedies/{theirs.pk}/approve")
    unknown = call(client_for("seller_s"), "POST", "/remedies/987654321/approve")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"] == unknown.json()["detail"].replace("987654321", str(theirs.pk))


# --- retries ---------------------------------------------------------------------------------


def test_a_double_post_grants_once(
    world: World, client_for: ClientFor, django_capture_on_commit_callbacks: Capture
) -> None:
    client = client_for("agent_a")
    before = Remedy.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, world.a.case, price_drop(world.a), key="double")
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, world.a.case, price_drop(world.a), key="double")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Remedy.objects.count() == before + 1
    assert decided(world.a.case) == 2  # the world's remedy and this one, once
    assert queued(first.json()["id"]) == 1


def test_a_replay_without_an_amount_is_the_same_request_as_the_maximum(
    world: World, client_for: ClientFor
) -> None:
    client = client_for("agent_a")
    first = post(client, world.a.case, price_drop(world.a), key="max")
    again = post(client, world.a.case, price_drop(world.a, amount="39.90"), key="max")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"remedy": "refund_full", "current_price": None}, ""),  # told by remedy_grant
        ({"amount": "10.00"}, "amount"),
        ({"current_price": "25.00"}, "current_price"),
        ({"reported_problem": "price_drop"}, "reported_problem"),
    ],
)
def test_the_same_key_for_another_request_is_409(
    changes: dict[str, Any], field: str, world: World, client_for: ClientFor
) -> None:
    client = client_for("agent_a")
    assert post(client, world.a.case, price_drop(world.a), key="reused").status_code == 201
    count, events = Remedy.objects.count(), CaseEvent.objects.count()
    response = post(client, world.a.case, price_drop(world.a, **changes), key="reused")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "conflict"
    assert "another request" in body["detail"]
    if field:
        assert field in body["errors"]
    assert (Remedy.objects.count(), CaseEvent.objects.count()) == (count, events)


def test_the_same_key_on_another_order_of_the_case_is_409(
    world: World, client_for: ClientFor
) -> None:
    other = OrderFactory(customer=world.a.customer, seller=world.a.seller)
    world.a.case.orders.add(other)
    client = client_for("agent_a")
    assert post(client, world.a.case, price_drop(world.a), key="k").status_code == 201
    response = post(client, world.a.case, {**price_drop(world.a), "order_id": other.pk}, key="k")
    assert response.status_code == 409
    assert "order_id" in response.json()["errors"]


def test_the_same_key_on_another_case_is_409(world: World, client_for: ClientFor) -> None:
    client = client_for("admin")
    assert post(client, world.a.case, price_drop(world.a), key="k").status_code == 201
    count = Remedy.objects.count()
    response = post(client, world.b.case, price_drop(world.b), key="k")
    assert response.status_code == 409
    assert Remedy.objects.count() == count


def test_keys_are_each_callers_own(world: World, client_for: ClientFor) -> None:
    """Two agents who happen to pick the same key ask for two remedies; a key written like the
    console's does not reach the console's remedy."""
    console = remedy_grant(
        case=world.a.case,
        order=world.a.order,
        remedy=RemedyKind.PRICE_ADJUSTMENT,
        actor=world.a.agent,
        idempotency_key=f"console:{world.a.case.pk}:abc",
        current_price=Decimal("20.00"),
    )
    first = post(client_for("agent_a"), world.a.case, price_drop(world.a), key="same")
    second = post(client_for("supervisor_a"), world.a.case, price_drop(world.a), key="same")
    spoof = post(
        client_for("agent_a"),
        world.a.case,
        price_drop(world.a),
        key=f"console:{world.a.case.pk}:abc",
    )
    assert (first.status_code, second.status_code, spoof.status_code) == (201, 201, 201)
    ids = {first.json()["id"], second.json()["id"], spoof.json()["id"], console.pk}
    assert len(ids) == 4


# --- approval --------------------------------------------------------------------------------


def test_an_agent_cannot_approve_above_their_authority_a_supervisor_can(
    world: World, client_for: ClientFor, django_capture_on_commit_callbacks: Capture
) -> None:
    remedy = world.a.remedy  # 54.90: above an agent's 50
    path = f"/remedies/{remedy.pk}/approve"
    with django_capture_on_commit_callbacks(execute=True):
        refused = call(client_for("agent_a"), "POST", path)
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "conflict"
    assert "authority" in refused.json()["detail"]
    remedy.refresh_from_db()
    assert remedy.status == RemedyStatus.NEEDS_APPROVAL
    assert queued(remedy.pk) == 0

    with django_capture_on_commit_callbacks(execute=True):
        approved = call(client_for("supervisor_a"), "POST", path)
    assert approved.status_code == 200, approved.content
    data = approved.json()
    assert data["status"] == "approved"
    assert data["amount"] == "54.90"
    assert data["decided_by"]["id"] == world.a.supervisor.pk
    assert data["approver"] == "supervisor"  # who had to approve it
    assert "price-drop v1" in data["rules"]
    assert "54,90 EUR" in data["customer_reason"]  # the approved reason, no longer "wait"
    assert queued(remedy.pk) == 1
    kinds = list(CaseEvent.objects.filter(case=world.a.case).values_list("kind", flat=True))
    assert kinds.count(EventKind.REMEDY_APPROVED) == 1

    again = call(client_for("supervisor_a"), "POST", path)
    assert again.status_code == 409
    assert "not waiting for approval" in again.json()["detail"]
    assert queued(remedy.pk) == 1


def test_a_denied_remedy_cannot_be_approved(world: World, client_for: ClientFor) -> None:
    denied = post(client_for("agent_a"), world.a.case, price_drop(world.a, amount="45.00"))
    assert denied.json()["status"] == "denied"
    response = call(client_for("admin"), "POST", f"/remedies/{denied.json()['id']}/approve")
    assert response.status_code == 409
    assert Remedy.objects.get(pk=denied.json()["id"]).status == RemedyStatus.DENIED


@pytest.mark.parametrize("remedy_id", ["0", "-3", str(2**63), "9" * 40])
def test_unknown_and_impossible_remedy_ids_are_404(
    remedy_id: str, world: World, client_for: ClientFor
) -> None:
    response = call(client_for("admin"), "POST", f"/remedies/{remedy_id}/approve")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- bad requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"remedy": "free_money"}, "remedy"),
        ({"remedy": None}, "remedy"),
        ({"amount": "-5"}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"current_price": "-1"}, "current_price"),
        ({"reported_problem": "<script>alert(1)</script>"}, "reported_problem"),
        ({"reported_problem": "x" * 41}, "reported_problem"),
        ({"order_id": 987654321}, "order_id"),
        ({"order_id": -1}, "order_id"),
        ({"order_id": "abc"}, "order_id"),
        ({"amout": "5.00"}, "amout"),  # a misspelt amount must not mean "the most allowed"
    ],
)
def test_bad_bodies_name_the_field_and_create_nothing(
    body: dict[str, Any], field: str, world: World, client_for: ClientFor
) -> None:
    before = (Remedy.objects.count(), CaseEvent.objects.count())
    response = post(client_for("agent_a"), world.a.case, price_drop(world.a, **body))
    assert response.status_code == 422, response.content
    data = response.json()
    assert set(data) == {"code", "detail", "errors"}
    assert data["code"] == "invalid"
    assert field in data["errors"], data
    assert (Remedy.objects.count(), CaseEvent.objects.count()) == before


def test_an_order_of_another_case_is_refused(world: World, client_for: ClientFor) -> None:
    """The other side's order exists and the admin sees it; it is still not this case's."""
    before = Remedy.objects.count()
    response = post(client_for("admin"), world.a.case, price_drop(world.b))
    assert response.status_code == 422
    assert response.json()["errors"] == {"order_id": "not on this case"}
    assert world.a.case.reference in response.json()["detail"]
    assert Remedy.objects.count() == before


@pytest.mark.parametrize("key", [None, "", "k" * 81, "two words", "clé", "tab\there"], ids=repr)
def test_the_idempotency_key_is_required_and_checked(
    key: str | None, world: World, client_for: ClientFor
) -> None:
    before = (Remedy.objects.count(), CaseEvent.objects.count())
    response = post(client_for("agent_a"), world.a.case, price_drop(world.a), key=key)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert "Idempotency-Key" in response.json()["errors"]
    assert (Remedy.objects.count(), CaseEvent.objects.count()) == before


def test_an_80_character_key_is_enough(world: World, client_for: ClientFor) -> None:
    response = post(client_for("agent_a"), world.a.case, price_drop(world.a), key="k" * 80)
    assert response.status_code == 201


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"[]", b'"refund"', b"null"], ids=repr)
def test_malformed_bodies_are_refused(raw: bytes, world: World, client_for: ClientFor) -> None:
    before = Remedy.objects.count()
    response = post(client_for("agent_a"), world.a.case, raw)
    assert response.status_code in {400, 422}, response.content
    assert set(response.json()) == {"code", "detail", "errors"}
    assert Remedy.objects.count() == before
