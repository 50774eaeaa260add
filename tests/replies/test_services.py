"""The reply linter as a gate on the case: what it refuses, what it lets through, what an override
leaves on the timeline, and the suggestions and promises an agent works from."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from amends.accounts.models import Team, User
from amends.cases.events import EventKind
from amends.cases.models import Case, CaseEvent
from amends.commitments.models import Commitment, CommitmentKind
from amends.console.timeline import event_words
from amends.conversations.models import Direction, Message
from amends.conversations.services import case_add_note, case_reply, message_receive
from amends.core.errors import Conflict, InvalidInput, NotFound
from amends.replies.linter import Code
from amends.replies.services import (
    ReplyLintFailed,
    case_at_fault,
    next_business_day,
    reply_check,
    reply_language,
    reply_promise_commit,
    reply_register,
    reply_suggestions,
)
from amends.triage.models import MessageTriage
from tests.factories import (
    CaseFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    TeamFactory,
    brand_of,
    make_agent,
    make_customer_user,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
CLEAN = (
    "Bonjour Madame Martin,\n\nMerci pour votre message, je comprends votre inquiétude. Nous "
    "sommes désolés pour ce retard. Nous vous rembourserons demain avant 12h30.\n\n"
    "Cordialement,\nLéa"
)
MIXED = (
    "Bonjour Madame Martin,\n\nMerci pour votre message. Nous sommes désolés : tu recevras le "
    "remboursement mercredi.\n\nCordialement,\nLéa"
)
WARNINGS_ONLY = "Bonjour,\n\nNous regardons cela."
NO_APOLOGY = (
    "Bonjour Madame Martin,\n\nMerci pour votre message. Nous vous rembourserons demain avant "
    "12h30.\n\nCordialement,\nLéa"
)
REASON = "The customer asked us to write to her this way."


@pytest.fixture
def team() -> Team:
    return TeamFactory()


@pytest.fixture
def agent(team: Team) -> User:
    return make_agent(team, first_name="Léa")


@pytest.fixture
def case(team: Team) -> Case:
    brand = brand_of(team)
    customer = CustomerFactory(brand=brand, name="Claire Martin", language="fr")
    return CaseFactory(team=team, brand=brand, customer=customer)


def overrides(case: Case) -> list[CaseEvent]:
    return list(case.events.filter(kind=EventKind.REPLY_LINT_OVERRIDDEN))


# --- language, register, fault ------------------------------------------------------------------


def test_language_is_the_cases_then_the_customers_then_the_storefronts(case: Case) -> None:
    assert reply_language(case) == "fr"
    case.language = ""
    case.customer.language = "nl-BE"
    assert reply_language(case) == "nl"
    case.customer.language = "pt"  # no linter rules for it
    assert reply_language(case) == "fr"  # the storefront's default
    case.language = "xx-yy"
    assert reply_language(case) == "fr"


def test_register_is_the_customers(case: Case) -> None:
    assert reply_register(case) == "formal"
    case.customer.register = "informal"
    assert reply_register(case) == "informal"
    case.customer.register = "bogus"
    assert reply_register(case) == case.brand.default_register


@pytest.mark.parametrize(
    ("intents", "at_fault"),
    [
        ([], False),
        (["refund_request"], False),
        (["refund_request", "parcel_lost"], True),
        ([["late_delivery", 0.8]], True),
        (["not_an_intent", 3, None], False),
    ],
)
def test_the_shop_is_at_fault_when_an_intent_says_so(
    case: Case, intents: list[object], at_fault: bool
) -> None:
    case.intents = intents
    assert case_at_fault(case) is at_fault


def test_reply_check_reads_the_case(case: Case, agent: User) -> None:
    assert reply_check(case=case, text=CLEAN, actor=agent).findings == ()
    result = reply_check(case=case, text=MIXED, actor=agent)
    assert (result.language, result.register) == ("fr", "formal")
    assert result.codes == (Code.REGISTER_MIXED,)
    case.intents = ["parcel_lost"]
    assert Code.APOLOGY_MISSING in reply_check(case=case, text=NO_APOLOGY, actor=agent).codes


def test_a_customers_own_words_are_never_checked(case: Case) -> None:
    customer = make_customer_user(case.customer)
    assert reply_check(case=case, text=MIXED, actor=customer).findings == ()


# --- the gate ---------------------------------------------------------------------------------


def test_an_error_refuses_the_reply_with_its_findings(case: Case, agent: User) -> None:
    with pytest.raises(ReplyLintFailed) as refused:
        case_reply(case=case, actor=agent, text=MIXED)
    error = refused.value
    assert error.code == "reply_lint_failed"
    assert error.status == 422
    assert error.text == MIXED
    [finding] = error.result.errors
    assert finding.code == Code.REGISTER_MIXED
    [span] = finding.spans
    assert MIXED[span.start : span.end] == "tu"
    assert error.errors["text"] == "register.mixed"
    assert not Message.objects.filter(case=case).exists()
    assert not case.events.exists()


def test_the_apology_is_required_where_the_shop_is_at_fault(case: Case, agent: User) -> None:
    case.intents = ["late_delivery"]
    with pytest.raises(ReplyLintFailed) as refused:
        case_reply(case=case, actor=agent, text=NO_APOLOGY)
    assert refused.value.result.codes == (Code.APOLOGY_MISSING,)
    message = case_reply(case=case, actor=agent, text=CLEAN)
    assert message.direction == Direction.OUTBOUND
    assert overrides(case) == []


def test_warnings_never_block(case: Case, agent: User) -> None:
    assert reply_check(case=case, text=WARNINGS_ONLY, actor=agent).warnings
    message = case_reply(case=case, actor=agent, text=WARNINGS_ONLY)
    assert message.body_text == WARNINGS_ONLY
    assert overrides(case) == []


def test_an_override_sends_and_is_audited(case: Case, agent: User) -> None:
    message = case_reply(case=case, actor=agent, text=MIXED, override_reason=f"  {REASON}  ")
    assert message.body_text == MIXED
    [event] = overrides(case)
    assert event.actor == agent
    assert event.data == {"message_id": message.pk, "reason": REASON, "codes": ["register.mixed"]}
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.index(EventKind.REPLY_SENT) < kinds.index(EventKind.REPLY_LINT_OVERRIDDEN)
    words = event_words(event)
    assert "register.mixed" in words.text
    assert words.detail == REASON


def test_an_override_records_every_error_code(case: Case, agent: User) -> None:
    case.intents = ["parcel_lost"]
    text = "Salut Claire,\n\nMerci pour votre message. Nous vous rembourserons demain."
    case_reply(case=case, actor=agent, text=text, override_reason=REASON)
    [event] = overrides(case)
    assert event.data["codes"] == ["salutation.register", "apology.missing"]


@pytest.mark.parametrize("reason", ["", "   ", "too short", " \t ok   \n"])
def test_a_short_reason_does_not_override(case: Case, agent: User, reason: str) -> None:
    with pytest.raises(ReplyLintFailed) as refused:
        case_reply(case=case, actor=agent, text=MIXED, override_reason=reason)
    assert refused.value.reason_too_short is bool(reason.strip())
    assert not Message.objects.filter(case=case).exists()
    assert not case.events.exists()


def test_an_oversized_reason_is_refused(case: Case, agent: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        case_reply(case=case, actor=agent, text=MIXED, override_reason="x" * 1001)
    assert "override_reason" in refused.value.errors
    assert not isinstance(refused.value, ReplyLintFailed)
    assert not Message.objects.filter(case=case).exists()


def test_a_reason_for_a_clean_reply_is_not_an_override(case: Case, agent: User) -> None:
    case_reply(case=case, actor=agent, text=CLEAN, override_reason=REASON)
    assert overrides(case) == []


def test_notes_and_customer_messages_are_never_checked(case: Case, agent: User) -> None:
    note = case_add_note(case=case, actor=agent, text=MIXED)
    inbound = message_receive(case=case, text="Salut, tu peux m'aider ?", channel="web")
    assert [note.direction, inbound.direction] == [Direction.NOTE, Direction.INBOUND]
    assert overrides(case) == []


@pytest.mark.parametrize("text", ["", " \x00 ", "\x00" * 10])
def test_empty_replies_are_refused_before_the_check(case: Case, agent: User, text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        case_reply(case=case, actor=agent, text=text)
    assert not isinstance(refused.value, ReplyLintFailed)


def test_an_oversized_reply_is_refused_before_the_check(case: Case, agent: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        case_reply(case=case, actor=agent, text=CLEAN + "x" * 100_001)
    assert not isinstance(refused.value, ReplyLintFailed)


def test_nul_characters_do_not_shift_the_marked_words(case: Case, agent: User) -> None:
    text = "\x00" + MIXED.replace("Nous", "No\x00us")
    with pytest.raises(ReplyLintFailed) as refused:
        case_reply(case=case, actor=agent, text=text)
    checked = refused.value.text
    [span] = refused.value.result.errors[0].spans
    assert checked[span.start : span.end] == "tu"


# --- suggestions ------------------------------------------------------------------------------


def test_suggestions_are_ranked_and_filled_from_the_case(case: Case, agent: User) -> None:
    order = OrderFactory(customer=case.customer, number="FR-123456")
    case.orders.add(order)
    ShipmentFactory(order=order, tracking_number="JVGL0000000001")
    latest = ShipmentFactory(
        order=order,
        tracking_number="JVGL0000000002",
        shipped_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=PARIS),
    )
    message = message_receive(case=case, text="Mon colis n'est jamais arrivé.", channel="web")
    MessageTriage.objects.create(
        message=message,
        lang="fr",
        intents=[["late_delivery", 0.4], ["parcel_lost", 0.9]],
        sentiment="negative",
        model_version="test",
    )
    case.intents = ["late_delivery", "parcel_lost"]
    # Friday 27 November 2026: the next business day is Monday 30.
    now = dt.datetime(2026, 11, 27, 15, 0, tzinfo=PARIS)
    suggestions = reply_suggestions(case=case, agent=agent, now=now)
    assert [s.intent for s in suggestions] == ["parcel_lost", "late_delivery"]
    best = suggestions[0]
    assert (best.language, best.register, best.at_fault) == ("fr", "formal", True)
    for value in ("Claire", "DHL", latest.tracking_number, "Léa", case.brand.name):
        assert value in best.body, value
    assert "30 novembre 2026" in best.body
    everything = " ".join(s.subject + s.body for s in suggestions)
    assert "FR-123456" in everything
    assert "$" not in everything


def test_no_intents_suggest_the_general_reply(case: Case, agent: User) -> None:
    [suggestion] = reply_suggestions(case=case, agent=agent)
    assert suggestion.intent == "other"
    assert "Claire" in suggestion.body


def test_suggestions_fall_back_to_the_storefronts_language(case: Case, agent: User) -> None:
    case.language = ""
    case.customer.language = "pt"
    case.intents = ["refund_request"]
    [suggestion] = reply_suggestions(case=case, agent=agent)
    assert suggestion.language == "fr"


def test_next_business_day_skips_weekends_and_holidays(case: Case) -> None:
    friday = dt.datetime(2026, 11, 27, 23, 30, tzinfo=PARIS)
    assert next_business_day(case.brand, now=friday) == dt.date(2026, 11, 30)
    christmas_eve = dt.datetime(2026, 12, 24, 10, 0, tzinfo=PARIS)
    assert next_business_day(case.brand, now=christmas_eve) == dt.date(2026, 12, 28)


# --- promises made commitments ----------------------------------------------------------------


def sent(case: Case, agent: User, text: str) -> Message:
    case.assignee = agent
    case.save(update_fields=["assignee"])
    return case_reply(case=case, actor=agent, text=text)


def test_a_promise_becomes_a_commitment_once(case: Case, agent: User) -> None:
    message = sent(case, agent, CLEAN)
    commitment = reply_promise_commit(
        case=case, message=message, index=0, actor=agent, kind=CommitmentKind.REFUND
    )
    assert commitment.description == "Nous vous rembourserons demain avant 12h30."
    local = commitment.due_at.astimezone(PARIS)
    assert (local.date(), local.hour, local.minute) == (
        message.created_at.astimezone(PARIS).date() + dt.timedelta(days=1),
        12,
        30,
    )
    assert commitment.kind == CommitmentKind.REFUND
    assert commitment.owner == agent
    with pytest.raises(Conflict):
        reply_promise_commit(case=case, message=message, index=0, actor=agent)
    assert Commitment.objects.filter(case=case).count() == 1


def test_only_promises_of_the_cases_own_replies(case: Case, agent: User, team: Team) -> None:
    message = sent(case, agent, CLEAN)
    with pytest.raises(NotFound):
        reply_promise_commit(case=case, message=message, index=1, actor=agent)
    with pytest.raises(NotFound):
        reply_promise_commit(case=case, message=message, index=-1, actor=agent)
    other = CaseFactory(team=team, brand=case.brand)
    with pytest.raises(NotFound):
        reply_promise_commit(case=other, message=message, index=0, actor=agent)
    inbound = message_receive(case=case, text="Merci, à demain avant 12h30.", channel="web")
    with pytest.raises(NotFound):
        reply_promise_commit(case=case, message=inbound, index=0, actor=agent)
    assert not Commitment.objects.exists()


def test_a_promise_without_a_moment_is_not_made_in_one_click(case: Case, agent: User) -> None:
    text = CLEAN.replace("demain avant 12h30", "le 29 février 2027")
    message = sent(case, agent, text)
    with pytest.raises(InvalidInput) as refused:
        reply_promise_commit(case=case, message=message, index=0, actor=agent)
    assert "due_at" in refused.value.errors
    assert not Commitment.objects.exists()


def test_the_remedy_and_its_amount_fill_the_template_in_the_customers_language(
    case: Case, agent: User
) -> None:
    from decimal import Decimal

    from amends.commerce.models import Remedy, RemedyKind, RemedyStatus
    from amends.replies.services import reply_context

    assert "remedy" not in reply_context(case=case, agent=agent, language="fr")
    order = OrderFactory(customer=case.customer, brand=case.brand)
    Remedy.objects.create(
        case=case,
        order=order,
        kind=RemedyKind.REFUND_PARTIAL,
        status=RemedyStatus.DENIED,
        amount=Decimal("9.00"),
        idempotency_key="denied",
    )
    assert "remedy" not in reply_context(case=case, agent=agent, language="fr")
    Remedy.objects.create(
        case=case,
        order=order,
        kind=RemedyKind.REFUND_PARTIAL,
        status=RemedyStatus.EXECUTED,
        amount=Decimal("12.50"),
        idempotency_key="granted",
    )
    context = reply_context(case=case, agent=agent, language="fr")
    assert context["remedy"] == "Remboursement partiel"
    assert context["amount"] == "12,50\u00a0€"
