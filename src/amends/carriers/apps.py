from django.apps import AppConfig


class CarriersConfig(AppConfig):
    name = "amends.carriers"
    label = "carriers"
