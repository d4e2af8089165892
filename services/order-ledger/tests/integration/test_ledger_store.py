"""The ledger on a real Postgres: the event log, the order row and the outbox move together, once.

Proves that a batch is appended as versions 1, 2, … with one outbox row per event; that a
redelivered batch changes nothing; that a refused command is kept and published but leaves the
order alone; that two writers racing on one order never share a version and leave the order
row equal to the fold of its event log; and that two writers racing on the same refused command
record it once, the loser retrying instead of failing.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import orjson

from sauda_contracts import (
    ChangeOrderStatus,
    OrderStatus,
    PlaceOrder,
    RejectionCode,
    Topic,
    parse_order_event,
    parse_order_rejection,
)
from sauda_ledger.adapters.store import LedgerUnitOfWork, PgEventStore
from sauda_ledger.domain import OrderEvent, OrderState, fold, initial_state
from sauda_ledger.handlers import handle_commands

BUSINESS = UUID("11111111-1111-4111-8111-111111111111")
AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def place(order_id: UUID) -> PlaceOrder:
    return PlaceOrder.model_validate({
        "event_id": uuid4(), "occurred_at": AT, "business_id": BUSINESS, "correlation_id": "t",
        "body": {
            "order_id": order_id, "order_number": "ORD-000001", "source": "ingest",
            "customer": {"phone": "923001234567", "name": "Ali", "consent": True},
            "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}], "total": 3000,
            "currency": "PKR", "idempotency_key": f"k-{order_id}", "actor": "store",
        },
    })  # fmt: skip


def change(order_id: UUID, status: OrderStatus) -> ChangeOrderStatus:
    return ChangeOrderStatus.model_validate({
        "event_id": uuid4(), "occurred_at": AT, "business_id": BUSINESS, "correlation_id": "t",
        "body": {"order_id": order_id, "status": status, "actor": "merchant"},
    })  # fmt: skip


async def stored_events(pool: asyncpg.Pool, order_id: UUID) -> list[OrderEvent]:
    rows = await pool.fetch(
        "SELECT payload FROM events WHERE order_id = $1 ORDER BY version", order_id
    )
    return [parse_order_event(orjson.dumps(r["payload"])) for r in rows]


async def order_row(pool: asyncpg.Pool, order_id: UUID) -> OrderState:
    row = await pool.fetchrow(
        "SELECT order_id, business_id, status, version FROM orders WHERE order_id = $1", order_id
    )
    assert row is not None, f"no orders row for {order_id}"
    return OrderState(**dict(row))


async def count(pool: asyncpg.Pool, table: str) -> int:
    return int(await pool.fetchval(f"SELECT count(*) FROM {table}"))


async def test_a_batch_appends_versioned_events_updates_the_order_and_fills_the_outbox(
    pool: asyncpg.Pool,
) -> None:
    order_id = uuid4()

    await handle_commands(
        [place(order_id), change(order_id, OrderStatus.CONFIRMED)], store=PgEventStore(pool)
    )

    events = await stored_events(pool, order_id)
    assert [(e.body.version, e.type) for e in events] == [(1, "OrderPlaced"), (2, "OrderConfirmed")]
    assert await order_row(pool, order_id) == OrderState(
        order_id=order_id, business_id=BUSINESS, status=OrderStatus.CONFIRMED, version=2
    )
    outbox = await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id")
    assert [(r["topic"], r["key"]) for r in outbox] == [
        (Topic.ORDERS_EVENTS, str(order_id).encode()),
        (Topic.ORDERS_EVENTS, str(order_id).encode()),
    ]
    assert [parse_order_event(r["value"]) for r in outbox] == events


async def test_a_redelivered_batch_records_nothing_new(pool: asyncpg.Pool) -> None:
    order_id = uuid4()
    batch = [place(order_id), change(order_id, OrderStatus.CONFIRMED)]
    store = PgEventStore(pool)
    await handle_commands(batch, store=store)

    again = await handle_commands(batch, store=store)

    assert again.duplicates == 2
    assert again.events == [] and again.rejections == []
    assert await count(pool, "events") == 2
    assert await count(pool, "outbox") == 2
    assert (await order_row(pool, order_id)).version == 2


async def test_an_illegal_transition_is_recorded_and_published_but_leaves_the_order_alone(
    pool: asyncpg.Pool,
) -> None:
    order_id = uuid4()
    store = PgEventStore(pool)
    await handle_commands([place(order_id)], store=store)
    ship = change(order_id, OrderStatus.SHIPPED)  # pending orders must be confirmed first

    outcome = await handle_commands([ship], store=store)

    assert [r.body.code for r in outcome.rejections] == [RejectionCode.INVALID_TRANSITION]
    rejection = await pool.fetchrow(
        "SELECT order_id, code FROM rejections WHERE command_id = $1", ship.event_id
    )
    assert rejection is not None
    assert dict(rejection) == {"order_id": order_id, "code": "invalid_transition"}
    [published] = await pool.fetch(
        "SELECT key, value FROM outbox WHERE topic = $1", Topic.ORDERS_REJECTIONS
    )
    assert published["key"] == str(order_id).encode()
    assert parse_order_rejection(published["value"]).body.command_id == ship.event_id
    assert await order_row(pool, order_id) == OrderState(
        order_id=order_id, business_id=BUSINESS, status=OrderStatus.PENDING, version=1
    )
    assert len(await stored_events(pool, order_id)) == 1


class _PauseBeforeRecord:
    """A unit of work that waits for the other writer before writing anything."""

    def __init__(self, uow: LedgerUnitOfWork, barrier: asyncio.Barrier) -> None:
        self._uow = uow
        self._barrier = barrier

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    async def record(self, **changes: Any) -> None:
        await asyncio.wait_for(self._barrier.wait(), timeout=10)
        await self._uow.record(**changes)


class RacingStore:
    """The real store, except that its first unit of work meets the other writer at `barrier`.

    Both writers have then loaded the same order state before either writes, so the second to
    write is bound to hit a unique key (a version or a command already taken), reload and decide
    again.
    """

    def __init__(self, pool: asyncpg.Pool, barrier: asyncio.Barrier) -> None:
        self._store = PgEventStore(pool)
        self._barrier = barrier
        self.attempts = 0

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[Any]:
        self.attempts += 1
        async with self._store.unit_of_work() as uow:
            yield _PauseBeforeRecord(uow, self._barrier) if self.attempts == 1 else uow


async def test_two_writers_racing_on_one_order_never_share_a_version(pool: asyncpg.Pool) -> None:
    order_id = uuid4()
    await handle_commands([place(order_id)], store=PgEventStore(pool))
    confirm = change(order_id, OrderStatus.CONFIRMED)
    cancel = change(order_id, OrderStatus.CANCELLED)
    barrier = asyncio.Barrier(2)
    confirming, cancelling = RacingStore(pool, barrier), RacingStore(pool, barrier)

    outcomes = await asyncio.gather(
        handle_commands([confirm], store=confirming),
        handle_commands([cancel], store=cancelling),
    )

    # Exactly one writer lost the race for version 2 and went round again.
    assert sorted([confirming.attempts, cancelling.attempts]) == [1, 2]
    events = await stored_events(pool, order_id)
    assert [e.body.version for e in events] == list(range(1, len(events) + 1))
    assert [e.body.previous_status for e in events[1:]] == [e.body.status for e in events[:-1]]
    assert fold(initial_state, events) == await order_row(pool, order_id)
    # Whichever won, the loser was decided again against the winner's result.
    statuses = [e.body.status for e in events[1:]]
    refused = [r.body.requested_status for o in outcomes for r in o.rejections]
    assert (statuses, refused) in [
        ([OrderStatus.CONFIRMED, OrderStatus.CANCELLED], []),  # a confirmed order may be cancelled
        ([OrderStatus.CANCELLED], [OrderStatus.CONFIRMED]),  # a cancelled one cannot be confirmed
    ]


async def test_two_writers_racing_on_the_same_refused_command_record_it_once(
    pool: asyncpg.Pool,
) -> None:
    order_id = uuid4()
    await handle_commands([place(order_id)], store=PgEventStore(pool))
    # Refused, so nothing goes into the events table: the race is on the command's claim alone.
    ship = change(order_id, OrderStatus.SHIPPED)
    barrier = asyncio.Barrier(2)

    outcomes = await asyncio.gather(
        handle_commands([ship], store=RacingStore(pool, barrier)),
        handle_commands([ship], store=RacingStore(pool, barrier)),
    )

    assert sorted((len(o.rejections), o.duplicates) for o in outcomes) == [(0, 1), (1, 0)]
    assert await count(pool, "rejections") == 1
    published = "SELECT count(*) FROM outbox WHERE topic = $1"
    assert await pool.fetchval(published, Topic.ORDERS_REJECTIONS) == 1
