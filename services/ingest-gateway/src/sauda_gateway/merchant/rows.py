"""The business a joined row names: what a session's or a widget session's lookup reads with it."""

import asyncpg

from sauda_gateway.domain import Business

# Select these from `businesses b` beside the row that names the business.
BUSINESS_COLUMNS = "b.business_id, b.name, b.plan, b.default_country"


def business_of(row: asyncpg.Record) -> Business:
    return Business(row["business_id"], row["name"], row["plan"], row["default_country"])
