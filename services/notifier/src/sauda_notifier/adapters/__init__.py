"""Adapters of notifier (none yet)."""
