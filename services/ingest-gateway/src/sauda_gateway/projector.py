"""The query view's subscriber: order events and rejections in, view rows and command outcomes out."""

from collections.abc import Callable, Sequence
from typing import TypeVar
from uuid import UUID

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
from sauda_contracts.webhooks import DeliveryRecorded, EndpointDeactivated, parse_webhook_log_event
from sauda_contracts.whatsapp import (
    InboundMessageReceived,
    MessageRecorded,
    NoticeRaised,
    parse_notifier_event,
)
from sauda_gateway.adapters.view import ViewWriter
from sauda_gateway.adapters.webhooks import record_deactivations, record_deliveries
from sauda_gateway.adapters.whatsapp import record_inbound, record_messages, record_notices
from sauda_gateway.handlers import project_order_stream
from sauda_runtime.consumer import BatchHandler
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

TOPICS = (Topic.ORDERS_EVENTS, Topic.ORDERS_REJECTIONS)
MESSAGE_TOPICS = (Topic.NOTIFIER_EVENTS, Topic.WHATSAPP_INBOUND, Topic.WEBHOOKS_EVENTS)


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


def on_message_stream(pool: asyncpg.Pool) -> BatchHandler:
    """The merchant's message log and notices, folded from the notifier's events and inbound chats."""

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        messages: list[MessageRecorded] = []
        notices: list[NoticeRaised] = []
        inbound: list[InboundMessageReceived] = []
        poison = []
        deliveries: list[DeliveryRecorded] = []
        deactivations: list[EndpointDeactivated] = []
        for r in records:
            try:
                if r.topic == Topic.WHATSAPP_INBOUND:
                    inbound.append(InboundMessageReceived.model_validate_json(r.value))
                    continue
                if r.topic == Topic.WEBHOOKS_EVENTS:
                    logged = parse_webhook_log_event(r.value)
                    if isinstance(logged, DeliveryRecorded):
                        deliveries.append(logged)
                    else:
                        deactivations.append(logged)
                    continue
                event = parse_notifier_event(r.value)
                (messages if isinstance(event, MessageRecorded) else notices).append(event)
            except (ValidationError, ValueError, TypeError) as exc:
                log.error("poison_event", topic=r.topic, partition=r.partition, offset=r.offset,
                          error=str(exc)[:500])  # fmt: skip
                poison.append((r.topic, r.partition, r.offset, str(exc)[:2000], r.value or b""))
        async with pool.acquire() as conn, conn.transaction():
            await record_messages(conn, _newest(messages, lambda m: m.body.message_id))
            await record_notices(conn, notices)
            await record_inbound(conn, inbound)
            await record_deliveries(conn, _newest(deliveries, lambda d: d.body.delivery_id))
            await record_deactivations(conn, deactivations)
            if poison:
                await conn.executemany(
                    'INSERT INTO poison_messages (topic, partition, "offset", error, raw) '
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    poison,
                )

    return handle


Snapshot = TypeVar("Snapshot", MessageRecorded, DeliveryRecorded)


def _newest(snapshots: list[Snapshot], key: Callable[[Snapshot], UUID]) -> list[Snapshot]:
    """One batch may hold several revisions of one message or delivery: keep the newest."""
    latest: dict[UUID, Snapshot] = {}
    for s in snapshots:
        kept = latest.get(key(s))
        if kept is None or kept.body.revision < s.body.revision:
            latest[key(s)] = s
    return list(latest.values())
