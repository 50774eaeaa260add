from django.contrib import admin
from django.urls import include, path

from amends.api.urls import api
from amends.web import i18n as web_i18n
from amends.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("contact/", web_views.contact, name="contact"),
    path("contact/thanks/<str:reference>/", web_views.contact_thanks, name="contact-thanks"),
    # Ours first: the same URL and name as Django's, and it also saves a signed-in person's choice.
    path("i18n/setlang/", web_i18n.set_language, name="set_language"),
    path("i18n/setregister/", web_i18n.set_register, name="set_register"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Sign-in by password or by an emailed one-time link, throttled; before Django's own views.
    path("accounts/", include("amends.web.signin_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("console/", include("amends.console.urls")),
    path("my/", include("amends.portal.urls")),
    path("attachments/", include("amends.conversations.urls")),
    path("api/v1/", api.urls),
    path("hooks/carriers/", include("amends.carriers.urls")),
    path("hooks/shop/", include("amends.commerce.urls")),
]
