# ruff: noqa: RUF001  (typographic dashes and quotes belong in these texts)
"""What customers write and what agents answer in the ordinary demo cases, per language.

Each language's texts are written as its speakers write them, not translated line by line.
Placeholders: ``{order}``, ``{product}``, ``{first}``, ``{last}`` in the customer's words;
``{order}``, ``{product}``, ``{date}`` in the agent's reply body (greeting and sign-off come
from ``language.letter``). Replies are in the storefront's register: *vous*, *Sie*, *Lei*,
*Państwo* and *Jūs* are formal; Dutch has both (``REPLIES_NL_FORMAL`` for Belgium), Spanish
uses *tú* like Spanish shops do.
"""

from __future__ import annotations

from dataclasses import dataclass

from amends.commitments.models import CommitmentKind


@dataclass(frozen=True)
class Scenario:
    subject: str
    message: str
    reply: str
    follow_up: str


# What each scenario promises the customer, and so which commitment its reply records.
PROMISE: dict[str, str] = {
    "where_is_parcel": CommitmentKind.DELIVERY_ESTIMATE,
    "damaged": CommitmentKind.REPLACEMENT,
    "wrong_item": CommitmentKind.REPLACEMENT,
    "return": CommitmentKind.REFUND,
    "refund_status": CommitmentKind.REFUND,
    "cancel_order": CommitmentKind.REFUND,
}
SCENARIOS = tuple(PROMISE)

TEXTS: dict[str, dict[str, Scenario]] = {
    "en": {
        "where_is_parcel": Scenario(
            "Where is my order {order}?",
            "Hi,\n\nmy order {order} ({product}) was due on Tuesday and the tracking hasn't "
            "moved for four days. Could you tell me where it is?\n\nThanks,\n{first}",
            "Thank you for getting in touch, and I'm sorry your parcel is taking so long. I've "
            "checked with the carrier: order {order} has been sitting at their depot since the "
            "weekend. I've opened an investigation and will give you a new delivery date by "
            "{date} at the latest. If it still hasn't moved by then, we'll send a replacement or "
            "refund you in full, whichever you prefer.",
            "Thanks for the update, I'll wait to hear from you.",
        ),
        "damaged": Scenario(
            "Item arrived damaged (order {order})",
            "Hello,\n\nmy order {order} ({product}) arrived today damaged: the box was crushed "
            "on one side and the item inside is broken. I can send photos if you need them. "
            "What can you do?\n\n{first} {last}",
            "Thank you for letting us know, and I'm sorry it reached you in that state. There's "
            "no need to send it back: I've ordered a replacement, which will be with you by "
            "{date}. You'll get the tracking number by email as soon as it leaves our warehouse.",
            "Great, thank you for sorting it out so quickly.",
        ),
        "wrong_item": Scenario(
            "Wrong item in my parcel (order {order})",
            "Hi,\n\nthe parcel for order {order} ({product}) had something completely "
            "different in it: a phone case. How do I get what I ordered?\n\n{first}",
            "Thank you for telling us, and sorry for the mix-up in our warehouse. I've sent the "
            "right item ({product}) today and it will reach you by {date}. You'll also get a "
            "free return label by email for the wrong item; drop it off whenever suits you.",
            "Perfect, thanks!",
        ),
        "return": Scenario(
            "Returning order {order}",
            "Hello,\n\nI'd like to return order {order} ({product}): it's smaller than I "
            "expected. It's unused and still in the original box. How do I send it "
            "back?\n\nThanks,\n{first}",
            "Thanks for your message. You're well within the 30-day return period, so that's "
            "no problem at all. I've emailed you a free return label. Once the carrier scans the "
            "parcel, we'll refund the full amount by {date} at the latest.",
            "Dropped the parcel off this morning. Thank you.",
        ),
        "refund_status": Scenario(
            "Still waiting for my refund (order {order})",
            "Hello,\n\nI sent back order {order} ({product}) two weeks ago and the "
            "tracking says you received it, but I still haven't had my money back. Could you "
            "check, please?\n\n{first} {last}",
            "Thank you for your patience, and I'm sorry you had to chase us. Your return "
            "reached our warehouse but was never processed; that's our mistake. I've released "
            "the refund just now and it will be in your account by {date} at the latest.",
            "Thanks, I can see it's on its way.",
        ),
        "cancel_order": Scenario(
            "Please cancel order {order}",
            "Hi,\n\nI placed order {order} ({product}) by mistake yesterday. Could you cancel "
            "it before it ships?\n\nThanks,\n{first}",
            "Thanks for letting us know so quickly. Order {order} hadn't left the warehouse "
            "yet, so I've cancelled it. You'll get the full amount back by {date}.",
            "Brilliant, thank you.",
        ),
    },
    "fr": {
        "where_is_parcel": Scenario(
            "Où en est ma commande {order} ?",
            "Bonjour,\n\nMa commande {order} ({product}) devait arriver mardi et le suivi n'a "
            "pas bougé depuis quatre jours. Pouvez-vous me dire où se trouve mon colis ?\n\n"
            "Merci d'avance,\n{first} {last}",
            "Merci pour votre message, et toutes nos excuses pour ce retard. J'ai vérifié "
            "auprès du transporteur : votre colis (commande {order}) est bloqué dans leur "
            "agence depuis le week-end. J'ai ouvert une enquête et je vous communiquerai une "
            "nouvelle date de livraison au plus tard {date}. S'il n'a pas bougé d'ici là, nous "
            "vous proposerons, au choix, un nouvel envoi ou un remboursement intégral.",
            "Merci pour votre retour, j'attends de vos nouvelles.",
        ),
        "damaged": Scenario(
            "Article reçu endommagé (commande {order})",
            "Bonjour,\n\nMa commande {order} ({product}) est arrivée aujourd'hui abîmée : le "
            "carton était écrasé sur un côté et l'article à l'intérieur est cassé. Je peux vous "
            "envoyer des photos si besoin. Que pouvez-vous faire ?\n\n{first} {last}",
            "Merci de nous avoir prévenus, et nous sommes navrés que votre article soit arrivé "
            "dans cet état. Inutile de nous le renvoyer : j'ai commandé un nouvel exemplaire, "
            "qui vous sera livré au plus tard {date}. Vous recevrez le numéro de suivi par "
            "e-mail dès son départ de notre entrepôt.",
            "Parfait, merci pour votre réactivité.",
        ),
        "wrong_item": Scenario(
            "Mauvais article reçu (commande {order})",
            "Bonjour,\n\nLe colis de ma commande {order} ({product}) contenait un tout autre "
            "article : une coque de téléphone. Comment puis-je recevoir le bon produit ?\n\n"
            "Cordialement,\n{first} {last}",
            "Merci de nous l'avoir signalé, et veuillez nous excuser pour cette erreur de "
            "préparation. Je vous ai expédié aujourd'hui le bon article ({product}), qui vous "
            "parviendra au plus tard {date}. Vous recevrez aussi par e-mail une étiquette de "
            "retour prépayée pour l'article reçu par erreur, à déposer en point relais quand "
            "cela vous arrange.",
            "Très bien, merci.",
        ),
        "return": Scenario(
            "Retour de la commande {order}",
            "Bonjour,\n\nJe souhaite retourner ma commande {order} ({product}) : l'article "
            "est plus petit que ce que j'imaginais. Il n'a pas servi et il est dans son "
            "emballage d'origine. Comment dois-je procéder ?\n\nMerci,\n{first} {last}",
            "Merci pour votre message. Vous êtes bien dans le délai de retour de 30 jours, il "
            "n'y a donc aucun problème. Je vous ai envoyé par e-mail une étiquette de retour "
            "gratuite ; dès que le transporteur aura scanné le colis, nous vous rembourserons "
            "l'intégralité du montant, au plus tard {date}.",
            "J'ai déposé le colis ce matin. Merci.",
        ),
        "refund_status": Scenario(
            "Toujours pas de remboursement (commande {order})",
            "Bonjour,\n\nJ'ai renvoyé ma commande {order} ({product}) il y a deux semaines. "
            "D'après le suivi, vous l'avez bien reçu, mais je n'ai toujours pas reçu mon "
            "remboursement. Pouvez-vous vérifier ?\n\n{first} {last}",
            "Merci pour votre patience, et toutes nos excuses : vous n'auriez pas dû avoir à "
            "nous relancer. Votre retour est bien arrivé dans notre entrepôt mais n'avait pas "
            "été traité, l'erreur vient de nous. Je viens de déclencher le remboursement, qui "
            "apparaîtra sur votre compte au plus tard {date}.",
            "Merci, je vois que c'est en cours.",
        ),
        "cancel_order": Scenario(
            "Annulation de la commande {order}",
            "Bonjour,\n\nJ'ai passé hier la commande {order} ({product}) par erreur. "
            "Pouvez-vous l'annuler avant l'expédition ?\n\nMerci d'avance,\n{first} {last}",
            "Merci de nous avoir prévenus aussi rapidement. Votre commande {order} n'avait pas "
            "encore quitté l'entrepôt : je l'ai donc annulée. Le paiement vous sera "
            "intégralement remboursé au plus tard {date}.",
            "Parfait, merci beaucoup.",
        ),
    },
    "nl": {
        "where_is_parcel": Scenario(
            "Waar blijft mijn bestelling {order}?",
            "Hallo,\n\nMijn bestelling {order} ({product}) zou dinsdag komen, maar de track & "
            "trace staat al vier dagen stil. Weten jullie waar het pakket is?\n\nGroetjes,\n"
            "{first}",
            "Bedankt voor je bericht, en sorry dat je zo lang moet wachten. Ik heb het bij de "
            "vervoerder nagevraagd: je pakket (bestelling {order}) ligt sinds het weekend stil "
            "in hun depot. Ik heb een onderzoek gestart en laat je uiterlijk {date} weten "
            "wanneer het komt. Is het dan nog steeds niet onderweg, dan sturen we een nieuw "
            "pakket of krijg je je geld terug, wat jij het liefst hebt.",
            "Top, dank je. Ik hoor het wel.",
        ),
        "damaged": Scenario(
            "Beschadigd aangekomen (bestelling {order})",
            "Hoi,\n\nMijn bestelling {order} ({product}) kwam vandaag beschadigd binnen: de "
            "doos was aan één kant helemaal ingedeukt en het artikel zelf is kapot. Ik kan "
            "foto's sturen als dat nodig is. Wat kunnen jullie doen?\n\n{first}",
            "Bedankt dat je het meldt, en wat vervelend dat het zo is aangekomen. Terugsturen "
            "hoeft niet: ik heb een nieuw exemplaar voor je besteld, dat uiterlijk {date} bij "
            "je is. Je krijgt de track & trace per mail zodra het pakket ons magazijn verlaat.",
            "Super, bedankt voor de snelle actie!",
        ),
        "wrong_item": Scenario(
            "Verkeerd artikel ontvangen (bestelling {order})",
            "Hallo,\n\nIn het pakket van bestelling {order} ({product}) zat iets heel anders: "
            "een telefoonhoesje. Hoe krijg ik alsnog het goede artikel?\n\nGroet,\n{first}",
            "Bedankt voor je melding, en sorry voor de vergissing in ons magazijn. Ik heb "
            "vandaag het juiste artikel ({product}) naar je verstuurd; het is uiterlijk {date} "
            "bij je. Je krijgt ook een gratis retourlabel per mail voor het verkeerde artikel. "
            "Lever het in bij een servicepunt wanneer het jou uitkomt.",
            "Prima, dank je wel.",
        ),
        "return": Scenario(
            "Retour bestelling {order}",
            "Hoi,\n\nIk wil bestelling {order} ({product}) graag terugsturen, het is kleiner "
            "dan ik dacht. Nog niet gebruikt en gewoon in de originele doos. Hoe werkt "
            "dat?\n\nBedankt!\n{first}",
            "Bedankt voor je bericht. Je zit ruim binnen de retourtermijn van 30 dagen, dus "
            "dat is geen probleem. Ik heb je een gratis retourlabel gemaild. Zodra de "
            "vervoerder het pakket heeft gescand, storten we het volledige bedrag terug, "
            "uiterlijk {date}.",
            "Pakket is vanochtend weggebracht. Dank!",
        ),
        "refund_status": Scenario(
            "Nog steeds geen geld terug (bestelling {order})",
            "Hallo,\n\nIk heb bestelling {order} ({product}) twee weken geleden teruggestuurd. "
            "Volgens de track & trace hebben jullie het ontvangen, maar ik heb mijn geld nog "
            "steeds niet terug. Kunnen jullie dat nakijken?\n\n{first}",
            "Bedankt voor je geduld, en sorry dat je erachteraan moest. Je retour is wel in "
            "ons magazijn aangekomen, maar daarna blijven liggen. Dat is onze fout. Ik heb de "
            "terugbetaling nu in gang gezet; het geld staat uiterlijk {date} op je rekening.",
            "Dank je, ik zie dat het eraan komt.",
        ),
        "cancel_order": Scenario(
            "Bestelling {order} annuleren",
            "Hoi,\n\nIk heb gisteren per ongeluk bestelling {order} ({product}) geplaatst. "
            "Kunnen jullie de bestelling annuleren voordat die verstuurd wordt?\n\nDank je!\n"
            "{first}",
            "Fijn dat je het zo snel laat weten. Je bestelling {order} was nog niet verstuurd, "
            "dus ik heb hem geannuleerd. Je krijgt het volledige bedrag uiterlijk {date} terug.",
            "Top, bedankt!",
        ),
    },
    "de": {
        "where_is_parcel": Scenario(
            "Wo bleibt meine Bestellung {order}?",
            "Guten Tag,\n\nmeine Bestellung {order} ({product}) sollte am Dienstag kommen, "
            "aber die Sendungsverfolgung zeigt seit vier Tagen keine Bewegung mehr. Können Sie "
            "mir sagen, wo das Paket ist?\n\nViele Grüße\n{first} {last}",
            "vielen Dank für Ihre Nachricht, und entschuldigen Sie bitte die Verzögerung. Ich "
            "habe beim Paketdienst nachgefragt: Ihre Sendung (Bestellung {order}) liegt seit "
            "dem Wochenende im Depot. Ich habe einen Nachforschungsauftrag gestellt und nenne "
            "Ihnen spätestens am {date} einen neuen Liefertermin. Sollte sich bis dahin nichts "
            "tun, schicken wir Ihnen Ersatz oder erstatten den vollen Betrag, ganz wie Sie "
            "möchten.",
            "Danke für die schnelle Rückmeldung. Ich warte dann ab.",
        ),
        "damaged": Scenario(
            "Ware beschädigt angekommen (Bestellung {order})",
            "Guten Tag,\n\nmeine Bestellung {order} ({product}) ist heute beschädigt "
            "angekommen: Der Karton war an einer Seite eingedrückt, der Artikel selbst ist "
            "kaputt. Fotos schicke ich gern. Wie geht es jetzt weiter?\n\nMit freundlichen "
            "Grüßen\n{first} {last}",
            "vielen Dank für Ihre Nachricht. Es tut mir leid, dass die Ware so bei Ihnen "
            "angekommen ist. Sie müssen nichts zurückschicken: Ich habe kostenlos Ersatz "
            "bestellt, der spätestens am {date} bei Ihnen ist. Die Sendungsnummer bekommen Sie "
            "per E-Mail, sobald das Paket unser Lager verlässt.",
            "Vielen Dank, das ging schnell.",
        ),
        "wrong_item": Scenario(
            "Falscher Artikel geliefert (Bestellung {order})",
            "Guten Tag,\n\nim Paket zu Bestellung {order} ({product}) war etwas ganz anderes: "
            "eine Handyhülle. Wie bekomme ich den richtigen Artikel?\n\nViele Grüße\n"
            "{first} {last}",
            "vielen Dank für Ihren Hinweis, und bitte entschuldigen Sie die Verwechslung in "
            "unserem Lager. Ich habe Ihnen heute den richtigen Artikel ({product}) geschickt; "
            "er ist spätestens am {date} bei Ihnen. Für den falschen Artikel erhalten Sie per "
            "E-Mail ein kostenloses Rücksendeetikett. Geben Sie das Paket einfach in einer "
            "Filiale ab, wann es Ihnen passt.",
            "Danke, prima.",
        ),
        "return": Scenario(
            "Rücksendung Bestellung {order}",
            "Guten Tag,\n\nich möchte meine Bestellung {order} ({product}) zurückschicken, der "
            "Artikel ist kleiner als gedacht. Er ist unbenutzt und originalverpackt. Wie gehe "
            "ich vor?\n\nDanke und viele Grüße\n{first} {last}",
            "vielen Dank für Ihre Nachricht. Sie sind noch gut innerhalb der 30-tägigen "
            "Rückgabefrist, das ist also kein Problem. Ich habe Ihnen ein kostenloses "
            "Rücksendeetikett per E-Mail geschickt. Sobald der Paketdienst die Sendung scannt, "
            "erstatten wir Ihnen den vollen Betrag, spätestens am {date}.",
            "Paket ist heute Morgen abgegeben. Danke!",
        ),
        "refund_status": Scenario(
            "Erstattung noch nicht erhalten (Bestellung {order})",
            "Guten Tag,\n\nich habe meine Bestellung {order} ({product}) vor zwei Wochen "
            "zurückgeschickt. Laut Sendungsverfolgung ist das Paket bei Ihnen angekommen, mein "
            "Geld habe ich aber noch nicht zurück. Können Sie das bitte prüfen?\n\nGruß\n"
            "{first} {last}",
            "vielen Dank für Ihre Geduld, und entschuldigen Sie, dass Sie nachfragen mussten. "
            "Ihre Rücksendung ist bei uns eingegangen, wurde aber nicht bearbeitet; der Fehler "
            "liegt bei uns. Ich habe die Erstattung soeben veranlasst, der Betrag ist "
            "spätestens am {date} auf Ihrem Konto.",
            "Danke, ich sehe, dass es unterwegs ist.",
        ),
        "cancel_order": Scenario(
            "Bitte Bestellung {order} stornieren",
            "Hallo,\n\nich habe gestern versehentlich die Bestellung {order} ({product}) "
            "aufgegeben. "
            "Können Sie die Bestellung stornieren, bevor sie verschickt wird?\n\nDanke\n"
            "{first} {last}",
            "vielen Dank, dass Sie sich so schnell gemeldet haben. Ihre Bestellung {order} "
            "hatte unser Lager noch nicht verlassen, ich habe sie daher storniert. Den vollen "
            "Betrag erstatten wir Ihnen spätestens am {date}.",
            "Super, vielen Dank.",
        ),
    },
    "es": {
        "where_is_parcel": Scenario(
            "¿Dónde está mi pedido {order}?",
            "Hola:\n\nMi pedido {order} ({product}) tenía que llegar el martes y el "
            "seguimiento lleva cuatro días sin moverse. ¿Me podéis decir dónde está?\n\n"
            "Gracias,\n{first}",
            "Gracias por escribirnos y perdona la espera. He hablado con la empresa de "
            "transporte: tu paquete (pedido {order}) está parado en su almacén desde el fin de "
            "semana. He abierto una investigación y te daré una nueva fecha de entrega como muy "
            "tarde {date}. Si para entonces no se ha movido, te enviamos otro o te devolvemos "
            "el importe completo, lo que prefieras.",
            "Vale, gracias. Quedo a la espera.",
        ),
        "damaged": Scenario(
            "Producto dañado (pedido {order})",
            "Hola:\n\nHoy me ha llegado el pedido {order} ({product}) dañado: la caja venía "
            "aplastada por un lado y el artículo está roto. Si necesitáis fotos, os las mando. "
            "¿Qué podéis hacer?\n\n{first}",
            "Gracias por avisarnos y siento mucho que te haya llegado así. No hace falta que "
            "lo devuelvas: ya te he pedido uno nuevo, que te llegará como muy tarde {date}. En "
            "cuanto salga de nuestro almacén te mandaremos el número de seguimiento por correo.",
            "Genial, muchas gracias por la rapidez.",
        ),
        "wrong_item": Scenario(
            "Me ha llegado otro producto (pedido {order})",
            "Hola:\n\nEn el paquete del pedido {order} ({product}) venía otra cosa: una funda "
            "de móvil. ¿Cómo hago para recibir el correcto?\n\nGracias,\n{first}",
            "Gracias por avisarnos y perdona el error de nuestro almacén. Hoy mismo te hemos "
            "enviado el producto correcto ({product}), que te llegará como muy tarde {date}. "
            "También te mandaremos por correo una etiqueta de devolución gratuita para el "
            "artículo equivocado: puedes dejarlo en cualquier punto de recogida cuando te venga "
            "bien.",
            "Perfecto, gracias.",
        ),
        "return": Scenario(
            "Devolución del pedido {order}",
            "Hola:\n\nQuiero devolver el pedido {order} ({product}); el artículo es más pequeño "
            "de lo que esperaba. No lo he usado y está en su caja original. ¿Cómo lo "
            "hago?\n\nGracias,\n{first}",
            "Gracias por escribirnos. Estás dentro del plazo de devolución de 30 días, así que "
            "no hay ningún problema. Te he enviado por correo una etiqueta de devolución "
            "gratuita; en cuanto el transportista escanee el paquete, te devolveremos el "
            "importe completo como muy tarde {date}.",
            "Ya he dejado el paquete esta mañana. ¡Gracias!",
        ),
        "refund_status": Scenario(
            "Sigo sin recibir el reembolso (pedido {order})",
            "Hola:\n\nDevolví el pedido {order} ({product}) hace dos semanas y en el seguimiento "
            "pone que lo recibisteis, pero todavía no me habéis devuelto el dinero. ¿Lo podéis "
            "mirar?\n\n{first}",
            "Gracias por tu paciencia y perdona que hayas tenido que reclamarlo. Tu devolución "
            "llegó a nuestro almacén, pero no se tramitó: el error es nuestro. Acabo de emitir "
            "el reembolso y lo tendrás en tu cuenta como muy tarde {date}.",
            "Gracias, ya veo que está en camino.",
        ),
        "cancel_order": Scenario(
            "Cancelar el pedido {order}",
            "Hola:\n\nAyer hice el pedido {order} ({product}) por error. ¿Lo podéis cancelar antes "
            "de que salga?\n\nGracias,\n{first}",
            "Gracias por avisarnos tan rápido. Tu pedido {order} todavía no había salido del "
            "almacén, así que lo he cancelado. Te devolveremos el importe completo como muy "
            "tarde {date}.",
            "Genial, ¡gracias!",
        ),
    },
    "it": {
        "where_is_parcel": Scenario(
            "Dov'è il mio ordine {order}?",
            "Buongiorno,\n\nil mio ordine {order} ({product}) doveva arrivare martedì, ma il "
            "tracciamento è fermo da quattro giorni. Potete dirmi dove si trova il pacco?\n\n"
            "Grazie,\n{first} {last}",
            "La ringrazio per il messaggio e mi scuso per il ritardo. Ho verificato con il "
            "corriere: il Suo pacco (ordine {order}) è fermo nel loro deposito dal fine "
            "settimana. Ho aperto una segnalazione e Le comunicherò una nuova data di consegna "
            "entro {date}. Se nel frattempo non dovesse muoversi, Le invieremo un nuovo pacco "
            "oppure La rimborseremo per intero, come preferisce.",
            "Grazie per l'aggiornamento, resto in attesa.",
        ),
        "damaged": Scenario(
            "Prodotto arrivato danneggiato (ordine {order})",
            "Buongiorno,\n\noggi mi è arrivato l'ordine {order} ({product}) danneggiato: la "
            "scatola era schiacciata da un lato e l'articolo è rotto. Se servono, posso mandare "
            "delle foto. Come possiamo risolvere?\n\n{first} {last}",
            "La ringrazio per la segnalazione e mi dispiace molto che il prodotto Le sia "
            "arrivato in queste condizioni. Non serve rispedirlo: ho già ordinato la "
            "sostituzione, che riceverà entro {date}. Appena il pacco lascerà il nostro "
            "magazzino Le invieremo il codice di tracciamento via e-mail.",
            "Perfetto, grazie per la rapidità.",
        ),
        "wrong_item": Scenario(
            "Ricevuto un articolo sbagliato (ordine {order})",
            "Buongiorno,\n\nnel pacco dell'ordine {order} ({product}) c'era tutt'altro: una "
            "cover per telefono. Come posso ricevere l'articolo giusto?\n\nCordiali saluti,\n"
            "{first} {last}",
            "La ringrazio per la segnalazione e mi scuso per l'errore del nostro magazzino. "
            "Oggi stesso Le abbiamo spedito l'articolo corretto ({product}), che riceverà "
            "entro {date}. Riceverà inoltre via e-mail un'etichetta di reso prepagata per "
            "l'articolo sbagliato: potrà consegnarlo in un punto di ritiro quando Le è più "
            "comodo.",
            "Va bene, grazie.",
        ),
        "return": Scenario(
            "Reso dell'ordine {order}",
            "Buongiorno,\n\nvorrei restituire l'ordine {order} ({product}): l'articolo è più "
            "piccolo di quanto mi aspettassi. Non è stato usato ed è nella confezione "
            "originale. Come devo procedere?\n\nGrazie,\n{first} {last}",
            "La ringrazio per il messaggio. Il reso rientra ampiamente nei 30 giorni previsti, "
            "quindi nessun problema. Le ho inviato via e-mail un'etichetta di reso gratuita: "
            "appena il corriere avrà scansionato il pacco, Le rimborseremo l'intero importo "
            "entro {date}.",
            "Ho consegnato il pacco stamattina. Grazie.",
        ),
        "refund_status": Scenario(
            "Rimborso non ancora ricevuto (ordine {order})",
            "Buongiorno,\n\nho restituito l'ordine {order} ({product}) due settimane fa e dal "
            "tracciamento risulta che l'avete ricevuto, ma non ho ancora avuto il rimborso. "
            "Potete controllare?\n\nGrazie,\n{first} {last}",
            "La ringrazio per la pazienza e mi scuso se ha dovuto sollecitarci. Il Suo reso è "
            "arrivato nel nostro magazzino ma non era stato lavorato: l'errore è nostro. Ho "
            "appena disposto il rimborso, che vedrà sul Suo conto entro {date}.",
            "Grazie, vedo che è in arrivo.",
        ),
        "cancel_order": Scenario(
            "Annullamento ordine {order}",
            "Buongiorno,\n\nieri ho effettuato per errore l'ordine {order} ({product}). È "
            "possibile annullarlo prima della spedizione?\n\nGrazie,\n{first} {last}",
            "La ringrazio per averci avvisato così presto. Il Suo ordine {order} non era "
            "ancora partito dal magazzino, quindi l'ho annullato. L'importo Le sarà rimborsato "
            "per intero entro {date}.",
            "Perfetto, grazie mille.",
        ),
    },
    "pl": {
        "where_is_parcel": Scenario(
            "Gdzie jest moje zamówienie {order}?",
            "Dzień dobry,\n\nmoje zamówienie {order} ({product}) miało dotrzeć we wtorek, ale "
            "status przesyłki nie zmienił się od czterech dni. Czy mogą Państwo sprawdzić, "
            "gdzie jest paczka?\n\nPozdrawiam\n{first} {last}",
            "dziękujemy za wiadomość i przepraszamy za opóźnienie. Sprawdziliśmy u "
            "przewoźnika: paczka z zamówieniem {order} od weekendu stoi w jego sortowni. "
            "Zgłosiliśmy reklamację i najpóźniej {date} podamy nowy termin dostawy. Jeśli do "
            "tego czasu paczka nie ruszy, wyślemy nową albo zwrócimy całą kwotę – do wyboru.",
            "Dziękuję za informację, czekam na wiadomość.",
        ),
        "damaged": Scenario(
            "Uszkodzony produkt (zamówienie {order})",
            "Dzień dobry,\n\ndziś dotarła paczka z zamówieniem {order} ({product}), ale "
            "karton był zgnieciony z jednej strony, a produkt jest uszkodzony. Mogę przesłać "
            "zdjęcia. Co dalej?\n\n{first} {last}",
            "dziękujemy za zgłoszenie i bardzo przepraszamy, że produkt dotarł w takim stanie. "
            "Nie trzeba go odsyłać: zamówiliśmy już nowy egzemplarz, który dotrze najpóźniej "
            "{date}. Numer przesyłki wyślemy e-mailem, gdy tylko paczka opuści nasz magazyn.",
            "Dziękuję za szybką reakcję.",
        ),
        "wrong_item": Scenario(
            "Niewłaściwy produkt w paczce (zamówienie {order})",
            "Dzień dobry,\n\nw paczce z zamówienia {order} był zupełnie inny produkt (etui na "
            "telefon) niż zamówiony: {product}. Jak mogę otrzymać właściwy "
            "towar?\n\nPozdrawiam\n{first} {last}",
            "dziękujemy za zgłoszenie i przepraszamy za pomyłkę w naszym magazynie. Dziś "
            "wysłaliśmy właściwy produkt ({product}), który dotrze najpóźniej {date}. Osobno "
            "prześlemy e-mailem bezpłatną etykietę zwrotną na błędnie wysłany towar – można go "
            "nadać w dowolnym punkcie, w dogodnym terminie.",
            "Dziękuję, wszystko jasne.",
        ),
        "return": Scenario(
            "Zwrot zamówienia {order}",
            "Dzień dobry,\n\nchcę zwrócić produkt z zamówienia {order} ({product}) – jest "
            "mniejszy, niż wynikało z opisu. Nie był używany i jest w oryginalnym opakowaniu. "
            "Jak to zrobić?\n\nPozdrawiam\n{first} {last}",
            "dziękujemy za wiadomość. Zwrot mieści się w 30-dniowym terminie, więc nie ma "
            "żadnego problemu. Wysłaliśmy e-mailem bezpłatną etykietę zwrotną. Gdy tylko "
            "kurier zeskanuje paczkę, zwrócimy całą kwotę, najpóźniej {date}.",
            "Paczka nadana dziś rano. Dziękuję.",
        ),
        "refund_status": Scenario(
            "Nadal brak zwrotu pieniędzy (zamówienie {order})",
            "Dzień dobry,\n\ndwa tygodnie temu produkt z zamówienia {order} ({product}) został "
            "odesłany i według śledzenia przesyłki do Państwa dotarł, ale pieniądze nadal nie "
            "wróciły. Czy mogą Państwo to sprawdzić?\n\n{first} {last}",
            "dziękujemy za cierpliwość i przepraszamy za konieczność ponownego kontaktu. Zwrot "
            "dotarł do naszego magazynu, ale nie został rozliczony – to nasz błąd. Właśnie "
            "zleciliśmy zwrot pieniędzy; środki będą na koncie najpóźniej {date}.",
            "Dziękuję, widzę, że zwrot jest w drodze.",
        ),
        "cancel_order": Scenario(
            "Prośba o anulowanie zamówienia {order}",
            "Dzień dobry,\n\nwczoraj przez pomyłkę zostało złożone zamówienie {order} "
            "({product}). Czy można je anulować przed wysyłką?\n\nDziękuję\n{first} {last}",
            "dziękujemy za szybką informację. Zamówienie {order} nie opuściło jeszcze "
            "magazynu, więc zostało anulowane. Pełna kwota wróci na konto najpóźniej {date}.",
            "Świetnie, dziękuję.",
        ),
    },
    "lt": {
        "where_is_parcel": Scenario(
            "Kur mano užsakymas {order}?",
            "Laba diena,\n\nMano užsakymas {order} ({product}) turėjo būti pristatytas "
            "antradienį, bet siuntos sekimas jau keturias dienas nesikeičia. Gal galite "
            "patikrinti, kur yra siunta?\n\nAčiū,\n{first}",
            "Dėkojame, kad parašėte, ir atsiprašome dėl vėlavimo. Pasitikrinome pas kurjerį: "
            "Jūsų siunta (užsakymas {order}) nuo savaitgalio stovi jų sandėlyje. Pradėjome "
            "tyrimą ir iki {date} pranešime naują pristatymo datą. Jei iki tol siunta "
            "nepajudės, išsiųsime naują prekę arba grąžinsime visą sumą – kaip Jums patogiau.",
            "Ačiū už informaciją, lauksiu žinių.",
        ),
        "damaged": Scenario(
            "Prekė atkeliavo sugadinta (užsakymas {order})",
            "Laba diena,\n\nŠiandien gavau siuntą su užsakymu {order} ({product}), bet dėžė "
            "iš vieno šono suspausta, o prekė sugadinta. Galiu atsiųsti nuotraukų. Ką galite "
            "padaryti?\n\n{first} {last}",
            "Dėkojame, kad pranešėte, ir labai atsiprašome, kad prekė atkeliavo tokios "
            "būklės. Jos grąžinti nereikia: jau užsakėme naują, kurią gausite iki {date}. "
            "Siuntos numerį atsiųsime el. paštu, kai tik siunta paliks mūsų sandėlį.",
            "Ačiū už greitą reakciją.",
        ),
        "wrong_item": Scenario(
            "Gavau ne tą prekę (užsakymas {order})",
            "Laba diena,\n\nUžsakymo {order} dėžėje vietoj užsakytos prekės ({product}) radau "
            "visai kitą daiktą – telefono dėklą. Kaip galėčiau gauti tinkamą "
            "prekę?\n\nAčiū,\n{first}",
            "Dėkojame, kad pranešėte, ir atsiprašome už mūsų sandėlio klaidą. Šiandien "
            "išsiuntėme tinkamą prekę ({product}) – ją gausite iki {date}. El. paštu atsiųsime "
            "ir nemokamą grąžinimo etiketę netinkamai prekei: ją galėsite palikti bet kuriame "
            "siuntų taške, kai Jums patogu.",
            "Ačiū, viskas aišku.",
        ),
        "return": Scenario(
            "Užsakymo {order} grąžinimas",
            "Laba diena,\n\nNorėčiau grąžinti prekę iš užsakymo {order} ({product}) – ji "
            "mažesnė, nei tikėjausi. Nenaudota, originalioje pakuotėje. Kaip tai "
            "padaryti?\n\nAčiū,\n{first} {last}",
            "Dėkojame už žinutę. Prekę grąžinate per 30 dienų terminą, tad jokių problemų. El. "
            "paštu atsiuntėme nemokamą grąžinimo etiketę. Kai tik kurjeris nuskenuos siuntą, "
            "grąžinsime visą sumą – ne vėliau kaip iki {date}.",
            "Siuntą palikau šįryt. Ačiū.",
        ),
        "refund_status": Scenario(
            "Vis dar negavau pinigų (užsakymas {order})",
            "Laba diena,\n\nPrieš dvi savaites grąžinau prekę iš užsakymo {order} ({product}). "
            "Pagal siuntos sekimą Jūs ją gavote, bet pinigų vis dar negavau. Gal galite "
            "patikrinti?\n\n{first}",
            "Dėkojame už kantrybę ir atsiprašome, kad teko priminti. Jūsų grąžinta prekė "
            "pasiekė mūsų sandėlį, bet nebuvo apdorota – tai mūsų klaida. Ką tik inicijavome "
            "pinigų grąžinimą; pinigai Jūsų sąskaitoje bus iki {date}.",
            "Ačiū, matau, kad pinigai jau grąžinami.",
        ),
        "cancel_order": Scenario(
            "Prašau atšaukti užsakymą {order}",
            "Laba diena,\n\nVakar per klaidą pateikiau užsakymą {order} ({product}). Ar "
            "galite jį atšaukti, kol dar neišsiųstas?\n\nAčiū,\n{first}",
            "Dėkojame, kad taip greitai pranešėte. Užsakymas {order} dar nebuvo išsiųstas iš "
            "sandėlio, todėl jį atšaukėme. Visą sumą grąžinsime iki {date}.",
            "Puiku, ačiū.",
        ),
    },
}

# Belgian Dutch: the storefront writes with "u".
REPLIES_NL_FORMAL: dict[str, str] = {
    "where_is_parcel": (
        "Bedankt voor uw bericht, en excuses dat u zo lang moet wachten. Ik heb het bij de "
        "vervoerder nagevraagd: uw pakket (bestelling {order}) ligt sinds het weekend stil in "
        "hun depot. Ik heb een onderzoek gestart en laat u uiterlijk {date} weten wanneer het "
        "geleverd wordt. Is het dan nog niet vertrokken, dan sturen wij een nieuw pakket of "
        "betalen wij u het volledige bedrag terug, naar uw keuze."
    ),
    "damaged": (
        "Bedankt voor uw melding, en excuses dat het artikel zo is aangekomen. U hoeft het niet "
        "terug te sturen: ik heb een nieuw exemplaar voor u besteld, dat uiterlijk {date} bij "
        "u wordt geleverd. U ontvangt de track & trace per e-mail zodra het pakket ons magazijn "
        "verlaat."
    ),
    "wrong_item": (
        "Bedankt voor uw melding, en excuses voor de vergissing in ons magazijn. Ik heb vandaag "
        "het juiste artikel ({product}) naar u verstuurd; het wordt uiterlijk {date} geleverd. "
        "U ontvangt ook een gratis retourlabel per e-mail voor het verkeerde artikel. U kunt "
        "het afgeven in een afhaalpunt wanneer het u uitkomt."
    ),
    "return": (
        "Bedankt voor uw bericht. U zit ruim binnen de retourtermijn van 30 dagen, dus dat is "
        "geen enkel probleem. Ik heb u een gratis retourlabel gemaild. Zodra de vervoerder het "
        "pakket heeft gescand, betalen wij het volledige bedrag terug, uiterlijk {date}."
    ),
    "refund_status": (
        "Bedankt voor uw geduld, en excuses dat u ons hierover opnieuw moest contacteren. Uw "
        "retour is wel in ons magazijn aangekomen, maar daarna niet verwerkt. Dat is onze fout. "
        "Ik heb de terugbetaling nu in gang gezet; het bedrag staat uiterlijk {date} op uw "
        "rekening."
    ),
    "cancel_order": (
        "Fijn dat u het zo snel laat weten. Uw bestelling {order} was nog niet verzonden, dus ik "
        "heb ze geannuleerd. U krijgt het volledige bedrag uiterlijk {date} terug."
    ),
}

# How a commitment is described, in the case's language: what the customer was told.
COMMITMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        CommitmentKind.REFUND: "Refund for order {order} in the customer's account by {date}",
        CommitmentKind.REPLACEMENT: "Replacement for order {order} delivered by {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "New delivery date for order {order} by {date}",
        CommitmentKind.CALLBACK: "Call {name} back before {time}",
    },
    "fr": {
        CommitmentKind.REFUND: "Remboursement de la commande {order} au plus tard {date}",
        CommitmentKind.REPLACEMENT: "Livraison du remplacement (commande {order}) au plus "
        "tard {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "Nouvelle date de livraison pour la commande {order} "
        "au plus tard {date}",
        CommitmentKind.CALLBACK: "Rappeler {name} avant {time}",
    },
    "nl": {
        CommitmentKind.REFUND: "Terugbetaling bestelling {order} uiterlijk {date}",
        CommitmentKind.REPLACEMENT: "Vervangend artikel (bestelling {order}) uiterlijk {date} "
        "geleverd",
        CommitmentKind.DELIVERY_ESTIMATE: "Nieuwe bezorgdatum voor bestelling {order} "
        "uiterlijk {date}",
        CommitmentKind.CALLBACK: "{name} terugbellen vóór {time}",
    },
    "de": {
        CommitmentKind.REFUND: "Erstattung für Bestellung {order} spätestens am {date}",
        CommitmentKind.REPLACEMENT: "Ersatzlieferung für Bestellung {order} spätestens am {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "Neuer Liefertermin für Bestellung {order} "
        "spätestens am {date}",
        CommitmentKind.CALLBACK: "{name} vor {time} Uhr zurückrufen",
    },
    "es": {
        CommitmentKind.REFUND: "Reembolso del pedido {order} como muy tarde {date}",
        CommitmentKind.REPLACEMENT: "Entrega del producto de sustitución (pedido {order}) como "
        "muy tarde {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "Nueva fecha de entrega del pedido {order} como muy "
        "tarde {date}",
        CommitmentKind.CALLBACK: "Llamar a {name} antes de las {time}",
    },
    "it": {
        CommitmentKind.REFUND: "Rimborso dell'ordine {order} entro {date}",
        CommitmentKind.REPLACEMENT: "Consegna della sostituzione (ordine {order}) entro {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "Nuova data di consegna per l'ordine {order} entro "
        "{date}",
        CommitmentKind.CALLBACK: "Richiamare {name} entro le {time}",
    },
    "pl": {
        CommitmentKind.REFUND: "Zwrot pieniędzy za zamówienie {order} najpóźniej {date}",
        CommitmentKind.REPLACEMENT: "Dostawa nowego egzemplarza (zamówienie {order}) "
        "najpóźniej {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "Nowy termin dostawy zamówienia {order} najpóźniej "
        "{date}",
        CommitmentKind.CALLBACK: "Oddzwonić do klienta ({name}) przed {time}",
    },
    "lt": {
        CommitmentKind.REFUND: "Pinigų grąžinimas už užsakymą {order} iki {date}",
        CommitmentKind.REPLACEMENT: "Pakaitinės prekės pristatymas (užsakymas {order}) iki {date}",
        CommitmentKind.DELIVERY_ESTIMATE: "Nauja užsakymo {order} pristatymo data iki {date}",
        CommitmentKind.CALLBACK: "Paskambinti klientui ({name}) iki {time}",
    },
}


def reply_body(*, language: str, register: str, scenario: str) -> str:
    if language == "nl" and register == "formal":
        return REPLIES_NL_FORMAL[scenario]
    return TEXTS[language][scenario].reply


# The agent needs one thing before acting (damaged or wrong item): the case waits on the customer.
QUESTIONS: dict[str, str] = {
    "en": (
        "Thank you for your message. So that I can sort this out in one go, could you send me a "
        "photo of the item and of the shipping label on the box? As soon as I have it, I'll take "
        "care of the rest and tell you exactly what happens next."
    ),
    "fr": (
        "Merci pour votre message. Pour tout régler en une seule fois, pourriez-vous m'envoyer "
        "une photo de l'article et de l'étiquette d'expédition collée sur le carton ? Dès "
        "réception, je m'occupe du reste et je vous dis précisément ce qui va se passer."
    ),
    "nl": (
        "Bedankt voor je bericht. Zodat ik het in één keer kan regelen: kun je een foto sturen "
        "van het artikel en van het verzendlabel op de doos? Zodra ik die heb, regel ik de rest "
        "en laat ik je precies weten wat er gebeurt."
    ),
    "de": (
        "vielen Dank für Ihre Nachricht. Damit ich alles in einem Schritt erledigen kann: "
        "Könnten Sie mir ein Foto des Artikels und des Versandetiketts auf dem Karton schicken? "
        "Sobald ich es habe, kümmere ich mich um den Rest und sage Ihnen genau, wie es "
        "weitergeht."
    ),
    "es": (
        "Gracias por escribirnos. Para dejarlo resuelto de una vez, ¿me puedes mandar una foto "
        "del artículo y de la etiqueta de envío de la caja? En cuanto la tenga, me encargo del "
        "resto y te digo exactamente qué va a pasar."
    ),
    "it": (
        "La ringrazio per il messaggio. Per risolvere tutto in una volta, potrebbe inviarmi una "
        "foto dell'articolo e dell'etichetta di spedizione sulla scatola? Appena la ricevo, mi "
        "occupo del resto e Le dico esattamente come procederemo."
    ),
    "pl": (
        "dziękujemy za wiadomość. Aby załatwić wszystko za jednym razem, prosimy o zdjęcie "
        "produktu oraz etykiety przewozowej na kartonie. Gdy tylko je otrzymamy, zajmiemy się "
        "resztą i poinformujemy, co dokładnie będzie dalej."
    ),
    "lt": (
        "Dėkojame už žinutę. Kad galėtume viską sutvarkyti iš karto, prašome atsiųsti prekės ir "
        "siuntos etiketės ant dėžės nuotrauką. Kai tik ją gausime, pasirūpinsime likusiais "
        "dalykais ir tiksliai pranešime, kas bus toliau."
    ),
}
QUESTION_NL_FORMAL = (
    "Bedankt voor uw bericht. Om alles in één keer te kunnen regelen: kunt u een foto sturen van "
    "het artikel en van het verzendlabel op de doos? Zodra ik die heb, regel ik de rest en laat "
    "ik u precies weten wat er gebeurt."
)

# A customer chasing a promise that was not kept.
CHASERS: dict[str, str] = {
    "en": "Hello, I was promised an update by {date} and haven't heard anything since. What's "
    "going on?",
    "fr": "Bonjour, on m'avait promis des nouvelles au plus tard {date} et je n'ai rien reçu "
    "depuis. Où en est-on ?",
    "nl": "Hallo, ik zou uiterlijk {date} iets van jullie horen, maar ik heb niks meer gehoord. "
    "Hoe staat het ermee?",
    "de": "Guten Tag, mir wurde bis spätestens {date} eine Rückmeldung zugesagt. Seitdem habe "
    "ich nichts mehr gehört. Wie ist der Stand?",
    "es": "Hola: me dijisteis que como muy tarde {date} tendría noticias y no sé nada. ¿Qué pasa?",
    "it": "Buongiorno, mi era stato promesso un aggiornamento entro {date} e da allora non ho "
    "saputo più nulla. A che punto siamo?",
    "pl": "Dzień dobry, obiecano mi informację najpóźniej {date}, a do tej pory nie ma żadnej "
    "wiadomości. Co się dzieje?",
    "lt": "Laba diena, man buvo pažadėta atsakyti iki {date}, bet nieko negirdėjau. Kas vyksta?",
}


def question_body(*, language: str, register: str) -> str:
    if language == "nl" and register == "formal":
        return QUESTION_NL_FORMAL
    return QUESTIONS[language]
