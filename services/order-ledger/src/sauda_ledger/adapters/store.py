"""The ledger's Postgres store: load order states, append events, record commands, fill the outbox."""

from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import asyncpg
import orjson

from sauda_contracts import OrderCommandRejected, Topic
from sauda_ledger.domain import OrderEvent, OrderState
from sauda_runtime.db import Conn
from sauda_runtime.kit import Conflict, claim_all, claimed
from sauda_runtime.outbox import add_to_outbox

CONSUMER = "ledger"


class ConcurrencyConflict(Conflict):
    """Another writer appended the same (order_id, version) first: reload and decide again."""


@dataclass(frozen=True)
class BatchChanges:
    """What one batch of commands writes, all in one transaction."""

    events: list[OrderEvent]
    rejections: list[OrderCommandRejected]
    states: dict[UUID, OrderState]  # the orders the batch changed, as they are now
    processed: dict[UUID, UUID]  # command id → order id, claimed as processed


class LedgerUnitOfWork(Protocol):
    async def processed_ids(self, command_ids: Iterable[UUID]) -> set[UUID]: ...

    async def load(self, order_ids: Iterable[UUID]) -> dict[UUID, OrderState]: ...

    async def record(self, *, changes: BatchChanges) -> None: ...


class EventStore(Protocol):
    def unit_of_work(self) -> AbstractAsyncContextManager[LedgerUnitOfWork]: ...


class PgUnitOfWork:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def processed_ids(self, command_ids: Iterable[UUID]) -> set[UUID]:
        return await claimed(self._conn, CONSUMER, command_ids)

    async def load(self, order_ids: Iterable[UUID]) -> dict[UUID, OrderState]:
        rows = await self._conn.fetch(
            "SELECT order_id, business_id, status, version, payment, fulfillment, "
            "failed_attempts, answered_attempts, delivery_address "
            "FROM orders WHERE order_id = ANY($1::uuid[])",
            list(order_ids),
        )
        return {
            r["order_id"]: OrderState(
                **dict(r) | {"answered_attempts": tuple(r["answered_attempts"])}
            )
            for r in rows
        }

    async def record(self, *, changes: BatchChanges) -> None:
        events, rejections = changes.events, changes.rejections
        # Claiming the commands first and the unique (order_id, version) key make a racing
        # writer (another instance during a rebalance) fail here instead of writing twice.
        try:
            await claim_all(self._conn, CONSUMER, changes.processed)
        except Conflict as exc:
            raise ConcurrencyConflict(str(exc)) from exc
        try:
            await self._many(
                "INSERT INTO events (order_id, version, event_id, type, business_id, payload) "
                "VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
                [
                    (
                        e.body.order_id,
                        e.body.version,
                        e.event_id,
                        e.type,
                        e.business_id,
                        orjson.loads(e.model_dump_json()),
                    )
                    for e in events
                ],
            )
        except asyncpg.UniqueViolationError as exc:
            raise ConcurrencyConflict(str(exc)) from exc
        await self._many(
            "INSERT INTO orders (order_id, business_id, status, version, payment, fulfillment, "
            "failed_attempts, answered_attempts, delivery_address) "
            "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9::jsonb) "
            "ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, "
            "version = EXCLUDED.version, payment = EXCLUDED.payment, "
            "fulfillment = EXCLUDED.fulfillment, failed_attempts = EXCLUDED.failed_attempts, "
            "answered_attempts = EXCLUDED.answered_attempts, "
            "delivery_address = EXCLUDED.delivery_address, updated_at = now()",
            [
                (
                    s.order_id,
                    s.business_id,
                    s.status,
                    s.version,
                    s.payment.model_dump(mode="json") if s.payment else None,
                    s.fulfillment.model_dump(mode="json") if s.fulfillment else None,
                    s.failed_attempts,
                    list(s.answered_attempts),
                    s.delivery_address.model_dump(mode="json") if s.delivery_address else None,
                )
                for s in changes.states.values()
            ],
        )
        await self._many(
            "INSERT INTO rejections (command_id, order_id, business_id, code, message, payload) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT DO NOTHING",
            [
                (
                    r.body.command_id,
                    r.body.order_id,
                    r.business_id,
                    r.body.code,
                    r.body.message,
                    orjson.loads(r.model_dump_json()),
                )
                for r in rejections
            ],
        )
        await add_to_outbox(
            self._conn,
            [(Topic.ORDERS_EVENTS, str(e.body.order_id).encode(), e.to_bytes()) for e in events]
            + [
                (Topic.ORDERS_REJECTIONS, str(r.body.order_id).encode(), r.to_bytes())
                for r in rejections
            ],
        )

    async def _many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        if rows:
            await self._conn.executemany(sql, rows)


class PgEventStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[PgUnitOfWork]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield PgUnitOfWork(conn)


class TxEventStore:
    """The store inside a transaction the consumer kit opened: each unit of work a savepoint,
    so a conflict rolls back only the attempt, and the batch is decided again."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[PgUnitOfWork]:
        async with self._conn.transaction():
            yield PgUnitOfWork(self._conn)
