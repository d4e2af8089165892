"""Adapters: the ledger's Postgres store."""
