"""Sauda notifier: the only code that talks to Meta's WhatsApp Cloud API."""
