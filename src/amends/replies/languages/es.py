"""Spanish: usted/ustedes/su/sus against tú/te/ti/tu/tus/contigo and the second person.

"su", "sus" and "le" are also "his", "her", "its", "their", "to him", so they weigh little: one
"su pedido" in an informal reply is a warning, not an error; a formal reply without "usted"
still shows itself by their number and by its imperatives ("Reciba un cordial saludo").

The commonest second-person verb forms and enclitics
of customer service ("puedes", "recibirás", "ayudarte", "escríbenos") are listed, cheaply.
"""

from amends.replies.languages import FORMAL, INFORMAL, LanguageData, Marker

_INFORMAL_VERBS = (
    "puedes podrás tienes tendrás quieres necesitas eres sabes debes recibirás recibiste "
    "verás hiciste pediste compraste escribiste hayas puedas quieras tengas necesites prefieres "
    "prefieras indícanos escríbenos contáctanos avísanos dinos envíanos mándanos cuéntanos "
    "llámanos confírmanos respóndenos háznoslo ayudarte contactarte escribirte enviarte "
    "devolverte reembolsarte informarte llamarte responderte ofrecerte confirmarte avisarte "
    "darte decirte pedirte mandarte atenderte facilitarte compensarte agradecerte recordarte "
    "molestarte proponerte mantenerte ayudándote enviándote tuyo tuya tuyos tuyas vosotros "
    "vosotras vuestro vuestra vuestros vuestras os"
)
_FORMAL_VERBS = (
    "indíquenos escríbanos contáctenos avísenos díganos envíenos mándenos cuéntenos llámenos "
    "confírmenos respóndanos disculpe perdone permítanos reciba acepte sírvase"
)
# "-le" is "to you" (formal) as often as "to him, to her": it weighs little, like "le" itself.
_FORMAL_ENCLITICS = (
    "darle ayudarle enviarle ofrecerle informarle confirmarle devolverle reembolsarle "
    "contactarle llamarle responderle atenderle facilitarle agradecerle recordarle pedirle "
    "indicarle escribirle compensarle"
)

LANGUAGE = LanguageData(
    code="es",
    informal={
        "tú": 1.0,
        "te": 1.0,
        "ti": 1.0,
        "tu": 1.0,
        "tus": 1.0,
        "contigo": 1.0,
        **dict.fromkeys(_INFORMAL_VERBS.split(), 1.0),
    },
    formal={
        "usted": 1.0,
        "ustedes": 1.0,
        "ud": 1.0,
        "uds": 1.0,
        "vd": 1.0,
        "vds": 1.0,
        "le": 0.25,
        "su": 0.4,
        "sus": 0.4,
        "suyo": 0.4,
        "suya": 0.4,
        **dict.fromkeys(_FORMAL_VERBS.split(), 1.0),
        **dict.fromkeys(_FORMAL_ENCLITICS.split(), 0.4),
    },
    markers=(
        # "estás" (you are) only with its accent: folded, it is "estas" (these), as in the
        # formal "estas opciones".
        Marker(r"\b[Ee]stás\b", INFORMAL, cased=True),
        Marker(r"\bno\s+dudes\b", INFORMAL),
        Marker(r"\bno\s+dude\b", FORMAL),
    ),
    greetings={
        "estimado": FORMAL,
        "estimada": FORMAL,
        "estimados": FORMAL,
        "apreciado": FORMAL,
        "apreciada": FORMAL,
        "distinguido": FORMAL,
        "distinguida": FORMAL,
        "muy señor mío": FORMAL,
        "hola": None,
        "buenos días": None,
        "buenas tardes": None,
        "buenas noches": None,
        "buenas": INFORMAL,
        "querido": INFORMAL,
        "querida": INFORMAL,
        "qué tal": INFORMAL,
        "hey": INFORMAL,
        "holi": INFORMAL,
    },
    acknowledgements=(
        r"\b(?:entiendo|entendemos|comprendo|comprendemos)\b",
        r"\bgracias\s+(?:\w+\s+){0,2}(?:por|de)\b",
        r"\b(?:te|le|les)\s+agradecemos\b",
        r"\b(?:lamentamos|lamento|sentimos|siento)\s+(?:mucho\s+)?(?:saber|leer|oír|escuchar)\b",
        r"\b(?:es|resulta|debe\s+ser|ha\s+sido)\s+(?:\w+\s+)?(?:frustrante|molesto|"
        r"decepcionante|incómodo|desagradable|un\s+fastidio|un\s+contratiempo)\b",
        r"\bqué\s+(?:\w+\s+)?(?:rabia|fastidio|faena|lata|molestia|contratiempo)\b",
        r"\b(?:nos\s+)?(?:indicas|indica|comentas|comenta|cuentas|cuenta|explicas|explica|"
        r"escribes|escribe|dices|dice)\s+que\b",
        r"\b(?:tienes|tiene)\s+(?:toda\s+la\s+)?razón\b",
        r"\b(?:veo|vemos|he\s+visto|hemos\s+visto|hemos\s+recibido|he\s+recibido)\b",
    ),
    apologies=(
        r"\blo\s+sent(?:imos|imos\s+mucho|o)\b",
        r"\bsentimos\b",
        r"\bsiento\s+much(?:o|isimo)\b",  # "siento muchísimo" (matched without accents)
        r"\bdisculp(?:a|as|e|en|ad|ar|arnos|ame|enos|anos)\b",
        r"\bperd(?:ón|ona|one|onad|onanos|ónanos|ónenos)\b",
        r"\blamenta(?:mos|r)\b|\blamento\b",
        r"\bnuestras\s+(?:más\s+sinceras\s+)?disculpas\b",
    ),
    actions=(
        r"\bvamos\s+a\b|\bvoy\s+a\b",
        r"\b(?!queremos\b|esperemos\b|quisieremos\b)\w+(?:aremos|eremos|iremos|dremos|haremos|"
        r"diremos)\b",
        r"\b\w+(?:aré|eré|iré|dré)\b",
        r"\b(?:recibirás|recibirá|recibirán|tendrás|tendrá|llegará|llegarán|estará|estarán|"
        r"podrás|podrá|será|serán|verás|verá)\b",
        r"\b(?:te|le|les|os)\s+(?:llamamos|escribimos|enviamos|mandamos|devolvemos|"
        r"reembolsamos|contactamos|confirmamos|informamos)\b",
    ),
    relative_days={
        r"\bhoy(?:\s+mismo)?\b": 0,
        r"\besta\s+(?:mañana|tarde|noche)\b": 0,
        r"\b(?:el\s+)?final\s+del\s+día\b": 0,
        r"(?<!esta\s)(?<!pasado\s)(?<!la\s)\bmañana\b": 1,
        r"\bpasado\s+mañana\b": 2,
    },
    within=r"en(?: un plazo de| el plazo de| los próximos| las próximas)?|dentro de|antes de",
    units={
        r"días?\s+(?:hábiles|laborables)": "business_day",
        r"días?": "day",
        r"horas?|h": "hour",
        r"semanas?": "week",
    },
    numbers={
        "un": 1,
        "una": 1,
        "uno": 1,
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "seis": 6,
        "siete": 7,
        "ocho": 8,
        "diez": 10,
        "quince": 15,
    },
    times=(
        r"\b(?:a|antes\s+de|hasta)\s+las\s+(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "",
        "order_number": "",
        "carrier": "la empresa de transporte",
        "tracking_number": "",
        "remedy": "una solución",
        "amount": "el importe",
        "agent_name": "El equipo de atención al cliente",
        "shop_name": "nuestra tienda",
    },
)
