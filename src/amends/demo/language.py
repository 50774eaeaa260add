"""How each language greets, signs off and writes a date: the bits every demo reply needs.

Replies open with the greeting of the customer's language and register (never "Lieve Niels"),
and name dates the way a native speaker writes them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "lt": (
        "pirmadienį",
        "antradienį",
        "trečiadienį",
        "ketvirtadienį",
        "penktadienį",
        "šeštadienį",
        "sekmadienį",
    ),
}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
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
    ),
    "fr": (
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
    ),
    "nl": (
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
    ),
    "de": (
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
    ),
    "es": (
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
    ),
    "it": (
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
    ),
    # Polish and Lithuanian dates take the month in the genitive.
    "pl": (
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ),
    "lt": (
        "sausio",
        "vasario",
        "kovo",
        "balandžio",
        "gegužės",
        "birželio",
        "liepos",
        "rugpjūčio",
        "rugsėjo",
        "spalio",
        "lapkričio",
        "gruodžio",
    ),
}


def local(moment: dt.datetime, time_zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(time_zone))


def format_day(moment: dt.datetime, *, language: str, time_zone: str) -> str:
    """``Friday 14 March`` in the customer's language and the storefront's time zone."""
    at = local(moment, time_zone)
    weekday = WEEKDAYS[language][at.weekday()]
    month = MONTHS[language][at.month - 1]
    day = at.day
    return {
        "en": f"{weekday} {day} {month}",
        "fr": f"{weekday} {day} {month}",
        "nl": f"{weekday} {day} {month}",
        "de": f"{weekday}, {day}. {month}",
        "es": f"el {weekday} {day} de {month}",
        "it": f"{weekday} {day} {month}",
        # "najpóźniej 14 marca", "iki kovo 14 d.": no weekday, which would need its own case.
        "pl": f"{day} {month}",
        "lt": f"{month} {day} d.",
    }[language]


def format_time(moment: dt.datetime, *, time_zone: str) -> str:
    return local(moment, time_zone).strftime("%H:%M")


def _cap(name: str) -> str:
    # "van Dijk" after "meneer" is written "Van Dijk".
    return name[:1].upper() + name[1:]


def salutation(*, language: str, register: str, gender: str, first: str, last: str) -> str:
    formal = register == "formal"
    female = gender == "f"
    if language == "en":
        return f"Dear {first}," if formal else f"Hi {first},"
    if language == "fr":
        return (
            f"Bonjour {'Madame' if female else 'Monsieur'} {last},"
            if formal
            else (f"Bonjour {first},")
        )
    if language == "nl":
        return (
            f"Beste {'mevrouw' if female else 'meneer'} {_cap(last)},"
            if formal
            else (f"Hoi {first},")
        )
    if language == "de":
        return f"Guten Tag {'Frau' if female else 'Herr'} {last}," if formal else f"Hallo {first},"
    if language == "es":
        return (
            f"Estimad{'a Sra.' if female else 'o Sr.'} {last}:" if formal else (f"Hola, {first}:")
        )
    if language == "it":
        return (
            f"Gentile {'signora' if female else 'signor'} {last}," if formal else (f"Ciao {first},")
        )
    if language == "pl":
        return "Dzień dobry," if formal else f"Cześć {first},"
    if language == "lt":
        return "Laba diena," if formal else f"Labas, {first},"
    raise ValueError(f"no greeting for {language!r}")


SIGN_OFFS: dict[tuple[str, str], str] = {
    ("en", "formal"): "Kind regards,\n{agent}\nCustomer service, {shop}",
    ("en", "informal"): "Best wishes,\n{agent}\nCustomer service, {shop}",
    ("fr", "formal"): "Bien cordialement,\n{agent}\nService client {shop}",
    ("fr", "informal"): "À bientôt,\n{agent}\nService client {shop}",
    ("nl", "formal"): "Met vriendelijke groet,\n{agent}\nKlantenservice {shop}",
    ("nl", "informal"): "Groet,\n{agent}\nKlantenservice {shop}",
    ("de", "formal"): "Mit freundlichen Grüßen\n{agent}\nKundenservice {shop}",
    ("de", "informal"): "Viele Grüße\n{agent}\nKundenservice {shop}",
    ("es", "formal"): "Atentamente,\n{agent}\nAtención al cliente de {shop}",
    ("es", "informal"): "Un saludo,\n{agent}\nAtención al cliente de {shop}",
    ("it", "formal"): "Cordiali saluti,\n{agent}\nServizio clienti {shop}",
    ("it", "informal"): "A presto,\n{agent}\nServizio clienti {shop}",
    ("pl", "formal"): "Z poważaniem\n{agent}\nBiuro Obsługi Klienta {shop}",
    ("pl", "informal"): "Pozdrawiam\n{agent}\nBiuro Obsługi Klienta {shop}",
    ("lt", "formal"): "Pagarbiai\n{agent}\n{shop} klientų aptarnavimas",
    ("lt", "informal"): "Iki,\n{agent}\n{shop} klientų aptarnavimas",
}


def sign_off(*, language: str, register: str, agent: str, shop: str) -> str:
    return SIGN_OFFS[(language, register)].format(agent=agent, shop=shop)


def letter(
    *,
    language: str,
    register: str,
    gender: str,
    first: str,
    last: str,
    body: str,
    agent: str,
    shop: str,
) -> str:
    """Greeting, body and sign-off, in one language and one register."""
    opening = salutation(
        language=language, register=register, gender=gender, first=first, last=last
    )
    closing = sign_off(language=language, register=register, agent=agent, shop=shop)
    return f"{opening}\n\n{body.strip()}\n\n{closing}"
