"""Story 3: bounced between six people, then hung up on (France, telecom shop).

A customer calls the support line from the Lyon store: her number did not port and her line has
been dead since she bought a phone there. She is handed from agent to agent, to the store and
back, six times; then the call drops. Every hand-off carries a note and counts as a bounce; the
dropped call leaves the case open, owned, with a next step and a promised callback.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from amends.cases.models import Case, Channel
from amends.cases.services import case_assign, case_channel_dropped, case_open, case_transfer
from amends.commerce.models import OrderStatus
from amends.commitments.models import CommitmentKind
from amends.commitments.services import Due, commitment_make
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.demo.language import format_day
from amends.demo.reference import DemoWorld
from amends.demo.stories.common import Line, local_at, make_order

EMAIL = "nathalie.girard@example.org"

# (from, to, minutes after the call began, hand-off note)
HANDOFFS: list[tuple[str, str, int, str]] = [
    (
        "julien",
        "amelie",
        15,
        "Portabilité en échec, ligne coupée depuis deux jours. Amélie gère les portabilités. "
        "Cliente en ligne depuis la boutique de Lyon Part-Dieu, RIO vérifié avec elle.",
    ),
    (
        "amelie",
        "lea",
        36,
        "Le RIO est correct chez nous ; la boutique doit vérifier la carte SIM insérée et "
        "l'identité. Cliente présente en boutique, toujours en ligne.",
    ),
    (
        "lea",
        "thomas",
        60,
        "Je pars en pause déjeuner, Thomas reprend. SIM vérifiée : c'est bien la bonne, pièce "
        "d'identité OK.",
    ),
    (
        "thomas",
        "karim",
        85,
        "Pas un sujet boutique : SIM bonne, c'est la portabilité côté réseau. Retour au service "
        "client.",
    ),
    (
        "karim",
        "sophie",
        107,
        "Je vois deux lignes facturées depuis l'achat, peut-être un blocage de facturation. "
        "Sophie, facturation.",
    ),
    (
        "sophie",
        "julien",
        130,
        "Facturation correcte, une seule ligne active. Je rends le dossier au premier conseiller, "
        "qui le connaît.",
    ),
]


def play(world: DemoWorld) -> list[Case]:
    clock, fr = world.clock, world.brands["fr"]
    julien, claire = world.staff["julien"], world.staff["claire"]
    nathalie = world.customer(
        brand="fr", name="Nathalie Girard", email=EMAIL, language="fr", login=True
    )
    order = make_order(
        world,
        customer=nathalie,
        number="FR-BT-118304",
        placed_at=local_at(world, "fr", days_ago=4, hour=16, minute=20),
        status=OrderStatus.DELIVERED,
        lines=[
            Line("TEL-5G-128", "Smartphone 5G 128 Go, noir", Decimal("349.00")),
            Line("FORF-100", "Forfait 5G 100 Go, sans engagement (1er mois)", Decimal("15.99")),
            Line(
                "SIM-3EN1", "Carte SIM triple découpe avec portabilité du numéro", Decimal("10.00")
            ),
        ],
    )
    began = local_at(world, "fr", days_ago=1, hour=10, minute=5)
    clock.set(began)
    case = case_open(
        brand=fr,
        customer=nathalie,
        channel=Channel.PHONE,
        language="fr",
        actor=julien,
        subject="Portabilité du numéro bloquée, ligne coupée depuis l'achat en boutique",
        orders=[order],
    )
    case_assign(case=case, assignee=julien, actor=julien)
    case_add_note(
        case=case,
        actor=julien,
        text=(
            "Appel de Mme Girard depuis la boutique de Lyon Part-Dieu. Smartphone et forfait "
            "achetés il y a trois jours avec portabilité de son numéro ; la ligne est coupée "
            "depuis le lendemain et "
            "le nouveau numéro ne fonctionne pas non plus. Elle est déjà venue deux fois en "
            "boutique."
        ),
    )
    for source, target, minutes, note in HANDOFFS:
        clock.set(began + dt.timedelta(minutes=minutes))
        case_transfer(
            case=case, actor=world.staff[source], to_assignee=world.staff[target], note=note
        )

    # Back with Julien: he asks the salesperson in the store to join; the call drops.
    clock.set(began + dt.timedelta(minutes=139))
    case_add_note(
        case=case,
        actor=julien,
        text=(
            "J'ai demandé à parler au vendeur de la boutique pour vérifier l'activation avec lui : "
            "il a refusé de prendre le téléphone. L'appel a été coupé pendant l'attente."
        ),
    )
    case_channel_dropped(
        case=case,
        channel=Channel.PHONE,
        actor=julien,
        next_step="Rappeler Mme Girard avec la date de rétablissement de sa ligne après la "
        "demande de portabilité forcée ; Julien reste son seul interlocuteur.",
    )
    clock.set(began + dt.timedelta(minutes=150))
    case_add_note(
        case=case,
        actor=claire,
        text=(
            "Six transferts en une matinée sur ce dossier. Julien le garde jusqu'à la résolution ; "
            "plus aucun transfert sans mon accord."
        ),
    )

    # Her third trip to the store, then an email the same evening.
    clock.set(local_at(world, "fr", days_ago=1, hour=18, minute=40))
    message_receive(
        case=case,
        channel=Channel.EMAIL,
        language="fr",
        text=(
            "Bonjour,\n\nAujourd'hui, je suis restée plus de deux heures au téléphone dans votre "
            "boutique de Lyon Part-Dieu, transférée de conseiller en conseiller : six personnes au "
            "total. À la fin, le vendeur a refusé de prendre le téléphone et l'appel a été coupé. "
            "Je n'ai toujours pas de ligne depuis deux jours et c'était ma troisième visite en "
            "boutique.\n\nJe veux un seul interlocuteur et une date à laquelle mon numéro "
            "fonctionnera.\n\nNathalie Girard"
        ),
    )

    # The callback is promised for the next 11:00 that is still ahead when the demo loads.
    now = clock.set(local_at(world, "fr", days_ago=1, hour=18, minute=55))
    calendar = fr.calendar()
    callback = calendar.at_local_time(max(now, world.now + dt.timedelta(hours=2)), dt.time(11))
    while not calendar.is_business_day(callback.astimezone(calendar.tz).date()):
        callback = calendar.at_local_time(callback + dt.timedelta(minutes=1), dt.time(11))
    day = format_day(callback, language="fr", time_zone=fr.time_zone)
    case_reply(
        channel=Channel.EMAIL,
        case=case,
        actor=julien,
        text=(
            "Bonjour Madame Girard,\n\nJe suis Julien, le premier conseiller que vous avez eu ce "
            "matin, et je reste votre seul interlocuteur jusqu'à ce que votre numéro fonctionne. "
            "Je vous présente nos excuses : vous n'auriez jamais dû être transférée six fois, et "
            "l'appel n'aurait pas dû être coupé.\n\nJ'ai fait une demande de portabilité forcée "
            f"auprès de votre ancien opérateur. Je vous rappelle {day} avant 11 h pour vous "
            "confirmer l'heure de rétablissement de votre ligne ; vous n'aurez pas besoin de "
            "retourner en boutique.\n\nBien cordialement,\nJulien Petit\nService client Demo Shop "
            "France"
        ),
    )
    commitment_make(
        case=case,
        actor=julien,
        kind=CommitmentKind.CALLBACK,
        now=now,
        due=Due(at=callback),
        description=f"Rappeler Mme Girard {day} avant 11 h avec l'heure de rétablissement de "
        "sa ligne",
    )
    return [case]
