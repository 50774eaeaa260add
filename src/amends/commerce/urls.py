from django.urls import URLPattern, path

from amends.commerce import views

urlpatterns: list[URLPattern] = [
    path("shopify/", views.shopify_webhook, name="shopify-webhook"),
]
