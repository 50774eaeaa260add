"""Signing in by an emailed one-time link.

A request for a link never tells whether the address has an account: the web request only
validates the address and enqueues :func:`signin_link_send`; looking the address up and sending
the mail happen in the worker, so the answer, its status and its timing are the same for every
address (ADR 0013).

Two kinds of link, told apart by their prefix:

* ``u.<token>`` for someone who has a portal account: a django-sesame token (signed, works for
  ``SESAME_MAX_AGE`` seconds, spent by the next sign-in of that account, void once the password
  changes);
* ``c.<token>`` for a customer we know by an email identity but who has never signed in: a
  signed, timestamped reference to that identity (Django's signing). Redeeming it creates the
  portal account and links it to the customer, which is also what makes it single-use.

Staff (agents, supervisors, admins) get no link: see :func:`_may_sign_in_by_link`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from sesame.utils import get_token, get_user  # type: ignore[import-untyped]

from amends.accounts.models import STAFF_ROLES, Role, User
from amends.core.errors import DomainError
from amends.core.register import FORMAL
from amends.core.register import override as register_override
from amends.customers.models import Customer, CustomerIdentity, IdentityKind

logger = logging.getLogger(__name__)

USER_PREFIX = "u."
FIRST_PREFIX = "c."
_FIRST_SALT = "amends.signin.first-link"
MAX_EMAIL_LENGTH = 254
MAX_TOKEN_LENGTH = 500
# Ahead of ordinary work in the queue: someone is waiting at the sign-in page.
LINK_TASK_PRIORITY = 50


class LinkNotValid(DomainError):
    """The link was used already, has expired, was tampered with or cut short."""

    status = 400


def link_max_age_seconds() -> int:
    return int(settings.SESAME_MAX_AGE)


def link_minutes() -> int:
    return max(1, link_max_age_seconds() // 60)


def normalize_email(value: str) -> str:
    return value.strip().lower()[:MAX_EMAIL_LENGTH]


def _may_sign_in_by_link(user: User) -> bool:
    """Customers and sellers may; staff may not.

    A link turns whoever reads a mailbox into a signed-in person. For a customer or a seller
    that is the mailbox we answer anyway; a staff account reaches every case of its teams,
    customers' details and possibly the admin, so it keeps signing in with its password, a
    secret the mailbox does not hold. Staff asking for a link get the same neutral page as
    everyone (so the page does not tell staff addresses apart) and no mail.
    """
    return user.is_active and user.role not in STAFF_ROLES


# --- asking for a link ------------------------------------------------------------------------


def signin_link_request(*, email: str, next_url: str, base_url: str) -> None:
    """Queue the mail for ``email`` — whatever the address, the same work here.

    ``next_url`` must already be a safe path on this site (the view checks it); ``base_url`` is
    the site's own scheme and host, e.g. ``https://help.shop.example``.
    """
    signin_link_send.enqueue(email=normalize_email(email), next_url=next_url, base_url=base_url)


@dataclass(frozen=True)
class _Recipient:
    address: str
    token: str
    name: str
    language: str
    shop: str
    sender: str
    register: str = FORMAL


def _language(value: str) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    return value if value in supported else settings.LANGUAGE_CODE


def _recipient_for_user(user: User, *, site: str) -> _Recipient | None:
    if not _may_sign_in_by_link(user):
        return None
    customer = Customer.objects.filter(user=user).select_related("brand").first()
    if customer is not None:
        return _Recipient(
            address=user.email,
            token=USER_PREFIX + get_token(user),
            name=customer.first_name or user.first_name,
            language=_language(customer.language),
            shop=customer.brand.name,
            sender=customer.brand.sender_email,
            register=customer.register,
        )
    return _Recipient(
        address=user.email,
        token=USER_PREFIX + get_token(user),
        name=user.first_name,
        language=_language(user.language),
        shop=site,
        sender=settings.DEFAULT_FROM_EMAIL,
    )


def _first_signin_token(identity: CustomerIdentity) -> str:
    signer = signing.TimestampSigner(salt=_FIRST_SALT)
    return FIRST_PREFIX + signer.sign_object({"i": identity.pk, "e": identity.value})


def _recipient(email: str, *, site: str) -> _Recipient | None:
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return _recipient_for_user(user, site=site)
    identity = (
        CustomerIdentity.objects.filter(kind=IdentityKind.EMAIL, value=email)
        .select_related("customer__brand", "customer__user")
        .first()
    )
    if identity is None:
        return None
    customer = identity.customer
    if customer.user is not None:
        # Signed in before under another address: this one is theirs too.
        return _recipient_for_user(customer.user, site=site)
    return _Recipient(
        address=identity.value,
        token=_first_signin_token(identity),
        name=customer.first_name,
        language=_language(customer.language),
        shop=customer.brand.name,
        sender=customer.brand.sender_email,
        register=customer.register,
    )


def link_url(*, base_url: str, token: str, next_url: str) -> str:
    query: dict[str, str] = {"token": token}
    if next_url:
        query["next"] = next_url
    return base_url.rstrip("/") + reverse("signin-link") + "?" + urlencode(query)


@task(priority=LINK_TASK_PRIORITY)
def signin_link_send(*, email: str, next_url: str, base_url: str) -> str:
    """Mail a sign-in link to ``email`` if it may have one; return what was done (for logs)."""
    site = urlsplit(base_url).hostname or base_url
    recipient = _recipient(normalize_email(email), site=site)
    if recipient is None:
        return "no link"
    url = link_url(base_url=base_url, token=recipient.token, next_url=next_url)
    context: dict[str, Any] = {
        "name": recipient.name,
        "shop": recipient.shop,
        "url": url,
        "minutes": link_minutes(),
    }
    with register_override(recipient.language, recipient.register):
        subject = render_to_string("signin/email/link_subject.txt", context)
        text = render_to_string("signin/email/link_body.txt", context)
        html = render_to_string("signin/email/link_body.html", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=text,
        from_email=recipient.sender or None,
        recipient_list=[recipient.address],
        html_message=html,
    )
    return "sent"


# --- using a link -----------------------------------------------------------------------------


def _split(token: str) -> tuple[str, str]:
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        return "", ""
    for prefix in (USER_PREFIX, FIRST_PREFIX):
        if token.startswith(prefix) and len(token) > len(prefix):
            return prefix, token[len(prefix) :]
    return "", ""


def _user_of(raw: str) -> User | None:
    user = get_user(raw, update_last_login=False)
    if isinstance(user, User) and _may_sign_in_by_link(user):
        return user
    return None


def _identity_of(raw: str) -> CustomerIdentity | None:
    signer = signing.TimestampSigner(salt=_FIRST_SALT)
    try:
        data = signer.unsign_object(raw, max_age=link_max_age_seconds())
        identity_id, value = int(data["i"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        CustomerIdentity.objects.filter(
            pk=identity_id, kind=IdentityKind.EMAIL, value=value, customer__user__isnull=True
        )
        .select_related("customer")
        .first()
    )


def signin_link_check(*, token: str) -> str | None:
    """The address a link would sign in, or None if it cannot be used. Spends nothing."""
    prefix, raw = _split(token)
    if prefix == USER_PREFIX:
        user = _user_of(raw)
        return user.email if user else None
    if prefix == FIRST_PREFIX:
        identity = _identity_of(raw)
        if identity is None or User.objects.filter(email__iexact=identity.value).exists():
            return None
        return identity.value
    return None


def signin_link_redeem(*, token: str) -> User:
    """Spend the link and return the account it signs in.

    Raises :class:`LinkNotValid` if the link was used, expired, altered, or its account may no
    longer sign in by link. Two requests racing with one link: exactly one wins.
    """
    prefix, raw = _split(token)
    if prefix == USER_PREFIX:
        user = _redeem_account_link(raw)
    elif prefix == FIRST_PREFIX:
        user = _redeem_first_link(raw)
    else:
        raise LinkNotValid("malformed sign-in link")
    # Opening the link proved the address belongs to whoever reads that mailbox.
    CustomerIdentity.objects.filter(
        kind=IdentityKind.EMAIL, value=user.email.lower(), customer__user=user
    ).update(verified=True)
    return user


def _redeem_account_link(raw: str) -> User:
    user = _user_of(raw)
    if user is None:
        raise LinkNotValid("sign-in link used, expired or invalid")
    # The token is bound to last_login (SESAME_ONE_TIME); moving it on, only if nobody else has
    # since we read it, spends the token exactly once even under concurrent requests.
    claimed = User.objects.filter(pk=user.pk, last_login=user.last_login).update(
        last_login=timezone.now()
    )
    if claimed != 1:
        raise LinkNotValid("sign-in link already used")
    return user


def _redeem_first_link(raw: str) -> User:
    identity = _identity_of(raw)
    if identity is None:
        raise LinkNotValid("sign-in link used, expired or invalid")
    try:
        with transaction.atomic():
            customer = Customer.objects.select_for_update().get(pk=identity.customer_id)
            if customer.user_id is not None:
                raise LinkNotValid("sign-in link already used")
            first, _space, last = customer.name.strip().partition(" ")
            user = User.objects.create_user(
                identity.value,
                role=Role.CUSTOMER,
                language=_language(customer.language),
                first_name=first[:150],
                last_name=last.strip()[:150],
                last_login=timezone.now(),
            )
            customer.user = user
            customer.save(update_fields=["user", "updated_at"])
    except IntegrityError:
        # An account with this address appeared since the link was sent.
        raise LinkNotValid("an account with this address exists already") from None
    logger.info("customer %s signed in for the first time; portal account created", customer.pk)
    return user
