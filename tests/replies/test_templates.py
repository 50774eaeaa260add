"""The template catalogue: loading and validating files (every problem named with its file and
template), rendering without a "$name" ever left, and suggestions ranked for a case."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.replies.templates import (
    AT_FAULT_INTENTS,
    MAX_FILE_BYTES,
    PLACEHOLDERS,
    CatalogueError,
    Template,
    format_due_date,
    load_catalogue,
    parse_catalogue,
    render,
    suggest,
)
from amends.triage.result import INTENTS

REGISTERS = ("formal", "informal")


def document(language: str = "nl") -> dict[str, Any]:
    greeting = {"formal": "Beste", "informal": "Hoi"}
    return {
        "language": language,
        "templates": {
            intent: {
                register: {
                    "subject": f"{intent} ($order_number)",
                    "body": f"{greeting[register]} $customer_name,\n\n{intent}/{register} "
                    f"uiterlijk op $due_date.\n\n$agent_name\n$shop_name",
                }
                for register in REGISTERS
            }
            for intent in INTENTS
        },
    }


def write(directory: Path, doc: Any, language: str = "nl") -> Path:
    path = directory / f"{language}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def problems(doc: Any, language: str = "nl") -> str:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(json.dumps(doc).encode(), name=f"{language}.json", language=language)
    return str(caught.value)


def test_a_complete_catalogue_loads(tmp_path: Path) -> None:
    write(tmp_path, document())
    catalogue = load_catalogue("nl", directory=tmp_path)
    assert len(catalogue.templates) == len(INTENTS) * 2
    template = catalogue.get("parcel_lost", "informal")
    assert template.body.startswith("Hoi $customer_name")
    assert (template.language, template.register) == ("nl", "informal")


def test_every_problem_names_the_file_and_the_template() -> None:
    doc = document()
    del doc["templates"]["parcel_lost"]
    doc["templates"]["parcel_stolen"] = doc["templates"]["other"]
    entry = doc["templates"]["late_delivery"]
    entry["formal"]["body"] += " $customer ${refund_total}s"
    entry["informal"]["subject"] = "Vertraging\nBcc: everyone@example.com"
    doc["templates"]["cancel_order"]["formal"]["body"] = "Kost $ 5"
    doc["templates"]["other"]["informal"]["body"] = "   "
    doc["templates"]["seller_issue"] = {"formal": doc["templates"]["other"]["formal"]}
    doc["templates"]["refund_request"]["formal"]["footer"] = "x"
    text = problems(doc)
    for expected in (
        "nl.json: templates missing for parcel_lost",
        "nl.json: unknown intents parcel_stolen",
        "nl.json: late_delivery.formal.body: unknown placeholder $customer",
        "nl.json: late_delivery.formal.body: unknown placeholder $refund_total",
        "nl.json: late_delivery.informal.subject: must be one line",
        "nl.json: cancel_order.formal.body: a lone '$'",
        "nl.json: other.informal.body: must be non-empty text",
        "nl.json: seller_issue: needs exactly 'formal' and 'informal'",
        "nl.json: refund_request.formal: needs exactly 'subject' and 'body'",
    ):
        assert expected in text


def test_a_dollar_sign_written_as_two_is_allowed() -> None:
    doc = document()
    doc["templates"]["billing_payment"]["formal"]["body"] += " Kosten: $$5 of ${amount}."
    catalogue = parse_catalogue(json.dumps(doc).encode(), name="nl.json", language="nl")
    rendered = render(catalogue.get("billing_payment", "formal"), {"amount": "€ 3"})
    assert "Kosten: $5 of € 3." in rendered.body


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "nl.json: invalid JSON at line 1"),
        (b"\xff\xfe{}", "nl.json: not UTF-8"),
        (b"[]", "nl.json: must be an object"),
        (b'{"language": "nl", "templates": []}', "nl.json: 'templates' must be an object"),
        (b" " * (MAX_FILE_BYTES + 1), "nl.json: larger than"),
    ],
)
def test_a_broken_file_is_a_clear_error(raw: bytes, expected: str) -> None:
    with pytest.raises(CatalogueError, match="^" + expected.replace("(", r"\(")):
        parse_catalogue(raw, name="nl.json", language="nl")


def test_the_file_must_say_its_own_language_and_nothing_else() -> None:
    doc = document("fr") | {"version": 2}
    text = problems(doc, "nl")
    assert "nl.json: 'language' must be 'nl', not 'fr'" in text
    assert "nl.json: unknown keys 'version'" in text


def test_missing_and_unknown_catalogues(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"^de\.json: no such catalogue file"):
        load_catalogue("de", directory=tmp_path)
    with pytest.raises(CatalogueError, match="unknown language"):
        load_catalogue("../../etc/passwd", directory=tmp_path)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    write(tmp_path, document())
    assert load_catalogue("nl", directory=tmp_path).get("other", "formal").subject == (
        "other ($order_number)"
    )
    doc = document()
    doc["templates"]["other"]["formal"]["subject"] = "Uw vraag over bestelling $order_number"
    write(tmp_path, doc)
    assert load_catalogue("nl", directory=tmp_path).get("other", "formal").subject == (
        "Uw vraag over bestelling $order_number"
    )


def template(
    body: str, language: str = "nl", subject: str = "Bestelling $order_number"
) -> Template:
    return Template("other", language, "formal", subject, body)


def test_render_fills_every_placeholder_as_plain_text() -> None:
    context = {
        "customer_name": "Niels <b>de</b> Vries",
        "order_number": "NL-2026-004812",
        "due_date": "27 november 2026",
        "agent_name": "Sanne",
        "shop_name": "$shop_name & co",
    }
    body = "Beste $customer_name,\n\nUw bestelling ${order_number}A komt op $due_date.\n$agent_name"
    rendered = render(template(body), context)
    assert rendered.body == (
        "Beste Niels <b>de</b> Vries,\n\nUw bestelling NL-2026-004812A komt op "
        "27 november 2026.\nSanne"
    )
    assert render(template("$shop_name"), context).body == "$shop_name & co"  # not re-read


def test_missing_values_get_neutral_words_and_leave_no_placeholder() -> None:
    rendered = render(
        template("Beste $customer_name,\n\n$carrier bezorgt $remedy (zending $tracking_number)."),
        {"customer_name": "  ", "carrier": None},
        today=dt.date(2026, 11, 27),
    )
    assert (
        rendered.body == "Beste klant,\n\nde vervoerder bezorgt een passende oplossing (zending)."
    )
    assert rendered.subject == "Bestelling"
    french = render(template("Bonjour $customer_name,\n\nÀ bientôt", "fr"), {})
    assert french.body == "Bonjour,\n\nÀ bientôt"


def test_a_missing_due_date_is_the_next_weekday() -> None:
    rendered = render(template("uiterlijk op $due_date"), {}, today=dt.date(2026, 11, 27))
    assert rendered.body == "uiterlijk op " + format_due_date(dt.date(2026, 11, 30), "nl")


def test_a_value_cannot_break_the_subject_line() -> None:
    rendered = render(template("x", subject="Order $order_number"), {"order_number": "1\r\nBcc: x"})
    assert rendered.subject == "Order 1 Bcc: x"


def test_a_date_ending_in_a_full_stop_is_not_doubled() -> None:
    rendered = render(template("iki $due_date.", "lt"), {"due_date": "2026 m. lapkričio 27 d."})
    assert rendered.body == "iki 2026 m. lapkričio 27 d."


VALUES = st.text(alphabet=st.characters(blacklist_characters="$"), max_size=30) | st.none()


@given(st.dictionaries(st.sampled_from(sorted(PLACEHOLDERS)), VALUES))
def test_no_placeholder_survives_rendering(context: dict[str, str | None]) -> None:
    body = " ".join(f"${name} ${{{name}}}x" for name in sorted(PLACEHOLDERS))
    for language in ("en", "fr", "nl", "de", "es", "it", "pl", "lt"):
        rendered = render(template(body, language, subject=body), context)
        for text in (rendered.subject, rendered.body):
            assert "$" not in text
            assert "\x00" not in text
        assert "\n" not in rendered.subject


@pytest.fixture
def catalogues(tmp_path: Path) -> Path:
    for language in ("en", "nl", "fr"):
        write(tmp_path, document(language), language)
    return tmp_path


def test_suggestions_follow_the_case_intent_scores(catalogues: Path) -> None:
    found = suggest(
        intents=[("refund_request", 0.4), ("parcel_lost", 0.9), ("made_up", 0.99)],
        language="nl",
        register="informal",
        context={"customer_name": "Niels", "due_date": "27 november 2026"},
        directory=catalogues,
    )
    assert [(s.intent, s.score) for s in found] == [("parcel_lost", 0.9), ("refund_request", 0.4)]
    assert found[0].body.startswith("Hoi Niels,\n\nparcel_lost/informal uiterlijk op 27 nov")
    assert found[0].at_fault
    assert not found[1].at_fault
    assert {(s.language, s.register) for s in found} == {("nl", "informal")}


def test_odd_scores_rank_last_and_duplicates_count_once(catalogues: Path) -> None:
    odd: list[Any] = [
        ("other", float("nan")),
        ("late_delivery", 0.2),
        ("late_delivery", 0.8),
        ("seller_issue", "high"),
    ]
    found = suggest(
        intents=odd,
        language="nl",
        register="formal",
        context={},
        limit=5,
        directory=catalogues,
    )
    assert [s.intent for s in found] == ["late_delivery", "other", "seller_issue"]
    assert found[0].score == 0.8


def test_no_intents_suggests_other(catalogues: Path) -> None:
    [only] = suggest(intents=[], language="nl", register="formal", context={}, directory=catalogues)
    assert only.intent == "other"


def test_an_unknown_language_falls_back_to_the_storefront_then_english(catalogues: Path) -> None:
    def language_of(language: str, fallback: str = "") -> str:
        [first, *_] = suggest(
            intents=[("other", 1.0)],
            language=language,
            register="formal",
            context={},
            fallback_language=fallback,
            directory=catalogues,
        )
        return first.language

    assert language_of("nl-BE") == "nl"
    assert language_of("pl", "fr") == "fr"
    assert language_of("unknown", "pl") == "en"
    for path in catalogues.iterdir():
        path.unlink()
    with pytest.raises(CatalogueError):
        language_of("nl")


def test_bad_arguments(catalogues: Path) -> None:
    with pytest.raises(ValueError, match="register"):
        suggest(intents=[], language="nl", register="polite", context={}, directory=catalogues)
    assert set(INTENTS) > AT_FAULT_INTENTS
    assert "other" not in AT_FAULT_INTENTS
