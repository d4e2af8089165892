"""Dispatcher subscribers: each topic bound to its handler through the consumer kit."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import uuid5

from aiokafka import ConsumerRecord

from sauda_contracts import AnyOrderEvent, Topic, parse_order_event
from sauda_contracts.dead_letters import DeadLetter
from sauda_contracts.webhooks import (
    RedeliverWebhook,
    SendTestWebhook,
    WebhookAttemptDue,
    parse_webhook_command,
)
from sauda_runtime.consumer import message_type, poison_letter
from sauda_runtime.kit import ConsumerKit, OutboxRow, Transaction
from sauda_runtime.retrying import Clock, RetryingCaller
from sauda_webhooks.domain.deliveries import Delivery
from sauda_webhooks.domain.orders import EVENT_FOR_TYPE, NAMESPACE
from sauda_webhooks.handlers.deliveries import COMMANDS_CONSUMER, ORDERS_CONSUMER

RETRY_CONSUMER = "webhooks-retry"


def order_event(raw: bytes) -> AnyOrderEvent | None:
    kind = message_type(raw)
    if kind is not None and kind not in EVENT_FOR_TYPE:
        return None  # rejections and future types pass by
    return parse_order_event(raw)


def dead_letter_with(clock: Clock) -> Callable[[ConsumerRecord, Exception], OutboxRow]:
    """A record that does not parse also goes to the dead-letter topic with the error."""

    def to_dlq(record: ConsumerRecord, error: Exception) -> OutboxRow:
        business_id, correlation_id, body = poison_letter(record, error)
        place = f"poison:{record.topic}:{record.partition}:{record.offset}"
        letter = DeadLetter(
            event_id=uuid5(NAMESPACE, place),
            occurred_at=clock(),
            business_id=business_id,
            correlation_id=correlation_id,
            body=body,
        )
        return (Topic.WEBHOOKS_DLQ, b"poison", letter.to_bytes())

    return to_dlq


@dataclass(frozen=True)
class Subscribers:
    """The dispatcher's use cases as the kit calls them (bootstrap binds their collaborators)."""

    on_order_events: Callable[[Sequence[AnyOrderEvent], Transaction], Awaitable[list[Delivery]]]
    on_commands: Callable[
        [Sequence[SendTestWebhook | RedeliverWebhook], Transaction], Awaitable[list[Delivery]]
    ]
    spawn: Callable[[list[Delivery]], Awaitable[object]]
    retrying: RetryingCaller[WebhookAttemptDue, Delivery]
    dead_letter: Callable[[ConsumerRecord, Exception], OutboxRow]


def subscribe(kit: ConsumerKit, s: Subscribers, *, group_id: str, batch_size: int) -> list[str]:
    """Every subscription, each its own consumer group (a slow retry topic never holds up
    order events); returns the group ids. Rows are committed before the offsets; the first
    attempts run behind, in the background."""
    kit.subscribe((Topic.ORDERS_EVENTS,), group_id=f"{group_id}-orders",
                  consumer=ORDERS_CONSUMER, parse=order_event, handle=s.on_order_events,
                  after=s.spawn, dead_letter=s.dead_letter, max_records=batch_size)  # fmt: skip
    kit.subscribe((Topic.WEBHOOKS_COMMANDS,), group_id=f"{group_id}-commands",
                  consumer=COMMANDS_CONSUMER, parse=parse_webhook_command, handle=s.on_commands,
                  after=s.spawn, dead_letter=s.dead_letter, max_records=batch_size)  # fmt: skip
    retry_groups = s.retrying.subscribe(
        kit, group_prefix=group_id, consumer=RETRY_CONSUMER, dead_letter=s.dead_letter
    )
    return [f"{group_id}-orders", f"{group_id}-commands", *retry_groups]
