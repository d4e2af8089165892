"""Dispatcher subscribers: parse records (poison to the DLQ), call a handler, start the sends."""

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker

from sauda_contracts import AnyOrderEvent, Topic, parse_order_event
from sauda_contracts.webhooks import WebhookAttemptDue, parse_webhook_command
from sauda_runtime.consumer import (
    BatchHandler,
    message_type,
    parse_records,
    subscribe_batch,
    when_due,
)
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


async def _parse_all(
    records: Sequence[ConsumerRecord], parse: Callable[[bytes], T | None], *, d: Dispatcher
) -> list[T]:
    return await parse_records(records, parse, partial(set_aside, d=d))


def _order_event(raw: bytes) -> AnyOrderEvent | None:
    kind = message_type(raw)
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

    async def attempt(due: WebhookAttemptDue) -> object:
        return await retry_delivery(due, d=d)

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        due = await _parse_all(records, WebhookAttemptDue.model_validate_json, d=d)
        await when_due(due, lambda x: x.body.due_at, attempt, concurrency=concurrency)

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
