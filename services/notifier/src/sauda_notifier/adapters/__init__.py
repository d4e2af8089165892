"""Adapters: the notifier's Postgres store, the gateway's account table, the Graph API, limits."""
