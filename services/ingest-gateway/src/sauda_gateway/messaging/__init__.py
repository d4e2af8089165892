"""The merchant's WhatsApp sends: the handlers both APIs share, the window, idempotency, waiting."""
