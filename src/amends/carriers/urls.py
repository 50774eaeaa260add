from django.urls import URLPattern, path

from amends.carriers.views import carrier_webhook

urlpatterns: list[URLPattern] = [
    path("<slug:code>/", carrier_webhook, name="carrier-webhook"),
]
