from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "amends.commitments"
    label = "commitments"
