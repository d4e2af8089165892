"""Sandbox use cases, one module per concept; bootstrap builds each with its collaborators."""
