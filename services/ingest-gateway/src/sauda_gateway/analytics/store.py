"""Reading the order facts of a business for a range, with when a COD reminder first went out."""

from datetime import datetime
from uuid import UUID

import asyncpg

from sauda_contracts import OrderSource, OrderStatus
from sauda_gateway.analytics.domain import CartFigures, OrderFacts
from sauda_gateway.analytics.fold import FACTS_TABLE

# A reminder "went out" when the notifier's log shows it reached Meta: its first sent,
# delivered or read status (receipts can arrive out of order, so the earliest of the three).
# It is read here, not folded into the facts: the message log comes on another topic, in no
# order relative to the order's events, and a fold at answer time could miss a late snapshot.
_FACTS = (
    "SELECT f.placed_at, f.source, f.cod, f.answer, f.answered_at, f.confirmed_at, "
    " f.shipped_at, f.delivered_at, f.returned_at, f.cancelled_at, r.reminded_at "
    f"FROM {FACTS_TABLE} f LEFT JOIN LATERAL ("
    " SELECT min((h ->> 'at')::timestamptz) AS reminded_at "
    " FROM wa_messages m, jsonb_array_elements(m.history) h "
    " WHERE m.order_id = f.order_id AND m.business_id = f.business_id "
    "  AND m.direction = 'outbound' AND m.purpose = 'cod_reminder' "
    "  AND h ->> 'status' IN ('sent', 'delivered', 'read')"
    ") r ON true "
    "WHERE f.business_id = $1 AND f.placed_at >= $2 AND f.placed_at < $3"
)


# Carts abandoned in the range, how many became an order, and how many got a recovery message
# that went out (the notifier's log shows it sent, delivered or read).
_CARTS = (
    "SELECT count(*) AS abandoned, count(c.recovered_at) AS recovered, ("
    " SELECT count(*) FROM wa_messages m WHERE m.business_id = $1 AND m.direction = 'outbound' "
    "  AND m.purpose = 'cart_recovery' AND m.created_at >= $2 AND m.created_at < $3 "
    "  AND EXISTS (SELECT 1 FROM jsonb_array_elements(m.history) h "
    "   WHERE h ->> 'status' IN ('sent', 'delivered', 'read'))"
    ") AS messages "
    "FROM abandoned_carts c WHERE c.business_id = $1 AND c.abandoned_at >= $2 AND c.abandoned_at < $3"
)


def _facts(row: asyncpg.Record) -> OrderFacts:
    answer = row["answer"]
    return OrderFacts(**{**dict(row), "source": OrderSource(row["source"]),
                         "answer": OrderStatus(answer) if answer else None})  # fmt: skip


class AnalyticsStore:
    """Always filtered by business: a tenant's figures come from its own orders only."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def facts(self, business_id: UUID, start: datetime, end: datetime) -> list[OrderFacts]:
        """The orders placed from `start` up to (not including) `end`."""
        return [_facts(r) for r in await self._pool.fetch(_FACTS, business_id, start, end)]

    async def carts(self, business_id: UUID, start: datetime, end: datetime) -> CartFigures:
        """The carts abandoned from `start` up to (not including) `end`, and their recovery."""
        row = await self._pool.fetchrow(_CARTS, business_id, start, end)
        assert row is not None
        return CartFigures(abandoned=row["abandoned"], recovered=row["recovered"],
                           messages=row["messages"])  # fmt: skip
