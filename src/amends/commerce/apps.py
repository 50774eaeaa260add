from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "amends.commerce"
    label = "commerce"
