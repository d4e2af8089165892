"""Store order keys: a store's platform + order number, and the Sauda order number it was given."""

from uuid import UUID

import asyncpg

from sauda_gateway.domain import order_sequence_name


class StoreOrderKeys:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def order_seq(self, business_id: UUID, platform: str, number: str, order_id: UUID) -> int:
        """The order's Sauda number, drawn once: repeated upserts never use up numbers."""
        key = (business_id, platform, number)
        seq = await self._pool.fetchval(
            "SELECT order_seq FROM store_order_keys "
            "WHERE business_id = $1 AND platform = $2 AND store_order_number = $3",
            *key,
        )
        if seq is None:
            seq = await self._pool.fetchval(
                "INSERT INTO store_order_keys (business_id, platform, store_order_number, order_id, "
                "order_seq) VALUES ($1, $2, $3, $4, nextval($5::regclass)) "
                "ON CONFLICT DO NOTHING RETURNING order_seq",
                *key,
                order_id,
                order_sequence_name(business_id),
            ) or await self._pool.fetchval(  # a concurrent upsert of the same order won
                "SELECT order_seq FROM store_order_keys "
                "WHERE business_id = $1 AND platform = $2 AND store_order_number = $3",
                *key,
            )
        return int(seq)
