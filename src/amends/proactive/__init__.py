"""Cases opened before the customer writes: a shipment problem noticed, the customer told."""
