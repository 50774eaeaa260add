"""The Shopify webhook importer: Shopify's order, refund, fulfilment and customer webhooks kept
in amends' snapshots (``Order``, ``OrderLine``, ``Customer``, ``Shipment``).

* ``signature`` — Shopify's HMAC, checked on the raw body;
* ``payloads`` — the documented JSON resources, read into typed values (money as ``Decimal``);
* ``receive`` — verify, store raw once, import or quarantine with a reason (the entry point);
* ``importer``, ``customers``, ``carriers``, ``records`` — the upserts behind it.

It imports what the shop did; it does not carry out remedies in Shopify (the shop backend,
``AMENDS_COMMERCE``, does that).
"""
