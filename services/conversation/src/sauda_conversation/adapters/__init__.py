"""Adapters of conversation (none yet)."""
