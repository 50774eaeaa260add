from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "amends.conversations"
    label = "conversations"
