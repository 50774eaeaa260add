"""German: Sie/Ihnen/Ihr… against du/dich/dir/dein…/euch/euer….

The formal pronouns are told by their capital: mid-sentence "Sie" is "you", "sie" is "she" or
"they". At the start of a sentence every word is capitalised, so "Sie" there is counted only
half, and only before a verb form that fits "you" ("Sie erhalten", not "Sie wurde versandt").
"""

from amends.replies.languages import FORMAL, INFORMAL, Courtesy, LanguageData, Marker

_FORMAL = Courtesy(FORMAL)
_VERBS = (
    "werden|werde|melden|senden|schicken|erstatten|rufen|kümmern|prüfen|informieren|"
    "veranlassen|tauschen|buchen|überweisen|leiten|geben|schreiben|kontaktieren|sorgen|holen|"
    "stornieren|bearbeiten|klären|ersetzen|liefern|versenden|verschicken|zahlen|erstatten|"
    "organisieren|beauftragen|schauen|halten|lassen|bringen|"
    # first person, as in "morgen melde ich mich": German says the future in the present
    "melde|schicke|sende|kümmere|prüfe|erstatte|kläre"
)

LANGUAGE = LanguageData(
    code="de",
    informal={
        "du": 1.0,
        "dich": 1.0,
        "dir": 1.0,
        "dein": 1.0,
        "deine": 1.0,
        "deinen": 1.0,
        "deinem": 1.0,
        "deiner": 1.0,
        "deines": 1.0,
        "euch": 1.0,
        "euer": 1.0,
        "eure": 1.0,
        "euren": 1.0,
        "eurem": 1.0,
        "eurer": 1.0,
        "eures": 1.0,
    },
    courtesy={
        "sie": _FORMAL,
        "ihnen": _FORMAL,
        "ihr": _FORMAL,
        "ihre": _FORMAL,
        "ihren": _FORMAL,
        "ihrem": _FORMAL,
        "ihrer": _FORMAL,
        "ihres": _FORMAL,
    },
    initial_weight=0.0,
    initial_next=r"^(?:\w+en|sind|haben|können|möchten|dürfen|müssen|erhalten|bekommen)$",
    initial_next_weight=0.5,
    markers=(
        Marker(r"\b(?:melde|schreib|gib|sag|schick|ruf)\s+(?:uns|mir)\b", INFORMAL),
        Marker(r"\bzögere\s+nicht\b", INFORMAL),
        Marker(r"\b(?:bekommst|erhältst|kannst|hast|bist|möchtest|willst|musst|wirst)\b", INFORMAL),
    ),
    greetings={
        "sehr geehrte damen und herren": FORMAL,
        "sehr geehrte": FORMAL,
        "sehr geehrter": FORMAL,
        "guten tag": None,
        "guten morgen": None,
        "guten abend": None,
        "hallo": None,
        "liebe": None,
        "lieber": None,
        "moin": None,
        "grüß gott": None,
        "grüezi": None,
        "servus": INFORMAL,
        "hi": INFORMAL,
        "hey": INFORMAL,
        "huhu": INFORMAL,
        "na": INFORMAL,
    },
    acknowledgements=(
        r"\b(?:ich|wir)\s+(?:\w+\s+)?(?:verstehe|verstehen|kann|können)\s+(?:\w+\s+){0,3}"
        r"(?:verstehen|nachvollziehen|vorstellen)\b",
        r"\b(?:ich|wir)\s+verstehen?\b",
        r"\b(?:verstehe|verstehen)\s+(?:ich|wir)\b",
        r"\b(?:danke|danken|vielen\s+dank|herzlichen\s+dank)[\s,]+(?:\w+[\s,]+){0,4}(?:für|dass)\b",
        r"\b(?:das|es)\s+(?:ist|war|klingt)\s+(?:\w+\s+)?(?:ärgerlich|frustrierend|"
        r"enttäuschend|unangenehm|bedauerlich|nicht\s+in\s+ordnung)\b",
        r"\btut\s+(?:uns|mir)\s+(?:\w+\s+)?leid\s+zu\s+hören\b",
        r"\b(?:wie|was)\s+ärgerlich\b",
        r"\b(?:sie|du)\s+(?:schreiben|schreibst|haben\s+recht|hast\s+recht|berichten|"
        r"berichtest|haben\s+uns|hast\s+uns)\b",
        r"\b(?:ich|wir)\s+(?:sehe|sehen|lese|lesen)\s+(?:\w+\s+)?dass\b",
    ),
    apologies=(
        r"\bentschuldig(?:en|ung|ungen|e|t)\b",
        # "es tut uns leid", "die Unannehmlichkeiten tun uns leid"
        r"\bt(?:ut|un)\s+(?:uns|mir)\s+(?:\w+\s+){0,2}leid\b",
        r"\bbedauer(?:n|e|lich)\b",
        r"\bverzeih(?:ung|en|e)?\b",
        r"\bsorry\b",
    ),
    actions=(
        r"\b(?:wir|ich)\s+(?:werden|werde)\b",
        r"\b(?:werden|werde)\s+(?:wir|ich)\b",
        rf"\b(?:wir|ich)\s+(?:(?:sie|ihnen|dich|dir|euch|uns|es|das|den|die|ihr)\s+)*"
        rf"(?:{_VERBS})\b",
        rf"\b(?:{_VERBS})\s+(?:wir|ich)\b",
        r"\b(?:erhalten|bekommen)\s+sie\b|\bsie\s+(?:erhalten|bekommen)\b",
        r"\b(?:erhältst|bekommst|wirst)\b",
        r"\bwird\b|\bwerden\b",
    ),
    relative_days={
        r"\bheute(?:\s+(?:abend|nachmittag|noch))?\b": 0,
        r"\b(?:zum|bis\s+zum)\s+(?:ende\s+des\s+tages|tagesende)\b": 0,
        r"(?<!guten\s)\bmorgen(?:\s+(?:früh|vormittag|nachmittag|abend))?\b": 1,
        r"\bübermorgen\b": 2,
    },
    within=r"innerhalb(?: von| der nächsten)?|in(?: den nächsten)?|binnen",
    units={
        r"(?:werk|arbeits|geschäfts)tag(?:en|e)?": "business_day",
        r"tag(?:en|e)?": "day",
        r"stunden?|std\.?|h": "hour",
        r"wochen?": "week",
    },
    numbers={
        "einem": 1,
        "einer": 1,
        "ein": 1,
        "eine": 1,
        "zwei": 2,
        "drei": 3,
        "vier": 4,
        "fünf": 5,
        "sechs": 6,
        "sieben": 7,
        "acht": 8,
        "zehn": 10,
        "vierzehn": 14,
    },
    times=(
        r"\b(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\s*uhr\b",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "",
        "order_number": "",
        "carrier": "der Paketdienst",
        "tracking_number": "",
        "remedy": "eine Lösung",
        "amount": "der Betrag",
        "agent_name": "Der Kundenservice",
        "shop_name": "unser Shop",
    },
)
