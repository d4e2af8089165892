"""Sauda ingest gateway: the public HTTP API, merchant configuration and the order query view."""
