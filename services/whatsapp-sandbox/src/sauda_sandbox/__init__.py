"""A faithful local fake of Meta's WhatsApp Cloud API: Graph sends, signed webhooks, a shopper's phone."""
