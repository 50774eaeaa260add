from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "amends.brands"
    label = "brands"
