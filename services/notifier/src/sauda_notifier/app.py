"""Notifier subscribers: parse records (poison to the DLQ), call a handler, send what it queued."""

import asyncio
from collections.abc import Callable, Sequence
from typing import TypeVar

import orjson
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from sauda_contracts import AnyOrderEvent, Topic, parse_order_event
from sauda_contracts.whatsapp import (
    MessageStatusReported,
    SendAttemptDue,
    SendWhatsAppMessage,
    TemplateStatusChanged,
    parse_status_event,
)
from sauda_notifier.domain import Message
from sauda_notifier.handlers import (
    Notifier,
    handle_order_events,
    handle_outbound,
    handle_status_reports,
    handle_template_status,
    retry_send,
    send_all,
    set_aside,
)
from sauda_runtime.consumer import BatchHandler, subscribe_batch
from sauda_runtime.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")
# Order events the notifier acts on; others on the public topic (and future ones) pass by.
ORDER_EVENT_TYPES = frozenset(
    {
        "OrderPlaced",
        "OrderConfirmed",
        "OrderShipped",
        "OrderDelivered",
        "OrderCancelled",
        "OrderReturned",
        "OrderPaymentChanged",
        "OrderFulfillmentUpdated",
    }
)
RETRY_TOPICS = (Topic.NOTIFIER_RETRY_5S, Topic.NOTIFIER_RETRY_30S, Topic.NOTIFIER_RETRY_120S)
RETRY_CONCURRENCY = 32


def _type_of(raw: bytes | None) -> str | None:
    try:
        data = orjson.loads(raw or b"")
    except orjson.JSONDecodeError:
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


async def _parse_all(
    records: Sequence[ConsumerRecord], parse: Callable[[bytes], T], *, n: Notifier
) -> list[T]:
    parsed: list[T] = []
    for r in records:
        try:
            parsed.append(parse(r.value))
        except (ValidationError, ValueError, TypeError) as exc:
            log.error(
                "poison_record",
                topic=r.topic,
                partition=r.partition,
                offset=r.offset,
                error=str(exc)[:500],
            )
            await set_aside(
                n=n,
                topic=r.topic,
                partition=r.partition,
                offset=r.offset,
                error=str(exc),
                raw=r.value or b"",
                key=r.key,
            )
    return parsed


def _order_event(raw: bytes) -> AnyOrderEvent | None:
    kind = _type_of(raw)
    if kind is not None and kind not in ORDER_EVENT_TYPES:
        return None
    return parse_order_event(raw)


def on_order_events(n: Notifier) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        events = [e for e in await _parse_all(records, _order_event, n=n) if e is not None]
        await send_all(await handle_order_events(events, n=n), n=n)

    return handle


def on_outbound(n: Notifier) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        queued: list[Message] = []
        for command in await _parse_all(records, SendWhatsAppMessage.model_validate_json, n=n):
            queued += await handle_outbound(command, n=n)
        await send_all(queued, n=n)

    return handle


def on_status(n: Notifier) -> BatchHandler:
    """A batch's receipts in one transaction; template reviews one by one (they are rare)."""

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        events = await _parse_all(records, parse_status_event, n=n)
        receipts = [e for e in events if isinstance(e, MessageStatusReported)]
        if receipts:
            await handle_status_reports(receipts, n=n)
        for event in events:
            if isinstance(event, TemplateStatusChanged):
                await handle_template_status(event, n=n)

    return handle


def on_retry(n: Notifier, *, concurrency: int = RETRY_CONCURRENCY) -> BatchHandler:
    """Each record waits until its due time; records of one batch wait side by side, so one
    partition's wait does not add to another's."""
    gate = asyncio.Semaphore(concurrency)

    async def one(due: SendAttemptDue) -> None:
        async with gate:
            await retry_send(due, n=n)

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        due = await _parse_all(records, SendAttemptDue.model_validate_json, n=n)
        await asyncio.gather(*(one(d) for d in sorted(due, key=lambda d: d.body.due_at)))

    return handle


def subscribe(broker: KafkaBroker, n: Notifier, *, group_id: str, batch_size: int) -> list[str]:
    """Every subscription, each its own consumer group (so a slow retry topic never holds up
    order events); returns the group ids."""
    subscriptions: list[tuple[str, tuple[str, ...], BatchHandler, int]] = [
        (f"{group_id}-orders", (Topic.ORDERS_EVENTS,), on_order_events(n), batch_size),
        (f"{group_id}-outbound", (Topic.WHATSAPP_OUTBOUND,), on_outbound(n), batch_size),
        (f"{group_id}-status", (Topic.WHATSAPP_STATUS,), on_status(n), batch_size),
        *(
            (
                f"{group_id}-{t.value.removeprefix('notifier.').replace('.', '-')}",
                (t,),
                on_retry(n),
                RETRY_CONCURRENCY,
            )
            for t in RETRY_TOPICS
        ),
    ]
    for group, topics, handler, size in subscriptions:
        subscribe_batch(broker, topics, group_id=group, handler=handler, max_records=size)
    return [s[0] for s in subscriptions]
