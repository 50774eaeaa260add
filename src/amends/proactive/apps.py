from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "amends.proactive"
    label = "proactive"
