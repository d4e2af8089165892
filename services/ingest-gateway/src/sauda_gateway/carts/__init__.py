"""Abandoned carts: recorded when a store reports one, recovered when the customer orders."""
