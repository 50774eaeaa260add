"""French: vous/votre/vos against tu/te/t'/toi/ton/ta/tes.

"vous" is also the plural "you", which is fine in a formal reply; "nous" addresses nobody. "ton"
is also the noun "tone" ("le ton de notre message"). The euphonic t of "a-t-il" is a one-letter
part of a compound, which the linter never reads as a word of address.
"""

from amends.replies.languages import FORMAL, INFORMAL, LanguageData, Marker

_INFORMAL_IMPERATIVES = (
    "contacte|écris|dis|fais|tiens|envoie|réponds|indique|transmets|renvoie|préviens|confirme|"
    "précise|laisse|rappelle|excuse|pardonne|crois|sache|vérifie"
)

LANGUAGE = LanguageData(
    code="fr",
    informal={
        "tu": 1.0,
        "te": 1.0,
        "t'": 1.0,
        "toi": 1.0,
        "ton": 1.0,
        "ta": 1.0,
        "tes": 1.0,
        "tien": 1.0,
        "tienne": 1.0,
        "tiens": 0.3,  # also "tiens" (I hold, hold!)
    },
    formal={"vous": 1.0, "votre": 1.0, "vos": 1.0, "vôtre": 1.0, "vôtres": 1.0},
    markers=(
        Marker(r"\bn'hésite\s+pas\b", INFORMAL),
        Marker(rf"\b(?:{_INFORMAL_IMPERATIVES})-(?:nous|moi)\b", INFORMAL),
        Marker(r"\b\w+ez-(?:nous|moi|en)\b", FORMAL),
        Marker(r"\bn'hésitez\s+pas\b", FORMAL),
        Marker(r"\bveuillez\b", FORMAL),
    ),
    not_address=(
        r"\b(?:le|un|ce|du|au|d'un|quel|mon|son|même)\s+ton\b",
        r"\bton\s+(?:sur\s+ton|juste|neutre|employé)\b",
        r"\bà\s+tes\s+souhaits\b",
    ),
    greetings={
        "bonjour": None,
        "bonsoir": None,
        "madame, monsieur": FORMAL,
        "madame": FORMAL,
        "monsieur": FORMAL,
        "chère madame": FORMAL,
        "cher monsieur": FORMAL,
        "chère cliente": FORMAL,
        "cher client": FORMAL,
        "cher": None,
        "chère": None,
        "salut": INFORMAL,
        "coucou": INFORMAL,
        "hello": INFORMAL,
        "hey": INFORMAL,
        "yo": INFORMAL,
    },
    acknowledgements=(
        r"\b(?:je|nous)\s+(?:\w+\s+)?compren(?:ds|ons)\b",
        r"\bon\s+(?:\w+\s+)?comprend\b",
        r"\bmerci\s+(?:beaucoup\s+|bien\s+)?(?:de|d'|pour)\b",
        r"\b(?:je|nous)\s+(?:vous\s+|te\s+)?remerci(?:e|ons)\b",
        r"\b(?:c'est|c'était|cela doit être|ça doit être|voilà qui est)\s+(?:\w+\s+)?"
        r"(?:frustrant|agaçant|décevant|désagréable|pénible|embêtant|contrariant|ennuyeux)\b",
        r"\bdésolée?s?\s+d'apprendre\b",
        r"\b(?:j'ai|nous avons)\s+bien\s+(?:reçu|pris\s+note|noté|lu)\b",
        r"\b(?:vous|tu)\s+(?:nous\s+)?(?:signalez|signales|indiquez|indiques|écrivez|écris|"
        r"expliquez|expliques|avez signalé|as signalé|avez raison|as raison)\b",
        r"\bje\s+(?:vois|constate|lis)\s+que\b",
    ),
    apologies=(
        r"\bdésolée?s?\b",
        r"\bnavrée?s?\b",
        r"\bexcuse[sz]?\b",
        r"\bnous\s+(?:vous\s+|t')?excusons\b",
        r"\b(?:je|nous)\s+(?:m'|nous\s+)excus(?:e|ons)\b",
        r"\bpardon\b",
        r"\bnous\s+regrettons\b",
    ),
    actions=(
        r"\b(?:nous|je|on)\s+(?:allons|vais|va)\b",
        r"\b(?:nous|on)\s+(?:(?:vous|te|les|la|le|lui|leur|en|y)\s+|[tl]')*"
        r"\w{2,}(?:erons|irons|drons|rons|ra)\b",
        r"\bje\s+(?:(?:vous|te|les|la|le|lui|leur|en|y)\s+|[tl]')*\w+rai\b",
        r"\b(?:recevrez|recevras|aurez|auras|serez|seras|pourrez|pourras|obtiendrez|obtiendras)\b",
        r"\b(?:sera|seront|arrivera|partira|recevra|parviendra|interviendra|passera)\b",
        r"\b(?:vous|tu|il|elle)\s+(?:allez|vas|va)\s+recevoir\b",
    ),
    relative_days={
        r"\baujourd'hui\b": 0,
        r"\bce\s+(?:soir|matin)\b": 0,
        r"\bcet\s+après-midi\b": 0,
        r"\b(?:la\s+)?fin\s+de\s+(?:la\s+)?journée\b": 0,
        r"\bdemain\b": 1,
        r"\baprès-demain\b": 2,
    },
    within=r"sous|dans(?: les)?|d'ici(?: les)?|en|sous un délai de|dans un délai de",
    units={
        r"jours?\s+ouvr(?:és|ables)": "business_day",
        r"jours?": "day",
        r"heures?|h": "hour",
        r"semaines?": "week",
    },
    numbers={
        "un": 1,
        "une": 1,
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "six": 6,
        "sept": 7,
        "huit": 8,
        "dix": 10,
        "quinze": 15,
    },
    times=(
        r"\b(?P<h>\d{1,2})\s*h\s*(?P<m>\d{2})?(?!\w)",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "",
        "order_number": "",
        "carrier": "le transporteur",
        "tracking_number": "",
        "remedy": "une solution",
        "amount": "le montant",
        "agent_name": "Le service client",
        "shop_name": "notre boutique",
    },
)
