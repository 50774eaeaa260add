"""Polish: Pan/Pani/Państwo and their forms against ty/cię/ciebie/tobie/twój… and the second
person ("możesz", "zamówiłeś", "napisz").

"pan"/"pani" in lower case are also the courier ("pan kurier") and any third person, so they
weigh little; capitalised mid-sentence they are the courtesy form. "ci" is also "these" ("ci
kurierzy"); capitalised ("Dziękujemy Ci") it is "you". The "-sz" ending is cheap and wrong for a
handful of nouns ("nasz", "listonosz"), listed; a capitalised word mid-sentence is a name
("Łukasz") and never read as a verb.
"""

from amends.replies.languages import FORMAL, INFORMAL, Courtesy, LanguageData, Suffix

_PAN = Courtesy(FORMAL, capitalised=1.0, lowercase=0.4)
_PAN_FORMS = (
    "pan pani panu pana panem panią panie państwo państwa państwu państwem pański pańska pańskie "
    "pańskiego pańskiej pańskim pańską pańskich"
)
_NOT_VERBS = (
    "nasz kosz grosz listonosz kapelusz arkusz afisz klosz tusz plusz gulasz marsz wiersz mysz "
    "kalosz kirmasz koszt fresz"
)
_INFORMAL_WORDS = (
    "ty cię ciebie tobie tobą twój twoja twoje twojego twojej twoim twoją twoich twoimi twojemu "
    "wasz wasza wasze waszego waszej waszym waszą waszych wam was masz jesteś napisz daj sprawdź "
    "skontaktuj odpisz zadzwoń wyślij kliknij pamiętaj zajrzyj prześlij podaj wybierz zaloguj "
    "poczekaj zobacz odeślij zgłoś"
)
_FUTURE = (
    "będziemy będę zostanie zostaną otrzymasz otrzyma dostaniesz dostanie wyślemy prześlemy "
    "zwrócimy oddamy oddzwonimy skontaktujemy sprawdzimy przekażemy poinformujemy damy zrobimy "
    "zajmiemy rozpatrzymy wymienimy dostarczymy naprawimy odpowiemy potwierdzimy przygotujemy "
    "zlecimy odbierzemy zaksięgujemy przelejemy anulujemy wystawimy napiszemy zadzwonimy "
    "zamówimy odeślemy uruchomimy wyjaśnimy ustalimy załatwimy dopilnujemy zwrócę wyślę "
    "oddzwonię sprawdzę napiszę zadzwonię skontaktuję zrealizujemy odpiszemy"
)

LANGUAGE = LanguageData(
    code="pl",
    informal=dict.fromkeys(_INFORMAL_WORDS.split(), 1.0),
    courtesy={
        "ci": Courtesy(INFORMAL, capitalised=1.0, lowercase=0.5),
        **dict.fromkeys(_PAN_FORMS.split(), _PAN),
    },
    initial_weight=0.5,
    suffixes=(
        Suffix("sz", INFORMAL, 1.0, 5),
        Suffix("łeś", INFORMAL),
        Suffix("łaś", INFORMAL),
        Suffix("byś", INFORMAL),
    ),
    suffix_exceptions=frozenset(_NOT_VERBS.split()),
    not_address=(
        r"\bpan(?:a|u|em|i|ią)?\s+kurier\w*",
        r"\bpani(?:ą)?\s+(?:kurier\w*|z\s+\w+)",
        r"\bpan(?:a|u|em)?\s+z\s+\w+",
        r"\bpaństw(?:o|a|u|em)\s+(?:polsk\w*|członkowsk\w*|prawa)\b",
    ),
    greetings={
        "szanowny panie": FORMAL,
        "szanowna pani": FORMAL,
        "szanowni państwo": FORMAL,
        "szanowny": FORMAL,
        "szanowna": FORMAL,
        "szanowni": FORMAL,
        "dzień dobry": None,
        "dobry wieczór": None,
        "witam": None,
        "witamy": None,
        "drogi": None,
        "droga": None,
        "cześć": INFORMAL,
        "hej": INFORMAL,
        "siema": INFORMAL,
        "witaj": INFORMAL,
        "elo": INFORMAL,
    },
    acknowledgements=(
        r"\brozumie(?:m|my)\b",
        r"\b(?:dziękujemy|dziękuję|dzięki)\s+(?:\w+\s+){0,2}za\b",
        r"\bprzykro\s+(?:nam|mi)\s+(?:to\s+)?(?:słyszeć|czytać|słyszymy)\b",
        r"\b(?:to|jest)\s+(?:\w+\s+)?(?:frustrujące|irytujące|nieprzyjemne|rozczarowujące|"
        r"uciążliwe|kłopotliwe|denerwujące)\b",
        r"\b(?:pisze|piszesz|piszą|zgłasza|zgłaszasz|zgłaszają|informuje|informujesz)\b",
        r"\b(?:ma|masz|mają)\s+(?:pan|pani|państwo)?\s*(?:całkowitą\s+)?rację\b",
        r"\botrzymaliśmy\s+(?:\w+\s+)?(?:wiadomość|zgłoszenie|reklamację|e-mail|maila)\b",
        r"\b(?:widzę|widzimy),?\s+że\b",
    ),
    apologies=(
        r"\bprzeprasza(?:m|my)\b",
        r"\bprzeprosi(?:ny|n|ć|my)\b",
        r"\bprzykro\s+(?:nam|mi)\b",
        r"\b(?:nam|mi)\s+przykro\b",  # "bardzo nam przykro"
        r"\bwybacz(?:cie|yć)?\b",
    ),
    actions=(r"\b(?:" + "|".join(_FUTURE.split()) + r")\b",),
    relative_days={
        r"\b(?:jeszcze\s+)?(?:dziś|dzisiaj)(?:\s+wieczorem)?\b": 0,
        r"\bdo\s+końca\s+dnia\b": 0,
        r"\b(?:do\s+)?jutr(?:o|a)(?:\s+(?:rano|wieczorem|po\s+południu))?\b": 1,
        r"\bpojutrze\b": 2,
    },
    within=r"w\s+ciągu(?: najbliższych| kolejnych)?|w\s+przeciągu|za|do",
    units={
        r"dni\s+robocz(?:ych|e)|dnia\s+roboczego|dzień\s+roboczy": "business_day",
        r"dni|dzień|dnia": "day",
        r"godzin[yę]?|godz\.?|h": "hour",
        r"tygodni[ea]?|tydzień": "week",
    },
    numbers={
        "jeden": 1,
        "jednego": 1,
        "jednej": 1,
        "dwa": 2,
        "dwóch": 2,
        "dwie": 2,
        "trzy": 3,
        "trzech": 3,
        "cztery": 4,
        "czterech": 4,
        "pięć": 5,
        "pięciu": 5,
        "sześć": 6,
        "siedem": 7,
        "siedmiu": 7,
        "osiem": 8,
        "dziesięć": 10,
        "dziesięciu": 10,
        "czternastu": 14,
    },
    weekday_forms=(
        ("poniedziałek", "poniedziałku", "poniedziałkiem"),
        ("wtorek", "wtorku", "wtorkiem"),
        ("środa", "środę", "środy", "środzie"),
        ("czwartek", "czwartku", "czwartkiem"),
        ("piątek", "piątku", "piątkiem"),
        ("sobota", "sobotę", "soboty", "sobocie"),
        ("niedziela", "niedzielę", "niedzieli"),
    ),
    times=(
        r"\b(?:o|do|przed|około)\s+(?:godz(?:inie|iny|\.)?\s+)?(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\b",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "",
        "order_number": "",
        "carrier": "firma kurierska",
        "tracking_number": "",
        "remedy": "odpowiednie rozwiązanie",
        "amount": "kwota",
        "agent_name": "Dział obsługi klienta",
        "shop_name": "nasz sklep",
    },
)
