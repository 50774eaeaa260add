from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "amends.inbound"
    label = "inbound"
