"""The merchant's read side: orders and customers from the view, the message log and notices.
Every read is filtered by business, so tenants never see each other's rows."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.paging import Table
from sauda_gateway.view.domain import Cursor, OrderFilter
from sauda_gateway.view.folds import VIEW_TABLE
from sauda_gateway.view.search import ORDER_COLUMNS as _COLUMNS
from sauda_gateway.view.search import count_orders, find_orders

_ORDERS = Table(VIEW_TABLE, _COLUMNS, "created_at DESC, order_id")


class OrderView:
    """Read side of the view: always filtered by business, so tenants never see each other's orders."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def get(self, business_id: UUID, order_id: UUID) -> dict[str, Any] | None:
        row = await _ORDERS.one(self._pool, "order_id = $1 AND business_id = $2", order_id,
                                business_id, columns=f"{_COLUMNS}, history")  # fmt: skip
        return dict(row) if row else None

    async def page(
        self, business_id: UUID, *, status: str | None, source: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        rows, total, _ = await self.search(business_id, OrderFilter(status=status, source=source),
                                           limit=limit, offset=offset)  # fmt: skip
        return rows, total

    async def search(
        self, business_id: UUID, f: OrderFilter, *, limit: int, offset: int = 0,
        after: Cursor | None = None,
    ) -> tuple[list[dict[str, Any]], int, Cursor | None]:  # fmt: skip
        """A page of the orders `f` picks, their count, and the next page's cursor."""
        rows, total, following = await find_orders(self._pool, business_id, f, limit=limit,
                                                   offset=offset, after=after)  # fmt: skip
        return [dict(r) for r in rows], total, following

    async def counts(self, business_id: UUID, f: OrderFilter) -> dict[str, int]:
        return await count_orders(self._pool, business_id, f)

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


MESSAGE_FIELDS = (
    "message_id, order_id, customer_phone, direction, purpose, kind, template, language, text, "
    "wamid, status, history, error, attempts, created_at, updated_at, scheduled_for"
)
_CONVERSATION = Table("wa_messages", MESSAGE_FIELDS, "created_at DESC, message_id DESC")
_NOTICES = Table("notices", "notice_id, kind, message, order_id, order_number, customer_phone, "
                 "details, created_at", "created_at DESC, notice_id")  # fmt: skip


def _message(row: asyncpg.Record) -> dict[str, Any]:
    data = dict(row)
    data["history"] = data["history"] or []
    return data


class MessageLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def of_order(self, business_id: UUID, order_id: UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT {MESSAGE_FIELDS} FROM wa_messages WHERE order_id = $1 AND business_id = $2 "
            "ORDER BY created_at, message_id",
            order_id,
            business_id,
        )
        return [_message(r) for r in rows]

    async def of_customer(
        self, business_id: UUID, phone: str, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Newest first, as the Wabotick seed pages a conversation (limit, offset)."""
        where = "business_id = $1 AND customer_phone = $2"
        rows, total = await _CONVERSATION.page(self._pool, where, business_id, phone,
                                               limit=limit, offset=offset)  # fmt: skip
        return [_message(r) for r in rows], total

    async def notices(
        self,
        business_id: UUID,
        *,
        limit: int,
        offset: int,
        kind: str | None = None,
        order_id: UUID | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        where = "business_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::uuid IS NULL OR order_id = $3)"
        rows, total = await _NOTICES.page(self._pool, where, business_id, kind, order_id,
                                          limit=limit, offset=offset)  # fmt: skip
        return [_notice(r) for r in rows], total

    async def unread(self, business_id: UUID, user_id: UUID) -> int:
        """The business's notices recorded since this user last marked them read."""
        return int(await self._pool.fetchval(
            "SELECT count(*) FROM notices WHERE business_id = $1 AND seq > coalesce("
            " (SELECT read_seq FROM notice_reads WHERE user_id = $2), 0)",
            business_id, user_id,
        ))  # fmt: skip

    async def mark_read(self, business_id: UUID, user_id: UUID, now: datetime) -> None:
        """Every notice recorded so far is read, for this user (never moves back)."""
        await self._pool.execute(
            "INSERT INTO notice_reads (user_id, read_seq, read_at) VALUES ($1, "
            " (SELECT coalesce(max(seq), 0) FROM notices WHERE business_id = $2), $3) "
            "ON CONFLICT (user_id) DO UPDATE SET read_at = EXCLUDED.read_at, "
            " read_seq = greatest(notice_reads.read_seq, EXCLUDED.read_seq)",
            user_id, business_id, now,
        )  # fmt: skip

    async def notice(self, business_id: UUID, notice_id: UUID) -> dict[str, Any] | None:
        row = await _NOTICES.one(self._pool, "notice_id = $1 AND business_id = $2", notice_id,
                                 business_id)  # fmt: skip
        return _notice(row) if row else None


def _notice(row: asyncpg.Record) -> dict[str, Any]:
    return dict(row)
