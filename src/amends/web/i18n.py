"""The language a page is shown in, and remembering the one a signed-in person picks.

Order of precedence: an explicit choice (the ``django_language`` cookie the switcher sets), then
the signed-in person's saved language — a customer's ``Customer.language``, anyone else's
``User.language`` — then the browser's Accept-Language (Django's ``LocaleMiddleware``).

The register follows the person, not the language: a customer is addressed in their own
``Customer.register`` (set from the storefront's default when they first wrote); staff pages and
visitors who are not signed in get the formal catalogue (see ``amends.core.register``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from amends.accounts.models import Role, User
from amends.core.register import FORMAL, INFORMAL, activate_register
from amends.customers.models import Customer

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def saved_preferences(user: User) -> tuple[str, str]:
    """(language, register) saved for this person: the customer record's for a customer."""
    if user.role == Role.CUSTOMER:
        language, register = Customer.objects.filter(user=user).values_list(
            "language", "register"
        ).first() or ("", FORMAL)
        return (language if language in SUPPORTED else user.language), register
    return user.language, FORMAL


def saved_language(user: User) -> str:
    """The language saved for this person: the customer record's for a customer."""
    return saved_preferences(user)[0]


class UserLanguageMiddleware:
    """Shows a signed-in person's pages in their saved language unless they chose another.

    Goes after ``AuthenticationMiddleware``; ``LocaleMiddleware`` has already activated the
    cookie's or the browser's language, and still sets ``Content-Language`` on the way out.
    Then the person's register is applied to whichever language is active.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        register = FORMAL
        if isinstance(user, User) and user.is_authenticated:
            language, register = saved_preferences(user)
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language in SUPPORTED:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        activate_register(register)
        request.register = register  # type: ignore[attr-defined]
        return self.get_response(request)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie and redirect), and the choice saved for a signed-in
    person so it follows them to another browser."""
    response = django_set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    user = request.user
    if isinstance(user, User) and language in SUPPORTED:
        User.objects.filter(pk=user.pk).update(language=language)
        if user.role == Role.CUSTOMER:
            Customer.objects.filter(user=user).update(language=language)
    return response


# How each language says "you", formally and informally: the choice a customer makes is shown in
# these words, which every speaker recognises, rather than in a description of them.
PRONOUNS: dict[str, tuple[str, str]] = {
    "fr": ("vous", "tu"),
    "nl": ("u", "je"),
    "de": ("Sie", "du"),
    "es": ("usted", "tú"),
    "it": ("Lei", "tu"),
    "pl": ("Pan / Pani", "ty"),
    "lt": ("jūs", "tu"),
}


def register_choices(language: str) -> list[tuple[str, str]]:
    """The two ways of address in ``language``, or none where there is one (English)."""
    pronouns = PRONOUNS.get(language)
    if pronouns is None:
        return []
    return [(FORMAL, pronouns[0]), (INFORMAL, pronouns[1])]


def register_context(request: HttpRequest) -> dict[str, object]:
    """Template context: the register in use and, for a customer, the choice of the other one."""
    user = getattr(request, "user", None)
    is_customer = isinstance(user, User) and user.role == Role.CUSTOMER
    language = translation.get_language() or ""
    return {
        "register": getattr(request, "register", FORMAL),
        "register_choices": register_choices(language) if is_customer else [],
    }


@require_POST
def set_register(request: HttpRequest) -> HttpResponse:
    """A signed-in customer chooses how they are addressed; saved on their customer record."""
    register = request.POST.get("register", "")
    if register not in (FORMAL, INFORMAL):
        return HttpResponseBadRequest("register must be 'formal' or 'informal'")
    user = request.user
    if isinstance(user, User) and user.role == Role.CUSTOMER:
        Customer.objects.filter(user=user).update(register=register)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)
