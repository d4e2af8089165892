"""Adapters of webhook-dispatcher (none yet)."""
