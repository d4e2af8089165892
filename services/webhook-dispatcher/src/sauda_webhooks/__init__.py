"""Sauda webhook-dispatcher: signed merchant webhooks and store callbacks. Skeleton: built in a later issue."""
