"""Sauda webhook dispatcher: signed merchant webhooks and store callbacks, attempts log, endpoint health."""
