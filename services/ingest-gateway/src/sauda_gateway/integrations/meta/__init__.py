"""Meta's WhatsApp webhooks: the handshake, the signature, the payload read into contracts."""
