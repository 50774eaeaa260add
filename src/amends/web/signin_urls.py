"""Sign-in: password and emailed one-time links, throttled."""

from django.urls import URLPattern, path

from amends.web import signin

urlpatterns: list[URLPattern] = [
    # The same name as Django's own sign-in view, which this one replaces.
    path("login/", signin.login_page, name="login"),
    path("login/email/", signin.link_request, name="signin-link-request"),
    path("login/email/sent/", signin.link_sent, name="signin-link-sent"),
    path("login/link/", signin.link_confirm, name="signin-link"),
]
