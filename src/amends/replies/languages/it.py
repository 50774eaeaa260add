"""Italian: Lei/La/Le/Suo/Sua/Suoi/Sue (capitalised courtesy forms) against tu/ti/te/tuo….

The courtesy forms are told by their capital mid-sentence ("La contatteremo", "aiutarLa");
lower case they are "she", "the", "his". "La"/"Le" before another capitalised word begin a name
("La Rinascente"); at the start of a sentence they count only before a "we" verb ("La
ringraziamo", not "La spedizione").
"""

from amends.replies.languages import FORMAL, INFORMAL, Courtesy, LanguageData, Marker

_FORMAL = Courtesy(FORMAL)
_INFORMAL_WORDS = (
    "tu ti te tuo tua tuoi tue hai puoi vuoi devi sai riceverai potrai avrai vedrai troverai "
    "scrivici contattaci ricontattaci facci fammi dicci inviaci mandaci rispondici aiutarti "
    "contattarti ricontattarti rimborsarti inviarti scriverti ringraziarti risponderti "
    "offrirti informarti aggiornarti spedirti chiederti darti farti dirti richiamarti "
    "assisterti confermarti avvisarti garantirti proporti mandarti restituirti accreditarti "
    "sostituirti scusarti"
)

LANGUAGE = LanguageData(
    code="it",
    informal={"t'": 1.0, **dict.fromkeys(_INFORMAL_WORDS.split(), 1.0)},
    courtesy={
        "lei": _FORMAL,
        "la": _FORMAL,
        "le": _FORMAL,
        "suo": _FORMAL,
        "sua": _FORMAL,
        "suoi": _FORMAL,
        "sue": _FORMAL,
    },
    initial_next=r"^\w+(?:iamo|emo)$",
    initial_next_weight=1.0,
    name_guard=frozenset({"la", "le"}),
    markers=(
        Marker(r"\b[a-zàèéìòù]{3,}(?:La|Le)\b", FORMAL, cased=True),
        Marker(
            r"\bci\s+(?:contatti|scriva|faccia\s+sapere|invii|mandi|risponda|comunichi)\b", FORMAL
        ),
        Marker(r"\bnon\s+esiti\b", FORMAL),
        Marker(r"\bnon\s+esitare\b", INFORMAL),
    ),
    greetings={
        "gentile": FORMAL,
        "gentilissimo": FORMAL,
        "gentilissima": FORMAL,
        "egregio": FORMAL,
        "egregia": FORMAL,
        "spettabile": FORMAL,
        "buongiorno": None,
        "buonasera": None,
        "salve": None,
        "caro": None,
        "cara": None,
        "ciao": INFORMAL,
        "ehi": INFORMAL,
        "hey": INFORMAL,
    },
    acknowledgements=(
        r"\b(?:capisco|capiamo|comprendo|comprendiamo)\b",
        r"\bgrazie\s+(?:\w+\s+){0,2}(?:per|di)\b",
        r"\b(?:ti|la|le|vi)\s+ringrazi(?:o|amo)\b",
        r"\bringraziar(?:ti|la|le|vi)\b",
        r"\b(?:è|sarà|deve\s+essere|dev'essere)\s+(?:\w+\s+)?(?:frustrante|fastidioso|"
        r"spiacevole|deludente|seccante|un\s+disagio)\b",
        r"\bche\s+(?:\w+\s+)?(?:peccato|seccatura|fastidio)\b",
        r"\b(?:ci\s+)?(?:scrivi|scrive|segnali|segnala|racconti|racconta|dici|dice)\s+che\b",
        r"\b(?:hai|ha)\s+(?:perfettamente\s+)?ragione\b",
        r"\b(?:vedo|vediamo|leggo|leggiamo|abbiamo\s+ricevuto|ho\s+ricevuto)\b",
        r"\bci\s+dispiace\s+(?:\w+\s+)?(?:sapere|leggere)\b",
    ),
    apologies=(
        r"\bci\s+scusiamo\b|\bmi\s+scuso\b",
        r"\bscus(?:a|e|aci|ateci|i)\b",
        r"\b(?:ci|mi)\s+dispiace\b",
        r"\bsiamo\s+(?:davvero\s+|molto\s+)?spiacenti\b|\bspiacent[ei]\b",
        r"\bchiediamo\s+scusa\b",
        r"\bperdon(?:aci|i|ateci|o)\b",
        r"\bdispiaciut[ia]\b",
    ),
    actions=(
        r"\b(?!estremo\b|supremo\b|remo\b)\w+(?:eremo|iremo|aremo|dremo|rremo)\b",
        r"\b\w+(?:erò|irò|arò)\b",
        r"\b(?:riceverai|riceverà|riceverete|potrai|potrà|avrai|avrà|sarà|saranno|arriverà|"
        r"arriveranno|verrà|verranno|vedrai|vedrà)\b",
        r"\bstiamo\s+per\b",
        r"\b(?:ti|le|la|vi)\s+(?:inviamo|mandiamo|rimborsiamo|richiamiamo|contattiamo|"
        r"scriviamo|accreditiamo|spediamo)\b",
    ),
    relative_days={
        r"\boggi(?:\s+stesso)?\b": 0,
        r"\bstasera\b|\bstamattina\b|\bquesto\s+pomeriggio\b": 0,
        r"\b(?:la\s+)?fine\s+della\s+giornata\b": 0,
        r"\bdomani(?:\s+(?:mattina|pomeriggio|sera))?\b": 1,
        r"\bdopodomani\b": 2,
    },
    within=r"entro(?: i prossimi| le prossime)?|tra|fra|nei prossimi|nelle prossime",
    units={
        r"giorni\s+(?:lavorativi|feriali)|giorno\s+lavorativo": "business_day",
        r"giorni|giorno": "day",
        r"ore|ora|h": "hour",
        r"settimane?|settimana": "week",
    },
    numbers={
        "un": 1,
        "uno": 1,
        "una": 1,
        "due": 2,
        "tre": 3,
        "quattro": 4,
        "cinque": 5,
        "sei": 6,
        "sette": 7,
        "otto": 8,
        "dieci": 10,
        "quindici": 15,
    },
    times=(
        r"\b(?:alle|ore|entro\s+le)\s+(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "",
        "order_number": "",
        "carrier": "il corriere",
        "tracking_number": "",
        "remedy": "una soluzione",
        "amount": "l'importo",
        "agent_name": "Il servizio clienti",
        "shop_name": "il nostro negozio",
    },
)
