"""Story 1: three broken orders at once, no apology (France, English-speaking premium member).

Support argues about the first order, is vague about the second and has not answered the third.
When he asks to cancel his membership, the case is made urgent and all three cases go to one
senior agent, who apologises, says what will happen to each order and by when, and honours
the cancellation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from amends.carriers.taxonomy import TrackingStatus as T
from amends.cases.models import Case, CaseStatus, Channel, Priority
from amends.cases.services import (
    case_assign,
    case_open,
    case_set_priority,
    case_set_status,
    case_transfer,
)
from amends.commerce.models import RemedyKind
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.demo.language import format_day
from amends.demo.reference import DemoWorld
from amends.demo.stories.common import (
    Line,
    Scan,
    contact_form,
    delivery_day,
    grant_remedy,
    local_at,
    make_order,
    ship,
)

EMAIL = "james.whitfield@example.com"


def play(world: DemoWorld) -> list[Case]:
    clock, fr = world.clock, world.brands["fr"]
    karim, sophie = world.staff["karim"], world.staff["sophie"]
    claire, isabelle = world.staff["claire"], world.staff["isabelle"]
    james = world.customer(
        brand="fr", name="James Whitfield", email=EMAIL, language="en", premium=True, login=True
    )

    def at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return clock.set(local_at(world, "fr", days_ago=days_ago, hour=hour, minute=minute))

    machine_day = delivery_day(world, "fr", 9)
    machine = make_order(
        world,
        customer=james,
        number="FR4471203",
        placed_at=local_at(world, "fr", days_ago=12, hour=21),
        lines=[Line("BAR-PRO-2", "Machine à café à grain Barista Pro 2", Decimal("449.00"))],
    )
    ship(
        world,
        order=machine,
        carrier="colissimo",
        tracking_number="6A24318877012",
        scans=[
            Scan(
                T.INFO_RECEIVED,
                local_at(world, "fr", days_ago=11, hour=9),
                "Votre colis a été annoncé par l'expéditeur",
            ),
            Scan(
                T.IN_TRANSIT,
                local_at(world, "fr", days_ago=10, hour=6),
                "Votre colis est en cours d'acheminement",
                "Plateforme Colis Chilly-Mazarin",
            ),
            Scan(
                T.DELIVERED,
                local_at(world, "fr", days_ago=machine_day, hour=11, minute=20),
                "Votre colis est livré",
                "Aix-en-Provence",
            ),
        ],
    )
    vacuum_day = delivery_day(world, "fr", 6)
    delivered_at = local_at(world, "fr", days_ago=vacuum_day, hour=11, minute=42)
    vacuum = make_order(
        world,
        customer=james,
        number="FR4475518",
        placed_at=local_at(world, "fr", days_ago=9, hour=19),
        lines=[Line("ROBO-S7", "Aspirateur robot S7 avec station de vidage", Decimal("299.00"))],
    )
    ship(
        world,
        order=vacuum,
        carrier="colissimo",
        tracking_number="6A24320410955",
        scans=[
            Scan(
                T.INFO_RECEIVED,
                local_at(world, "fr", days_ago=8, hour=10),
                "Votre colis a été annoncé par l'expéditeur",
            ),
            Scan(
                T.IN_TRANSIT,
                local_at(world, "fr", days_ago=7, hour=5),
                "Votre colis est en cours d'acheminement",
                "Plateforme Colis Chilly-Mazarin",
            ),
            Scan(
                T.OUT_FOR_DELIVERY,
                local_at(world, "fr", days_ago=vacuum_day, hour=8),
                "Votre colis est en cours de livraison",
                "Aix-en-Provence",
            ),
            Scan(
                T.DELIVERED,
                delivered_at,
                "Votre colis est livré",
                "Aix-en-Provence",
            ),
        ],
    )
    glasses = make_order(
        world,
        customer=james,
        number="FR4478830",
        placed_at=local_at(world, "fr", days_ago=7, hour=20),
        lines=[Line("VER-6", "Lot de 6 verres à vin en cristallin", Decimal("39.90"))],
    )

    # 1. The coffee machine: reported the day after delivery; the first answer argues.
    at(machine_day - 1, 9, 12)
    case_machine = case_open(
        brand=fr,
        customer=james,
        subject="Coffee machine arrived with a cracked water tank",
        channel=Channel.EMAIL,
        language="en",
        orders=[machine],
    )
    message_receive(
        case=case_machine,
        channel=Channel.EMAIL,
        language="en",
        text=(
            "Hello,\n\nMy Barista Pro 2 (order FR4471203) arrived yesterday and the water tank is "
            "cracked right through. It leaks all over the worktop as soon as I fill it. I've kept "
            "the box and the packaging. Could you send me a new tank, or swap the machine?\n\n"
            "Best regards,\nJames Whitfield"
        ),
    )
    at(6, 16, 40)
    case_assign(case=case_machine, assignee=karim, actor=karim)
    case_reply(
        case=case_machine,
        actor=karim,
        status=CaseStatus.WAITING_ON_CUSTOMER,
        text=(
            "Hello,\n\nAccording to our records the parcel was delivered in good condition. Damage "
            "has to be reported within 48 hours of delivery. Please send photos of the damage and "
            "of the packaging so that a claim can be opened with the carrier.\n\nRegards,\nKarim\n"
            "Customer service, Demo Shop France"
        ),
    )
    at(5, 8, 3)
    message_receive(
        case=case_machine,
        channel=Channel.EMAIL,
        language="en",
        text=(
            "I reported it the day after it arrived, it's right there in my first message. I've "
            "got photos of the tank and the box and I'm happy to send them, but a machine that "
            "leaks is not something I should have to argue about.\n\nJames"
        ),
    )

    # 2. The robot vacuum: "delivered" to nobody; a vague answer.
    at(5, 12, 30)
    case_vacuum = case_open(
        brand=fr,
        customer=james,
        subject="Robot vacuum shown as delivered but never arrived",
        channel=Channel.CHAT,
        language="en",
        orders=[vacuum],
    )
    message_receive(
        case=case_vacuum,
        channel=Channel.CHAT,
        language="en",
        text=(
            "Hi, the tracking for order FR4475518 says my robot vacuum was delivered on "
            f"{format_day(delivered_at, language='en', time_zone=fr.time_zone)} "
            "at 11:42, but nothing came. I work from home and was in all day. Nobody rang, there's "
            "no card in the letterbox and the neighbours haven't got it either."
        ),
    )
    at(5, 12, 41)
    case_assign(case=case_vacuum, assignee=sophie, actor=sophie)
    case_reply(
        case=case_vacuum,
        actor=sophie,
        status=CaseStatus.WAITING_ON_THIRD_PARTY,
        text=(
            "Hello James, I have asked Colissimo to investigate. These investigations usually take "
            "up to 10 working days."
        ),
    )

    # 3. Charged twice for the glasses: sent through the contact form, not yet answered.
    at(3, 19, 15)
    case_glasses = contact_form(
        {
            "brand": "fr",
            "email": EMAIL,
            "name": "James Whitfield",
            "language": "en",
            "subject": "Charged twice for order FR4478830",
            "order_number": "FR4478830",
            "wanted_outcome": "refund",
            "message": "My card was debited €39.90 twice for the wine glasses (order FR4478830); "
            "both payments are on my statement. Please refund the duplicate.",
        }
    )

    # He has had enough: churn language on the first case.
    at(1, 7, 48)
    message_receive(
        case=case_machine,
        channel=Channel.EMAIL,
        language="en",
        text=(
            "This is now the third order in a fortnight that has gone wrong. The coffee machine "
            "arrives broken and you argue about deadlines; the robot vacuum is 'delivered' to "
            "nobody; and now I've been charged twice for a set of glasses. Not once has anyone "
            "said sorry or told me what will actually happen, and when.\n\nI have been a Premium "
            "member for six years. Please cancel my Premium membership and close my account. I'm "
            "done, and I'll be telling my friends why.\n\nJames Whitfield"
        ),
    )
    case_set_priority(
        case=case_machine,
        actor=None,
        priority=Priority.URGENT,
        reason="churn risk: asks to cancel his Premium membership and close his account",
    )
    at(1, 8, 5)
    handoff = (
        "Premium member for six years with three broken orders at once: FR4471203 cracked tank "
        "(reported the day after delivery; our first reply wrongly argued the 48-hour rule), "
        "FR4475518 scanned as delivered but never received, FR4478830 charged twice. Asks to "
        "cancel his membership and his account. One owner for all three, an apology and dates."
    )
    for case in (case_machine, case_vacuum, case_glasses):
        case_transfer(
            case=case,
            actor=claire,
            to_team=world.teams["senior"],
            to_assignee=isabelle,
            note=handoff,
        )

    # The senior agent: acknowledgement, apology, an action and a date for each order.
    now = at(1, 9, 30)
    cal = fr.calendar()
    machine_by = cal.add_business_days(now, 2)
    glasses_by = cal.add_business_days(now, 3)
    when = {
        k: format_day(v, language="en", time_zone=fr.time_zone)
        for k, v in {"machine": machine_by, "glasses": glasses_by}.items()
    }
    case_reply(
        case=case_machine,
        actor=isabelle,
        text=(
            "Dear James,\n\nThank you for writing, and I'm sorry. You reported the cracked tank "
            "the day after delivery, well within any deadline, and we should have replaced the "
            "machine "
            "straight away instead of arguing with you. I have taken over all three of your orders "
            "so that you deal with one person from now on.\n\n"
            f"1. Coffee machine (FR4471203): a new machine leaves our warehouse today and will be "
            f"delivered by {when['machine']}. The courier takes the broken one away at the same "
            "time; you don't need to pack anything.\n"
            "2. Robot vacuum (FR4475518): a 'delivered' scan with no parcel is not good enough, "
            "and I'm not going to make you wait for the carrier's investigation. Tell me "
            "whether you would like a replacement or a full refund of €299.00 and it will be "
            "done the same day.\n"
            f"3. Wine glasses (FR4478830): you were charged twice. The duplicate €39.90 will be "
            f"back on your card by {when['glasses']}.\n\n"
            "As you asked, I have cancelled your Premium membership today and refunded the unused "
            "part of this year's fee (€41.20). I will close your account as soon as these refunds "
            "have reached you (closing it before would stop them), and I'll confirm by email when "
            "it's done.\n\nKind regards,\nIsabelle Fontaine\nSenior customer care, Demo Shop France"
        ),
    )
    commitment_make(
        case=case_machine,
        actor=isabelle,
        kind=CommitmentKind.REPLACEMENT,
        now=now,
        due=Due(at=machine_by),
        description=f"New coffee machine delivered and the broken one collected "
        f"(FR4471203) by {when['machine']}",
    )
    commitment_make(
        case=case_glasses,
        actor=isabelle,
        kind=CommitmentKind.REFUND,
        now=now,
        due=Due(at=glasses_by),
        description=f"Duplicate charge of €39.90 refunded (FR4478830) by {when['glasses']}",
    )
    grant_remedy(
        case=case_machine,
        order=machine,
        kind=RemedyKind.MEMBERSHIP_CANCELLATION,
        amount=Decimal("41.20"),
        decided_by=isabelle,
        key="story1:membership",
        decision={"reason": "customer asked to cancel", "prorated_refund": "41.20"},
        executed_at=now,
    )
    grant_remedy(
        case=case_glasses,
        order=glasses,
        kind=RemedyKind.REFUND_PARTIAL,
        amount=Decimal("39.90"),
        decided_by=isabelle,
        key="story1:duplicate-charge",
        decision={"reason": "duplicate card payment"},
    )
    answered = f"answered together with {case_machine.reference} (one reply for all three orders)"
    case_add_note(
        case=case_vacuum,
        actor=isabelle,
        text=f"Answered together with {case_machine.reference}: one reply for all three orders. "
        "Waiting for his choice: replacement or refund.",
    )
    case_set_status(
        case=case_vacuum, actor=isabelle, status=CaseStatus.WAITING_ON_CUSTOMER, reason=answered
    )
    case_set_status(case=case_glasses, actor=isabelle, status=CaseStatus.OPEN, reason=answered)
    return [case_machine, case_vacuum, case_glasses]
