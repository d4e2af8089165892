"""Conversation subscriber: shoppers' messages, the ledger's refusals and order events, through
the runtime's consumer kit, one transaction a batch."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeAlias

from prometheus_client import Counter

from sauda_contracts import (
    AnyOrderEvent,
    OrderCommandRejected,
    Topic,
    parse_order_event,
    parse_order_rejection,
)
from sauda_contracts.whatsapp import InboundMessageReceived
from sauda_conversation.domain.flow import CART_TTL
from sauda_conversation.domain.shop import Ranker
from sauda_conversation.handlers import (
    Clock,
    ShopDirectory,
    handle_inbound,
    handle_order_events,
    handle_rejections,
)
from sauda_runtime.kit import ConsumerKit, Parser, Transaction

TOPICS = (Topic.WHATSAPP_INBOUND, Topic.ORDERS_REJECTIONS, Topic.ORDERS_EVENTS)
CONSUMER = "conversation"
HANDLED = Counter("sauda_conversation_messages_total", "Messages handled", ["kind"])

Record: TypeAlias = InboundMessageReceived | OrderCommandRejected | AnyOrderEvent

PARSERS: dict[str, Parser[Record]] = {
    Topic.WHATSAPP_INBOUND: InboundMessageReceived.model_validate_json,
    Topic.ORDERS_REJECTIONS: parse_order_rejection,
    Topic.ORDERS_EVENTS: parse_order_event,
}


@dataclass(frozen=True, slots=True)
class OnMessages:
    """A batch of the three topics, handled in one transaction: order events first (so a typed
    answer finds the order it answers), then shoppers' messages, then refusals."""

    shops: ShopDirectory
    ranker: Ranker
    clock: Clock
    cart_ttl: timedelta = CART_TTL

    async def __call__(self, records: Sequence[Record], tx: Transaction) -> None:
        inbound = [r for r in records if isinstance(r, InboundMessageReceived)]
        rejections = [r for r in records if isinstance(r, OrderCommandRejected)]
        events = [
            r for r in records if not isinstance(r, InboundMessageReceived | OrderCommandRejected)
        ]
        await handle_order_events(events, tx=tx, clock=self.clock)
        commands = await handle_inbound(inbound, tx=tx, shops=self.shops, ranker=self.ranker,
                                        clock=self.clock, cart_ttl=self.cart_ttl)  # fmt: skip
        replies = await handle_rejections(rejections, tx=tx, clock=self.clock)
        HANDLED.labels("inbound").inc(len(inbound))
        HANDLED.labels("order_event").inc(len(events))
        HANDLED.labels("queued").inc(commands)
        HANDLED.labels("refusal_reply").inc(replies)


def subscribe(kit: ConsumerKit, *, group_id: str, on_messages: OnMessages) -> None:
    """Bind the three topics to the handler. The kit parses each by its topic and sets aside what
    will not parse; the handlers claim themselves (`claim=False`): a shopper's message by its
    wamid, a refusal by its event id, and order events need none (their writes are idempotent)."""
    kit.subscribe(TOPICS, group_id=group_id, consumer=CONSUMER, parse=PARSERS,
                  handle=on_messages, claim=False)  # fmt: skip
