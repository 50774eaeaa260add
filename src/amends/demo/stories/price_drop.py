# ruff: noqa: RUF001  (typographic dashes and quotes belong in these texts)
"""Story 5: a price drop within seven days of purchase (Germany).

The customer uses the guided contact form (order number and wanted outcome filled in), so the
first message has everything; the agent grants the difference under the seven-day rule and
says by when it will be on her account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from amends.carriers.taxonomy import TrackingStatus as T
from amends.cases.models import Case, CaseStatus
from amends.cases.services import case_assign
from amends.commerce.models import OrderStatus, RemedyKind
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.conversations.services import case_reply
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
    ship,
)

EMAIL = "katrin.hoffmann@example.net"
PAID = Decimal("249.00")
NOW_COSTS = Decimal("199.00")


def play(world: DemoWorld) -> list[Case]:
    clock, de = world.clock, world.brands["de"]
    jonas = world.staff["jonas"]
    katrin = world.customer(
        brand="de", name="Katrin Hoffmann", email=EMAIL, language="de", login=True
    )

    def local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return local_at(world, "de", days_ago=days_ago, hour=hour, minute=minute)

    placed = local(5, 20, 37)
    delivered = delivery_day(world, "de", 3)
    order = make_order(
        world,
        customer=katrin,
        number="DE5120964",
        placed_at=placed,
        status=OrderStatus.DELIVERED,
        lines=[Line("CM-300", "Akku-Staubsauger CleanMax 300", PAID)],
    )
    ship(
        world,
        order=order,
        carrier="dhl",
        tracking_number="00340434161094042557",
        scans=[
            Scan(T.INFO_RECEIVED, local(4, 9, 12), "Die Sendung wurde elektronisch angekündigt"),
            Scan(
                T.IN_TRANSIT,
                local(4, 19, 40),
                "Die Sendung wurde im Paketzentrum bearbeitet",
                "Paketzentrum Köln",
            ),
            Scan(
                T.OUT_FOR_DELIVERY,
                local(delivered, 8, 5),
                "Die Sendung wurde in das Zustellfahrzeug geladen",
                "Bonn",
            ),
            Scan(
                T.DELIVERED,
                local(delivered, 12, 48),
                "Die Sendung wurde erfolgreich zugestellt",
                "Bonn",
            ),
        ],
    )

    difference = PAID - NOW_COSTS
    clock.set(local(1, 18, 22))
    bought_on = format_day(placed, language="de", time_zone=de.time_zone)
    payload = {
        "brand": "de",
        "email": EMAIL,
        "name": "Katrin Hoffmann",
        "language": "de",
        "subject": "Preissenkung nach meinem Kauf – Erstattung der Differenz",
        "order_number": order.number,
        "wanted_outcome": "price_adjustment",
        "message": (
            f"Guten Tag,\n\nich habe am {bought_on} den Akku-Staubsauger CleanMax 300 für "
            f"{euros(PAID, 'de')} bei Ihnen bestellt (Bestellung {order.number}). Seit gestern "
            f"kostet er in Ihrem Shop nur noch {euros(NOW_COSTS, 'de')}. Da mein Kauf noch "
            "keine sieben Tage zurückliegt, bitte ich Sie, mir die Differenz von "
            f"{euros(difference, 'de')} zu erstatten.\n\nMit freundlichen Grüßen\n"
            "Katrin Hoffmann"
        ),
    }
    case = contact_form(payload)

    clock.set(local(0, 8, 40))
    case_assign(case=case, assignee=jonas, actor=jonas)
    now = clock.set(local(0, 8, 52))
    refund_by = de.calendar().add_business_days(now, 3)
    by = format_day(refund_by, language="de", time_zone=de.time_zone)
    grant_remedy(
        case=case,
        order=order,
        kind=RemedyKind.PRICE_ADJUSTMENT,
        amount=difference,
        decided_by=jonas,
        key="story5:price-drop",
        decision={
            "rule": "price drop within 7 days of purchase",
            "paid": str(PAID),
            "price_now": str(NOW_COSTS),
        },
    )
    commitment_make(
        case=case,
        actor=jonas,
        kind=CommitmentKind.REFUND,
        now=now,
        due=Due(at=refund_by),
        description=f"Erstattung der Preisdifferenz von {euros(difference, 'de')} "
        f"(Bestellung {order.number}) spätestens am {by}",
    )
    case_reply(
        case=case,
        actor=jonas,
        status=CaseStatus.SOLVED,
        text=(
            "Guten Tag Frau Hoffmann,\n\nvielen Dank für Ihren Hinweis. Sie haben recht: Der Preis "
            "ist innerhalb von sieben Tagen nach Ihrem Kauf gesunken, und in diesem Fall erstatten "
            f"wir die Differenz. Ich habe soeben {euros(difference, 'de')} zu Ihren Gunsten "
            f"veranlasst; der Betrag wird Ihrem ursprünglichen Zahlungsmittel spätestens am {by} "
            "gutgeschrieben.\n\nMit freundlichen Grüßen\nJonas Weber\nKundenservice Demo Shop "
            "Deutschland"
        ),
    )
    return [case]
