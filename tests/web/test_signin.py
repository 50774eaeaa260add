"""Signing in: by an emailed one-time link or a password; throttled; never telling who exists."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from sesame.utils import get_token  # type: ignore[import-untyped]

from amends.accounts.models import Role, User
from amends.accounts.signin import signin_link_check, signin_link_redeem
from amends.core.worker import run_pending
from amends.customers.models import Customer, CustomerIdentity
from tests.factories import (
    BrandFactory,
    CustomerFactory,
    SellerFactory,
    TeamFactory,
    make_agent,
    make_customer_user,
    make_seller_user,
)
from tests.processes import child_env

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests/factories.py gives every user this one
SENT = "If an account exists for"
INVALID = "This sign-in link cannot be used"
WRONG_PASSWORD = "That email address and password do not match."
THROTTLED = "Too many attempts"
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


@dataclass(frozen=True)
class People:
    customer: User  # a customer with a portal account, French
    newcomer: Customer  # a Dutch customer we know by email who never signed in
    inactive: User
    agent: User
    seller: User


@pytest.fixture(autouse=True)
def _empty_throttle() -> Iterator[None]:
    """Counters live in the cache table, which is not rolled back between browser tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people() -> People:
    brand = BrandFactory(code="fr", name="Boutique FR", sender_email="aide@boutique.example")
    customer = make_customer_user(
        CustomerFactory(brand=brand, name="Camille Durand", email="camille@mail.test")
    )
    nl = BrandFactory(
        code="nl",
        name="Winkel NL",
        languages=["nl"],
        default_language="nl",
        sender_email="hulp@winkel.example",
    )
    newcomer = CustomerFactory(
        brand=nl, name="Niels de Vries", language="nl", email="niels@mail.test"
    )
    inactive = make_customer_user(CustomerFactory(brand=brand, email="gone@mail.test"))
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    agent = make_agent(TeamFactory(brand=brand), email="lea@shop.test")
    seller = make_seller_user(SellerFactory())
    return People(customer, newcomer, inactive, agent, seller)


def ask_link(client: Client, email: str, *, ip: str = "192.0.2.10", next_url: str = "") -> Response:
    data = {"email": email, "next": next_url}
    return client.post("/accounts/login/email/", data, REMOTE_ADDR=ip)


def try_password(client: Client, email: str, password: str, *, ip: str = "192.0.2.10") -> Response:
    data = {"username": email, "password": password}
    return client.post("/accounts/login/", data, REMOTE_ADDR=ip)


def deliver() -> list[EmailMultiAlternatives]:
    """Run the queued mail tasks as the worker would; return every mail sent so far."""
    run_pending()
    return [m for m in mail.outbox if isinstance(m, EmailMultiAlternatives)]


def link_in(message: EmailMultiAlternatives) -> str:
    """The link in a mail, as a path and query for the test client."""
    match = re.search(r"https?://\S+", str(message.body))
    assert match, message.body
    url = urlsplit(match.group(0))
    assert url.netloc == "testserver"
    return f"{url.path}?{url.query}"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def html_of(message: EmailMultiAlternatives) -> str:
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(html)


def emailed_link(client: Client, email: str, *, next_url: str = "") -> str:
    before = len(mail.outbox)
    assert ask_link(client, email, next_url=next_url).status_code == 302
    sent = [m for m in deliver()[before:] if m.to == [email]]
    assert len(sent) == 1
    return link_in(sent[0])


def signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def neutral(html: str, email: str) -> str:
    return CSRF_INPUT.sub("", html).replace(email, "EMAIL")


# --- asking for a link ------------------------------------------------------------------------


def test_every_address_gets_the_same_answer_and_only_some_get_mail(people: People) -> None:
    addresses = {
        "customer": people.customer.email,
        "newcomer": "niels@mail.test",
        "unknown": "nobody@mail.test",
        "inactive": people.inactive.email,
        "staff": people.agent.email,
    }
    answers = {}
    for kind, email in addresses.items():
        client = Client()
        response = ask_link(client, email)
        page = client.get(response["Location"])
        answers[kind] = (
            response.status_code,
            response["Location"],
            page.status_code,
            neutral(page.content.decode(), email),
        )
        assert SENT in page.content.decode()
        assert email in page.content.decode()
    assert len(set(answers.values())) == 1, "the answer depends on the address"
    # The web request did the same work for each: one queued task, no look-up, no mail.
    assert DBTaskResult.objects.count() == len(addresses)
    assert mail.outbox == []

    sent = deliver()
    assert sorted(m.to[0] for m in sent) == sorted([people.customer.email, "niels@mail.test"]), (
        "no mail for unknown, deactivated or staff addresses"
    )


def test_the_address_is_matched_whatever_its_case_and_spaces(people: People) -> None:
    ask_link(Client(), "  Camille@MAIL.test ")
    assert [m.to for m in deliver()] == [["camille@mail.test"]]


def test_the_mail_speaks_the_customers_language_and_names_the_shop(people: People) -> None:
    client = Client(headers={"accept-language": "en"})
    ask_link(client, people.customer.email)
    ask_link(client, "niels@mail.test")
    by_address = {m.to[0]: m for m in deliver()}

    french = by_address[people.customer.email]
    assert french.from_email == "aide@boutique.example"
    assert "Boutique FR" in french.subject
    assert "Camille" in french.body
    assert "15 minutes" in french.body
    assert "usage unique" in french.body
    assert '<html lang="fr">' in html_of(french)
    assert ">Se connecter</a>" in html_of(french), "the page's language (en) does not leak in"
    assert link_in(french).startswith("/accounts/login/link/?token=u.")
    assert 'href="http://testserver/accounts/login/link/?token=u.' in html_of(french)

    dutch = by_address["niels@mail.test"]
    assert dutch.from_email == "hulp@winkel.example"
    assert "Winkel NL" in dutch.subject
    assert '<html lang="nl">' in html_of(dutch)
    assert ">Inloggen</a>" in html_of(dutch)
    assert link_in(dutch).startswith("/accounts/login/link/?token=c.")


def test_a_seller_gets_a_link_named_after_the_site(people: People) -> None:
    ask_link(Client(), people.seller.email)
    (message,) = deliver()
    assert message.to == [people.seller.email]
    assert "testserver" in message.subject


def test_a_malformed_address_is_refused_on_the_sign_in_page(people: People) -> None:
    for bad in ["not-an-address", "", "a@b@c", "x" * 300 + "@mail.test", "nul\x00@mail.test"]:
        response = ask_link(Client(), bad)
        assert response.status_code == 200, bad
        assert 'id="link_error"' in response.content.decode()
    assert DBTaskResult.objects.count() == 0


def test_get_on_the_request_url_is_not_allowed() -> None:
    assert Client().get("/accounts/login/email/").status_code == 405


# --- using a link -----------------------------------------------------------------------------


def test_the_link_shows_a_confirmation_and_signs_in_only_on_post(people: People) -> None:
    link = emailed_link(Client(), people.customer.email)
    browser = Client()
    for _ in range(2):  # a mail scanner, then the person: neither GET signs in or spends it
        page = browser.get(link)
        assert page.status_code == 200
        assert people.customer.email in page.content.decode()
        assert signed_in_as(browser) is None

    response = browser.post("/accounts/login/link/", {"token": token_of(link)})
    assert response.status_code == 302
    assert response["Location"] == "/my/"
    assert signed_in_as(browser) == people.customer.pk
    assert browser.get("/my/")["Location"] == "/my/cases/"


def test_a_link_works_once(people: People) -> None:
    token = token_of(emailed_link(Client(), people.customer.email))
    assert Client().post("/accounts/login/link/", {"token": token}).status_code == 302

    again = Client()
    second = again.post("/accounts/login/link/", {"token": token})
    assert second.status_code == 400
    assert INVALID in second.content.decode()
    assert "already been used" in second.content.decode()
    assert signed_in_as(again) is None
    assert again.get(f"/accounts/login/link/?token={token}").status_code == 400


def test_the_service_spends_a_link_exactly_once(people: People) -> None:
    token = "u." + get_token(people.customer)
    assert signin_link_check(token=token) == people.customer.email
    assert signin_link_check(token=token) == people.customer.email  # checking spends nothing
    assert signin_link_redeem(token=token) == people.customer
    with pytest.raises(Exception, match="used"):
        signin_link_redeem(token=token)


def test_a_link_expires_after_15_minutes(people: People) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fresh = emailed_link(Client(), people.customer.email)
        stale = emailed_link(Client(), "niels@mail.test")
        traveller.shift(dt.timedelta(minutes=14, seconds=50))
        assert Client().get(fresh).status_code == 200
        assert Client().get(stale).status_code == 200
        traveller.shift(dt.timedelta(seconds=15))
        for link in (fresh, stale):
            assert Client().get(link).status_code == 400
            response = Client().post("/accounts/login/link/", {"token": token_of(link)})
            assert response.status_code == 400
            assert INVALID in response.content.decode()
    assert Customer.objects.get(pk=people.newcomer.pk).user is None


@pytest.mark.parametrize(
    "tamper",
    [
        # A character inside the signature (the last one also carries padding bits).
        lambda t: t[:-6] + ("A" if t[-6] != "A" else "B") + t[-5:],
        lambda t: t[:-3],
        lambda t: t[2:],  # no kind prefix
        lambda t: "c." + t[2:],  # the other kind
        lambda t: "u.",
        lambda t: "",
        lambda t: "u." + "A" * 5000,
        lambda t: "c.eyJpIjoxLCJlIjoieEB5LnoifQ:1tLJ8d:badsignature",
        lambda t: "u.../../etc/passwd",
        lambda t: t + "\x00",
    ],
)
def test_a_tampered_link_is_refused(people: People, tamper: Callable[[str], str]) -> None:
    token = token_of(emailed_link(Client(), people.customer.email))
    bad = tamper(token)
    browser = Client()
    assert browser.get("/accounts/login/link/", {"token": bad}).status_code == 400
    response = browser.post("/accounts/login/link/", {"token": bad})
    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert signed_in_as(browser) is None
    # The real link still works afterwards.
    assert Client().post("/accounts/login/link/", {"token": token}).status_code == 302


def test_a_password_change_voids_the_links_sent_before(people: People) -> None:
    token = token_of(emailed_link(Client(), people.customer.email))
    people.customer.set_password("a brand new secret 42")
    people.customer.save()
    assert Client().post("/accounts/login/link/", {"token": token}).status_code == 400


def test_a_password_sign_in_spends_the_links_sent_before(people: People) -> None:
    token = token_of(emailed_link(Client(), people.customer.email))
    assert try_password(Client(), people.customer.email, PASSWORD).status_code == 302
    assert Client().post("/accounts/login/link/", {"token": token}).status_code == 400


def test_a_staff_account_cannot_use_a_link_even_a_forged_valid_one(people: People) -> None:
    token = "u." + get_token(people.agent)
    assert Client().get("/accounts/login/link/", {"token": token}).status_code == 400
    assert Client().post("/accounts/login/link/", {"token": token}).status_code == 400


def test_a_deactivated_account_cannot_use_a_link_sent_before(people: People) -> None:
    token = token_of(emailed_link(Client(), people.customer.email))
    people.customer.is_active = False
    people.customer.save(update_fields=["is_active"])
    assert Client().post("/accounts/login/link/", {"token": token}).status_code == 400


def test_first_sign_in_creates_the_portal_account_once(people: People) -> None:
    link = emailed_link(Client(), "niels@mail.test")
    assert not User.objects.filter(email="niels@mail.test").exists(), "not before it is used"
    browser = Client()
    assert "niels@mail.test" in browser.get(link).content.decode()
    response = browser.post("/accounts/login/link/", {"token": token_of(link)})
    assert response.status_code == 302

    user = User.objects.get(email="niels@mail.test")
    assert signed_in_as(browser) == user.pk
    assert user.role == Role.CUSTOMER
    assert user.first_name == "Niels"
    assert user.language == "nl"
    assert not user.has_usable_password()
    customer = Customer.objects.get(pk=people.newcomer.pk)
    assert customer.user == user
    assert CustomerIdentity.objects.get(value="niels@mail.test").verified
    assert browser.get("/my/cases/").status_code == 200

    second = Client().post("/accounts/login/link/", {"token": token_of(link)})
    assert second.status_code == 400
    assert User.objects.filter(email="niels@mail.test").count() == 1
    # From now on the customer gets ordinary account links.
    assert token_of(emailed_link(Client(), "niels@mail.test")).startswith("u.")


def test_a_customer_known_by_another_address_gets_the_link_at_the_accounts_address(
    people: People,
) -> None:
    customer = Customer.objects.get(user=people.customer)
    CustomerIdentity.objects.create(customer=customer, kind="email", value="camille@work.test")
    ask_link(Client(), "camille@work.test")
    (message,) = deliver()
    assert message.to == [people.customer.email], "to the account's own address"
    link = link_in(message)
    browser = Client()
    browser.post("/accounts/login/link/", {"token": token_of(link)})
    assert signed_in_as(browser) == people.customer.pk


# --- where a sign-in lands --------------------------------------------------------------------


EVIL = [
    "//evil.test",
    "https://evil.test",
    "http://evil.test/my/",
    "/\\evil.test",
    "\\\\evil.test",
    "javascript:alert(1)",
    "https://testserver.evil.test/",
    "//testserver@evil.test",
]


@pytest.mark.parametrize("next_url", EVIL)
def test_next_never_leads_off_the_site(people: People, next_url: str) -> None:
    link = emailed_link(Client(), people.customer.email, next_url=next_url)
    assert "next=" not in link, "an unsafe next is not put in the mail"
    response = Client().post("/accounts/login/link/", {"token": token_of(link), "next": next_url})
    assert response["Location"] == "/my/"

    response = Client().post(
        "/accounts/login/",
        {"username": people.customer.email, "password": PASSWORD, "next": next_url},
    )
    assert response["Location"] == "/my/"
    page = Client().get("/accounts/login/", {"next": next_url}).content.decode()
    assert page.count('name="next" value=""') == 2, "neither form carries it on"


def test_a_safe_next_is_kept_through_the_mail(people: People) -> None:
    link = emailed_link(Client(), people.customer.email, next_url="/my/cases/?page=2")
    assert parse_qs(urlsplit(link).query)["next"] == ["/my/cases/?page=2"]
    confirm = Client().get(link).content.decode()
    assert 'name="next" value="/my/cases/?page=2"' in confirm
    response = Client().post(
        "/accounts/login/link/", {"token": token_of(link), "next": "/my/cases/?page=2"}
    )
    assert response["Location"] == "/my/cases/?page=2"


# --- CSRF -------------------------------------------------------------------------------------


def test_every_sign_in_form_needs_the_csrf_token(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    token = "u." + get_token(people.customer)
    assert (
        client.post("/accounts/login/email/", {"email": people.customer.email}).status_code == 403
    )
    assert (
        client.post(
            "/accounts/login/", {"username": people.customer.email, "password": PASSWORD}
        ).status_code
        == 403
    )
    assert client.post("/accounts/login/link/", {"token": token}).status_code == 403
    assert DBTaskResult.objects.count() == 0
    assert signed_in_as(client) is None

    page = client.get("/accounts/login/link/", {"token": token}).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match
    response = client.post(
        "/accounts/login/link/", {"token": token, "csrfmiddlewaretoken": match.group(1)}
    )
    assert response.status_code == 302
    assert signed_in_as(client) == people.customer.pk


# --- passwords --------------------------------------------------------------------------------


def test_password_sign_in_still_works_for_staff_and_customers(people: People) -> None:
    for user, lands in ((people.agent, "/console/"), (people.customer, "/my/cases/")):
        client = Client()
        response = try_password(client, user.email.upper(), PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == "/my/"
        assert client.get("/my/")["Location"] == lands


def test_a_wrong_password_and_an_unknown_address_look_the_same(people: People) -> None:
    answers = set()
    for email, password in [
        (people.customer.email, "wrong password"),
        ("nobody@mail.test", "wrong password"),
        (people.inactive.email, PASSWORD),  # deactivated, right password
        ("niels@mail.test", PASSWORD),  # known customer without a password
        (people.customer.email, ""),
        ("", PASSWORD),
        (people.customer.email, "x" * 10_000),
    ]:
        client = Client()
        response = try_password(client, email, password)
        html = response.content.decode()
        assert WRONG_PASSWORD in html, email
        assert signed_in_as(client) is None
        answers.add((response.status_code, neutral(html, email) if email else html.count("alert")))
    assert {status for status, _html in answers} == {200}
    pages = {html for _status, html in answers if isinstance(html, str)}
    assert len(pages) == 1, "the page tells addresses apart"


def test_the_sign_in_page_offers_both_ways() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert html.index('id="id_username"') < html.index('id="id_link_email"')
    assert 'id="id_password"' in html
    assert 'action="/accounts/login/email/"' in html


# --- throttle ---------------------------------------------------------------------------------


def test_link_requests_are_throttled_per_address_the_same_for_everyone(people: People) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        pages = set()
        for email in (people.customer.email, "nobody@mail.test", people.agent.email):
            for n in range(5):
                assert ask_link(Client(), email, ip=f"198.51.100.{n}").status_code == 302
            throttled = ask_link(Client(), email, ip="203.0.113.7")
            assert throttled.status_code == 429
            assert 1 <= int(throttled["Retry-After"]) <= 15 * 60
            html = throttled.content.decode()
            assert THROTTLED in html
            # The wait depends on the address's own window (django-ratelimit staggers them),
            # never on whether it has an account.
            pages.add(re.sub(r"\d+ minutes?", "N minutes", CSRF_INPUT.sub("", html)))
        assert len(pages) == 1, "the throttle tells addresses apart"
        assert DBTaskResult.objects.count() == 15

        traveller.shift(dt.timedelta(minutes=15, seconds=10))
        assert ask_link(Client(), people.customer.email).status_code == 302


def test_link_requests_are_throttled_per_client_address(people: People) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(20):
            assert ask_link(Client(), f"someone{n}@mail.test", ip="192.0.2.99").status_code == 302
        assert ask_link(Client(), people.customer.email, ip="192.0.2.99").status_code == 429
        # Another client is not affected, and the blocked one used up no address's allowance.
        for _ in range(5):
            assert ask_link(Client(), people.customer.email, ip="192.0.2.100").status_code == 302
        traveller.shift(dt.timedelta(minutes=16))
        assert ask_link(Client(), "someone0@mail.test", ip="192.0.2.99").status_code == 302


def test_ipv6_clients_are_counted_by_their_64_block(people: People) -> None:
    for n in range(20):
        assert (
            ask_link(Client(), f"x{n}@mail.test", ip=f"2001:db8:1:2::{n + 1:x}").status_code == 302
        )
    assert ask_link(Client(), "y@mail.test", ip="2001:db8:1:2:ffff::1").status_code == 429
    assert ask_link(Client(), "y@mail.test", ip="2001:db8:1:3::1").status_code == 302


def test_failed_passwords_are_throttled_per_address(people: People) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for email in (people.customer.email, "nobody@mail.test"):
            for n in range(5):
                response = try_password(Client(), email, "guess", ip=f"198.51.100.{n}")
                assert response.status_code == 200
            # Now even the right password waits, from anywhere, and it looks the same either way.
            blocked = try_password(Client(), email, PASSWORD, ip="203.0.113.8")
            assert blocked.status_code == 429
            assert THROTTLED in blocked.content.decode()
        traveller.shift(dt.timedelta(minutes=16))
        client = Client()
        assert try_password(client, people.customer.email, PASSWORD).status_code == 302
        assert signed_in_as(client) == people.customer.pk


def test_failed_passwords_are_throttled_per_client_address(people: People) -> None:
    for n in range(20):
        try_password(Client(), f"guess{n}@mail.test", "guess", ip="192.0.2.50")
    assert try_password(Client(), people.agent.email, PASSWORD, ip="192.0.2.50").status_code == 429
    assert try_password(Client(), people.agent.email, PASSWORD, ip="192.0.2.51").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_allowance(people: People) -> None:
    for _ in range(25):
        assert (
            try_password(Client(), people.agent.email, PASSWORD, ip="192.0.2.60").status_code == 302
        )


# --- where the counters live ------------------------------------------------------------------


@pytest.mark.slow
def test_the_embedded_profiles_counters_are_shared_by_every_process(tmp_path: Path) -> None:
    """`amends migrate` creates the cache table; what one process counts, another sees."""

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            env=child_env(tmp_path, DJANGO_SETTINGS_MODULE="amends.config.settings"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout.strip()

    setup = "import django; django.setup(); from django.core.cache import cache; "
    run("-m", "amends", "migrate")
    run("-c", setup + "cache.add('amends-shared', 0, 60); cache.incr('amends-shared')")
    assert run("-c", setup + "print(cache.incr('amends-shared'))") == "2"
