"""Merchant users of the dashboard: sign-in, sessions, roles."""
