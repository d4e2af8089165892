"""Conversation subscriber: shoppers' messages, the ledger's refusals and order events, one
transaction a batch."""

from collections.abc import Sequence

import asyncpg
from aiokafka import ConsumerRecord
from prometheus_client import Counter
from pydantic import ValidationError

from sauda_contracts import (
    AnyOrderEvent,
    OrderCommandRejected,
    Topic,
    parse_order_event,
    parse_order_rejection,
)
from sauda_contracts.whatsapp import InboundMessageReceived
from sauda_conversation.adapters.store import record_poison
from sauda_conversation.handlers import (
    ChatContext,
    handle_inbound,
    handle_order_events,
    handle_rejections,
)
from sauda_runtime.consumer import BatchHandler
from sauda_runtime.logging import get_logger
from sauda_runtime.outbox import OutboxRelay

log = get_logger(__name__)

TOPICS = (Topic.WHATSAPP_INBOUND, Topic.ORDERS_REJECTIONS, Topic.ORDERS_EVENTS)
HANDLED = Counter("sauda_conversation_messages_total", "Messages handled", ["kind"])


def on_messages(pool: asyncpg.Pool, relay: OutboxRelay, context: ChatContext) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        inbound: list[InboundMessageReceived] = []
        rejections: list[OrderCommandRejected] = []
        events: list[AnyOrderEvent] = []
        async with pool.acquire() as conn, conn.transaction():
            for r in records:
                try:
                    if r.topic == Topic.ORDERS_REJECTIONS:
                        rejections.append(parse_order_rejection(r.value))
                    elif r.topic == Topic.ORDERS_EVENTS:
                        events.append(parse_order_event(r.value))
                    else:
                        inbound.append(InboundMessageReceived.model_validate_json(r.value))
                except (ValidationError, ValueError, TypeError) as exc:
                    log.error("poison_message", topic=r.topic, partition=r.partition,
                              offset=r.offset, error=str(exc)[:500])  # fmt: skip
                    await record_poison(conn, r.topic, r.partition, r.offset, str(exc),
                                        r.value or b"")  # fmt: skip
                    HANDLED.labels("poison").inc()
            await handle_order_events(conn, events)
            commands = await handle_inbound(conn, inbound, context)
            replies = await handle_rejections(conn, rejections)
        HANDLED.labels("inbound").inc(len(inbound))
        HANDLED.labels("order_event").inc(len(events))
        HANDLED.labels("queued").inc(commands)
        HANDLED.labels("refusal_reply").inc(replies)
        if commands or replies:
            relay.wake()

    return handle
