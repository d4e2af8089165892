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
from sauda_contracts.bot_flows import TriggerBotFlow
from sauda_contracts.handover import ChatReleased
from sauda_contracts.whatsapp import InboundMessageReceived, ResetChatFlow, parse_inbound_record
from sauda_conversation.domain.chat import triggered_message
from sauda_conversation.domain.flow import CART_TTL
from sauda_conversation.domain.shop import Ranker
from sauda_conversation.handlers import (
    Clock,
    ShopDirectory,
    handle_inbound,
    handle_order_events,
    handle_rejections,
    handle_resets,
)
from sauda_conversation.handover import People, handle_releases
from sauda_runtime.kit import ConsumerKit, Parser, Transaction

TOPICS = (Topic.WHATSAPP_INBOUND, Topic.ORDERS_REJECTIONS, Topic.ORDERS_EVENTS)
CONSUMER = "conversation"
HANDLED = Counter("sauda_conversation_messages_total", "Messages handled", ["kind"])

Record: TypeAlias = (
    InboundMessageReceived | ResetChatFlow | TriggerBotFlow | ChatReleased | OrderCommandRejected
    | AnyOrderEvent
)  # fmt: skip

# A chat's own records on whatsapp.inbound.v1, handled in their order.
ChatRecord: TypeAlias = InboundMessageReceived | ResetChatFlow | ChatReleased

PARSERS: dict[str, Parser[Record]] = {
    Topic.WHATSAPP_INBOUND: parse_inbound_record,
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
    people: People | None = None  # None: no handover to a person (the bot answers everything)

    async def __call__(self, batch: Sequence[Record], tx: Transaction) -> None:
        # A merchant's trigger is the shopper's message that starts the flow, in its place.
        records = [triggered_message(r) if isinstance(r, TriggerBotFlow) else r for r in batch]
        chat = [r for r in records if isinstance(r, ChatRecord)]
        rejections = [r for r in records if isinstance(r, OrderCommandRejected)]
        events = [
            r for r in records if not isinstance(r, ChatRecord | OrderCommandRejected)
        ]  # fmt: skip
        await handle_order_events(events, tx=tx, clock=self.clock)
        commands = 0
        # A reset lands between the shopper's messages of its chat: handled in that order.
        for run in _runs(chat):
            if isinstance(run[0], ResetChatFlow):
                HANDLED.labels("reset").inc(await handle_resets(
                    [r for r in run if isinstance(r, ResetChatFlow)], tx=tx, clock=self.clock))  # fmt: skip
                continue
            if isinstance(run[0], ChatReleased):
                HANDLED.labels("release").inc(await handle_releases(
                    [r for r in run if isinstance(r, ChatReleased)], tx=tx, now=self.clock()))  # fmt: skip
                continue
            messages = [r for r in run if isinstance(r, InboundMessageReceived)]
            commands += await handle_inbound(messages, tx=tx, shops=self.shops,
                                             ranker=self.ranker, clock=self.clock,
                                             cart_ttl=self.cart_ttl,
                                             people=self.people)  # fmt: skip
            HANDLED.labels("inbound").inc(len(messages))
        replies = await handle_rejections(rejections, tx=tx, clock=self.clock)
        HANDLED.labels("order_event").inc(len(events))
        HANDLED.labels("queued").inc(commands)
        HANDLED.labels("refusal_reply").inc(replies)


def _runs(records: Sequence[ChatRecord]) -> list[list[ChatRecord]]:
    """Consecutive records of one kind, in their order."""
    runs: list[list[ChatRecord]] = []
    for record in records:
        if runs and type(runs[-1][0]) is type(record):
            runs[-1].append(record)
        else:
            runs.append([record])
    return runs


def subscribe(kit: ConsumerKit, *, group_id: str, on_messages: OnMessages) -> None:
    """Bind the three topics to the handler. The kit parses each by its topic and sets aside what
    will not parse; the handlers claim themselves (`claim=False`): a shopper's message by its
    wamid, a refusal by its event id, and order events need none (their writes are idempotent)."""
    kit.subscribe(TOPICS, group_id=group_id, consumer=CONSUMER, parse=PARSERS,
                  handle=on_messages, claim=False)  # fmt: skip
