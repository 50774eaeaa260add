from django.apps import AppConfig


class CarriersConfig(AppConfig):
    name = "amends.carriers"
    label = "carriers"

    def ready(self) -> None:
        # `amends inbound replay` reads carrier payloads (kept for unknown tracking numbers).
        from amends.carriers.channel import register_carrier_channel

        register_carrier_channel()
