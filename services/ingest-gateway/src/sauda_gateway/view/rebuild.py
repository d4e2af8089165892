"""Rebuilding a projection of the message stream (the message log, the webhook delivery log, the
templates) from its topics at offset 0, as `sauda replay <projection>` does.

The projection's folds write into a scratch copy of its table (a schema first on the
connection's search path, so the folds run unchanged); under a write lock on the live table the
tail that arrived meanwhile is folded too, and the rows the rebuild owns are replaced in one
transaction (readers keep reading the old rows until it commits). The folds are idempotent by
the records' own order (`projector`), so a rebuild gives the rows the live consumer gave.

The message log's inbound rows come from `whatsapp.inbound.v1`, kept a week: a rebuild restores
those still on the topic and keeps older ones as they are. Notices are not rebuilt: each
user's read position is a number of the live table.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from sauda_contracts import Topic
from sauda_contracts.message_templates import TemplateRecorded
from sauda_contracts.webhooks import DeliveryRecorded, parse_webhook_log_event
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    MessageRecorded,
    parse_inbound_record,
    parse_notifier_event,
)
from sauda_gateway.templates.fold import record_templates
from sauda_gateway.view.folds import record_deliveries, record_inbound, record_messages
from sauda_gateway.view.projector import newest_snapshots
from sauda_runtime.db import Conn
from sauda_runtime.kafka import partitions_of

SCRATCH = "sauda_replay"
QUIET = "sauda_replay"  # the templates fold NOTIFYs each change: on a channel nobody hears
Progress = Callable[[int, int], None]  # (records read, records to read)


@dataclass(frozen=True, slots=True)
class Projection:
    table: str
    topics: dict[str, Callable[[bytes], Any]]  # topic -> its records' parser
    fold: Callable[[Conn, list[Any]], Awaitable[None]]
    replaces: str = "true"  # which live rows the rebuild replaces (SQL over the table)


async def _message_log(conn: Conn, items: list[Any]) -> None:
    messages = [i for i in items if isinstance(i, MessageRecorded)]
    await record_messages(conn, newest_snapshots(messages, lambda m: m.body.message_id))
    await record_inbound(conn, [i for i in items if isinstance(i, InboundMessageReceived)])


async def _deliveries(conn: Conn, items: list[Any]) -> None:
    deliveries = [i for i in items if isinstance(i, DeliveryRecorded)]
    await record_deliveries(conn, newest_snapshots(deliveries, lambda d: d.body.delivery_id))


async def _templates(conn: Conn, items: list[Any]) -> None:
    await record_templates(conn, [i for i in items if isinstance(i, TemplateRecorded)], QUIET)


PROJECTIONS: dict[str, Projection] = {
    "message-log": Projection(
        "wa_messages",
        {Topic.NOTIFIER_EVENTS: parse_notifier_event, Topic.WHATSAPP_INBOUND: parse_inbound_record},
        _message_log,
        replaces="direction = 'outbound'",
    ),
    "webhook-deliveries": Projection(
        "webhook_deliveries", {Topic.WEBHOOKS_EVENTS: parse_webhook_log_event}, _deliveries
    ),
    "templates": Projection(
        "whatsapp_templates", {Topic.NOTIFIER_EVENTS: parse_notifier_event}, _templates
    ),
}


def _parsed(projection: Projection, topic: str, values: Sequence[bytes]) -> list[Any]:
    """The records the projection folds; others on its topics (and unreadable ones: the live
    consumer set those aside too) are passed by."""
    parse, items = projection.topics[topic], []
    for value in values:
        try:
            items.append(parse(value))
        except ValidationError:
            continue
    return items


async def _fold_until(
    consumer: AIOKafkaConsumer, conn: Conn, projection: Projection, end: dict[TopicPartition, int],
    progress: Progress, counts: list[int],
) -> None:  # fmt: skip
    remaining = {tp for tp, off in end.items() if await consumer.position(tp) < off}
    while remaining:
        batches = await consumer.getmany(*remaining, timeout_ms=1000, max_records=2000)
        for tp, records in batches.items():
            values = [r.value or b"" for r in records if r.offset < end[tp]]
            await projection.fold(conn, _parsed(projection, tp.topic, values))
            counts[0] += len(values)
        progress(counts[0], counts[1])
        remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}


async def replay_projection(
    pool: asyncpg.Pool, bootstrap: str, name: str, progress: Progress,
    *, topics: dict[str, str] | None = None,
) -> int:  # fmt: skip
    """Rebuild projection `name` from its topics at offset 0 and put it in place; returns the
    records read. `topics` maps a topic to another copy of it (tests)."""
    projection = PROJECTIONS[name]
    copies = topics or {}
    by_copy = {copies.get(t, t): t for t in projection.topics}
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                group_id=None, client_id=f"sauda-replay-{name}")  # fmt: skip
    await consumer.start()
    try:
        parts = [TopicPartition(t, p) for t in by_copy for p in await partitions_of(bootstrap, t)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        begin, end = await consumer.beginning_offsets(parts), await consumer.end_offsets(parts)
        counts = [0, sum(end[tp] - begin[tp] for tp in parts)]
        renamed = Projection(projection.table, {c: projection.topics[t] for c, t in by_copy.items()},
                             projection.fold, projection.replaces)  # fmt: skip
        async with pool.acquire() as conn:
            live = await conn.fetchval("SELECT current_schema()")
            table, scratch = f'"{live}".{projection.table}', f"{SCRATCH}.{projection.table}"
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCRATCH}; "
                               f"DROP TABLE IF EXISTS {scratch}; "
                               f"CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)")  # fmt: skip
            path = await conn.fetchval("SHOW search_path")
            await conn.execute(f"SET search_path TO {SCRATCH}, {path}")
            try:
                async with conn.transaction():
                    await _fold_until(consumer, conn, renamed, end, progress, counts)
                async with conn.transaction():
                    await conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                    tail = await consumer.end_offsets(parts)
                    counts[1] += sum(tail[tp] - end[tp] for tp in parts)
                    await _fold_until(consumer, conn, renamed, tail, progress, counts)
                    await conn.execute(f"DELETE FROM {table} WHERE {projection.replaces}")
                    await conn.execute(f"INSERT INTO {table} SELECT * FROM {scratch} "
                                       "ON CONFLICT DO NOTHING")  # fmt: skip
                    await conn.execute(f"DROP TABLE {scratch}")
            finally:
                await conn.execute(f"SET search_path TO {path}")
        return counts[0]
    finally:
        await consumer.stop()
