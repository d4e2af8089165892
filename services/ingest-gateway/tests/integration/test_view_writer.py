"""The merchant query view on a real Postgres: folded once per version, read back per business.

Proves that a redelivered batch of events leaves the view row as it was, that a status event
which does not follow the row's version is ignored, and that listing shows a business only its
own orders, newest first, filtered by status.
"""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg

from sauda_contracts import STATUS_EVENT_TYPES, OrderPlaced, OrderStatus, StatusEvent
from sauda_contracts.testing import order_placed
from sauda_gateway.view.folds import ViewWriter
from sauda_gateway.view.queries import OrderView

AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def moved(
    order: OrderPlaced, status: OrderStatus, *, version: int, previous: OrderStatus
) -> StatusEvent:
    return STATUS_EVENT_TYPES[status].model_validate({
        "event_id": uuid4(), "occurred_at": order.occurred_at + timedelta(minutes=version),
        "business_id": order.business_id, "correlation_id": "t",
        "body": {
            "order_id": order.body.order_id, "version": version, "status": status,
            "previous_status": previous, "actor": "merchant",
        },
    })  # fmt: skip


def confirmed(order: OrderPlaced) -> StatusEvent:
    return moved(order, OrderStatus.CONFIRMED, version=2, previous=OrderStatus.PENDING)


async def apply(pool: asyncpg.Pool, *events: OrderPlaced | StatusEvent) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await ViewWriter().apply(conn, events)


async def test_a_redelivered_batch_leaves_the_row_as_it_was(pool: asyncpg.Pool) -> None:
    business_id = uuid4()
    order = order_placed(business_id, at=AT)
    batch = (order, confirmed(order))
    view = OrderView(pool)
    await apply(pool, *batch)
    first = await view.get(business_id, order.body.order_id)

    await apply(pool, *batch)

    assert await view.get(business_id, order.body.order_id) == first
    assert first is not None
    assert (first["status"], first["version"]) == ("confirmed", 2)
    assert [(h["version"], h["status"], h["actor"]) for h in first["history"]] == [
        (1, "pending", "store"),
        (2, "confirmed", "merchant"),
    ]


async def test_a_status_event_that_skips_a_version_is_ignored(pool: asyncpg.Pool) -> None:
    business_id = uuid4()
    order = order_placed(business_id, at=AT)
    await apply(pool, order)
    shipped_too_soon = moved(order, OrderStatus.SHIPPED, version=3, previous=OrderStatus.CONFIRMED)

    await apply(pool, shipped_too_soon)

    row = await OrderView(pool).get(business_id, order.body.order_id)
    assert row is not None
    assert (row["status"], row["version"], len(row["history"])) == ("pending", 1, 1)


async def test_a_business_lists_only_its_own_orders_filtered_by_status(pool: asyncpg.Pool) -> None:
    ours, theirs = uuid4(), uuid4()
    older, newer = order_placed(ours, at=AT), order_placed(ours, at=AT + timedelta(hours=1))
    other = order_placed(theirs, at=AT + timedelta(hours=2))
    await apply(pool, older, newer, confirmed(newer), other, confirmed(other))
    view = OrderView(pool)

    def ids(page: tuple[list[dict[str, object]], int]) -> tuple[list[object], int]:
        rows, total = page
        return [r["order_id"] for r in rows], total

    everything = await view.page(ours, status=None, source=None, limit=50, offset=0)
    assert ids(everything) == ([newer.body.order_id, older.body.order_id], 2)
    only_confirmed = await view.page(ours, status="confirmed", source=None, limit=50, offset=0)
    assert ids(only_confirmed) == ([newer.body.order_id], 1)
    their_confirmed = await view.page(theirs, status="confirmed", source=None, limit=50, offset=0)
    assert ids(their_confirmed) == ([other.body.order_id], 1)
    assert await view.get(theirs, older.body.order_id) is None
