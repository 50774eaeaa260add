"""Story 2: two failed deliveries and a parcel returned to sender (Netherlands).

DHL reports "not at home" twice (nobody rang) and sends the two LED lamps back. The case opens
from the carrier's events before Niels writes, offers him the choices with DHL's contact
details, and every reply is in Dutch with "je", opening with "Hoi Niels".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from amends.carriers.taxonomy import TrackingStatus as T
from amends.cases.models import Case, CaseStatus, Channel, Priority
from amends.cases.services import case_assign, case_open
from amends.commerce.models import RemedyKind
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_keep, commitment_make
from amends.conversations.services import case_add_note, case_reply
from amends.demo.language import format_day
from amends.demo.reference import DemoWorld
from amends.demo.stories.common import (
    Line,
    Scan,
    contact_form,
    delivery_day,
    euros,
    grant_remedy,
    local_at,
    make_order,
    mark_refunded,
    ship,
)

EMAIL = "niels.vandijk@example.net"
TRACKING_NUMBER = "JVGL0624857310009"


def play(world: DemoWorld) -> list[Case]:
    clock, nl = world.clock, world.brands["nl"]
    daan = world.staff["daan"]
    niels = world.customer(
        brand="nl", name="Niels van Dijk", email=EMAIL, language="nl", login=True
    )

    def local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return local_at(world, "nl", days_ago=days_ago, hour=hour, minute=minute)

    # Two delivery rounds on consecutive working days, then the parcel goes back.
    second = delivery_day(world, "nl", 6)
    first = delivery_day(world, "nl", second + 1)
    back = second - 2
    order = make_order(
        world,
        customer=niels,
        number="NL2044871",
        placed_at=local(first + 2, 20, 14),
        lines=[Line("LED-E27-7W", "Ledlamp E27 filament 7 W, dimbaar", Decimal("12.95"), 2)],
    )
    first_try, second_try = local(first, 13, 52), local(second, 14, 31)
    ship(
        world,
        order=order,
        carrier="dhl",
        tracking_number=TRACKING_NUMBER,
        scans=[
            Scan(
                T.INFO_RECEIVED,
                local(first + 1, 18, 2),
                "Zending is aangemeld",
                "Tilburg",
                "PRENOT",
            ),
            Scan(
                T.IN_TRANSIT,
                local(first, 3, 40),
                "Zending is gesorteerd",
                "Sorteercentrum Utrecht",
                "SORT",
            ),
            Scan(T.OUT_FOR_DELIVERY, local(first, 8, 15), "Bezorger is onderweg", "Utrecht", "OFD"),
            Scan(T.ATTEMPT_FAILED, first_try, "Niet thuis: bezorging niet gelukt", "Utrecht", "NH"),
            Scan(T.OUT_FOR_DELIVERY, local(second, 8, 5), "Bezorger is onderweg", "Utrecht", "OFD"),
            Scan(
                T.ATTEMPT_FAILED, second_try, "Niet thuis: bezorging niet gelukt", "Utrecht", "NH"
            ),
            Scan(T.RETURNED_TO_SENDER, local(back, 9, 10), "Retour afzender", "Utrecht", "RTS"),
        ],
    )

    # The carrier's "returned to sender" opens the case before Niels writes.
    clock.set(local(back, 9, 12))
    case = case_open(
        brand=nl,
        customer=niels,
        channel=Channel.CARRIER,
        language="nl",
        priority=Priority.HIGH,
        subject=f"DHL: pakket retour afzender na twee mislukte bezorgpogingen ({order.number})",
        orders=[order],
    )
    clock.set(local(back, 9, 40))
    case_assign(case=case, assignee=daan, actor=daan)
    case_add_note(
        case=case,
        actor=daan,
        text=(
            "Twee keer 'niet thuis' gescand, op beide dagen binnen een paar minuten na "
            "'bezorger is onderweg' in dezelfde straat. Pakket gaat retour. Klant weet nog van "
            "niets: eerst zelf de keuzes aanbieden."
        ),
    )
    contact = world.carriers["dhl"].contacts["NL"]
    days = [format_day(d, language="nl", time_zone=nl.time_zone) for d in (first_try, second_try)]
    clock.set(local(back, 9, 58))
    case_reply(
        channel=Channel.EMAIL,
        case=case,
        actor=daan,
        status=CaseStatus.WAITING_ON_CUSTOMER,
        text=(
            "Hoi Niels,\n\n"
            f"Je bestelling {order.number} met twee ledlampen is helaas niet bij je bezorgd. DHL "
            f"meldt dat ze op {days[0]} en {days[1]} niemand thuis troffen, en het pakket is nu "
            "onderweg terug naar ons magazijn. Sorry, dat is heel vervelend.\n\n"
            "Wat wil je dat we doen?\n"
            "1. Opnieuw versturen naar je huisadres;\n"
            "2. Opnieuw versturen naar een DHL ServicePoint bij jou in de buurt, zodat je het "
            "ophaalt wanneer het jou uitkomt;\n"
            f"3. Je geld terug ({euros(order.total, 'nl')}).\n\n"
            "Antwoord gewoon op deze mail met 1, 2 of 3. Wil je DHL zelf laten weten hoe de "
            f"bezorging is gegaan? Dat kan via {contact['web']} "
            f"(zendingnummer {TRACKING_NUMBER}).\n\n"
            "Groet,\nDaan\nKlantenservice Demo Shop Nederland"
        ),
    )

    # Niels answers through the contact form; it lands on the same case by order number.
    clock.set(local(back - 1, 19, 26))
    payload = {
        "brand": "nl",
        "email": EMAIL,
        "name": "Niels van Dijk",
        "language": "nl",
        "subject": f"Re: {case.subject}",
        "order_number": order.number,
        "case_reference": case.reference,
        "wanted_outcome": "refund",
        "message": (
            "Hoi Daan,\n\nDank voor je mail. Ik snap er niks van: ik was beide dagen gewoon "
            "thuis, ik werk thuis. Er is niet aangebeld en er zat ook geen kaartje in de bus. "
            "Doe maar optie 3, het geld terug. Ik bestel de lampen wel opnieuw als ik zeker weet "
            "dat ze niet weer met DHL komen.\n\nGroet,\nNiels"
        ),
    }
    if contact_form(payload).pk != case.pk:
        raise RuntimeError("Niels's answer should have been threaded to the carrier's case")
    case.refresh_from_db()

    now = clock.set(local(back - 2, 9, 5))
    refund_by = nl.calendar().add_business_days(now, 3)
    case_reply(
        channel=Channel.EMAIL,
        case=case,
        actor=daan,
        text=(
            "Hoi Niels,\n\nHelder, en nogmaals sorry dat je twee keer voor niets hebt gewacht. Ik "
            f"heb de terugbetaling van {euros(order.total, 'nl')} in gang gezet. Het geld staat "
            f"uiterlijk {format_day(refund_by, language='nl', time_zone=nl.time_zone)} op je "
            "rekening; je hoeft niet te wachten tot het pakket bij ons terug is.\n\nIk heb DHL ook "
            "laten weten dat er volgens jou niet is aangebeld, zodat ze het met de bezorger "
            "bespreken.\n\nGroet,\nDaan\nKlantenservice Demo Shop Nederland"
        ),
    )
    promise = commitment_make(
        case=case,
        actor=daan,
        kind=CommitmentKind.REFUND,
        now=now,
        due=Due(at=refund_by),
        description=f"Terugbetaling {euros(order.total, 'nl')} voor bestelling {order.number} "
        f"uiterlijk {format_day(refund_by, language='nl', time_zone=nl.time_zone)}",
    )

    done = clock.set(local(back - 3, 10, 20))
    remedy = grant_remedy(
        case=case,
        order=order,
        kind=RemedyKind.REFUND_FULL,
        amount=order.total,
        decided_by=daan,
        key="story2:refund",
        executed_at=done,
        decision={"reason": "returned to sender after two failed delivery attempts"},
    )
    mark_refunded(order, amount=order.total)
    commitment_keep(commitment=promise, actor=daan, fulfilled_by=f"remedy:{remedy.pk}")
    case_reply(
        channel=Channel.EMAIL,
        case=case,
        actor=daan,
        status=CaseStatus.SOLVED,
        text=(
            f"Hoi Niels,\n\nDe {euros(order.total, 'nl')} is vandaag naar je teruggestort; "
            "afhankelijk van je bank zie je het binnen een dag op je rekening. Mocht je de lampen "
            "opnieuw bestellen, dan kun je bij het afrekenen een PostNL-afhaalpunt kiezen.\n\n"
            "Groet,\nDaan\nKlantenservice Demo Shop Nederland"
        ),
    )
    return [case]
