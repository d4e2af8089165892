"""Notifier subscribers: each topic bound to its use case through the consumer kit."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, get_args
from uuid import uuid5

from aiokafka import ConsumerRecord

from sauda_contracts import AnyOrderEvent, OrderPlaced, Topic, parse_order_event, type_name
from sauda_contracts.carts import CartAbandoned, CartRecovered
from sauda_contracts.dead_letters import DeadLetter
from sauda_contracts.whatsapp import (
    AnyOutbound,
    InboundMessageReceived,
    MessageStatusReported,
    SendAttemptDue,
    TemplateStatusChanged,
    parse_inbound_record,
    parse_outbound_command,
    parse_status_event,
)
from sauda_notifier.domain.facts import NAMESPACE
from sauda_notifier.domain.message_log import Message
from sauda_notifier.domain.retries import RETRY_STEPS
from sauda_runtime.consumer import message_type, poison_letter
from sauda_runtime.kit import ConsumerKit, OutboxRow, Subscription, Transaction
from sauda_runtime.retrying import Clock, RetryingCaller

T = TypeVar("T")
# Order events the notifier acts on; others on the public topic (and future ones) pass by.
ORDER_EVENT_TYPES = frozenset(type_name(cls) for cls in get_args(AnyOrderEvent))
RETRY_TOPICS = tuple(topic for topic, _ in RETRY_STEPS)
RETRY_CONCURRENCY = 32


def order_event(raw: bytes) -> AnyOrderEvent | None:
    kind = message_type(raw)
    if kind is not None and kind not in ORDER_EVENT_TYPES:
        return None
    return parse_order_event(raw)


CART_RECORDS: dict[str, type[CartAbandoned | CartRecovered | OrderPlaced]] = {
    type_name(cls): cls for cls in (CartAbandoned, CartRecovered, OrderPlaced)
}


def cart_record(raw: bytes) -> CartAbandoned | CartRecovered | OrderPlaced | None:
    """A cart's record on carts.v1, or an OrderPlaced (it may cancel a cart's recovery); the
    other order events pass by."""
    cls = CART_RECORDS.get(message_type(raw) or "")
    return cls.model_validate_json(raw) if cls else None


def shopper_message(raw: bytes) -> InboundMessageReceived | None:
    """A shopper's message on whatsapp.inbound.v1 (what stops their sequences); the other
    records there (a chat flow reset) pass by."""
    if message_type(raw) != type_name(InboundMessageReceived):
        return None
    parsed = parse_inbound_record(raw)
    return parsed if isinstance(parsed, InboundMessageReceived) else None


def dead_letter_with(clock: Clock) -> Callable[[ConsumerRecord, Exception], OutboxRow]:
    """A record that does not parse also goes to the dead-letter topic with the error."""

    def to_dlq(record: ConsumerRecord, error: Exception) -> OutboxRow:
        business_id, correlation_id, body = poison_letter(record, error)
        event_id = uuid5(
            NAMESPACE, f"dead:{body.source_topic}:{body.partition}:{body.offset}:{body.message_id}"
        )
        letter = DeadLetter(event_id=event_id, occurred_at=clock(), business_id=business_id,
                            correlation_id=correlation_id, causation_id=None, body=body)  # fmt: skip
        return (Topic.NOTIFIER_DLQ, record.key or b"poison", letter.to_bytes())

    return to_dlq


async def _as_parsed(items: Sequence[T], tx: Transaction) -> Sequence[T]:
    return items


Sends = Callable[[Sequence[Message]], Awaitable[None]]


@dataclass(frozen=True)
class Subscribers:
    """The notifier's use cases as the kit calls them (bootstrap binds their collaborators)."""

    on_order_events: Callable[[Sequence[AnyOrderEvent]], Awaitable[list[Message]]]
    on_outbound: Callable[[Sequence[AnyOutbound]], Awaitable[list[Message]]]
    on_receipts: Callable[[Sequence[MessageStatusReported]], Awaitable[object]]
    on_template_status: Callable[[TemplateStatusChanged], Awaitable[None]]
    on_replies: Callable[[Sequence[InboundMessageReceived]], Awaitable[int]]
    on_carts: Callable[[Sequence[CartAbandoned | CartRecovered | OrderPlaced]], Awaitable[int]]
    send_all: Sends
    retrying: RetryingCaller[SendAttemptDue, Message]
    dead_letter: Callable[[ConsumerRecord, Exception], OutboxRow]

    async def orders(self, events: Sequence[AnyOrderEvent]) -> None:
        await self.send_all(await self.on_order_events(events))

    async def outbound(self, commands: Sequence[AnyOutbound]) -> None:
        await self.send_all(await self.on_outbound(commands))

    async def replies(self, messages: Sequence[InboundMessageReceived]) -> None:
        await self.on_replies(messages)

    async def carts(self, records: Sequence[CartAbandoned | CartRecovered | OrderPlaced]) -> None:
        await self.on_carts(records)

    async def status(self, events: Sequence[MessageStatusReported | TemplateStatusChanged]) -> None:
        """A batch's receipts in one transaction; template reviews one by one (they are rare)."""
        receipts = [e for e in events if isinstance(e, MessageStatusReported)]
        if receipts:
            await self.on_receipts(receipts)
        for event in events:
            if isinstance(event, TemplateStatusChanged):
                await self.on_template_status(event)


def subscribe(
    kit: ConsumerKit, s: Subscribers, *, group_id: str, batch_size: int
) -> dict[str, Subscription[Any, Any] | None]:
    """Every subscription, each its own consumer group (so a slow retry topic never holds up
    order events); returns the group ids with their subscriptions (None: a retry topic's).

    `claim=False`: each use case claims its records itself, in the transaction that records
    what they mean, because that transaction comes after the decision (an order event's
    templates are checked with Meta first, outside any transaction) and sends follow it."""
    dlq = s.dead_letter
    orders = kit.subscribe((Topic.ORDERS_EVENTS,), group_id=f"{group_id}-orders", consumer="notifier-orders",
                  parse=order_event, handle=_as_parsed, after=s.orders, dead_letter=dlq,
                  claim=False, max_records=batch_size)  # fmt: skip
    outbound = kit.subscribe((Topic.WHATSAPP_OUTBOUND,), group_id=f"{group_id}-outbound",
                  consumer="notifier-outbound", parse=parse_outbound_command, handle=_as_parsed,
                  after=s.outbound, dead_letter=dlq, claim=False, max_records=batch_size)  # fmt: skip
    status = kit.subscribe((Topic.WHATSAPP_STATUS,), group_id=f"{group_id}-status",
                  consumer="notifier-status", parse=parse_status_event, handle=_as_parsed,
                  after=s.status, dead_letter=dlq, claim=False, max_records=batch_size)  # fmt: skip
    # Shoppers' messages, only to stop the sequences of those who reply.
    inbound = kit.subscribe((Topic.WHATSAPP_INBOUND,), group_id=f"{group_id}-inbound",
                  consumer="notifier-inbound", parse=shopper_message, handle=_as_parsed,
                  after=s.replies, dead_letter=dlq, claim=False, max_records=batch_size)  # fmt: skip
    # Abandoned carts, and the orders that may make their recovery message moot.
    carts = kit.subscribe((Topic.CARTS, Topic.ORDERS_EVENTS), group_id=f"{group_id}-carts",
                  consumer="notifier-carts", parse=cart_record, handle=_as_parsed,
                  after=s.carts, dead_letter=dlq, claim=False, max_records=batch_size)  # fmt: skip
    retry_groups = s.retrying.subscribe(
        kit, group_prefix=group_id, consumer="notifier-retry", dead_letter=s.dead_letter
    )
    return {
        f"{group_id}-orders": orders,
        f"{group_id}-outbound": outbound,
        f"{group_id}-status": status,
        f"{group_id}-inbound": inbound,
        f"{group_id}-carts": carts,
        **dict.fromkeys(retry_groups),
    }
