# ruff: noqa: RUF001  (typographic dashes and quotes belong in these texts)
"""Names, products, tracking wording and agents' notes of the demo, per language."""

from __future__ import annotations

from decimal import Decimal

from amends.carriers.taxonomy import TrackingStatus

# (first name, last name, gender) as people of each market are called.
NAMES: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        ("Oliver", "Hughes", "m"),
        ("Emily", "Carter", "f"),
        ("Daniel", "Murphy", "m"),
        ("Sarah", "O'Brien", "f"),
        ("Thomas", "Wright", "m"),
        ("Hannah", "Price", "f"),
        ("George", "Bell", "m"),
        ("Lucy", "Walsh", "f"),
    ],
    "fr": [
        ("Camille", "Lefebvre", "f"),
        ("Antoine", "Mercier", "m"),
        ("Manon", "Fournier", "f"),
        ("Hugo", "Lambert", "m"),
        ("Chloé", "Bonnet", "f"),
        ("Nicolas", "Faure", "m"),
        ("Élodie", "Rousseau", "f"),
        ("Mathieu", "Blanc", "m"),
        ("Inès", "Chevalier", "f"),
        ("Paul", "Gauthier", "m"),
    ],
    "nl": [
        ("Sem", "de Boer", "m"),
        ("Lisa", "Jansen", "f"),
        ("Bram", "van den Berg", "m"),
        ("Fleur", "Smit", "f"),
        ("Jesse", "Mulder", "m"),
        ("Anouk", "de Graaf", "f"),
        ("Ruben", "Kok", "m"),
        ("Eva", "Hendriks", "f"),
        ("Lars", "Dekker", "m"),
        ("Julia", "Vermeulen", "f"),
    ],
    "de": [
        ("Lukas", "Müller", "m"),
        ("Anna", "Schneider", "f"),
        ("Felix", "Fischer", "m"),
        ("Laura", "Wagner", "f"),
        ("Maximilian", "Hofmann", "m"),
        ("Sophie", "Koch", "f"),
        ("Jan", "Richter", "m"),
        ("Marie", "Klein", "f"),
        ("Tobias", "Wolf", "m"),
        ("Julia", "Schröder", "f"),
    ],
    "es": [
        ("Javier", "Martín", "m"),
        ("Laura", "Sánchez", "f"),
        ("Sergio", "Gómez", "m"),
        ("Marta", "López", "f"),
        ("Alberto", "Navarro", "m"),
        ("Elena", "Romero", "f"),
        ("Raúl", "Domínguez", "m"),
        ("Cristina", "Torres", "f"),
        ("Paula", "Gil", "f"),
    ],
    "it": [
        ("Francesco", "Ricci", "m"),
        ("Chiara", "Colombo", "f"),
        ("Alessandro", "Marino", "m"),
        ("Sara", "Greco", "f"),
        ("Matteo", "Bruno", "m"),
        ("Valentina", "Gallo", "f"),
        ("Andrea", "Conti", "m"),
        ("Martina", "De Luca", "f"),
    ],
    "pl": [
        ("Jakub", "Kowalski", "m"),
        ("Anna", "Wójcik", "f"),
        ("Michał", "Kamiński", "m"),
        ("Magdalena", "Lewandowska", "f"),
        ("Tomasz", "Zieliński", "m"),
        ("Agnieszka", "Szymańska", "f"),
        ("Paweł", "Woźniak", "m"),
        ("Joanna", "Dąbrowska", "f"),
    ],
    "lt": [
        ("Lukas", "Petrauskas", "m"),
        ("Gabija", "Jonaitytė", "f"),
        ("Mindaugas", "Stankevičius", "m"),
        ("Eglė", "Vasiliauskienė", "f"),
        ("Tomas", "Žukauskas", "m"),
        ("Ieva", "Butkutė", "f"),
        ("Darius", "Paulauskas", "m"),
        ("Greta", "Urbonaitė", "f"),
    ],
}

# Belgian customers are called differently from Dutch and French ones.
BELGIAN_NAMES: dict[str, list[tuple[str, str, str]]] = {
    "nl": [
        ("Wouter", "Claes", "m"),
        ("Lien", "Maes", "f"),
        ("Pieter", "Wouters", "m"),
        ("Elke", "Jacobs", "f"),
        ("Jens", "Mertens", "m"),
        ("Sofie", "Willems", "f"),
    ],
    "fr": [
        ("Benoît", "Dupont", "m"),
        ("Céline", "Renard", "f"),
        ("Olivier", "Lejeune", "m"),
        ("Aurélie", "Dumont", "f"),
        ("Quentin", "Lemaire", "m"),
    ],
}

# sku, price in EUR, title per language
PRODUCTS: list[tuple[str, Decimal, dict[str, str]]] = [
    (
        "HP-BT900",
        Decimal("129.00"),
        {
            "en": "Wireless noise-cancelling headphones",
            "fr": "Casque sans fil à réduction de bruit",
            "nl": "Draadloze koptelefoon met noise cancelling",
            "de": "Kabelloser Kopfhörer mit Geräuschunterdrückung",
            "es": "Auriculares inalámbricos con cancelación de ruido",
            "it": "Cuffie wireless con cancellazione del rumore",
            "pl": "Słuchawki bezprzewodowe z redukcją szumów",
            "lt": "Belaidės ausinės su triukšmo slopinimu",
        },
    ),
    (
        "KT-17S",
        Decimal("39.90"),
        {
            "en": "Stainless steel kettle 1.7 L",
            "fr": "Bouilloire inox 1,7 L",
            "nl": "Rvs-waterkoker 1,7 l",
            "de": "Edelstahl-Wasserkocher 1,7 l",
            "es": "Hervidor de acero inoxidable 1,7 l",
            "it": "Bollitore in acciaio inox 1,7 l",
            "pl": "Czajnik elektryczny ze stali nierdzewnej 1,7 l",
            "lt": "Nerūdijančio plieno virdulys 1,7 l",
        },
    ),
    (
        "BL-600",
        Decimal("59.00"),
        {
            "en": "Blender 600 W",
            "fr": "Blender 600 W",
            "nl": "Blender 600 W",
            "de": "Standmixer 600 W",
            "es": "Batidora de vaso 600 W",
            "it": "Frullatore 600 W",
            "pl": "Blender kielichowy 600 W",
            "lt": "Trintuvas 600 W",
        },
    ),
    (
        "RUN-42",
        Decimal("89.95"),
        {
            "en": "Running shoes, size 42",
            "fr": "Chaussures de running, pointure 42",
            "nl": "Hardloopschoenen, maat 42",
            "de": "Laufschuhe, Größe 42",
            "es": "Zapatillas de running, talla 42",
            "it": "Scarpe da corsa, numero 42",
            "pl": "Buty do biegania, rozmiar 42",
            "lt": "Bėgimo bateliai, 42 dydis",
        },
    ),
    (
        "DK-LAMP",
        Decimal("34.90"),
        {
            "en": "LED desk lamp",
            "fr": "Lampe de bureau LED",
            "nl": "Ledbureaulamp",
            "de": "LED-Schreibtischlampe",
            "es": "Lámpara de escritorio LED",
            "it": "Lampada da scrivania LED",
            "pl": "Lampka biurkowa LED",
            "lt": "LED stalinė lempa",
        },
    ),
    (
        "BK-156",
        Decimal("49.00"),
        {
            "en": 'Laptop backpack 15.6"',
            "fr": 'Sac à dos pour ordinateur 15,6"',
            "nl": "Laptoprugzak 15,6 inch",
            "de": "Laptop-Rucksack 15,6 Zoll",
            "es": 'Mochila para portátil de 15,6"',
            "it": 'Zaino porta PC 15,6"',
            "pl": 'Plecak na laptopa 15,6"',
            "lt": 'Kuprinė nešiojamajam kompiuteriui 15,6"',
        },
    ),
    (
        "CG-200",
        Decimal("44.50"),
        {
            "en": "Electric coffee grinder",
            "fr": "Moulin à café électrique",
            "nl": "Elektrische koffiemolen",
            "de": "Elektrische Kaffeemühle",
            "es": "Molinillo de café eléctrico",
            "it": "Macinacaffè elettrico",
            "pl": "Elektryczny młynek do kawy",
            "lt": "Elektrinė kavamalė",
        },
    ),
    (
        "SW-FIT2",
        Decimal("149.00"),
        {
            "en": "Fitness smartwatch",
            "fr": "Montre connectée sport",
            "nl": "Sportsmartwatch",
            "de": "Fitness-Smartwatch",
            "es": "Reloj inteligente deportivo",
            "it": "Smartwatch sportivo",
            "pl": "Smartwatch sportowy",
            "lt": "Sportinis išmanusis laikrodis",
        },
    ),
    (
        "DV-200",
        Decimal("79.00"),
        {
            "en": "Duvet 200 × 220 cm",
            "fr": "Couette 200 × 220 cm",
            "nl": "Dekbed 200 × 220 cm",
            "de": "Bettdecke 200 × 220 cm",
            "es": "Edredón nórdico 200 × 220 cm",
            "it": "Piumone 200 × 220 cm",
            "pl": "Kołdra 200 × 220 cm",
            "lt": "Antklodė 200 × 220 cm",
        },
    ),
    (
        "SPK-MINI",
        Decimal("59.90"),
        {
            "en": "Portable Bluetooth speaker",
            "fr": "Enceinte Bluetooth portable",
            "nl": "Draagbare bluetoothspeaker",
            "de": "Tragbarer Bluetooth-Lautsprecher",
            "es": "Altavoz Bluetooth portátil",
            "it": "Cassa Bluetooth portatile",
            "pl": "Przenośny głośnik Bluetooth",
            "lt": "Nešiojamas „Bluetooth“ garsiakalbis",
        },
    ),
]

# What a carrier's feed says for each status, in the storefront's language.
TRACKING_WORDS: dict[str, dict[str, str]] = {
    "en": {
        TrackingStatus.INFO_RECEIVED: "Shipment information received",
        TrackingStatus.IN_TRANSIT: "In transit",
        TrackingStatus.OUT_FOR_DELIVERY: "Out for delivery",
        TrackingStatus.DELIVERED: "Delivered",
        TrackingStatus.ATTEMPT_FAILED: "Delivery attempt failed: recipient not at home",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Ready for collection at a service point",
        TrackingStatus.RETURNED_TO_SENDER: "Returned to sender",
    },
    "fr": {
        TrackingStatus.INFO_RECEIVED: "Votre colis a été annoncé par l'expéditeur",
        TrackingStatus.IN_TRANSIT: "Votre colis est en cours d'acheminement",
        TrackingStatus.OUT_FOR_DELIVERY: "Votre colis est en cours de livraison",
        TrackingStatus.DELIVERED: "Votre colis est livré",
        TrackingStatus.ATTEMPT_FAILED: "Destinataire absent, avis de passage déposé",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Votre colis est disponible en point de retrait",
        TrackingStatus.RETURNED_TO_SENDER: "Votre colis est retourné à l'expéditeur",
    },
    "nl": {
        TrackingStatus.INFO_RECEIVED: "Zending is aangemeld",
        TrackingStatus.IN_TRANSIT: "Zending is onderweg",
        TrackingStatus.OUT_FOR_DELIVERY: "Bezorger is onderweg",
        TrackingStatus.DELIVERED: "Bezorgd",
        TrackingStatus.ATTEMPT_FAILED: "Niet thuis: bezorging niet gelukt",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Ligt klaar bij een servicepunt",
        TrackingStatus.RETURNED_TO_SENDER: "Retour afzender",
    },
    "de": {
        TrackingStatus.INFO_RECEIVED: "Die Sendung wurde elektronisch angekündigt",
        TrackingStatus.IN_TRANSIT: "Die Sendung wurde im Paketzentrum bearbeitet",
        TrackingStatus.OUT_FOR_DELIVERY: "Die Sendung wurde in das Zustellfahrzeug geladen",
        TrackingStatus.DELIVERED: "Die Sendung wurde erfolgreich zugestellt",
        TrackingStatus.ATTEMPT_FAILED: "Empfänger nicht angetroffen",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Die Sendung liegt in der Filiale zur Abholung bereit",
        TrackingStatus.RETURNED_TO_SENDER: "Rücksendung an den Absender",
    },
    "es": {
        TrackingStatus.INFO_RECEIVED: "Envío registrado",
        TrackingStatus.IN_TRANSIT: "En tránsito",
        TrackingStatus.OUT_FOR_DELIVERY: "En reparto",
        TrackingStatus.DELIVERED: "Entregado",
        TrackingStatus.ATTEMPT_FAILED: "Entrega fallida: destinatario ausente",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Disponible en punto de recogida",
        TrackingStatus.RETURNED_TO_SENDER: "Devuelto al remitente",
    },
    "it": {
        TrackingStatus.INFO_RECEIVED: "Spedizione registrata",
        TrackingStatus.IN_TRANSIT: "In transito",
        TrackingStatus.OUT_FOR_DELIVERY: "In consegna",
        TrackingStatus.DELIVERED: "Consegnata",
        TrackingStatus.ATTEMPT_FAILED: "Tentativo di consegna non riuscito: destinatario assente",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Disponibile per il ritiro",
        TrackingStatus.RETURNED_TO_SENDER: "Restituita al mittente",
    },
    "pl": {
        TrackingStatus.INFO_RECEIVED: "Przesyłka zarejestrowana",
        TrackingStatus.IN_TRANSIT: "Przesyłka w drodze",
        TrackingStatus.OUT_FOR_DELIVERY: "Przesyłka wydana do doręczenia",
        TrackingStatus.DELIVERED: "Przesyłka doręczona",
        TrackingStatus.ATTEMPT_FAILED: "Nieudana próba doręczenia: adresat nieobecny",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Przesyłka czeka w punkcie odbioru",
        TrackingStatus.RETURNED_TO_SENDER: "Zwrot do nadawcy",
    },
    "lt": {
        TrackingStatus.INFO_RECEIVED: "Siunta užregistruota",
        TrackingStatus.IN_TRANSIT: "Siunta vežama",
        TrackingStatus.OUT_FOR_DELIVERY: "Siunta pristatoma",
        TrackingStatus.DELIVERED: "Siunta pristatyta",
        TrackingStatus.ATTEMPT_FAILED: "Nepavyko pristatyti: gavėjo nebuvo namuose",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Siunta laukia atsiėmimo taške",
        TrackingStatus.RETURNED_TO_SENDER: "Siunta grąžinta siuntėjui",
    },
}

# Internal notes agents leave on a case: about the carrier, the customer, a refund.
NOTES: dict[str, list[str]] = {
    "en": [
        "Checked with the carrier: parcel scanned at the depot on Saturday, nothing since.",
        "Customer is polite and mainly wants a clear date.",
        "Refund is within policy, no approval needed.",
    ],
    "fr": [
        "Vérifié auprès du transporteur : colis scanné au dépôt samedi, rien depuis.",
        "Client courtois, attend surtout une date précise.",
        "Remboursement conforme à la politique, pas besoin de validation.",
    ],
    "nl": [
        "Nagevraagd bij de vervoerder: pakket zaterdag gescand in het depot, sindsdien niets.",
        "Klant is vriendelijk en wil vooral een duidelijke datum.",
        "Terugbetaling valt binnen het beleid, geen akkoord nodig.",
    ],
    "de": [
        "Beim Paketdienst nachgefragt: Sendung am Samstag im Depot gescannt, seitdem nichts.",
        "Kunde freundlich, möchte vor allem einen klaren Termin.",
        "Erstattung im Rahmen der Richtlinie, keine Freigabe nötig.",
    ],
    "es": [
        "Consultado con la agencia: el paquete se escaneó en la delegación el sábado y nada más.",
        "Cliente amable, sobre todo quiere una fecha clara.",
        "Reembolso dentro de la política, no hace falta aprobación.",
    ],
    "it": [
        "Verificato con il corriere: pacco scansionato in deposito sabato, poi più nulla.",
        "Cliente cortese, vuole soprattutto una data certa.",
        "Rimborso nei limiti della policy, nessuna approvazione necessaria.",
    ],
    "pl": [
        "Sprawdzone u przewoźnika: paczka zeskanowana w sortowni w sobotę, od tego czasu nic.",
        "Klient uprzejmy, oczekuje przede wszystkim konkretnego terminu.",
        "Zwrot zgodny z zasadami, akceptacja niepotrzebna.",
    ],
    "lt": [
        "Pasitikrinta pas kurjerį: siunta nuskenuota sandėlyje šeštadienį, nuo tada nieko.",
        "Klientas mandagus, jam svarbiausia aiški data.",
        "Grąžinimas atitinka taisykles, patvirtinimo nereikia.",
    ],
}

# Hand-off notes, what the next owner reads first: for a refund, for anything else.
HANDOFF_NOTES: dict[str, list[str]] = {
    "en": [
        "Refund above my approval limit; order history checked, customer is waiting for a date.",
        "Needs a carrier investigation; tracking checked, customer knows we'll come back "
        "with a date.",
    ],
    "fr": [
        "Remboursement au-delà de mon plafond ; historique vérifié, le client attend une date.",
        "Enquête transporteur nécessaire ; suivi vérifié, le client sait que nous revenons "
        "vers lui avec une date.",
    ],
    "nl": [
        "Terugbetaling boven mijn limiet; bestelhistorie gecheckt, klant wacht op een datum.",
        "Onderzoek bij de vervoerder nodig; track & trace gecheckt, klant weet dat we met "
        "een datum terugkomen.",
    ],
    "de": [
        "Erstattung über meinem Freigabelimit; Bestellhistorie geprüft, Kunde wartet auf "
        "einen Termin.",
        "Nachforschung beim Paketdienst nötig; Sendungsverlauf geprüft, Kunde weiß, dass wir "
        "uns mit einem Termin melden.",
    ],
    "es": [
        "Reembolso por encima de mi límite; historial del pedido revisado, el cliente espera "
        "una fecha.",
        "Hay que abrir investigación con la agencia; seguimiento revisado, el cliente sabe que "
        "le daremos una fecha.",
    ],
    "it": [
        "Rimborso oltre il mio limite; storico dell'ordine verificato, il cliente aspetta "
        "una data.",
        "Serve un'indagine con il corriere; tracciamento verificato, il cliente sa che gli "
        "daremo una data.",
    ],
    "pl": [
        "Zwrot powyżej mojego limitu; historia zamówienia sprawdzona, klient czeka na termin.",
        "Potrzebne postępowanie wyjaśniające u przewoźnika; śledzenie sprawdzone, klient wie, "
        "że wrócimy z terminem.",
    ],
    "lt": [
        "Grąžinimas viršija mano limitą; užsakymo istorija patikrinta, klientas laukia datos.",
        "Reikia tyrimo pas kurjerį; sekimas patikrintas, klientas žino, kad grįšime su data.",
    ],
}
