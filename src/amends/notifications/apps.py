from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "amends.notifications"
    label = "notifications"
