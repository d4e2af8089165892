"""Merchant configuration: businesses, API keys, plans and limits, WhatsApp accounts, webhook
endpoints and store callbacks."""
