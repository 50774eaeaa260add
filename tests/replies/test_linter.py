"""The reply linter on whole replies: salutation, acknowledgement, apology, next action, and
hostile input. Each test says what the agent would see flagged (or not)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.replies.linter import ERROR, WARNING, Code, LintResult, lint

# A reply that makes amends, per language and register: greeting, acknowledgement, apology,
# a dated next action.
GOOD: dict[tuple[str, str], str] = {
    ("en", "formal"): "Dear Ms Smith,\n\nThank you for letting us know, and we are sorry the "
    "parcel arrived damaged. We will send a replacement by Friday.\n\nKind regards,\nSanne",
    ("nl", "formal"): "Beste mevrouw Jansen,\n\nDank u voor uw bericht. Onze excuses dat het "
    "pakket beschadigd aankwam. Wij sturen u uiterlijk vrijdag een nieuw exemplaar.\n\nSanne",
    ("nl", "informal"): "Hoi Niels,\n\nWat vervelend dat je pakket beschadigd is, sorry! We "
    "sturen je morgen een nieuw exemplaar.\n\nGroetjes, Sanne",
    ("de", "formal"): "Guten Tag Herr Weber,\n\nvielen Dank für Ihre Nachricht. Es tut uns "
    "leid, dass das Paket beschädigt ankam. Wir senden Ihnen bis zum 27. November ein neues "
    "Gerät.\n\nFreundliche Grüße\nJonas",
    ("de", "informal"): "Hallo Lena,\n\ndanke für deine Nachricht, das tut uns echt leid. "
    "Wir schicken dir morgen Ersatz.\n\nViele Grüße\nJonas",
    ("fr", "formal"): "Bonjour Madame Dupont,\n\nJe comprends votre déception et nous sommes "
    "désolés. Nous vous enverrons un nouveau colis d'ici vendredi.\n\nCordialement,\nLéa",
    ("fr", "informal"): "Salut Hugo,\n\nMerci de nous avoir prévenus, désolés pour ce "
    "retard ! On va t'envoyer un nouveau colis demain.\n\nÀ bientôt,\nLéa",
    ("es", "formal"): "Estimada señora García:\n\nEntendemos su malestar y lo sentimos "
    "mucho. Le enviaremos un pedido nuevo el lunes.\n\nAtentamente,\nPablo",
    ("es", "informal"): "Hola Marta:\n\nGracias por avisarnos y perdona las molestias. Te "
    "enviaremos otro paquete mañana.\n\nUn saludo,\nPablo",
    ("it", "formal"): "Gentile signora Rossi,\n\ncomprendiamo il disagio e ci scusiamo. Le "
    "invieremo un nuovo prodotto entro venerdì.\n\nCordiali saluti,\nGiulia",
    ("it", "informal"): "Ciao Marco,\n\ngrazie per avercelo detto e scusaci. Ti invieremo un "
    "nuovo prodotto domani.\n\nA presto,\nGiulia",
    ("pl", "formal"): "Szanowna Pani,\n\nrozumiemy Pani rozczarowanie i przepraszamy. Nową "
    "paczkę wyślemy Pani w piątek.\n\nZ poważaniem\nAnna",
    ("pl", "informal"): "Cześć Kuba,\n\ndzięki za wiadomość i przepraszamy za kłopot. Nową "
    "paczkę wyślemy Ci jutro.\n\nPozdrawiamy\nAnna",
    ("lt", "formal"): "Laba diena,\n\nsuprantame Jūsų nusivylimą ir atsiprašome. Naują "
    "prekę Jums išsiųsime iki penktadienio.\n\nPagarbiai\nIeva",
    ("lt", "informal"): "Labas,\n\nsuprantame tave ir atsiprašome. Naują prekę tau "
    "išsiųsime rytoj.\n\nIki!\nIeva",
}


def check(text: str, language: str, register: str = "formal", **kw: bool) -> LintResult:
    return lint(text, language=language, register=register, at_fault=kw.get("at_fault", True))


@pytest.mark.parametrize(("language", "register"), list(GOOD))
def test_a_reply_that_makes_amends_passes_clean(language: str, register: str) -> None:
    assert check(GOOD[(language, register)], language, register).findings == ()


# (language, register, first line, the greeting that does not fit, or "" when it fits)
SALUTATIONS = [
    ("nl", "formal", "Geachte heer Jansen,", ""),
    ("nl", "formal", "Beste meneer Jansen,", ""),
    ("nl", "formal", "Hoi Niels,", "Hoi"),
    ("nl", "formal", "Hey Niels!", "Hey"),
    ("nl", "informal", "Hoi Niels,", ""),
    ("nl", "informal", "Geachte heer Jansen,", "Geachte"),
    ("de", "formal", "Guten Tag Herr Weber,", ""),
    ("de", "formal", "Hi Jonas,", "Hi"),
    ("de", "informal", "Hallo Jonas,", ""),
    ("de", "informal", "Sehr geehrter Herr Weber,", "Sehr geehrter"),
    ("fr", "formal", "Bonjour Madame Dupont,", ""),
    ("fr", "formal", "Salut Léa,", "Salut"),
    ("fr", "informal", "Bonjour Léa,", ""),
    ("fr", "informal", "Madame, Monsieur,", "Madame, Monsieur"),
    ("es", "formal", "Estimada Sra. García:", ""),
    ("es", "informal", "Hola Pablo:", ""),
    ("es", "informal", "Estimado Sr. Ruiz:", "Estimado"),
    ("it", "formal", "Gentile signora Rossi,", ""),
    ("it", "formal", "Ciao Giulia,", "Ciao"),
    ("it", "informal", "Egregio dottor Bianchi,", "Egregio"),
    ("pl", "formal", "Szanowna Pani,", ""),
    ("pl", "formal", "Hej Ania,", "Hej"),
    ("pl", "informal", "Cześć Ania,", ""),
    ("pl", "informal", "Szanowny Panie,", "Szanowny Panie"),
    ("lt", "formal", "Gerbiama Ieva,", ""),
    ("lt", "formal", "Labas, Ieva,", "Labas"),
    ("lt", "informal", "Labas, Ieva,", ""),
    ("lt", "informal", "Gerbiamas Jonai,", "Gerbiamas"),
    ("en", "formal", "Hey Sam,", ""),  # English: no register to fit
]


@pytest.mark.parametrize(("language", "register", "line", "wrong"), SALUTATIONS)
def test_the_greeting_must_fit_the_register(
    language: str, register: str, line: str, wrong: str
) -> None:
    result = check(f"{line}\n\nok.", language, register)
    found = [f for f in result.findings if f.code.startswith("salutation")]
    if not wrong:
        assert found == []
    else:
        [finding] = found
        assert finding.code == Code.SALUTATION_REGISTER
        assert finding.severity == ERROR
        assert [s.text for s in finding.spans] == [wrong]


@pytest.mark.parametrize(
    ("language", "line", "greeting"),
    [
        ("nl", "Dear Mr Jansen,", "Dear"),
        ("fr", "Hallo Marie,", "Hallo"),
        ("en", "Hola Sam,", "Hola"),
    ],
)
def test_a_greeting_in_another_language_is_an_error(
    language: str, line: str, greeting: str
) -> None:
    [finding] = [f for f in check(f"{line}\n\nok", language).findings if f.code.startswith("sal")]
    assert finding.code == Code.SALUTATION_LANGUAGE
    assert [s.text for s in finding.spans] == [greeting]


def test_no_greeting_is_a_warning() -> None:
    text = "Wij sturen u morgen een nieuw pakket. Onze excuses, en dank voor uw bericht."
    result = check(text, "nl")
    assert result.codes == (Code.SALUTATION_MISSING,)
    assert result.findings[0].severity == WARNING
    assert result.ok


def test_the_greeting_is_the_first_line_with_words_even_after_blank_lines() -> None:
    result = check("\n\n   \nHoi Niels,\n\nok", "nl", "formal")
    assert Code.SALUTATION_REGISTER in result.codes


@pytest.mark.parametrize(("language", "register"), list(GOOD))
def test_no_apology_when_at_fault_is_an_error(language: str, register: str) -> None:
    text = GOOD[(language, register)]
    apology = {
        "en": "we are sorry",
        "nl": ("Onze excuses dat", "sorry!"),
        "de": ("Es tut uns leid, dass", "das tut uns echt leid"),
        "fr": ("nous sommes désolés", "désolés pour ce retard"),
        "es": ("lo sentimos mucho", "perdona las molestias"),
        "it": ("ci scusiamo", "scusaci"),
        "pl": ("przepraszamy",),
        "lt": ("atsiprašome",),
    }[language]
    for phrase in (apology,) if isinstance(apology, str) else apology:
        text = text.replace(phrase, "")
    at_fault = check(text, language, register, at_fault=True)
    assert Code.APOLOGY_MISSING in at_fault.codes, text
    assert not at_fault.ok
    assert Code.APOLOGY_MISSING not in check(text, language, register, at_fault=False).codes


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Apologies for the mix-up."),
        ("fr", "Toutes nos excuses pour ce contretemps."),
        ("nl", "Het spijt ons dat dit is gebeurd."),
        ("de", "Entschuldigung für die Verwechslung."),
        ("de", "Die Unannehmlichkeiten tun uns leid."),
        ("es", "Lamentamos lo ocurrido."),
        ("it", "Siamo spiacenti per l'accaduto."),
        ("pl", "Przykro nam z powodu tej pomyłki."),
        ("lt", "Labai apgailestaujame dėl nesklandumų."),
    ],
)
def test_an_apology_in_other_words_counts(language: str, sentence: str) -> None:
    assert Code.APOLOGY_MISSING not in check(sentence, language).codes


def test_no_acknowledgement_is_a_warning() -> None:
    text = "Beste meneer Smit,\n\nOnze excuses. Wij sturen u morgen een nieuw pakket.\n\nSanne"
    result = check(text, "nl")
    assert result.codes == (Code.ACKNOWLEDGEMENT_MISSING,)
    assert result.ok


@pytest.mark.parametrize(
    ("language", "dated", "undated", "action"),
    [
        ("en", "We will refund you by Friday.", "We will refund you.", "We will"),
        ("nl", "Wij bellen u morgen voor 17:00 terug.", "Wij bellen u terug.", "Wij bellen"),
        ("de", "Wir melden uns bis 24.11. bei Ihnen.", "Wir melden uns bei Ihnen.", "Wir melden"),
        ("fr", "Nous vous rembourserons sous 3 jours.", "Nous vous rembourserons.", None),
        ("es", "Le enviaremos el pedido el martes.", "Le enviaremos el pedido.", "enviaremos"),
        ("it", "Provvederemo al rimborso entro domani.", "Provvederemo al rimborso.", None),
        ("pl", "Zrobimy to w ciągu 2 dni roboczych.", "Zrobimy to jak najszybciej.", "Zrobimy"),
        ("lt", "Pinigus grąžinsime per 3 darbo dienas.", "Pinigus grąžinsime.", "grąžinsime"),
    ],
)
def test_a_next_action_needs_a_date(
    language: str, dated: str, undated: str, action: str | None
) -> None:
    actions = {Code.ACTION_MISSING, Code.ACTION_UNDATED}
    assert not actions & set(check(dated, language).codes)
    [finding] = [f for f in check(undated, language).findings if f.code in actions]
    assert finding.code == Code.ACTION_UNDATED
    assert finding.severity == WARNING
    if action is not None:
        assert [s.text for s in finding.spans] == [action]
    nothing = check("Ok.", language)
    assert Code.ACTION_MISSING in nothing.codes
    no_need = lint("Ok.", language=language, register="formal", at_fault=False, needs_action=False)
    assert not actions & set(no_need.codes)


def test_a_date_in_another_sentence_than_the_action_does_not_make_it_concrete() -> None:
    result = check("Your parcel left on 3 November. We will look into it.", "en")
    assert Code.ACTION_UNDATED in result.codes


def test_every_message_is_plain_text_for_the_agent() -> None:
    result = check("Hoi,\n\nwe sturen je iets.", "nl", "formal")
    assert result.findings
    assert all(f.message and "%(" not in f.message for f in result.findings)


# Hostile and odd input: a clear finding or a clear error, never a crash.


def test_an_empty_reply_is_an_error() -> None:
    for text in ("", "   \n\t ", "> only a quote\n> of the customer"):
        result = check(text, "nl")
        assert Code.EMPTY in result.codes or Code.SALUTATION_MISSING in result.codes
    assert check("", "nl").codes == (Code.EMPTY,)


def test_an_unknown_language_cannot_be_checked_but_does_not_crash() -> None:
    result = check("Hei, kiitos viestistä!", "fi")
    assert result.codes == (Code.LANGUAGE_UNSUPPORTED,)
    assert result.ok


def test_a_storefront_language_code_is_read_as_its_language() -> None:
    assert check(GOOD[("nl", "formal")], "nl-BE").findings == ()
    assert check(GOOD[("nl", "formal")], "NL_be").language == "nl"


def test_an_unknown_register_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="register"):
        lint("Hallo", language="nl", register="casual", at_fault=False)


def test_an_oversized_reply_is_checked_in_part_and_says_so() -> None:
    text = GOOD[("nl", "formal")] + " Met je." + ("bla " * 60_000)
    result = check(text, "nl")
    assert Code.TRUNCATED in result.codes
    assert Code.REGISTER_MIXED in result.codes  # the part that was read is still checked


def test_control_characters_and_odd_scripts_do_not_crash() -> None:
    text = "Beste\x00 meneer,\r\n\u202eu\u200b je İstanbul ß ﬁ \U0001f4e6 ‮\ufeff"
    result = check(text, "nl")
    for finding in result.findings:
        assert all(text[s.start : s.end] == s.text for s in finding.spans)


@given(st.text(max_size=400), st.sampled_from(["en", "fr", "nl", "de", "es", "it", "pl", "lt"]))
def test_any_text_gives_findings_whose_spans_are_in_the_text(text: str, language: str) -> None:
    for register in ("formal", "informal"):
        result = lint(text, language=language, register=register, at_fault=True)
        for finding in result.findings:
            assert finding.severity in (ERROR, WARNING)
            for span in finding.spans:
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start : span.end] == span.text
