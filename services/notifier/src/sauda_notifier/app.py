"""Notifier subscribers: parse records (poison to the DLQ), call a handler, send what it queued."""

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker

from sauda_contracts import AnyOrderEvent, Topic, parse_order_event
from sauda_contracts.whatsapp import (
    MessageStatusReported,
    SendAttemptDue,
    TemplateStatusChanged,
    parse_outbound_command,
    parse_status_event,
)
from sauda_notifier.handlers import (
    Notifier,
    handle_order_events,
    handle_outbound_batch,
    handle_status_reports,
    handle_template_status,
    retry_send,
    send_all,
    set_aside,
)
from sauda_runtime.consumer import (
    BatchHandler,
    message_type,
    parse_records,
    subscribe_batch,
    when_due,
)
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


async def _parse_all(
    records: Sequence[ConsumerRecord], parse: Callable[[bytes], T | None], *, n: Notifier
) -> list[T]:
    return await parse_records(records, parse, partial(set_aside, n=n))


def _order_event(raw: bytes) -> AnyOrderEvent | None:
    kind = message_type(raw)
    if kind is not None and kind not in ORDER_EVENT_TYPES:
        return None
    return parse_order_event(raw)


def on_order_events(n: Notifier) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        events = await _parse_all(records, _order_event, n=n)
        await send_all(await handle_order_events(events, n=n), n=n)

    return handle


def on_outbound(n: Notifier) -> BatchHandler:
    async def handle(records: Sequence[ConsumerRecord]) -> None:
        commands = await _parse_all(records, parse_outbound_command, n=n)
        await send_all(await handle_outbound_batch(commands, n=n), n=n)

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

    async def attempt(due: SendAttemptDue) -> object:
        return await retry_send(due, n=n)

    async def handle(records: Sequence[ConsumerRecord]) -> None:
        due = await _parse_all(records, SendAttemptDue.model_validate_json, n=n)
        await when_due(due, lambda d: d.body.due_at, attempt, concurrency=concurrency)

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
