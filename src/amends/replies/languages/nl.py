"""Dutch: u/uw against je/jij/jou/jouw/jullie.

"je" also lives in fixed expressions that address nobody ("je weet maar nooit"); "u" is also the
letter ("de letter u", "U-bocht": a one-letter part of a compound is never read as a word).
Dutch says the future in the present tense ("wij bellen u morgen terug"), so a promise is "we" or
"ik" with a verb, in either order, next to a date.
"""

from amends.replies.languages import FORMAL, INFORMAL, LanguageData

_VERBS = (
    "zullen|zal|gaan|ga|sturen|stuur|bellen|bel|storten|betalen|nemen|neem|laten|laat|zorgen|"
    "zorg|versturen|verstuur|verzenden|mailen|mail|vergoeden|crediteren|regelen|regel|"
    "controleren|onderzoeken|boeken|brengen|halen|komen|kom|houden|geven|informeren|"
    "laten weten|melden|horen|vervangen|ruilen|terugbetalen|verwerken|plannen|bezorgen|leveren"
)

LANGUAGE = LanguageData(
    code="nl",
    informal={
        "je": 1.0,
        "jij": 1.0,
        "jou": 1.0,
        "jouw": 1.0,
        "jouwe": 1.0,
        "jullie": 1.0,
        "jezelf": 1.0,
        "je'": 1.0,
    },
    formal={"u": 1.0, "uw": 1.0, "uzelf": 1.0, "uwe": 1.0},
    not_address=(
        r"\bje\s+weet\s+maar\s+nooit\b",
        r"\bje\s+reinste\b",
        r"\bhoe\s+je\s+het\s+ook\s+wendt\s+of\s+keert\b",
        r"\bje\s+ne\s+sais\s+quoi\b",
        r"\bletter\s+u\b",
        "['\u2018\u2019\"]u['\u2018\u2019\"]",  # 'u' quoted as a letter
    ),
    greetings={
        "geachte": FORMAL,
        "beste": None,
        "dag": None,
        "goedendag": None,
        "goedemorgen": None,
        "goedemiddag": None,
        "goedenavond": None,
        "hallo": None,
        "hoi": INFORMAL,
        "hey": INFORMAL,
        "hee": INFORMAL,
        "hi": INFORMAL,
        "hai": INFORMAL,
        "lieve": INFORMAL,
        "yo": INFORMAL,
    },
    acknowledgements=(
        r"\b(?:ik|wij|we)\s+(?:\w+\s+)?(?:begrijp(?:en)?|snap(?:pen)?|zie|zien|lees|lezen)\b",
        r"\b(?:begrijp|snap|zie|lees)\s+(?:ik|we|wij)\b",
        r"\b(?:dank|bedankt)\s+(?:\w+\s+){0,3}(?:voor|dat)\b",
        r"\b(?:dank|bedankt)\s+(?:u|je|jullie)\s+wel\b",
        r"\bwat\s+(?:\w+\s+)?(?:vervelend|naar|jammer|balen|een\s+gedoe|onhandig|frustrerend|"
        r"teleurstellend|rot)\b",
        r"\b(?:erg|heel|echt|zeer|bijzonder|ontzettend)\s+(?:vervelend|jammer|frustrerend|"
        r"teleurstellend|onhandig)\b",
        r"\b(?:u|je|jij)\s+(?:schrijft|schreef|meldt|meldde|laat\s+ons\s+weten|vertelt|"
        r"heeft\s+gelijk|hebt\s+gelijk|hebt\s+ons|heeft\s+ons)\b",
        r"\bfijn\s+dat\s+(?:u|je)\b",
        r"\b(?:uw|je|jouw)\s+(?:bericht|mail|melding|klacht|vraag)\s+(?:hebben|is)\b",
    ),
    apologies=(
        r"\bexcuses\b",
        r"\bexcuus\b",
        r"\bsorry\b",
        r"\bspijt\b",
        r"\bverontschuldig(?:en|ing|ingen)\b",
    ),
    actions=(
        rf"\b(?:wij|we|ik)\s+(?:(?:u|je|jou|jullie|het|dit|dat|hem|ze|er|uw|jouw|de|een)\s+)*"
        rf"(?:{_VERBS})\b",
        rf"\b(?:{_VERBS})\s+(?:wij|we|ik)\b",
        r"\b(?:ontvangt|krijgt|hoort)\s+(?:u|je|jij)\b",
        r"\b(?:krijg|hoor|ontvang)\s+je\b",  # "morgen krijg je bericht"
        r"\b(?:u|je|jij)\s+(?:ontvangt|krijgt|hoort|heeft|hebt)\b.{0,60}\b(?:uiterlijk|voor|"
        r"binnen|op)\b",
        r"\b(?:wordt|worden)\b",
        r"\b(?:is|zijn)\s+(?:het|uw|je|jouw|de|het\s+geld)?\s*(?:\w+\s+)?(?:binnen|uiterlijk)\b",
    ),
    relative_days={
        r"\bvandaag\b": 0,
        r"\bvanavond\b": 0,
        r"\bvanmiddag\b": 0,
        r"\b(?:het\s+)?einde\s+van\s+de\s+(?:dag|middag)\b": 0,
        r"\bmorgen(?:ochtend|middag|avond|vroeg)?\b": 1,
        r"\bovermorgen\b": 2,
    },
    within=r"binnen|over|in(?: de komende)?|uiterlijk over",
    units={
        r"werkdag(?:en)?": "business_day",
        r"dag(?:en)?": "day",
        r"uur|u": "hour",
        r"we(?:e|)k(?:en)?": "week",
    },
    numbers={
        "een": 1,
        "één": 1,
        "twee": 2,
        "drie": 3,
        "vier": 4,
        "vijf": 5,
        "zes": 6,
        "zeven": 7,
        "acht": 8,
        "tien": 10,
        "veertien": 14,
    },
    times=(
        r"\b(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\s*(?:uur|u)\b",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "klant",
        "order_number": "",
        "carrier": "de vervoerder",
        "tracking_number": "",
        "remedy": "een passende oplossing",
        "amount": "het bedrag",
        "agent_name": "De klantenservice",
        "shop_name": "onze winkel",
    },
)
