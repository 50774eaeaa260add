"""Stories 2 and 4 of MISSION.md, end to end through the real parts: the carrier's own webhook
body in, the case opened before the customer writes, the notice in the customer's language and
register with the carrier's contact, the remedy chosen and carried out once, every status the
customer sees agreeing with it, the promise kept when the shop confirms."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from amends.carriers.adapters.base import SECRET_HEADER
from amends.carriers.models import Shipment
from amends.cases.models import Case, Channel
from amends.commerce.adapters.demo_tasks import demo_shop_settle
from amends.commerce.contradictions import check_orders
from amends.commerce.models import (
    DemoLedgerEntry,
    Order,
    OrderContradiction,
    OrderStatus,
    Remedy,
    RemedyKind,
    RemedyStatus,
)
from amends.commerce.remedies import remedy_approve, remedy_execute, remedy_grant
from amends.commitments.models import CommitmentState
from amends.conversations.services import reply_channel
from amends.customers.models import Customer
from amends.mail.intake import mail_receive
from amends.mail.loops import forget_own_addresses
from amends.mail.models import Mailbox, OutboundMail
from amends.portal.orders import order_view
from amends.proactive.events import ProactiveEventKind
from amends.proactive.models import ShipmentProblem
from tests.factories import make_customer_user, make_supervisor
from tests.mail.builders import build_mail
from tests.proactive.conftest import World, make_world, notices_on, the_case

pytestmark = pytest.mark.django_db

SECRET = "story-secret"
CARRIERS = {
    code: {"WEBHOOK_SECRET": SECRET, "API_KEY": "", "POLL": ""}
    for code in ("dhl", "postnl", "seur", "colissimo", "dpd", "ups")
}


def push(carrier: str, body: dict[str, object]) -> int:
    with override_settings(AMENDS_CARRIERS=CARRIERS):
        response = Client().post(
            f"/hooks/carriers/{carrier}/",
            data=json.dumps(body),
            content_type="application/json",
            headers={SECRET_HEADER: SECRET},
        )
    return response.status_code


def postnl_body(number: str, code: str, text: str, at: dt.datetime) -> dict[str, object]:
    """PostNL's Shipping Status API, CompleteStatus, as its documentation shows it."""
    local = at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M:%S")
    return {
        "CompleteStatus": {
            "Shipment": [
                {
                    "Barcode": number,
                    "MainBarcode": number,
                    "Event": [{"Code": code, "Description": text, "TimeStamp": local}],
                }
            ]
        }
    }


def seur_body(number: str, text: str, at: dt.datetime) -> dict[str, object]:
    local = at.astimezone(ZoneInfo("Europe/Madrid")).strftime("%d/%m/%Y %H:%M:%S")
    return {
        "data": [
            {
                "shipmentCode": number,
                "situations": [{"situationDate": local, "situationDescription": text}],
            }
        ]
    }


def portal_page(customer: Customer) -> str:
    client = Client()
    client.force_login(make_customer_user(customer))
    response = client.get("/my/orders/")
    assert response.status_code == 200
    return response.content.decode()


def estimates_shown(order: Order) -> list[dt.date | None]:
    """The delivery dates the portal's order page shows for the order's parcels."""
    view = order_view(Order.objects.get(pk=order.pk))
    return [parcel.estimate for parcel in view.parcels]


def refund_and_settle(world: World, case: Case, *, key: str) -> Remedy:
    """The customer's choice, granted by a supervisor (above an agent's authority), clicked
    twice, carried out by a task that also ran twice, then settled by the payment provider."""
    supervisor = make_supervisor(world.brand)
    world.team.lead = supervisor
    for _ in range(2):
        remedy = remedy_grant(
            case=case,
            order=world.order,
            remedy=RemedyKind.REFUND_FULL,
            actor=supervisor,
            idempotency_key=key,
        )
    if remedy.status == RemedyStatus.NEEDS_APPROVAL:
        remedy = remedy_approve(remedy=remedy, actor=supervisor)
    assert remedy.status == RemedyStatus.APPROVED, remedy.decision
    for _ in range(2):
        remedy_execute.call(remedy_id=remedy.pk)
    remedy.refresh_from_db()
    promise = remedy.commitment
    assert promise is not None
    assert promise.state == CommitmentState.OPEN
    demo_shop_settle.call(reference=remedy.shop_reference)
    remedy.refresh_from_db()
    return remedy


def test_story_2_failed_delivery_in_the_netherlands() -> None:
    world = make_world(country="NL", language="nl", register="formal")
    number = world.shipment.tracking_number
    now = timezone.now()

    # "Could not deliver your parcel", twice — and nobody rang.
    first = now - dt.timedelta(days=3, hours=2)
    second = now - dt.timedelta(days=2, hours=2)
    for at in (first, second):
        text = "Bezorgen lukte niet, we proberen het nog een keer"
        assert push("postnl", postnl_body(number, "J08", text, at)) == 200
    # A replay of the same body is stored once and opens nothing more.
    replay = postnl_body(number, "J08", "Bezorgen lukte niet, we proberen het nog een keer", first)
    assert push("postnl", replay) == 200
    # Then back to the shop.
    returned = now - dt.timedelta(hours=20)
    assert push("postnl", postnl_body(number, "H01", "Retour afzender", returned)) == 200

    # One case, opened before the customer wrote, by the carrier's news.
    case = the_case(world)
    assert case.origin_channel == Channel.CARRIER
    assert not case.messages.filter(direction="in").exists()
    kinds = list(
        ShipmentProblem.objects.filter(shipment=world.shipment)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["failed_attempt", "returned_to_sender"]

    # The customer was told, in Dutch and formally, with PostNL's own contact for the NL.
    notified = case.events.filter(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert {(e.data["language"], e.data["register"]) for e in notified} == {("nl", "formal")}
    notices = notices_on(case)
    assert len(notices) == 2
    assert all("postnl.nl/klantenservice" in n.body_text for n in notices)
    refund_offered = notified.last()
    assert refund_offered is not None
    assert "refund" in refund_offered.data["offers"]

    # The customer answers the notice by mail: the same case, answered by email again.
    forget_own_addresses()
    mailbox = Mailbox.objects.create(brand=world.brand, address=world.brand.sender_email)
    notice = OutboundMail.objects.filter(reply__case=case).order_by("id").last()
    assert notice is not None
    raw = build_mail(
        sender=f"Anna de Vries <{world.customer.primary_email}>",
        to=world.brand.sender_email,
        subject="Re: uw pakket",
        body=f"Graag het geld terug voor bestelling {world.order.number}.",
        in_reply_to=f"<{notice.message_id}>",
    )
    assert mail_receive(raw, mailbox=mailbox).inbound.case == case
    assert the_case(world) == case
    assert reply_channel(case) == Channel.EMAIL

    remedy = refund_and_settle(world, case, key="story-2")

    assert Remedy.objects.filter(case=case).count() == 1
    assert [e.amount for e in DemoLedgerEntry.objects.filter(order=world.order, kind="refund")] == [
        Decimal("59.90")
    ]
    order = Order.objects.get(pk=world.order.pk)
    assert order.status == OrderStatus.REFUNDED
    assert remedy.commitment is not None
    assert remedy.commitment.state == CommitmentState.KEPT
    # What the customer sees agrees: returned, no delivery date; nothing contradicts.
    assert "59" in portal_page(world.customer)
    assert estimates_shown(order) == [None]
    assert check_orders([order.pk]) == {"found": 0, "resolved": 0}
    assert not OrderContradiction.objects.exists()


def test_story_4_a_damaged_desk_in_spain() -> None:
    world = make_world(
        country="ES",
        language="es",
        register="informal",
        carrier="seur",
        carrier_name="SEUR",
        time_zone="Europe/Madrid",
        shop_estimate_days=14,
    )
    Shipment.objects.filter(pk=world.shipment.pk).update(
        tracking_number="30123456789", status="in_transit"
    )
    world.refresh()
    # The stale promise the marketplace showed: "arrives in two weeks".
    assert estimates_shown(world.order) == [world.shipment.estimated_delivery]

    damaged = timezone.now() - dt.timedelta(hours=5)
    assert push("seur", seur_body("30123456789", "ENVÍO DAÑADO EN TRÁNSITO", damaged)) == 200

    case = the_case(world)
    notified = case.events.get(kind=ProactiveEventKind.CUSTOMER_NOTIFIED)
    assert (notified.data["language"], notified.data["register"]) == ("es", "informal")
    assert "seur.com" in notices_on(case)[0].body_text
    assert set(notified.data["offers"]) >= {"refund", "reship"}
    assert any(rule.startswith("damaged-in-transit") for rule in notified.data["rules"])

    remedy = refund_and_settle(world, case, key="story-4")

    assert remedy.decision["cost_bearer"] == "carrier"
    assert remedy.commitment is not None
    assert remedy.commitment.state == CommitmentState.KEPT
    assert Order.objects.get(pk=world.order.pk).status == OrderStatus.REFUNDED
    # No stale delivery date any more, and nothing contradicts.
    assert estimates_shown(world.order) == [None]
    assert portal_page(world.customer)
    assert check_orders([world.order.pk]) == {"found": 0, "resolved": 0}
