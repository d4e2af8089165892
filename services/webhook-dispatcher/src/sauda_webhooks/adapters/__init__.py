"""Adapters of the webhook dispatcher: its Postgres store and the HTTP client that POSTs webhooks."""
