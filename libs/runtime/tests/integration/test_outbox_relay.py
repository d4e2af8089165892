"""The outbox relay on the real Kafka and Postgres: nothing lost, nothing reordered per key.

Proves that rows queued with `add_to_outbox` reach Kafka in insertion order for each key and
then leave the table; that a send that never completes leaves every row in place for the next
attempt; and that an ordered relay does not overtake another one, sharing its name, that is stuck
sending earlier rows.
"""

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord

from sauda_runtime.kafka import make_producer
from sauda_runtime.outbox import OutboxRelay, add_to_outbox

TopicRecords = Callable[[str, int], Awaitable[list[ConsumerRecord]]]
KEYS = (b"order-a", b"order-b", b"order-c", b"order-d", b"order-e")


def outbox_rows(topic: str, n: int) -> list[tuple[str, bytes, bytes]]:
    """`n` rows whose keys take turns, each value its position in the queue."""
    return [(topic, KEYS[i % len(KEYS)], str(i).encode()) for i in range(n)]


def values_by_key(records: Iterable[tuple[bytes, bytes]]) -> dict[bytes, list[bytes]]:
    by_key: dict[bytes, list[bytes]] = defaultdict(list)
    for key, value in records:
        by_key[key].append(value)
    return dict(by_key)


def published(records: list[ConsumerRecord]) -> dict[bytes, list[bytes]]:
    return values_by_key((r.key, r.value) for r in records)


def queued(rows: list[tuple[str, bytes, bytes]]) -> dict[bytes, list[bytes]]:
    return values_by_key((key, value) for _, key, value in rows)


async def queue(
    pool: asyncpg.Pool, topic: str, n: int, *, per_tx: int
) -> list[tuple[str, bytes, bytes]]:
    """`n` rows queued the way handlers do: a few at a time, each group in its own transaction."""
    rows = outbox_rows(topic, n)
    for start in range(0, len(rows), per_tx):
        async with pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, rows[start : start + per_tx])
    return rows


async def outbox_contents(pool: asyncpg.Pool) -> list[tuple[str, bytes, bytes]]:
    rows = await pool.fetch("SELECT topic, key, value FROM outbox ORDER BY id")
    return [(r["topic"], r["key"], r["value"]) for r in rows]


@pytest.fixture
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    started = make_producer(bootstrap, f"test-relay-{uuid4().hex[:8]}")
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def stopped_producer(bootstrap: str) -> AIOKafkaProducer:
    """A producer that was started and stopped: its sends never complete (aiokafka 0.14)."""
    stopped = make_producer(bootstrap, f"test-relay-{uuid4().hex[:8]}")
    await stopped.start()
    await stopped.stop()
    return stopped


Relays = Callable[..., tuple[OutboxRelay, OutboxRelay]]


@pytest.fixture
def relays(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, stopped_producer: AIOKafkaProducer
) -> Relays:
    """relays(stuck_timeout=30, **options) -> two ordered relays of one name (so one lock),
    both with `options`: first one stuck sending (it gives up after `stuck_timeout` seconds),
    then a healthy one."""

    def make(*, stuck_timeout: float = 30.0, **options: int) -> tuple[OutboxRelay, OutboxRelay]:
        name = f"test-{uuid4().hex}"
        stuck = OutboxRelay(
            pool, stopped_producer, name=name, ordered=True, send_timeout=stuck_timeout, **options
        )
        return stuck, OutboxRelay(pool, producer, name=name, ordered=True, **options)

    return make


async def test_rows_reach_kafka_in_insertion_order_per_key_and_leave_the_outbox(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, topic: str, topic_records: TopicRecords
) -> None:
    rows = await queue(pool, topic, 40, per_tx=7)
    relay = OutboxRelay(pool, producer, name=f"test-{uuid4().hex}", ordered=True, batch_size=16)

    sent = [await relay.publish_batch() for _ in range(4)]

    assert sent == [16, 16, 8, 0]
    assert published(await topic_records(topic, len(rows))) == queued(rows)
    assert await outbox_contents(pool) == []


async def test_rows_stay_in_the_outbox_when_a_send_never_completes(
    pool: asyncpg.Pool, relays: Relays, topic: str, topic_records: TopicRecords
) -> None:
    rows = await queue(pool, topic, 10, per_tx=10)

    # A producer that cannot send makes the relay give up after its send timeout.
    stuck, healthy = relays(stuck_timeout=1)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(stuck.publish_batch(), timeout=30)

    assert await outbox_contents(pool) == rows
    # The abandoned attempt released the relay lock, so a healthy relay sends everything.
    assert await healthy.publish_batch() == len(rows)
    assert published(await topic_records(topic, len(rows))) == queued(rows)
    assert await outbox_contents(pool) == []


async def rows_free_to_take(pool: asyncpg.Pool) -> int:
    """Outbox rows no relay transaction holds right now."""
    return int(
        await pool.fetchval("SELECT count(*) FROM (SELECT id FROM outbox FOR UPDATE SKIP LOCKED) t")
    )


async def test_an_ordered_relay_does_not_overtake_one_that_is_stuck_sending(
    pool: asyncpg.Pool, relays: Relays, topic: str, topic_records: TopicRecords
) -> None:
    rows = await queue(pool, topic, 20, per_tx=20)
    stuck, healthy = relays(batch_size=10)
    stuck_sending = asyncio.create_task(stuck.publish_batch())
    try:
        deadline = time.monotonic() + 10
        while await rows_free_to_take(pool) != 10:  # the stuck relay holds the first ten rows
            assert time.monotonic() < deadline, "the stuck relay never took its batch"
            await asyncio.sleep(0.05)
        overtaken = await healthy.publish_batch()
    finally:
        stuck_sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stuck_sending

    # Sending rows 11-20 meanwhile would have put them on Kafka ahead of rows 1-10 of the same keys.
    assert overtaken == 0
    assert [await healthy.publish_batch() for _ in range(3)] == [10, 10, 0]
    assert published(await topic_records(topic, len(rows))) == queued(rows)
