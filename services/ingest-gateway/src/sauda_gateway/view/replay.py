"""Rebuilding the query view from orders.events.v1 offset 0 into a fresh table, then swapping it in."""

import time
from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from sauda_contracts import Topic, parse_order_event
from sauda_gateway.view.folds import VIEW_TABLE, ViewWriter
from sauda_runtime.db import Conn
from sauda_runtime.kafka import partitions_of

REBUILD_TABLE = "orders_rebuild"

Progress = Callable[[int, int], None]  # (records read, records to read)


async def _consume_until(
    consumer: AIOKafkaConsumer,
    conn: Conn,
    writer: ViewWriter,
    end: dict[TopicPartition, int],
    progress: Progress,
    total: int,
    done: int,
) -> int:
    remaining = {tp for tp, off in end.items() if await consumer.position(tp) < off}
    while remaining:
        batches = await consumer.getmany(*remaining, timeout_ms=1000, max_records=2000)
        for tp, records in batches.items():
            records = [r for r in records if r.offset < end[tp]]
            if records:
                await writer.apply(conn, [parse_order_event(r.value) for r in records])
                done += len(records)
        progress(done, total)
        remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    return done


async def replay_orders_view(pool: asyncpg.Pool, bootstrap: str, progress: Progress) -> int:
    """Fold every order event into `orders_rebuild`, catch up under a write lock, swap. Returns events read."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        client_id=f"sauda-replay-{int(time.time())}",
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(Topic.ORDERS_EVENTS, p)
            for p in await partitions_of(bootstrap, Topic.ORDERS_EVENTS)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        begin = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        total = sum(end[tp] - begin[tp] for tp in partitions)
        writer = ViewWriter(REBUILD_TABLE)
        async with pool.acquire() as conn:
            await conn.execute(
                f"DROP TABLE IF EXISTS {REBUILD_TABLE}; "
                f"CREATE TABLE {REBUILD_TABLE} (LIKE {VIEW_TABLE} INCLUDING ALL)"
            )
            done = 0
            async with conn.transaction():
                done = await _consume_until(consumer, conn, writer, end, progress, total, done)
            # Readers keep reading the old table; writers (the live projector) wait while the
            # tail that arrived during the rebuild is folded in and the tables trade names.
            async with conn.transaction():
                await conn.execute(f"LOCK TABLE {VIEW_TABLE} IN EXCLUSIVE MODE")
                tail_end = await consumer.end_offsets(partitions)
                total += sum(tail_end[tp] - end[tp] for tp in partitions)
                done = await _consume_until(consumer, conn, writer, tail_end, progress, total, done)
                await conn.execute(
                    f"ALTER TABLE {VIEW_TABLE} RENAME TO {VIEW_TABLE}_old; "
                    f"ALTER TABLE {REBUILD_TABLE} RENAME TO {VIEW_TABLE}; "
                    f"DROP TABLE {VIEW_TABLE}_old"
                )
        return done
    finally:
        await consumer.stop()
