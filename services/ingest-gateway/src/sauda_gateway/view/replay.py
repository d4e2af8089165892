"""Rebuilding the query view and the analytics' order facts from orders.events.v1 offset 0 into
fresh tables, then swapping them in together."""

import time
from collections.abc import Callable, Sequence
from typing import Protocol

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from sauda_contracts import AnyOrderEvent, Topic, parse_order_event
from sauda_gateway.analytics.fold import FACTS_TABLE, FactsWriter
from sauda_gateway.view.folds import VIEW_TABLE, ViewWriter
from sauda_runtime.db import Conn
from sauda_runtime.kafka import partitions_of

REBUILD_TABLE = "orders_rebuild"
# Every table folded from orders.events.v1, in the order the live projector writes them (so
# the replay's locks are taken in the same order and cannot deadlock with it).
REBUILT = (VIEW_TABLE, FACTS_TABLE)


class Fold(Protocol):
    async def apply(self, conn: Conn, events: Sequence[AnyOrderEvent]) -> None: ...


def _rebuild_name(table: str) -> str:
    return f"{table}_rebuild"


Progress = Callable[[int, int], None]  # (records read, records to read)


async def _consume_until(
    consumer: AIOKafkaConsumer,
    conn: Conn,
    folds: Sequence[Fold],
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
                events = [parse_order_event(r.value) for r in records]
                for fold in folds:
                    await fold.apply(conn, events)
                done += len(records)
        progress(done, total)
        remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    return done


async def replay_orders_view(
    pool: asyncpg.Pool, bootstrap: str, progress: Progress, *, topic: str = Topic.ORDERS_EVENTS
) -> int:
    """Fold every order event into `orders_rebuild` and `order_facts_rebuild`, catch up under a
    write lock, swap both. Returns events read. `topic` is another copy of the stream (tests)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        client_id=f"sauda-replay-{int(time.time())}",
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        begin = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        total = sum(end[tp] - begin[tp] for tp in partitions)
        folds = (ViewWriter(REBUILD_TABLE), FactsWriter(_rebuild_name(FACTS_TABLE)))
        async with pool.acquire() as conn:
            for table in REBUILT:
                await conn.execute(
                    f"DROP TABLE IF EXISTS {_rebuild_name(table)}; "
                    f"CREATE TABLE {_rebuild_name(table)} (LIKE {table} INCLUDING ALL)"
                )
            done = 0
            async with conn.transaction():
                done = await _consume_until(consumer, conn, folds, end, progress, total, done)
            # Readers keep reading the old table; writers (the live projector) wait while the
            # tail that arrived during the rebuild is folded in and the tables trade names.
            async with conn.transaction():
                for table in REBUILT:
                    await conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                tail_end = await consumer.end_offsets(partitions)
                total += sum(tail_end[tp] - end[tp] for tp in partitions)
                done = await _consume_until(consumer, conn, folds, tail_end, progress, total, done)
                for table in REBUILT:
                    await conn.execute(
                        f"ALTER TABLE {table} RENAME TO {table}_old; "
                        f"ALTER TABLE {_rebuild_name(table)} RENAME TO {table}; "
                        f"DROP TABLE {table}_old"
                    )
        return done
    finally:
        await consumer.stop()
