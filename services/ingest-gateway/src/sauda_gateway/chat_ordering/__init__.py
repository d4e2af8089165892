"""Chat-ordering settings: what the WhatsApp ordering flow asks of a shopper."""
