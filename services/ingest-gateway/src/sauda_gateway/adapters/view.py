"""The merchant query view: folding order events into a table, and reading it back per business."""

import re
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg
import orjson

from sauda_contracts import (
    AnyOrderEvent,
    OrderCommandRejected,
    OrderFulfillmentUpdated,
    OrderPaymentChanged,
    OrderPlaced,
)
from sauda_runtime.db import Conn

VIEW_TABLE = "orders"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

_COLUMNS = (
    "order_id, order_number, status, source, customer, items, total, currency, "
    "external_order_id, idempotency_key, version, created_at, updated_at, platform, payment, "
    "fulfillment"
)


def _json(model: Any) -> Any:
    return None if model is None else orjson.loads(model.model_dump_json())


def _history_entry(
    event: AnyOrderEvent, actor: str, reason: str | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "version": event.body.version,
            "status": event.body.status.value,
            "event": event.type,
            "at": event.occurred_at.isoformat(),
            "actor": actor,
            "reason": reason,
        }
    ]


def _change_row(e: AnyOrderEvent) -> tuple[Any, ...]:
    """(order, status, version, at, history entry, payment, fulfillment) of a non-placing event."""
    b = e.body
    if isinstance(e, OrderPaymentChanged):
        return (b.order_id, b.status.value, b.version, e.occurred_at,
                _history_entry(e, e.body.actor.value), _json(e.body.payment), None)  # fmt: skip
    if isinstance(e, OrderFulfillmentUpdated):
        return (b.order_id, b.status.value, b.version, e.occurred_at,
                _history_entry(e, e.body.actor.value), None, _json(e.body.fulfillment))  # fmt: skip
    assert not isinstance(e, OrderPlaced)
    return (b.order_id, b.status.value, b.version, e.occurred_at,
            _history_entry(e, e.body.actor.value, e.body.reason), None,
            _json(e.body.fulfillment))  # fmt: skip


class ViewWriter:
    """Applies events to one view table, idempotently: an event applies only to the version before it."""

    def __init__(self, table: str = VIEW_TABLE) -> None:
        if not _IDENT.match(table):
            raise ValueError(f"bad table name {table!r}")
        self._insert = (
            f"INSERT INTO {table} (order_id, business_id, order_number, status, source, customer, "
            "items, total, currency, external_order_id, idempotency_key, version, history, "
            "created_at, updated_at, platform, payment, customer_phone, customer_email) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13::jsonb, "
            "$14, $14, $15, $16::jsonb, $17, $18) ON CONFLICT (order_id) DO NOTHING"
        )
        self._update = (
            f"UPDATE {table} SET status = $2, version = $3, updated_at = $4, "
            "history = history || $5::jsonb, payment = coalesce($6::jsonb, payment), "
            "fulfillment = coalesce($7::jsonb, fulfillment) "
            "WHERE order_id = $1 AND version = $3 - 1"
        )

    async def apply(self, conn: Conn, events: Sequence[AnyOrderEvent]) -> None:
        placed = [e for e in events if isinstance(e, OrderPlaced)]
        if placed:
            await conn.executemany(self._insert, [self._placed_row(e) for e in placed])
        # executemany runs in order: each change applies to the version the previous one left.
        changes = [_change_row(e) for e in events if not isinstance(e, OrderPlaced)]
        if changes:
            await conn.executemany(self._update, changes)

    @staticmethod
    def _placed_row(e: OrderPlaced) -> tuple[Any, ...]:
        b = e.body
        body = orjson.loads(b.model_dump_json())
        return (
            b.order_id, e.business_id, b.order_number, b.status.value, b.source.value,
            body["customer"], body["items"], b.total, b.currency, b.external_order_id,
            b.idempotency_key, b.version, _history_entry(e, b.actor.value), e.occurred_at,
            b.platform, body["payment"], b.customer.phone, b.customer.email,
        )  # fmt: skip


async def record_outcomes(
    conn: Conn,
    events: Sequence[AnyOrderEvent],
    rejections: Sequence[OrderCommandRejected],
    channel: str,
) -> None:
    """Remember what became of each command and wake the requests waiting for it."""
    rows = [
        (UUID(e.causation_id), e.body.order_id, "applied", {"version": e.body.version})
        for e in events
        if e.causation_id
    ] + [
        (r.body.command_id, r.body.order_id, "rejected", orjson.loads(r.body.model_dump_json()))
        for r in rejections
    ]
    if not rows:
        return
    await conn.executemany(
        "INSERT INTO command_outcomes (command_id, order_id, outcome, payload) "
        "VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING",
        rows,
    )
    # The outcome rides in the notification, so a waiting request needs no second query.
    notes = [
        orjson.dumps({"command_id": str(r[0]), "outcome": r[2], "payload": r[3]}).decode()
        for r in rows
    ]
    await conn.execute("SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n", channel, notes)


class OrderView:
    """Read side of the view: always filtered by business, so tenants never see each other's orders."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def get(self, business_id: UUID, order_id: UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {_COLUMNS}, history FROM {VIEW_TABLE} WHERE order_id = $1 AND business_id = $2",
            order_id,
            business_id,
        )
        return dict(row) if row else None

    async def page(
        self, business_id: UUID, *, status: str | None, source: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        where = "business_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR source = $3)"
        async with self._pool.acquire() as conn:
            total = await conn.fetchval(
                f"SELECT count(*) FROM {VIEW_TABLE} WHERE {where}", business_id, status, source
            )
            rows = await conn.fetch(
                f"SELECT {_COLUMNS} FROM {VIEW_TABLE} WHERE {where} "
                "ORDER BY created_at DESC, order_id LIMIT $4 OFFSET $5",
                business_id,
                status,
                source,
                limit,
                offset,
            )
        return [dict(r) for r in rows], total

    async def customer(self, business_id: UUID, *, phone: str | None = None,
                       email: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Customers of a business by phone or email, from their orders (newest details win)."""
        by, value = (
            ("customer_phone = $2", phone)
            if phone
            else ("lower(customer_email) = lower($2)", email)
        )
        rows = await self._pool.fetch(
            "SELECT customer_phone AS phone, "
            "(array_agg(customer ->> 'name' ORDER BY created_at DESC))[1] AS name, "
            "(array_agg(customer_email ORDER BY created_at DESC))[1] AS email, "
            "count(*) AS orders_count, sum(total) AS total_spent, "
            "min(created_at) AS first_order_at, max(created_at) AS last_order_at "
            f"FROM {VIEW_TABLE} WHERE business_id = $1 AND {by} "
            "GROUP BY customer_phone ORDER BY max(created_at) DESC LIMIT 50",
            business_id,
            value,
        )
        return [dict(r) for r in rows]

    async def customer_orders(
        self, business_id: UUID, phone: str, limit: int
    ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM {VIEW_TABLE} WHERE business_id = $1 AND customer_phone = $2 "
            "ORDER BY created_at DESC, order_id LIMIT $3",
            business_id,
            phone,
            limit,
        )
        return [dict(r) for r in rows]
