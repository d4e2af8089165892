"""Taps against the conversation schema on the real Postgres: commands out through the outbox,
redeliveries ignored, refusals answered in the shopper's chat."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import orjson

from sauda_contracts import (
    OrderCommandRejected,
    OrderStatus,
    RejectionBody,
    RejectionCode,
    Topic,
)
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction, cod_payload
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.bootstrap import utc_now
from sauda_conversation.domain.shop import Shop
from sauda_conversation.handlers import handle_inbound, handle_rejections
from sauda_runtime.kit import unit_of_work

BUSINESS, ORDER = uuid4(), uuid4()


class EmptyShop:
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]:
        return Shop(products=()), Language.EN


async def handle(pool: asyncpg.Pool, messages: list[InboundMessageReceived]) -> None:
    async with unit_of_work(pool, None) as tx:
        await handle_inbound(
            messages, tx=tx, shops=EmptyShop(), ranker=FuzzyRanker(), clock=utc_now
        )


def tap(action: CodAction, wamid: str = "wamid.TAP1") -> InboundMessageReceived:
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=BUSINESS,
        correlation_id="corr-1",
        body=InboundMessageBody(
            phone_number_id="1001", customer_phone="923001234567", wamid=wamid,
            sent_at=datetime.now(UTC), kind=InboundKind.BUTTON, meta_type="button",
            text=action.value.title(), reply_id=cod_payload(action, ORDER, "ORD-000042"),
        ),
    )  # fmt: skip


async def outbox(pool: asyncpg.Pool) -> list[tuple[str, dict]]:
    rows = await pool.fetch("SELECT topic, value FROM outbox ORDER BY id")
    return [(r["topic"], orjson.loads(r["value"])) for r in rows]


async def test_a_tap_is_one_command_even_when_redelivered(pool: asyncpg.Pool) -> None:
    message = tap(CodAction.CANCEL)
    for _ in range(3):
        await handle(pool, [message])
    [(topic, command)] = await outbox(pool)
    assert topic == Topic.ORDERS_COMMANDS
    assert command["type"] == "ChangeOrderStatus"
    assert command["body"] == {
        "order_id": str(ORDER), "status": "cancelled", "actor": "customer",
        "reason": "customer cancelled on WhatsApp", "fulfillment": None,
    }  # fmt: skip
    assert command["correlation_id"] == "corr-1"
    assert command["causation_id"] == str(message.event_id)


async def test_typed_text_is_not_a_tap_when_no_order_waits_for_an_answer(
    pool: asyncpg.Pool,
) -> None:
    message = tap(CodAction.CONFIRM)
    typed = message.model_copy(update={"body": message.body.model_copy(
        update={"kind": InboundKind.TEXT, "reply_id": None, "text": "confirm"})})  # fmt: skip
    await handle(pool, [typed])
    assert await outbox(pool) == []  # no command, and no chat bot for a shop without a catalog


async def test_a_refused_tap_is_answered_in_the_chat_and_others_are_not(pool: asyncpg.Pool) -> None:
    await handle(pool, [tap(CodAction.CANCEL)])
    [(_, command)] = await outbox(pool)

    def refusal(command_id: str) -> OrderCommandRejected:
        return OrderCommandRejected(
            event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=BUSINESS,
            correlation_id="corr-1",
            body=RejectionBody(order_id=ORDER, command_id=command_id,
                               command_type="ChangeOrderStatus",
                               code=RejectionCode.INVALID_TRANSITION, message="no",
                               current_status=OrderStatus.SHIPPED),
        )  # fmt: skip

    async with unit_of_work(pool, None) as tx:
        replies = await handle_rejections(
            [refusal(command["event_id"]), refusal(str(uuid4()))], tx=tx, clock=utc_now
        )
    assert replies == 1  # the merchant's own refused command is not the shopper's business
    reply = (await outbox(pool))[-1]
    assert reply[0] == Topic.WHATSAPP_OUTBOUND
    assert reply[1]["body"]["customer_phone"] == "923001234567"
    assert reply[1]["body"]["text"].startswith("Your order ORD-000042 has already shipped")
    assert reply[1]["body"]["reply_to"] == "wamid.TAP1"
