from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "amends.triage"
    label = "triage"

    def ready(self) -> None:
        # A bad AMENDS_TRIAGE["ROUTING_RULES"] stops `amends check` and start-up, not the first
        # triage task.
        from django.core import checks

        from amends.triage.routing_rules import check_routing_rules

        checks.register(check_routing_rules)
