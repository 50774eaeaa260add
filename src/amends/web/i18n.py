"""The language a page is shown in, and remembering the one a signed-in person picks.

Order of precedence: an explicit choice (the ``django_language`` cookie the switcher sets), then
the signed-in person's saved language — a customer's ``Customer.language``, anyone else's
``User.language`` — then the browser's Accept-Language (Django's ``LocaleMiddleware``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from amends.accounts.models import Role, User
from amends.customers.models import Customer

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def saved_language(user: User) -> str:
    """The language saved for this person: the customer record's for a customer."""
    if user.role == Role.CUSTOMER:
        language = (
            Customer.objects.filter(user=user).values_list("language", flat=True).first() or ""
        )
        if language in SUPPORTED:
            return language
    return user.language


class UserLanguageMiddleware:
    """Shows a signed-in person's pages in their saved language unless they chose another.

    Goes after ``AuthenticationMiddleware``; ``LocaleMiddleware`` has already activated the
    cookie's or the browser's language, and still sets ``Content-Language`` on the way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = saved_language(user)
            if language in SUPPORTED:
                translation.activate(language)
                request.LANGUAGE_CODE = language
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
