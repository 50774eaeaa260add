"""Every template of the real catalogue, rendered as a customer would get it, passes the reply
linter in its own register: this is how a template bug is caught (a "je" in a formal Dutch
reply, an informal greeting, a missing apology for a lost parcel, no date for the next step).

A language whose catalogue file does not exist yet is skipped, by name, so the test report
says which languages were checked.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from amends.replies.linter import ERROR, Code, lint
from amends.replies.promises import promises_in
from amends.replies.templates import (
    AT_FAULT_INTENTS,
    CATALOGUE_DIR,
    Catalogue,
    format_due_date,
    load_catalogue,
    render,
)

LANGUAGES = ("en", "fr", "nl", "de", "es", "it", "pl", "lt")
DUE = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
# What a case fills in, per language: names, the carrier of that country, a remedy worded
# without addressing anyone (it goes into both registers).
SAMPLES = {
    "en": ("Sam Taylor", "Royal Mail", "a full refund of €24.95", "€24.95", "Sam"),
    "fr": ("Claire Martin", "Colissimo", "un remboursement intégral de 24,95 €", "24,95 €", "Léa"),
    "nl": (
        "Niels de Vries",
        "PostNL",
        "een volledige terugbetaling van € 24,95",
        "€ 24,95",
        "Sanne",
    ),
    "de": ("Lena Schmidt", "DHL", "eine Erstattung von 24,95 €", "24,95 €", "Jonas"),
    "es": ("Lucía García", "SEUR", "un reembolso completo de 24,95 €", "24,95 €", "Pablo"),
    "it": ("Marco Rossi", "BRT", "un rimborso completo di 24,95 €", "24,95 €", "Giulia"),
    "pl": ("Anna Kowalska", "InPost", "pełny zwrot kwoty 24,95 zł", "24,95 zł", "Kasia"),
    "lt": ("Ieva Petraitė", "Omniva", "visos 24,95 € sumos grąžinimas", "24,95 €", "Rūta"),
}
# Warnings a template must not have either: the format requires a greeting, an
# acknowledgement and a dated next action in every body.
REQUIRED = {
    Code.SALUTATION_MISSING,
    Code.ACKNOWLEDGEMENT_MISSING,
    Code.ACTION_MISSING,
    Code.ACTION_UNDATED,
}


def catalogue(language: str) -> Catalogue:
    if not (CATALOGUE_DIR / f"{language}.json").exists():
        pytest.skip(f"{language}.json is not written yet")
    return load_catalogue(language)


def context(language: str) -> dict[str, str]:
    name, carrier, remedy, amount, agent = SAMPLES[language]
    return {
        "customer_name": name,
        "order_number": "NL-2026-004812",
        "carrier": carrier,
        "tracking_number": "3SABCD1234567",
        "remedy": remedy,
        "amount": amount,
        "due_date": format_due_date(DUE, language),
        "agent_name": agent,
        "shop_name": "Amends",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_passes_the_linter_in_its_own_register(language: str) -> None:
    failures = []
    for (intent, register), template in sorted(catalogue(language).templates.items()):
        body = render(template, context(language)).body
        result = lint(
            body, language=language, register=register, at_fault=intent in AT_FAULT_INTENTS
        )
        for finding in result.findings:
            if finding.severity == ERROR or finding.code in REQUIRED:
                words = ", ".join(span.text for span in finding.spans)
                failures.append(f"{language}.json {intent}.{register}: {finding.code} [{words}]")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_template_addresses_the_reader_in_its_register(language: str) -> None:
    """Read in the other register, each template is flagged: it really says "u" or "je"."""
    unflagged = []
    for (intent, register), template in sorted(catalogue(language).templates.items()):
        other = "informal" if register == "formal" else "formal"
        body = render(template, context(language)).body
        result = lint(body, language=language, register=other, at_fault=False)
        if not {Code.REGISTER_WRONG, Code.REGISTER_MIXED} & set(result.codes):
            unflagged.append(f"{language}.json {intent}.{register}")
    assert not unflagged, "\n".join(unflagged)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_promises_its_next_step_by_the_due_date(language: str) -> None:
    """The "we will … by $due_date" sentence is a promise the console can make a commitment
    of, due on that date."""
    missing = []
    for (intent, register), template in sorted(catalogue(language).templates.items()):
        if "$due_date" not in template.body and "${due_date}" not in template.body:
            missing.append(f"{language}.json {intent}.{register}: no $due_date")
            continue
        body = render(template, context(language)).body
        found = promises_in(body, language, now=NOW)
        if not any(p.due is not None and p.due.astimezone(NOW.tzinfo).date() == DUE for p in found):
            missing.append(f"{language}.json {intent}.{register}: no promise due on {DUE}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_body_is_between_40_and_110_words(language: str) -> None:
    wrong = [
        f"{language}.json {intent}.{register}: {len(template.body.split())} words"
        for (intent, register), template in sorted(catalogue(language).templates.items())
        if not 40 <= len(template.body.split()) <= 110
    ]
    assert not wrong, "\n".join(wrong)
