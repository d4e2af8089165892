"""The query view's subscriber: order events and rejections in, view rows and command outcomes out."""

from collections.abc import Sequence

import asyncpg
from aiokafka import ConsumerRecord
from pydantic import ValidationError

from sauda_contracts import (
    AnyOrderEvent,
    OrderCommandRejected,
    Topic,
    parse_order_event,
    parse_order_rejection,
)
from sauda_gateway.adapters.view import ViewWriter
from sauda_gateway.handlers import project_order_stream
from sauda_runtime.consumer import BatchHandler
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

TOPICS = (Topic.ORDERS_EVENTS, Topic.ORDERS_REJECTIONS)


def on_order_stream(
    pool: asyncpg.Pool, *, channel: str, writer: ViewWriter | None = None
) -> BatchHandler:
    writer = writer or ViewWriter()

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        events: list[AnyOrderEvent] = []
        rejections: list[OrderCommandRejected] = []
        poison = []
        for r in records:
            try:
                if r.topic == Topic.ORDERS_REJECTIONS:
                    rejections.append(parse_order_rejection(r.value))
                else:
                    events.append(parse_order_event(r.value))
            except (ValidationError, ValueError, TypeError) as exc:
                log.error(
                    "poison_event",
                    topic=r.topic,
                    partition=r.partition,
                    offset=r.offset,
                    error=str(exc)[:500],
                )
                poison.append((r.topic, r.partition, r.offset, str(exc)[:2000], r.value or b""))
        async with pool.acquire() as conn, conn.transaction():
            await project_order_stream(
                conn, events=events, rejections=rejections, writer=writer, channel=channel
            )
            if poison:
                await conn.executemany(
                    'INSERT INTO poison_messages (topic, partition, "offset", error, raw) '
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    poison,
                )
        for e in events:
            log.info(
                "order_view_updated",
                order_id=str(e.body.order_id),
                correlation_id=e.correlation_id,
                event_type=e.type,
                version=e.body.version,
            )

    return handle
