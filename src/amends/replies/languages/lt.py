"""Lithuanian: jūs/jūsų/jums/jus against tu/tave/tau/tavo and the second person singular.

People often type without the marks ("jus", "jusu"), which the folded view reads the same. The
second person singular is cheap to tell in the future ("gausi", "galėsi") and the imperative
("parašyk"), where it differs from the third; the polite plural ends in "-ite", "-ote", "-ėte"
("turite", "rašote", "parašėte", "susisiekite").
"""

from amends.replies.languages import FORMAL, INFORMAL, LanguageData, Suffix

_INFORMAL_WORDS = (
    "tu tave tau tavo tavęs tavimi tavyje esi gausi galėsi rasi būsi turėsi matysi sužinosi "
    "norėsi gavai užsakei parašei pateikei parašyk susisiek praneški praneš atsiųsk patikrink "
    "spausk paspausk nesijaudink palauk"
)
_FORMAL_WORDS = "jūs jūsų jums jus jumis jūsiškis gausite galėsite rasite būsite turėsite"

LANGUAGE = LanguageData(
    code="lt",
    informal=dict.fromkeys(_INFORMAL_WORDS.split(), 1.0),
    formal=dict.fromkeys(_FORMAL_WORDS.split(), 1.0),
    # The second person plural (the polite form): "turite", "parašėte", "rašote", "susisiekite".
    suffixes=(
        Suffix("ite", FORMAL, 1.0, 6),
        Suffix("ėte", FORMAL, 1.0, 6),
        Suffix("ote", FORMAL, 1.0, 6),
    ),
    greetings={
        "gerbiamas": FORMAL,
        "gerbiama": FORMAL,
        "gerbiamieji": FORMAL,
        "gerbiamoji": FORMAL,
        "gerb": FORMAL,
        "laba diena": None,
        "labas rytas": None,
        "labas vakaras": None,
        "sveiki": None,
        "labas": INFORMAL,
        "sveikas": INFORMAL,
        "sveika": INFORMAL,
        "ei": INFORMAL,
        "hey": INFORMAL,
    },
    acknowledgements=(
        r"\bsuprant(?:ame|u)\b",
        # A comma before "kad" is the rule in Lithuanian: "dėkojame, kad …".
        r"\bdėkoj(?:ame|u)[,\s]+(?:\w+\s+){0,3}(?:už|kad)\b",
        r"\bačiū[,\s]+(?:\w+\s+){0,2}(?:už|kad)\b",
        r"\b(?:labai\s+)?gaila\s+(?:girdėti|skaityti|sužinoti)\b",
        r"\b(?:tai|tikrai)\s+(?:\w+\s+)?(?:nemalonu|erzina|apmaudu|nuvilia|nepatogu)\b",
        r"\b(?:rašote|rašai|pranešate|pranešei|nurodote|nurodei|minite|minėjai)\b",
        r"\b(?:jūs|tu)\s+(?:visiškai\s+)?(?:teisūs|teisus|teisi|teisūs)\b",
        r"\bgavome\s+(?:\w+\s+)?(?:žinutę|laišką|pranešimą|užklausą|skundą)\b",
        r"\bmatome,?\s+kad\b",
    ),
    apologies=(
        r"\batsiprašo(?:me|u)\b|\batsiprašau\b",
        r"\batsiprašym(?:o|ą|as|ų)\b",
        r"\bapgailestaujam(?:e)?\b|\bapgailestauju\b",
        r"\batleisk(?:ite)?\b",
        r"\b(?:labai\s+)?gaila\b",
    ),
    actions=(
        r"\b\w{3,}(?:sime|site|sim)\b",
        r"\b(?:gausi|galėsi|rasi|būsi|turėsi|matysi|sužinosi|bus)\b",
        r"\bmes\s+\w+\b",
    ),
    relative_days={
        r"\bšiandien(?:\s+vakare)?\b": 0,
        r"\biki\s+dienos\s+pabaigos\b": 0,
        r"\brytoj(?:\s+(?:ryte|vakare|po\s+pietų))?\b": 1,
        r"\bporyt\b": 2,
    },
    within=r"per(?: artimiausias| ateinančias)?|po|iki",
    units={
        r"darbo\s+dien(?:as|ų|os|ą)": "business_day",
        r"dien(?:as|ų|os|ą)|dieną": "day",
        r"valand(?:as|ų|os|ą)|val\.?|h": "hour",
        r"savait(?:es|ės|ę|ė)": "week",
    },
    numbers={
        "vieną": 1,
        "vienos": 1,
        "dvi": 2,
        "dvejas": 2,
        "dviejų": 2,
        "tris": 3,
        "trijų": 3,
        "keturias": 4,
        "keturių": 4,
        "penkias": 5,
        "penkių": 5,
        "septynias": 7,
        "dešimt": 10,
    },
    weekday_forms=(
        ("pirmadienį", "pirmadienio", "pirmadienis"),
        ("antradienį", "antradienio", "antradienis"),
        ("trečiadienį", "trečiadienio", "trečiadienis"),
        ("ketvirtadienį", "ketvirtadienio", "ketvirtadienis"),
        ("penktadienį", "penktadienio", "penktadienis"),
        ("šeštadienį", "šeštadienio", "šeštadienis"),
        ("sekmadienį", "sekmadienio", "sekmadienis"),
    ),
    times=(
        r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*val\b",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "",
        "order_number": "",
        "carrier": "kurjerių tarnyba",
        "tracking_number": "",
        "remedy": "tinkamas sprendimas",
        "amount": "suma",
        "agent_name": "Klientų aptarnavimo komanda",
        "shop_name": "mūsų parduotuvė",
    },
)
