from ninja import NinjaAPI

api = NinjaAPI(
    title="amends API",
    version="1",
    urls_namespace="api-v1",
    description="Cases, messages, commitments, customers, orders and shipments.",
)
