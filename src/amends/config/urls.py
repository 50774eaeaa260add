from django.contrib import admin
from django.urls import include, path

from amends.api.urls import api
from amends.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("contact/", web_views.contact, name="contact"),
    path("contact/thanks/<str:reference>/", web_views.contact_thanks, name="contact-thanks"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("console/", include("amends.console.urls")),
    path("my/", include("amends.portal.urls")),
    path("api/v1/", api.urls),
]
