from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "amends.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        from amends.mail import channel, directory

        channel.register_email_channel()
        directory.connect()
