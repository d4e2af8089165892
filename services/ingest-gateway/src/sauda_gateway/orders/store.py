"""Order intake's Postgres: the idempotent request record with its number and outbox row, and the
Sauda numbers of store orders (platform + order number)."""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from sauda_contracts import PlaceOrder, Topic
from sauda_gateway.domain import order_sequence_name
from sauda_gateway.orders.domain import format_order_number
from sauda_runtime.db import Conn
from sauda_runtime.tracing import current_headers


@dataclass(frozen=True)
class IngestRecord:
    order_id: UUID
    order_number: str
    body_hash: str


class IngestStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record(
        self,
        *,
        business_id: UUID,
        idempotency_key: str,
        order_id: UUID,
        body_hash: str,
        command_for: Callable[[str], PlaceOrder],
    ) -> tuple[bool, IngestRecord]:
        """Record a new request and queue its command: (True, record); a used key: (False, earlier).

        Two round trips and no explicit transaction: the number is drawn first, then one
        statement inserts the request and its outbox row together (atomic as any statement).
        A repeated key burns the number it drew, leaving a gap in numbering.
        """
        async with self._pool.acquire() as conn:
            seq = await conn.fetchval(
                "SELECT nextval($1::regclass)", order_sequence_name(business_id)
            )
            command = command_for(format_order_number(seq))
            inserted = await conn.fetchval(
                "WITH request AS ("
                " INSERT INTO ingest_requests (business_id, idempotency_key, order_id, order_seq, body_hash)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1"
                "), queued AS ("
                " INSERT INTO outbox (topic, key, value, headers)"
                " SELECT $6, $7, $8, $9::jsonb FROM request RETURNING 1"
                ") SELECT count(*) FROM queued",
                business_id,
                idempotency_key,
                order_id,
                seq,
                body_hash,
                Topic.ORDERS_COMMANDS.value,
                str(order_id).encode(),
                command.to_bytes(),
                current_headers(),  # the request's trace context (None: tracing is off)
            )
            if inserted:
                return True, IngestRecord(order_id, command.body.order_number, body_hash)
            row = await conn.fetchrow(
                "SELECT order_id, order_seq, body_hash FROM ingest_requests "
                "WHERE business_id = $1 AND idempotency_key = $2",
                business_id,
                idempotency_key,
            )
            assert row is not None  # the conflict that stopped our insert is this row
            return False, IngestRecord(
                row["order_id"], format_order_number(row["order_seq"]), row["body_hash"]
            )


class StoreOrderKeys:
    """A store's platform + order number, and the Sauda order number it was given."""

    async def order_seq(
        self, conn: Conn, business_id: UUID, platform: str, number: str, order_id: UUID
    ) -> int:
        """The order's Sauda number, drawn once: repeated upserts never use up numbers."""
        key = (business_id, platform, number)
        seq = await conn.fetchval(
            "SELECT order_seq FROM store_order_keys "
            "WHERE business_id = $1 AND platform = $2 AND store_order_number = $3",
            *key,
        )
        if seq is None:
            seq = await conn.fetchval(
                "INSERT INTO store_order_keys (business_id, platform, store_order_number, order_id, "
                "order_seq) VALUES ($1, $2, $3, $4, nextval($5::regclass)) "
                "ON CONFLICT DO NOTHING RETURNING order_seq",
                *key,
                order_id,
                order_sequence_name(business_id),
            ) or await conn.fetchval(  # a concurrent upsert of the same order won
                "SELECT order_seq FROM store_order_keys "
                "WHERE business_id = $1 AND platform = $2 AND store_order_number = $3",
                *key,
            )
        return int(seq)
