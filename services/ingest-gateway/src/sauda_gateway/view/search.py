"""The orders page's reads: a business's orders under the page's filters and search, newest
first, paged by offset or by keyset cursor, and how many of each status."""

import asyncio
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts.orders import OrderStatus
from sauda_gateway.view.domain import Cursor, OrderFilter
from sauda_gateway.view.folds import VIEW_TABLE

ORDER_COLUMNS = (
    "order_id, order_number, status, source, customer, items, total, currency, "
    "external_order_id, idempotency_key, version, created_at, updated_at, platform, payment, "
    "fulfillment, needs_review, delivery_address"
)
# Newest first; order_id breaks ties so a cursor names one place in the list.
_NEWEST_FIRST = "created_at DESC, order_id"


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _Where:
    """A WHERE clause built from the filters that are set, each value a numbered parameter (so
    Postgres plans each combination on its own indexes)."""

    def __init__(self, business_id: UUID) -> None:
        self.clauses = ["business_id = $1"]
        self.args: list[Any] = [business_id]

    def arg(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _where(business_id: UUID, f: OrderFilter) -> _Where:
    w = _Where(business_id)
    if f.status:
        w.clauses.append(f"status = {w.arg(f.status)}")
    if f.source:
        w.clauses.append(f"source = {w.arg(f.source)}")
    if f.created_from:
        w.clauses.append(f"created_at >= {w.arg(f.created_from)}")
    if f.created_to:
        w.clauses.append(f"created_at < {w.arg(f.created_to)}")
    if (s := f.search) is not None:
        matches = []
        if s.numbers:
            numbers = w.arg(list(s.numbers))
            matches += [f"order_number = ANY({numbers}::text[])",
                        f"external_order_id = ANY({numbers}::text[])"]  # fmt: skip
        if s.phone:
            matches.append(f"customer_phone = {w.arg(s.phone)}")
        if s.name:
            matches.append(f"lower(customer ->> 'name') LIKE {w.arg(_like(s.name))}")
        w.clauses.append(f"({' OR '.join(matches)})" if matches else "false")
    return w


async def find_orders(
    pool: asyncpg.Pool,
    business_id: UUID,
    f: OrderFilter,
    *,
    limit: int,
    offset: int = 0,
    after: Cursor | None = None,
) -> tuple[list[asyncpg.Record], int, Cursor | None]:
    """One page (after `after`, else from `offset`), the count of all that match, and the
    cursor of the next page (None on the last)."""
    w = _where(business_id, f)
    where, args = w.sql(), list(w.args)
    if after is not None:
        at, order_id = w.arg(after.created_at), w.arg(after.order_id)
        where = f"{where} AND created_at <= {at} AND (created_at < {at} OR order_id > {order_id})"
    # On two connections at once: the count of a big shop's orders takes as long as the page.
    rows, total = await asyncio.gather(
        pool.fetch(f"SELECT {ORDER_COLUMNS} FROM {VIEW_TABLE} WHERE {where} "
                   f"ORDER BY {_NEWEST_FIRST} LIMIT {w.arg(limit + 1)} OFFSET {w.arg(offset)}",
                   *w.args),
        pool.fetchval(f"SELECT count(*) FROM {VIEW_TABLE} WHERE {w.sql()}", *args),
    )  # fmt: skip
    page = rows[:limit]
    more = len(rows) > limit and page
    following = Cursor(page[-1]["created_at"], page[-1]["order_id"]) if more else None
    return page, int(total), following


async def count_orders(pool: asyncpg.Pool, business_id: UUID, f: OrderFilter) -> dict[str, int]:
    """How many orders of each status match (every status, 0 included)."""
    w = _where(business_id, f)
    rows = await pool.fetch(
        f"SELECT status, count(*) AS n FROM {VIEW_TABLE} WHERE {w.sql()} GROUP BY status", *w.args
    )
    found = {r["status"]: int(r["n"]) for r in rows}
    return {s.value: found.get(s.value, 0) for s in OrderStatus}
