from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "amends.commerce"
    label = "commerce"

    def ready(self) -> None:
        # Stored Shopify payloads can be replayed (``amends inbound replay``) by any process.
        from amends.commerce.shopify.receive import register_shop_channel

        register_shop_channel()
