"""Dispatcher use cases; each takes its collaborators as keyword-only parameters (bootstrap binds
them).

- `deliveries`: order events and the gateway's commands → delivery rows (in the kit's transaction);
- `attempts`: one attempt of a delivery and its record, retries, the sweep, background sends.
"""
