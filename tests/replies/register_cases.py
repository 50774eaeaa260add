# ruff: noqa: RUF001  (typographic dashes belong in these sentences)
"""Real customer-service sentences per language that address the customer both ways, as a
careless agent or a machine translation writes them ("Lieve Niels, heeft u je bestelling…"),
with the informal words and the formal words the linter must highlight, in reading order.
Clean sentences are in ``register_clean``.
"""

from __future__ import annotations

# (text, informal words, formal words)
Mixed = tuple[str, tuple[str, ...], tuple[str, ...]]

MIXED: dict[str, list[Mixed]] = {
    "fr": [
        (
            "Bonjour Julie, nous avons bien reçu votre message et nous te remboursons dès demain.",
            ("te",),
            ("votre",),
        ),
        ("Merci pour ta patience : votre colis sera livré jeudi.", ("ta",), ("votre",)),
        (
            "Pouvez-vous nous envoyer une photo du carton ? Je t'envoie ensuite l'étiquette.",
            ("t'",),
            ("vous",),
        ),
        (
            "Tu recevras un e-mail de confirmation, n'hésitez pas à nous contacter si besoin.",
            ("Tu",),
            ("n'hésitez pas",),
        ),
        (
            "Je suis désolée pour ce retard, je comprends que vous soyez déçu et je te propose "
            "un bon d'achat de 10 €.",
            ("te",),
            ("vous",),
        ),
        (
            "Votre commande a été annulée ; tes 49,90 € seront remboursés sous 5 jours ouvrés.",
            ("tes",),
            ("Votre",),
        ),
        (
            "Dis-nous si le livreur est repassé, sinon nous vous renverrons un colis.",
            ("Dis-nous",),
            ("vous",),
        ),
        (
            "Nous sommes navrés : ton colis a été endommagé, vos articles vous seront remplacés.",
            ("ton",),
            ("vos", "vous"),
        ),
    ],
    "nl": [
        (
            "Beste Niels, bedankt voor uw bericht, we sturen je morgen een nieuw pakket.",
            ("je",),
            ("uw",),
        ),
        ("Lieve Niels, heeft u je bestelling inmiddels ontvangen?", ("je",), ("u",)),
        (
            "Wij begrijpen dat jij hier niet blij mee bent en bieden u onze excuses aan.",
            ("jij",),
            ("u",),
        ),
        (
            "Uw retour is binnen; jouw geld staat binnen drie werkdagen op je rekening.",
            ("jouw", "je"),
            ("Uw",),
        ),
        (
            "Kunt u ons een foto sturen? Dan kunnen jullie het bedrag snel terugkrijgen.",
            ("jullie",),
            ("u",),
        ),
        (
            "Heb je vragen, neem dan gerust contact met ons op, wij helpen u graag.",
            ("je",),
            ("u",),
        ),
        (
            "Excuses voor het ongemak: PostNL heeft uw pakket bij de buren afgeleverd, ik bel "
            "jou morgen even.",
            ("jou",),
            ("uw",),
        ),
        (
            "Wij storten het bedrag terug op uw rekening, dan hoef je verder niets te doen.",
            ("je",),
            ("uw",),
        ),
    ],
    "de": [
        (
            "Guten Tag Herr Becker, wir haben Ihre Nachricht erhalten und melden uns morgen "
            "bei dir.",
            ("dir",),
            ("Ihre",),
        ),
        (
            "Hallo Anna, kannst du uns ein Foto schicken, damit wir Ihnen schnell helfen können?",
            ("kannst", "du"),
            ("Ihnen",),
        ),
        (
            "Es tut uns leid, dass Ihr Paket beschädigt ankam – wir schicken dir gleich Ersatz.",
            ("dir",),
            ("Ihr",),
        ),
        (
            "Wir haben Ihre Retoure erhalten, du bekommst dein Geld bis Freitag zurück.",
            ("du", "bekommst", "dein"),
            ("Ihre",),
        ),
        ("Melde dich gern, falls Sie noch Fragen haben.", ("dich",), ("Sie",)),
        (
            "Vielen Dank für Ihre Geduld, deine Bestellung ist heute bei DHL eingegangen.",
            ("deine",),
            ("Ihre",),
        ),
        (
            "Könnten Sie uns die Bestellnummer nennen? Dann prüfen wir, was mit deinem Paket "
            "passiert ist.",
            ("deinem",),
            ("Sie",),
        ),
        (
            "Hast du das Rücksendeetikett erhalten? Andernfalls senden wir es Ihnen erneut.",
            ("Hast", "du"),
            ("Ihnen",),
        ),
    ],
    "es": [
        (
            "Hola Marta, ¿podría usted enviarnos una foto? Así te devolvemos el dinero antes.",
            ("te",),
            ("usted",),
        ),
        (
            "Estimado cliente, gracias por tu paciencia; usted recibirá su reembolso el lunes.",
            ("tu",),
            ("usted", "su"),
        ),
        ("No dude en contactarnos si tienes cualquier otra duda.", ("tienes",), ("No dude",)),
        (
            "Estimado señor Ruiz, ¿estás conforme con estas opciones? Indíquenos cuál prefiere.",
            ("estás",),
            ("Indíquenos",),
        ),
        (
            "Te pedimos disculpas: el transportista no entregó su paquete porque usted no "
            "estaba en casa.",
            ("Te",),
            ("su", "usted"),
        ),
        (
            "¿Puedes confirmarnos la dirección? Le enviaremos el nuevo pedido a usted lo antes "
            "posible.",
            ("Puedes",),
            ("Le", "usted"),
        ),
        ("Disculpe las molestias; ya hemos tramitado tu devolución.", ("tu",), ("Disculpe",)),
        (
            "Escríbanos si el repartidor no aparece y te llamamos enseguida.",
            ("te",),
            ("Escríbanos",),
        ),
        (
            "Hemos recibido tus fotos y ustedes recibirán el reembolso en tres días hábiles.",
            ("tus",),
            ("ustedes",),
        ),
    ],
    "it": [
        (
            "Gentile signora Rossi, La ringraziamo per la pazienza e ti inviamo subito un "
            "codice sconto.",
            ("ti",),
            ("La",),
        ),
        (
            "Ciao Marco, Le confermo che il rimborso è stato effettuato sulla tua carta.",
            ("tua",),
            ("Le",),
        ),
        (
            "Puoi inviarci una foto del pacco? Così potremo aiutarLa più rapidamente.",
            ("Puoi",),
            ("aiutarLa",),
        ),
        (
            "Abbiamo ricevuto il Suo reso e ti rimborseremo entro cinque giorni lavorativi.",
            ("ti",),
            ("Suo",),
        ),
        ("Non esiti a contattarci se hai bisogno di altro.", ("hai",), ("Non esiti",)),
        (
            "Ti chiediamo scusa: il corriere BRT non ha consegnato il Suo ordine.",
            ("Ti",),
            ("Suo",),
        ),
        (
            "La contatteremo domani; nel frattempo puoi controllare lo stato della spedizione.",
            ("puoi",),
            ("La",),
        ),
        (
            "Grazie per la Sua segnalazione, ti invieremo un nuovo prodotto.",
            ("ti",),
            ("Sua",),
        ),
    ],
    "pl": [
        (
            "Dzień dobry Panie Tomaszu, dziękujemy za Twoją wiadomość.",
            ("Twoją",),
            ("Panie",),
        ),
        (
            "Cześć Kasiu, czy mogłaby Pani przesłać zdjęcie paczki, żebyśmy mogli Ci pomóc?",
            ("Ci",),
            ("Pani",),
        ),
        (
            "Przepraszamy za opóźnienie, Pana zamówienie wyślemy jutro, a Ty dostaniesz SMS "
            "z numerem przesyłki.",
            ("Ty", "dostaniesz"),
            ("Pana",),
        ),
        (
            "Otrzymałeś już zwrot? Jeśli nie, prosimy Pana o kontakt.",
            ("Otrzymałeś",),
            ("Pana",),
        ),
        ("Szanowna Pani, Twoja reklamacja została przyjęta.", ("Twoja",), ("Pani",)),
        (
            "Możesz odebrać paczkę w paczkomacie InPost, o czym poinformujemy Państwa SMS-em.",
            ("Możesz",),
            ("Państwa",),
        ),
        (
            "Zwrot pieniędzy na Pani konto zlecimy dziś, a potwierdzenie wyślemy do ciebie mailem.",
            ("ciebie",),
            ("Pani",),
        ),
        (
            "Jeśli chcesz, kurier odbierze zwrot od Pana w poniedziałek.",
            ("chcesz",),
            ("Pana",),
        ),
    ],
    "lt": [
        (
            "Laba diena, dėkojame, kad parašėte, tavo užsakymas jau pakeliui pas jus.",
            ("tavo",),
            ("parašėte", "jus"),
        ),
        (
            "Sveiki, atsiprašome už vėlavimą – tau grąžinsime pinigus, o Jūsų naujas "
            "užsakymas bus išsiųstas rytoj.",
            ("tau",),
            ("Jūsų",),
        ),
        (
            "Atsiųsk nuotrauką, ir Jums iškart grąžinsime pinigus.",
            ("Atsiųsk",),
            ("Jums",),
        ),
        (
            "Jūsų siuntinys buvo pažeistas, todėl tau išsiųsime naują.",
            ("tau",),
            ("Jūsų",),
        ),
        (
            "Susisiekite su mumis, jei tavo prekė neatkeliaus iki penktadienio.",
            ("tavo",),
            ("Susisiekite",),
        ),
        (
            "Gausi pinigus į savo sąskaitą, o jums išsiųsime patvirtinimą el. paštu.",
            ("Gausi",),
            ("jums",),
        ),
        (
            "Ačiū, kad parašei, jusu užsakymą jau tikriname.",
            ("parašei",),
            ("jusu",),
        ),
        (
            "Atsiprašome, jus tikriausiai nuvylėme, bet tave kurjeris aplankys rytoj.",
            ("tave",),
            ("jus",),
        ),
    ],
}
