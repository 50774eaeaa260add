from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "amends.policies"
    label = "policies"
