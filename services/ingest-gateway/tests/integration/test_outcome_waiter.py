"""Waiting for the ledger's answer on a real Postgres: LISTEN/NOTIFY first, polling as a safety net.

Proves that `record_outcomes` on one connection wakes a request waiting in another task long
before polling would, that a lost notification is made good by polling the table, and that a
wait with nothing recorded ends with None.
"""

import asyncio
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg

from sauda_contracts import OrderConfirmed
from sauda_gateway.orders.outcomes import OutcomeWaiter
from sauda_gateway.view.folds import record_outcomes

AT = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


def confirmation_of(command_id: UUID) -> OrderConfirmed:
    return OrderConfirmed.model_validate({
        "event_id": uuid4(), "occurred_at": AT, "business_id": uuid4(), "correlation_id": "t",
        "causation_id": str(command_id),
        "body": {
            "order_id": uuid4(), "version": 2, "status": "confirmed", "previous_status": "pending",
            "actor": "merchant",
        },
    })  # fmt: skip


async def record(pool: asyncpg.Pool, event: OrderConfirmed, channel: str) -> None:
    """What the view projector does when the ledger's event arrives: record, commit, notify."""
    async with pool.acquire() as conn, conn.transaction():
        await record_outcomes(conn, [event], [], channel)


async def started_waiter(pool: asyncpg.Pool, dsn: str, *, poll_every: float) -> OutcomeWaiter:
    waiter = OutcomeWaiter(pool, dsn, f"t_{uuid4().hex[:12]}_outcomes", poll_every=poll_every)
    await waiter.start()
    return waiter


async def test_a_recorded_outcome_wakes_the_waiting_request(pool: asyncpg.Pool, dsn: str) -> None:
    # Polling only every minute: an answer within seconds can only come from the notification.
    waiter = await started_waiter(pool, dsn, poll_every=60)
    command_id = uuid4()
    try:
        with waiter.expect(command_id) as expectation:
            waiting = asyncio.create_task(expectation.wait(timeout=120))
            await record(pool, confirmation_of(command_id), waiter.channel)

            outcome = await asyncio.wait_for(waiting, timeout=10)
    finally:
        await waiter.stop()

    assert outcome == {"outcome": "applied", "payload": {"version": 2}}


async def test_an_outcome_whose_notification_was_lost_is_found_by_polling(
    pool: asyncpg.Pool, dsn: str
) -> None:
    waiter = await started_waiter(pool, dsn, poll_every=0.1)
    command_id = uuid4()
    try:
        with waiter.expect(command_id) as expectation:
            waiting = asyncio.create_task(expectation.wait(timeout=30))
            await record(pool, confirmation_of(command_id), channel="nobody_listens_here")

            outcome = await asyncio.wait_for(waiting, timeout=10)
    finally:
        await waiter.stop()

    assert outcome == {"outcome": "applied", "payload": {"version": 2}}


async def test_a_wait_with_nothing_recorded_ends_with_none(pool: asyncpg.Pool, dsn: str) -> None:
    waiter = await started_waiter(pool, dsn, poll_every=0.1)
    try:
        with waiter.expect(uuid4()) as expectation:
            outcome = await expectation.wait(timeout=0.5)
    finally:
        await waiter.stop()

    assert outcome is None
