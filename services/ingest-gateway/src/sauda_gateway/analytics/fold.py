"""Folding order events into the order facts table, idempotently: an event applies only to the
version before it, so a redelivered batch or a replay from offset 0 leaves the same rows."""

from collections.abc import Sequence
from typing import Any

from sauda_contracts import AnyOrderEvent, OrderPlaced
from sauda_gateway.analytics.domain import fact_change, placed_fact
from sauda_runtime.db import Conn

FACTS_TABLE = "order_facts"


def _first(flag: str) -> str:
    """`<flag>_at` keeps its first time: set by the first event that carries the flag."""
    return f"{flag}_at = CASE WHEN {flag}_at IS NULL AND ${_FLAGS[flag]} THEN $3 ELSE {flag}_at END"


# The parameter number of each flag in the update below.
_FLAGS = {"confirmed": 5, "shipped": 6, "delivered": 7, "returned": 8, "cancelled": 9}


class FactsWriter:
    """Applies order events to one facts table (the live one, or a replay's rebuild)."""

    def __init__(self, table: str = FACTS_TABLE) -> None:
        # The name goes into the SQL text: a plain lower-case identifier only.
        if not (table.isascii() and table.isidentifier() and table.islower()):
            raise ValueError(f"bad table name {table!r}")
        self._insert = (
            f"INSERT INTO {table} (order_id, business_id, placed_at, source, cod, version) "
            "VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (order_id) DO NOTHING"
        )
        # The shopper's answer is the first one: a later answer finds answered_at already set.
        self._update = (
            f"UPDATE {table} SET version = $2, "
            "answer = CASE WHEN answered_at IS NULL AND $4::text IS NOT NULL THEN $4 ELSE answer END, "
            "answered_at = CASE WHEN answered_at IS NULL AND $4::text IS NOT NULL THEN $3 "
            "ELSE answered_at END, "
            + ", ".join(_first(flag) for flag in _FLAGS)
            + " WHERE order_id = $1 AND version = $2 - 1"
        )

    async def apply(self, conn: Conn, events: Sequence[AnyOrderEvent]) -> None:
        placed = [placed_fact(e) for e in events if isinstance(e, OrderPlaced)]
        if placed:
            await conn.executemany(
                self._insert,
                [(p.order_id, p.business_id, p.placed_at, p.source.value, p.cod) for p in placed],
            )
        # executemany runs in order: each change applies to the version the previous one left.
        changes = [_change_row(e) for e in events if not isinstance(e, OrderPlaced)]
        if changes:
            await conn.executemany(self._update, changes)


def _change_row(event: AnyOrderEvent) -> tuple[Any, ...]:
    c = fact_change(event)
    return (c.order_id, c.version, c.at, c.answer.value if c.answer else None, c.confirmed,
            c.shipped, c.delivered, c.returned, c.cancelled)  # fmt: skip


async def fold_order_facts(conn: Conn, events: Sequence[AnyOrderEvent]) -> None:
    """The live projector's hook: fold a batch into the facts in the view's own transaction."""
    await FactsWriter().apply(conn, events)
