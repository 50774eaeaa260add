from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "amends.search"
    label = "search"

    def ready(self) -> None:
        from amends.search import signals

        signals.connect()
