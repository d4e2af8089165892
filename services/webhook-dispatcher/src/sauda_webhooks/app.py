"""Dispatcher subscribers: parse records (poison to the DLQ), call a handler, start the sends."""

import asyncio
from collections.abc import Callable, Sequence
from typing import TypeVar

import orjson
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from sauda_contracts import AnyOrderEvent, Topic, parse_order_event
from sauda_contracts.webhooks import WebhookAttemptDue, parse_webhook_command
from sauda_runtime.consumer import BatchHandler, subscribe_batch
from sauda_runtime.logging import get_logger
from sauda_webhooks.domain import EVENT_FOR_TYPE, RETRY_TOPICS
from sauda_webhooks.handlers import (
    Dispatcher,
    handle_command,
    handle_order_events,
    retry_delivery,
    set_aside,
)

log = get_logger(__name__)

T = TypeVar("T")
RETRY_CONCURRENCY = 64


def _type_of(raw: bytes | None) -> str | None:
    try:
        data = orjson.loads(raw or b"")
    except orjson.JSONDecodeError:
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


async def _parse_all(
    records: Sequence[ConsumerRecord], parse: Callable[[bytes], T | None], *, d: Dispatcher
) -> list[T]:
    parsed: list[T] = []
    for r in records:
        try:
            item = parse(r.value or b"")
        except (ValidationError, ValueError, TypeError) as exc:
            log.error("poison_record", topic=r.topic, partition=r.partition, offset=r.offset)
            await set_aside(
                d=d,
                topic=r.topic,
                partition=r.partition,
                offset=r.offset,
                error=str(exc),
                raw=r.value or b"",
            )
            continue
        if item is not None:
            parsed.append(item)
    return parsed


def _order_event(raw: bytes) -> AnyOrderEvent | None:
    kind = _type_of(raw)
    if kind is not None and kind not in EVENT_FOR_TYPE:
        return None  # rejections and future types pass by
    return parse_order_event(raw)


def on_order_events(d: Dispatcher) -> BatchHandler:
    """Rows are committed before this returns (so before the offsets); sends run behind it."""

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        events = await _parse_all(records, _order_event, d=d)
        if events:
            d.spawn(await handle_order_events(events, d=d))

    return handle


def on_commands(d: Dispatcher) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        for command in await _parse_all(records, parse_webhook_command, d=d):
            d.spawn(await handle_command(command, d=d))

    return handle


def on_retry(d: Dispatcher, *, concurrency: int = RETRY_CONCURRENCY) -> BatchHandler:
    """Each record waits until its due time; records of one batch wait side by side, so one
    endpoint's wait does not add to another's."""
    gate = asyncio.Semaphore(concurrency)

    async def one(due: WebhookAttemptDue) -> None:
        async with gate:
            await retry_delivery(due, d=d)

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        due = await _parse_all(records, WebhookAttemptDue.model_validate_json, d=d)
        await asyncio.gather(*(one(x) for x in sorted(due, key=lambda x: x.body.due_at)))

    return handle


def retry_group(group_id: str, topic: str) -> str:
    return f"{group_id}-{topic.removeprefix('webhooks.').replace('.', '-')}"


def subscribe(broker: KafkaBroker, d: Dispatcher, *, group_id: str, batch_size: int) -> list[str]:
    """Every subscription, each its own consumer group (a slow retry topic never holds up
    order events); returns the group ids."""
    subscriptions: list[tuple[str, tuple[str, ...], BatchHandler, int]] = [
        (f"{group_id}-orders", (Topic.ORDERS_EVENTS,), on_order_events(d), batch_size),
        (f"{group_id}-commands", (Topic.WEBHOOKS_COMMANDS,), on_commands(d), batch_size),
        *((retry_group(group_id, t), (t,), on_retry(d), RETRY_CONCURRENCY) for t in RETRY_TOPICS),
    ]
    for group, topics, handler, size in subscriptions:
        subscribe_batch(broker, topics, group_id=group, handler=handler, max_records=size)
    return [s[0] for s in subscriptions]
