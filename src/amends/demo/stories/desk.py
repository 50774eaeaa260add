# ruff: noqa: RUF001  (typographic dashes and quotes belong in these texts)
"""Story 4: a lost desk, a promised call that never came (Spain).

A desk from a third-party seller, carried by SEUR, is held up and then damaged in transit.
The agent promises to call back by 17:00: the promise is a commitment, it is reminded and
escalated to the team lead, and nobody calls, so it is recorded as broken. When the customer
phones, she is refunded within half an hour, told so in plain words, and the seller is told.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from amends.carriers.taxonomy import TrackingStatus as T
from amends.cases.models import Case, CaseStatus, Channel
from amends.cases.services import case_assign, case_open, case_set_status, case_transfer
from amends.commerce.models import RemedyKind
from amends.commitments.models import CommitmentKind
from amends.commitments.services import (
    Due,
    commitment_keep,
    commitment_make,
    commitment_mark_broken,
    commitment_send_escalation,
    commitment_send_reminder,
)
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.demo.language import format_day
from amends.demo.reference import DemoWorld
from amends.demo.stories.common import (
    Line,
    Scan,
    euros,
    grant_remedy,
    local_at,
    make_order,
    mark_refunded,
    ship,
)

EMAIL = "carmen.ruiz@example.com"
TRACKING_NUMBER = "8052917346"


def play(world: DemoWorld) -> list[Case]:
    clock, es = world.clock, world.brands["es"]
    lucia, pablo = world.staff["lucia"], world.staff["pablo"]
    seller = world.seller
    if seller is None:
        raise RuntimeError("the demo seller is created with the reference data")
    carmen = world.customer(
        brand="es", name="Carmen Ruiz Navarro", email=EMAIL, language="es", login=True
    )

    def local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return local_at(world, "es", days_ago=days_ago, hour=hour, minute=minute)

    order = make_order(
        world,
        customer=carmen,
        number="ES7730158",
        placed_at=local(21, 22, 10),
        seller=seller,
        lines=[Line("MO-ESC-140", "Escritorio de roble macizo 140 × 70 cm", Decimal("289.00"))],
    )
    ship(
        world,
        order=order,
        carrier="seur",
        tracking_number=TRACKING_NUMBER,
        scans=[
            Scan(T.INFO_RECEIVED, local(20, 9), "Envío registrado", "Paterna (Valencia)"),
            Scan(T.IN_TRANSIT, local(19, 4, 30), "En tránsito", "Plataforma SEUR Madrid"),
            Scan(
                T.EXCEPTION,
                local(15, 11),
                "Incidencia: envío retenido en plataforma",
                "Plataforma SEUR Madrid",
            ),
            Scan(
                T.DAMAGED,
                local(9, 10, 15),
                "Mercancía dañada en tránsito",
                "Plataforma SEUR Madrid",
            ),
        ],
    )

    clock.set(local(12, 10, 30))
    case = case_open(
        brand=es,
        customer=carmen,
        channel=Channel.EMAIL,
        language="es",
        orders=[order],
        subject=f"Mi escritorio no llega (pedido {order.number})",
    )
    message_receive(
        case=case,
        channel=Channel.EMAIL,
        language="es",
        text=(
            f"Hola:\n\nEl escritorio del pedido {order.number} tenía que llegar la semana pasada. "
            "En el seguimiento de SEUR pone «incidencia» desde hace cuatro días y nadie me explica "
            "nada. He llamado a SEUR y me dicen que me llamará la delegación de Madrid, pero no me "
            "ha llamado nadie. ¿Me podéis decir qué pasa con mi pedido?\n\nGracias,\nCarmen"
        ),
    )
    clock.set(local(12, 10, 45))
    case_assign(case=case, assignee=lucia, actor=lucia)
    now = clock.set(local(12, 10, 52))
    case_reply(
        case=case,
        actor=lucia,
        status=CaseStatus.WAITING_ON_THIRD_PARTY,
        text=(
            "Hola, Carmen:\n\nGracias por escribirnos y perdona la espera. El escritorio lo envía "
            "directamente el vendedor, Muebles Ortiz, a través de SEUR. Ya les he pedido que "
            "averigüen qué ha pasado con el envío. Te llamo hoy antes de las 17:00 con lo que me "
            "digan.\n\nUn saludo,\nLucía\nAtención al cliente de Demo Shop España"
        ),
    )
    callback = commitment_make(
        case=case,
        actor=lucia,
        kind=CommitmentKind.CALLBACK,
        now=now,
        due=Due(local_time=dt.time(17)),
        description="Llamar a Carmen hoy antes de las 17:00 con noticias del escritorio",
    )
    # The timers run: a reminder to Lucía, an escalation to the team lead, then "broken".
    clock.set(callback.remind_at)
    commitment_send_reminder(commitment_id=callback.pk, now=callback.remind_at)
    clock.set(callback.escalate_at)
    commitment_send_escalation(commitment_id=callback.pk, now=callback.escalate_at)
    broken_at = clock.set(callback.due_at + dt.timedelta(minutes=1))
    commitment_mark_broken(commitment_id=callback.pk, now=broken_at)

    clock.set(local(8, 12, 10))
    promised_day = format_day(callback.due_at, language="es", time_zone=es.time_zone)
    message_receive(
        case=case,
        channel=Channel.EMAIL,
        language="es",
        text=(
            f"Hola:\n\nNadie me llamó {promised_day}, ni vosotros ni SEUR. Hoy por fin me dicen en "
            "SEUR que el escritorio se rompió durante el transporte. Llevo tres semanas esperando "
            "y, para colmo, en vuestra web sigue poniendo que me llega en dos semanas.\n\nQuiero "
            "que me devolváis el dinero.\n\nCarmen"
        ),
    )

    # She phones; Pablo answers, takes the case over and refunds her within half an hour.
    clock.set(local(8, 12, 18))
    case_transfer(
        case=case,
        actor=pablo,
        to_assignee=pablo,
        note=(
            "Carmen llama por teléfono; Lucía no está hoy. Me quedo con el caso y tramito el "
            "reembolso: SEUR confirma daño en tránsito."
        ),
    )
    case_add_note(
        case=case,
        actor=pablo,
        text=(
            "Llamada de Carmen (12:18). Le he pedido disculpas por la llamada prometida que nunca "
            "hicimos y le he confirmado el reembolso completo por teléfono."
        ),
    )
    done = clock.set(local(8, 12, 40))
    remedy = grant_remedy(
        case=case,
        order=order,
        kind=RemedyKind.REFUND_FULL,
        amount=order.total,
        decided_by=pablo,
        key="story4:refund",
        executed_at=done,
        decision={
            "reason": "damaged in transit (SEUR)",
            "charged_to": "seller",
            "seller_id": seller.pk,
        },
    )
    mark_refunded(order, amount=order.total)
    now = clock.set(local(8, 12, 45))
    refund_by = es.calendar().add_business_days(now, 5)
    case_reply(
        case=case,
        actor=pablo,
        text=(
            "Hola, Carmen:\n\nComo te he dicho por teléfono, siento muchísimo todo esto. Te "
            f"prometimos una llamada {promised_day} antes de las 17:00 y no la hicimos; no tiene "
            f"excusa.\n\nYa he tramitado el reembolso completo de {euros(order.total, 'es')}. Lo "
            "verás en tu tarjeta como muy tarde "
            f"{format_day(refund_by, language='es', time_zone=es.time_zone)}. En tu cuenta el "
            "pedido ya aparece como reembolsado, sin ninguna fecha de entrega.\n\nTambién hemos "
            "avisado al vendedor, Muebles Ortiz, que reclamará los daños a SEUR: tú no tienes que "
            "hacer nada más.\n\nUn saludo,\nPablo\nAtención al cliente de Demo Shop España"
        ),
    )
    refund = commitment_make(
        case=case,
        actor=pablo,
        kind=CommitmentKind.REFUND,
        now=now,
        due=Due(at=refund_by),
        description=f"Reembolso de {euros(order.total, 'es')} del pedido {order.number} en la "
        f"tarjeta como muy tarde {format_day(refund_by, language='es', time_zone=es.time_zone)}",
    )
    case_add_note(
        case=case,
        actor=pablo,
        text=(
            f"Vendedor avisado ({seller.email}). Envío gestionado por el vendedor con su propio "
            "transportista: según la política de vendedores, el reembolso se carga a Muebles "
            "Ortiz, que reclama a SEUR."
        ),
    )

    clock.set(local(6, 9, 30))
    commitment_keep(commitment=refund, actor=pablo, fulfilled_by=f"remedy:{remedy.pk}")
    case_set_status(
        case=case,
        actor=pablo,
        status=CaseStatus.SOLVED,
        reason="refund reached the customer's card",
    )
    return [case]
