# ruff: noqa: RUF001  (the en dashes and quotation marks are what people type in these languages)
"""What the customers of the benchmark mailbox write, in the eight languages of the storefronts.

Short mails as people write them to a web shop's customer service: where is my parcel, it came
broken, where is my refund, wrong size, please cancel; then the follow-ups ("any news?") and the
out-of-office replies. Placeholders: ``{order}``, ``{tracking}``, ``{first}``, ``{last}``,
``{product}``, ``{date}``, ``{days}``. Product names are quoted in the sentence so that no
adjective has to agree with them.
"""

from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")


class Opening(NamedTuple):
    """A first mail: its subject and body."""

    subject: str
    body: str


OPENINGS: dict[str, list[Opening]] = {
    "en": [
        Opening(
            "Where is my order {order}?",
            "Hi,\n\nI ordered on {date} (order {order}) and it still hasn't arrived. The "
            "tracking number {tracking} hasn't moved for {days} days. Can you tell me what's "
            "going on?\n\nThanks,\n{first}",
        ),
        Opening(
            "Damaged item - order {order}",
            'Hello,\n\nMy parcel came today but the "{product}" is broken, the box was crushed '
            "on one side. I've attached a photo. Could you send a replacement or refund me?\n\n"
            "Order number: {order}\n\nBest regards,\n{first} {last}",
        ),
        Opening(
            "Refund for order {order}",
            'Hi there,\n\nI sent the "{product}" back two weeks ago (return tracking '
            "{tracking}) and I still haven't seen the refund. How long does it usually take?"
            "\n\nCheers,\n{first}",
        ),
        Opening(
            "Wrong size received",
            "Hello,\n\nI got the wrong size in order {order}: I ordered an M and received an XL. "
            "How do I exchange it?\n\nThank you,\n{first}",
        ),
        Opening(
            "Cancel order {order} please",
            "Hi,\n\nCould you please cancel my order {order}? I placed it by mistake this "
            "morning. If it has already shipped, let me know how to send it back.\n\n"
            "Thanks\n{first} {last}",
        ),
    ],
    "fr": [
        Opening(
            "Où est ma commande {order} ?",
            "Bonjour,\n\nJ'ai passé commande le {date} (n° {order}) et je n'ai toujours rien "
            "reçu. Le suivi {tracking} n'a pas bougé depuis {days} jours. Pouvez-vous me dire "
            "où en est mon colis ?\n\nCordialement,\n{first} {last}",
        ),
        Opening(
            "Article endommagé - commande {order}",
            "Bonjour,\n\nJ'ai reçu mon colis ce matin mais l'article « {product} » est cassé, le "
            "carton était complètement écrasé. Je vous joins une photo. Est-il possible d'avoir "
            "un remplacement ou un remboursement ?\n\nMerci d'avance,\n{first}",
        ),
        Opening(
            "Remboursement toujours pas reçu",
            "Bonjour,\n\nJ'ai renvoyé l'article il y a deux semaines (suivi du retour : "
            "{tracking}) et je n'ai toujours pas reçu le remboursement. Combien de temps faut-il "
            "compter ?\n\nBien à vous,\n{first} {last}",
        ),
        Opening(
            "Erreur de taille commande {order}",
            "Bonjour,\n\nDans ma commande {order}, j'ai reçu une taille 42 au lieu du 38 "
            "commandé. Comment faire pour l'échanger ?\n\nMerci,\n{first}",
        ),
        Opening(
            "Annulation commande {order}",
            "Bonjour,\n\nPourriez-vous annuler ma commande {order} s'il vous plaît ? Je me suis "
            "trompé d'adresse de livraison. Si elle est déjà partie, dites-moi comment la "
            "retourner.\n\nCordialement,\n{first} {last}",
        ),
    ],
    "nl": [
        Opening(
            "Waar blijft mijn bestelling {order}?",
            "Hallo,\n\nIk heb op {date} besteld (bestelnummer {order}) maar nog niks ontvangen. "
            "De track & trace {tracking} staat al {days} dagen stil. Kunnen jullie kijken wat "
            "er aan de hand is?\n\nGroetjes,\n{first}",
        ),
        Opening(
            "Beschadigd product ontvangen",
            "Goedemiddag,\n\nVandaag kwam mijn pakket binnen, maar het artikel '{product}' is "
            "kapot. De doos was aan één kant helemaal ingedeukt. Foto zit in de bijlage. Kan "
            "ik een nieuwe krijgen of mijn geld terug?\n\nMet vriendelijke groet,\n{first} "
            "{last}",
        ),
        Opening(
            "Terugbetaling retour {order}",
            "Hoi,\n\nIk heb twee weken geleden mijn retour verstuurd (trackingnummer "
            "{tracking}), maar ik heb het geld nog steeds niet terug. Hoe lang duurt dat "
            "meestal?\n\nGroeten,\n{first}",
        ),
        Opening(
            "Verkeerde maat geleverd",
            "Hallo,\n\nIn bestelling {order} zat maat XL in plaats van M. Hoe kan ik dit "
            "omruilen?\n\nAlvast bedankt,\n{first}",
        ),
        Opening(
            "Bestelling annuleren",
            "Beste klantenservice,\n\nKunnen jullie mijn bestelling {order} annuleren? Ik heb "
            "per ongeluk twee keer besteld. Als hij al verzonden is, hoor ik graag hoe ik hem "
            "kan terugsturen.\n\nMet vriendelijke groet,\n{first} {last}",
        ),
    ],
    "de": [
        Opening(
            "Wo bleibt meine Bestellung {order}?",
            "Guten Tag,\n\nich habe am {date} bestellt (Bestellnummer {order}), aber bis heute "
            "nichts erhalten. Die Sendungsverfolgung {tracking} zeigt seit {days} Tagen keinen "
            "neuen Status. Können Sie bitte nachsehen, wo mein Paket ist?\n\nMit freundlichen "
            "Grüßen\n{first} {last}",
        ),
        Opening(
            "Ware beschädigt angekommen – {order}",
            "Hallo,\n\nmein Paket ist heute angekommen, aber der Artikel „{product}“ ist leider "
            "kaputt. Der Karton war an einer Ecke eingedrückt, ein Foto habe ich angehängt. "
            "Bitte schicken Sie mir Ersatz oder erstatten Sie mir den Betrag.\n\nViele Grüße\n"
            "{first}",
        ),
        Opening(
            "Erstattung für Rücksendung fehlt",
            "Sehr geehrte Damen und Herren,\n\nich habe die Ware vor zwei Wochen zurückgeschickt "
            "(Sendungsnummer {tracking}), die Erstattung ist aber noch nicht auf meinem Konto. "
            "Wie lange dauert das normalerweise?\n\nMit freundlichen Grüßen\n{first} {last}",
        ),
        Opening(
            "Falsche Größe geliefert",
            "Hallo,\n\nin meiner Bestellung {order} war Größe XL statt M. Wie kann ich das "
            "umtauschen?\n\nDanke und Gruß\n{first}",
        ),
        Opening(
            "Stornierung Bestellung {order}",
            "Guten Tag,\n\nbitte stornieren Sie meine Bestellung {order}, ich habe mich bei der "
            "Lieferadresse vertan. Falls sie schon unterwegs ist, sagen Sie mir bitte, wie ich "
            "sie zurücksende.\n\nMfG\n{first} {last}",
        ),
    ],
    "es": [
        Opening(
            "¿Dónde está mi pedido {order}?",
            "Hola,\n\nHice un pedido el {date} (número {order}) y todavía no me ha llegado. El "
            "seguimiento {tracking} lleva {days} días sin moverse. ¿Me podéis decir qué pasa?"
            "\n\nGracias,\n{first}",
        ),
        Opening(
            "Producto dañado - pedido {order}",
            "Buenas tardes,\n\nHoy me ha llegado el paquete pero el artículo «{product}» viene "
            "roto, la caja estaba aplastada por un lado. Os adjunto una foto. ¿Me podéis enviar "
            "otro o devolverme el dinero?\n\nUn saludo,\n{first} {last}",
        ),
        Opening(
            "Reembolso de la devolución",
            "Hola,\n\nDevolví el artículo hace dos semanas (seguimiento de la devolución: "
            "{tracking}) y aún no he recibido el reembolso. ¿Cuánto suele tardar?\n\n"
            "Saludos,\n{first}",
        ),
        Opening(
            "Talla equivocada",
            "Hola,\n\nEn el pedido {order} me ha llegado una talla XL en vez de la M que pedí. "
            "¿Cómo lo cambio?\n\nGracias de antemano,\n{first}",
        ),
        Opening(
            "Cancelar pedido {order}",
            "Hola,\n\n¿Podéis cancelar mi pedido {order}, por favor? Lo hice por error esta "
            "mañana. Si ya ha salido, decidme cómo devolverlo.\n\nUn saludo,\n{first} {last}",
        ),
    ],
    "it": [
        Opening(
            "Dov'è il mio ordine {order}?",
            "Buongiorno,\n\nho effettuato un ordine il {date} (n. {order}) ma non ho ancora "
            "ricevuto nulla. Il tracking {tracking} è fermo da {days} giorni. Potete verificare "
            "dove si trova il pacco?\n\nCordiali saluti,\n{first} {last}",
        ),
        Opening(
            "Prodotto danneggiato - ordine {order}",
            "Salve,\n\noggi è arrivato il pacco ma l'articolo «{product}» è rotto, la scatola "
            "era schiacciata da un lato. Allego una foto. È possibile avere una sostituzione o "
            "il rimborso?\n\nGrazie,\n{first}",
        ),
        Opening(
            "Rimborso reso non ancora ricevuto",
            "Buongiorno,\n\nho rispedito l'articolo due settimane fa (codice di tracciamento del "
            "reso {tracking}) ma non ho ancora ricevuto il rimborso. Quanto tempo ci vuole di "
            "solito?\n\nDistinti saluti,\n{first} {last}",
        ),
        Opening(
            "Taglia sbagliata",
            "Salve,\n\nnell'ordine {order} ho ricevuto la taglia XL invece della M. Come posso "
            "fare il cambio?\n\nGrazie mille,\n{first}",
        ),
        Opening(
            "Annullare ordine {order}",
            "Buongiorno,\n\nvorrei annullare l'ordine {order}, l'ho fatto per sbaglio stamattina. "
            "Se è già stato spedito, mi dite come restituirlo?\n\nCordiali saluti,\n{first} "
            "{last}",
        ),
    ],
    "pl": [
        Opening(
            "Gdzie jest moje zamówienie {order}?",
            "Dzień dobry,\n\nmoje zamówienie nr {order} z dnia {date} nadal nie dotarło. "
            "Przesyłka {tracking} od {days} dni ma ten sam status. Czy mogą Państwo sprawdzić, "
            "co się dzieje z paczką?\n\nPozdrawiam\n{first} {last}",
        ),
        Opening(
            "Uszkodzony produkt – zamówienie {order}",
            "Dzień dobry,\n\ndzisiaj przyszła paczka, ale produkt „{product}” jest uszkodzony, "
            "karton był zgnieciony z jednej strony. W załączniku przesyłam zdjęcie. Proszę o "
            "wymianę albo zwrot pieniędzy.\n\nZ poważaniem\n{first} {last}",
        ),
        Opening(
            "Zwrot pieniędzy",
            "Dzień dobry,\n\nzwrot został wysłany dwa tygodnie temu (numer przesyłki {tracking}), "
            "a pieniądze nadal nie wróciły na moje konto. Jak długo to zwykle trwa?\n\n"
            "Pozdrawiam\n{first}",
        ),
        Opening(
            "Zły rozmiar w zamówieniu {order}",
            "Dzień dobry,\n\nw zamówieniu {order} przyszedł rozmiar XL zamiast M. Jak mogę go "
            "wymienić?\n\nDziękuję\n{first}",
        ),
        Opening(
            "Anulowanie zamówienia {order}",
            "Dzień dobry,\n\nproszę o anulowanie zamówienia {order}, zostało złożone przez "
            "pomyłkę. Jeśli paczka jest już w drodze, proszę o informację, jak ją zwrócić.\n\n"
            "Z poważaniem\n{first} {last}",
        ),
    ],
    "lt": [
        Opening(
            "Kur mano užsakymas {order}?",
            "Laba diena,\n\nužsakymas Nr. {order} ({date}) iki šiol nepristatytas. Siuntos "
            "{tracking} būsena nesikeičia jau {days} d. Gal galite patikrinti, kur mano siunta?"
            "\n\nPagarbiai\n{first} {last}",
        ),
        Opening(
            "Sugadinta prekė – užsakymas {order}",
            "Sveiki,\n\nšiandien gavau siuntą, bet prekė „{product}“ sudaužyta, dėžė buvo "
            "suspausta iš vieno šono. Pridedu nuotrauką. Ar galite atsiųsti naują prekę arba "
            "grąžinti pinigus?\n\nAčiū,\n{first}",
        ),
        Opening(
            "Negrąžinti pinigai",
            "Laba diena,\n\nprieš dvi savaites grąžinau prekę (siuntos numeris {tracking}), bet "
            "pinigų vis dar negavau. Kiek laiko tai paprastai užtrunka?\n\nPagarbiai\n{first} "
            "{last}",
        ),
        Opening(
            "Netinkamas dydis",
            "Sveiki,\n\nužsakyme {order} gavau XL dydį vietoj M. Kaip galėčiau jį pakeisti?\n\n"
            "Ačiū\n{first}",
        ),
        Opening(
            "Užsakymo {order} atšaukimas",
            "Laba diena,\n\nprašau atšaukti mano užsakymą {order}, užsakiau per klaidą. Jei jis "
            "jau išsiųstas, parašykite, kaip jį grąžinti.\n\nPagarbiai\n{first} {last}",
        ),
    ],
}

# The last follow-up of each language says the parcel came: only after "where is my order".
FOLLOW_UPS: dict[str, list[str]] = {
    "en": [
        "Hi again,\n\nAny news on this? It's been {days} days now.\n\n{first}",
        "Hello,\n\nI still haven't heard back about order {order}. Could someone please get "
        "back to me?\n\nThanks,\n{first}",
        "Thanks for your help, the parcel arrived today!\n\n{first}",
    ],
    "fr": [
        "Bonjour,\n\nToujours aucune nouvelle de votre part... Cela fait maintenant {days} "
        "jours.\n\n{first}",
        "Re-bonjour,\n\nJe n'ai pas eu de réponse à mon message concernant la commande {order}. "
        "Merci de me tenir au courant.\n\n{first} {last}",
        "Bonjour,\n\nC'est bon, le colis est arrivé aujourd'hui. Merci pour votre aide !\n\n"
        "{first}",
    ],
    "nl": [
        "Hallo,\n\nIs hier al nieuws over? Het is inmiddels {days} dagen geleden.\n\n{first}",
        "Hoi,\n\nIk heb nog steeds geen reactie gehad op mijn mail over bestelling {order}. "
        "Willen jullie even terugmailen?\n\nGroet,\n{first}",
        "Top, het pakket is vandaag toch nog aangekomen. Bedankt!\n\n{first}",
    ],
    "de": [
        "Hallo,\n\ngibt es hierzu schon etwas Neues? Es sind jetzt schon {days} Tage.\n\n{first}",
        "Guten Tag,\n\nauf meine Nachricht zur Bestellung {order} habe ich leider noch keine "
        "Antwort bekommen. Bitte melden Sie sich.\n\nGruß\n{first} {last}",
        "Hallo,\n\ndas Paket ist heute doch noch angekommen. Vielen Dank!\n\n{first}",
    ],
    "es": [
        "Hola,\n\n¿Hay alguna novedad? Ya han pasado {days} días.\n\n{first}",
        "Hola de nuevo,\n\nSigo sin respuesta sobre el pedido {order}. ¿Alguien me puede "
        "contestar, por favor?\n\n{first} {last}",
        "¡Ya ha llegado el paquete! Muchas gracias por la ayuda.\n\n{first}",
    ],
    "it": [
        "Buongiorno,\n\nci sono novità? Sono passati già {days} giorni.\n\n{first}",
        "Salve,\n\nnon ho ancora ricevuto risposta riguardo all'ordine {order}. Potete "
        "ricontattarmi?\n\n{first} {last}",
        "Il pacco è arrivato oggi, grazie per l'aiuto!\n\n{first}",
    ],
    "pl": [
        "Dzień dobry,\n\nczy są już jakieś informacje? Minęło już {days} dni.\n\n{first}",
        "Dzień dobry,\n\nnadal brak odpowiedzi w sprawie zamówienia {order}. Proszę o kontakt."
        "\n\n{first} {last}",
        "Paczka dzisiaj dotarła, dziękuję za pomoc!\n\n{first}",
    ],
    "lt": [
        "Sveiki,\n\nar yra kokių naujienų? Praėjo jau {days} d.\n\n{first}",
        "Laba diena,\n\nvis dar negavau atsakymo dėl užsakymo {order}. Prašau susisiekti.\n\n"
        "{first} {last}",
        "Siunta šiandien atkeliavo, ačiū už pagalbą!\n\n{first}",
    ],
}

# What each language's mail programs put before a reply's subject.
REPLY_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("Re:", "RE:"),
    "fr": ("Re :", "RE:"),
    "nl": ("Re:", "Antw:"),
    "de": ("AW:", "Re:"),
    "es": ("RE:", "Re:"),
    "it": ("R:", "Re:"),
    "pl": ("Odp:", "Re:"),
    "lt": ("Re:", "ATS:"),
}

# The line a mail program writes above the quoted mail ({when}, {name}, {email}).
ATTRIBUTIONS: dict[str, str] = {
    "en": "On {when}, {name} <{email}> wrote:",
    "fr": "Le {when}, {name} <{email}> a écrit :",
    "nl": "Op {when} schreef {name} <{email}>:",
    "de": "Am {when} schrieb {name} <{email}>:",
    "es": "El {when}, {name} (<{email}>) escribió:",
    "it": "Il giorno {when} {name} <{email}> ha scritto:",
    "pl": "W dniu {when} {name} <{email}> napisał(a):",
    "lt": "{when}, {name} <{email}> rašė:",
}

# Outlook's way instead of an attribution line: a separator, the earlier mail's headers (From,
# Sent, To, Subject in the language of the program), then that mail unquoted.
ORIGINAL_MESSAGE: dict[str, tuple[str, str, str, str, str]] = {
    "en": ("-----Original Message-----", "From", "Sent", "To", "Subject"),
    "fr": ("-----Message d'origine-----", "De", "Envoyé", "À", "Objet"),
    "nl": ("-----Oorspronkelijk bericht-----", "Van", "Verzonden", "Aan", "Onderwerp"),
    "de": ("-----Ursprüngliche Nachricht-----", "Von", "Gesendet", "An", "Betreff"),
    "es": ("-----Mensaje original-----", "De", "Enviado el", "Para", "Asunto"),
    "it": ("-----Messaggio originale-----", "Da", "Inviato", "A", "Oggetto"),
    "pl": ("-----Oryginalna wiadomość-----", "Od", "Wysłano", "Do", "Temat"),
    "lt": ("-----Originalus pranešimas-----", "Nuo", "Išsiųsta", "Kam", "Tema"),
}

MOBILE_SIGNATURES: dict[str, str] = {
    "en": "Sent from my iPhone",
    "fr": "Envoyé de mon iPhone",
    "nl": "Verstuurd vanaf mijn iPhone",
    "de": "Von meinem iPhone gesendet",
    "es": "Enviado desde mi iPhone",
    "it": "Inviato da iPhone",
    "pl": "Wysłane z iPhone'a",
    "lt": "Išsiųsta iš mano iPhone",
}

AUTO_REPLIES: dict[str, tuple[str, str]] = {
    "en": (
        "Automatic reply: {subject}",
        "Hello,\n\nI'm out of the office until {date} with limited access to email. I will "
        "reply as soon as I'm back.\n\n{first} {last}",
    ),
    "fr": (
        "Réponse automatique : {subject}",
        "Bonjour,\n\nJe suis absent(e) jusqu'au {date} avec un accès limité à mes e-mails. Je "
        "vous répondrai dès mon retour.\n\n{first} {last}",
    ),
    "nl": (
        "Automatisch antwoord: {subject}",
        "Hallo,\n\nIk ben tot en met {date} afwezig en lees mijn mail beperkt. Ik reageer zo "
        "snel mogelijk na terugkomst.\n\n{first} {last}",
    ),
    "de": (
        "Automatische Antwort: {subject}",
        "Guten Tag,\n\nich bin bis einschließlich {date} nicht im Büro und habe nur "
        "eingeschränkt Zugriff auf meine E-Mails. Ich melde mich nach meiner Rückkehr.\n\n"
        "{first} {last}",
    ),
    "es": (
        "Respuesta automática: {subject}",
        "Hola,\n\nEstoy fuera de la oficina hasta el {date} con acceso limitado al correo. Te "
        "responderé en cuanto vuelva.\n\n{first} {last}",
    ),
    "it": (
        "Risposta automatica: {subject}",
        "Buongiorno,\n\nsono fuori ufficio fino al {date} con accesso limitato alla posta. "
        "Risponderò al mio rientro.\n\n{first} {last}",
    ),
    "pl": (
        "Odpowiedź automatyczna: {subject}",
        "Dzień dobry,\n\njestem poza biurem do {date} i mam ograniczony dostęp do poczty. "
        "Odpowiem po powrocie.\n\n{first} {last}",
    ),
    "lt": (
        "Automatinis atsakymas: {subject}",
        "Sveiki,\n\niki {date} nesu darbe, el. paštą tikrinu retai. Atsakysiu, kai tik "
        "galėsiu.\n\n{first} {last}",
    ),
}

PRODUCTS: dict[str, list[str]] = {
    "en": ["Espresso machine", "Running shoes", "Desk lamp", "Wool jumper", "Kettle"],
    "fr": ["Cafetière italienne", "Chaussures de running", "Lampe de bureau", "Pull en laine"],
    "nl": ["Espressomachine", "Hardloopschoenen", "Bureaulamp", "Wollen trui", "Waterkoker"],
    "de": ["Kaffeevollautomat", "Laufschuhe", "Schreibtischlampe", "Wollpullover"],
    "es": ["Cafetera italiana", "Zapatillas de correr", "Lámpara de escritorio", "Jersey"],
    "it": ["Moka 6 tazze", "Scarpe da corsa", "Lampada da scrivania", "Maglione di lana"],
    "pl": ["Ekspres do kawy", "Buty do biegania", "Lampka biurkowa", "Sweter wełniany"],
    "lt": ["Kavos aparatas", "Bėgimo bateliai", "Stalinė lempa", "Vilnonis megztinis"],
}

# Per language: women's first names, men's first names, surnames as (his, hers): Polish and
# Lithuanian surnames take another form for a woman.
NAMES: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "en": (
        ["Emma", "Sophie", "Grace", "Hannah"],
        ["James", "Oliver", "Daniel", "Thomas"],
        [(n, n) for n in ["Smith", "Taylor", "Brown", "Wilson", "Walsh", "Evans", "Murphy"]],
    ),
    "fr": (
        ["Claire", "Camille", "Élodie", "Céline"],
        ["Julien", "Nicolas", "Mathieu", "François"],
        [(n, n) for n in ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Roux"]],
    ),
    "nl": (
        ["Sanne", "Lotte", "Femke", "Anouk"],
        ["Daan", "Bram", "Joris", "Thijs"],
        [(n, n) for n in ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder"]],
    ),
    "de": (
        ["Anna", "Lea", "Sophie", "Katrin"],
        ["Lukas", "Jonas", "Maximilian", "Jürgen"],
        [(n, n) for n in ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Köhler", "Groß"]],
    ),
    "es": (
        ["Lucía", "Carmen", "Marta", "Nuria"],
        ["Javier", "Álvaro", "Sergio", "Íñigo"],
        [(n, n) for n in ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Ruiz"]],
    ),
    "it": (
        ["Giulia", "Francesca", "Chiara", "Sara"],
        ["Marco", "Luca", "Alessandro", "Niccolò"],
        [(n, n) for n in ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Ricci"]],
    ),
    "pl": (
        ["Katarzyna", "Agnieszka", "Magdalena", "Zofia"],
        ["Piotr", "Łukasz", "Paweł", "Michał"],
        [
            ("Nowak", "Nowak"),
            ("Kowalski", "Kowalska"),
            ("Wiśniewski", "Wiśniewska"),
            ("Wójcik", "Wójcik"),
            ("Kamiński", "Kamińska"),
            ("Lewandowski", "Lewandowska"),
            ("Zieliński", "Zielińska"),
        ],
    ),
    "lt": (
        ["Rūta", "Eglė", "Gintarė", "Ieva"],
        ["Mantas", "Tomas", "Lukas", "Žygimantas"],
        [
            ("Kazlauskas", "Kazlauskienė"),
            ("Jankauskas", "Jankauskaitė"),
            ("Petrauskas", "Petrauskienė"),
            ("Stankevičius", "Stankevičiūtė"),
            ("Vasiliauskas", "Vasiliauskienė"),
            ("Žukauskas", "Žukauskaitė"),
        ],
    ),
}

# Mail providers' domains (under .example: the benchmark never names a real provider).
PROVIDERS: dict[str, list[str]] = {
    "en": ["mailbox.example", "postbox.example", "inbox.example"],
    "fr": ["orange-fr.example", "laposte-fr.example", "free-fr.example"],
    "nl": ["ziggo-nl.example", "kpnmail-nl.example", "telenet-be.example"],
    "de": ["gmx-de.example", "web-de.example", "t-online-de.example"],
    "es": ["telefonica-es.example", "correo-es.example", "mailbox.example"],
    "it": ["libero-it.example", "virgilio-it.example", "tiscali-it.example"],
    "pl": ["wp-pl.example", "onet-pl.example", "interia-pl.example"],
    "lt": ["inbox-lt.example", "takas-lt.example", "mailbox.example"],
}

# Months as a date in the running text is written in each language.
MONTHS: dict[str, list[str]] = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
}
# Polish and Lithuanian customers write the date in figures.
DATE_FORMATS: dict[str, str] = {
    "en": "{day} {month}",
    "fr": "{day} {month}",
    "nl": "{day} {month}",
    "de": "{day}. {month}",
    "es": "{day} de {month}",
    "it": "{day} {month}",
    "pl": "{day:02d}.{mm:02d}.{year}",
    "lt": "{year}-{mm:02d}-{day:02d}",
}
# The same with the year and the time, as a mail program writes when a mail was sent.
SENT_FORMATS: dict[str, str] = {
    "en": "{day} {month} {year} {time}",
    "fr": "{day} {month} {year} {time}",
    "nl": "{day} {month} {year} {time}",
    "de": "{day}. {month} {year} {time}",
    "es": "{day} de {month} de {year} {time}",
    "it": "{day} {month} {year} {time}",
    "pl": "{day:02d}.{mm:02d}.{year} {time}",
    "lt": "{year}-{mm:02d}-{day:02d} {time}",
}
