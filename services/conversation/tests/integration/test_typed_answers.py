"""COD answers typed instead of tapped, on the real Postgres: the orders waiting for an answer
come from order events; one waiting order is answered as a tap would be, several get their
buttons again, and a chat mid-order keeps its own meaning of "confirm"."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
import orjson

from sauda_contracts import AnyOrderEvent, OrderStatus, Topic
from sauda_contracts.language import Language
from sauda_contracts.templates import CodAction, parse_cod_payload
from sauda_contracts.testing import order_placed, status_changed
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.bootstrap import utc_now
from sauda_conversation.domain.shop import Product, Shop
from sauda_conversation.handlers import handle_inbound, handle_order_events
from sauda_runtime.kit import unit_of_work

SHOPPER = "923001234567"
TEA = Product(product_id=uuid4(), name="Tapal Danedar Tea", price=Decimal(1250), currency="PKR")


class TeaShop:
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]:
        return Shop(products=(TEA,)), Language.EN


def typed(business_id: UUID, text: str, wamid: str | None = None) -> InboundMessageReceived:
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=business_id,
        correlation_id="corr-typed",
        body=InboundMessageBody(
            phone_number_id="1001", customer_phone=SHOPPER, wamid=wamid or f"wamid.{uuid4().hex}",
            sent_at=datetime.now(UTC), kind=InboundKind.TEXT, meta_type="text", text=text,
        ),
    )  # fmt: skip


async def fold(pool: asyncpg.Pool, *events: AnyOrderEvent) -> None:
    async with unit_of_work(pool, None) as tx:
        await handle_order_events(events, tx=tx, clock=utc_now)


async def say(pool: asyncpg.Pool, *messages: InboundMessageReceived) -> list[tuple[str, dict]]:
    """What the messages queued, in order."""
    last = await pool.fetchval("SELECT coalesce(max(id), 0) FROM outbox")
    async with unit_of_work(pool, None) as tx:
        await handle_inbound(messages, tx=tx, shops=TeaShop(), ranker=FuzzyRanker(), clock=utc_now)
    rows = await pool.fetch("SELECT topic, value FROM outbox WHERE id > $1 ORDER BY id", last)
    return [(r["topic"], orjson.loads(r["value"])) for r in rows]


async def test_a_typed_yes_confirms_the_one_waiting_order_once(pool: asyncpg.Pool) -> None:
    business = uuid4()
    placed = order_placed(business, number="ORD-000042")
    await fold(pool, placed, placed)  # a redelivered event changes nothing
    message = typed(business, "haan ji")
    [(topic, command)] = await say(pool, message)
    assert await say(pool, message) == []  # the same message redelivered: no second command
    assert topic == Topic.ORDERS_COMMANDS and command["type"] == "ChangeOrderStatus"
    assert command["body"] == {
        "order_id": str(placed.body.order_id), "status": "confirmed", "actor": "customer",
        "reason": "customer confirmed on WhatsApp", "fulfillment": None,
    }  # fmt: skip


async def test_a_typed_cancel_cancels_the_waiting_order(pool: asyncpg.Pool) -> None:
    business = uuid4()
    placed = order_placed(business)
    await fold(pool, placed)
    [(_, command)] = await say(pool, typed(business, "منسوخ کریں"))
    assert command["body"]["status"] == "cancelled"
    assert command["body"]["reason"] == "customer cancelled on WhatsApp"


async def test_an_answered_order_waits_no_more_even_if_its_placing_comes_again(
    pool: asyncpg.Pool,
) -> None:
    business = uuid4()
    placed = order_placed(business)
    await fold(pool, placed, status_changed(placed, OrderStatus.CONFIRMED))
    await fold(pool, placed)  # the relay sent it again after the confirmation
    [(topic, reply)] = await say(pool, typed(business, "confirm"))
    assert topic == Topic.WHATSAPP_OUTBOUND  # chat for the ordering bot, not a COD answer
    assert reply["body"]["text"].startswith("Your cart is empty.")


async def test_a_typed_answer_for_several_orders_asks_which(pool: asyncpg.Pool) -> None:
    business = uuid4()
    older, newer = (
        order_placed(business, number="ORD-000001"),
        order_placed(business, number="ORD-000002"),
    )
    other_chat = order_placed(business, number="ORD-000003", phone="923339998888")
    other_business = order_placed(uuid4(), number="ORD-000004")
    await fold(pool, older, newer, other_chat, other_business)
    [(_, intro), (_, first), (_, second)] = await say(pool, typed(business, "yes"))
    assert intro["body"]["text"].startswith("2 of your orders are waiting for your answer.")
    assert [first["body"]["text"], second["body"]["text"]] == [
        "Order ORD-000002: PKR 3,000", "Order ORD-000001: PKR 3,000",
    ]  # fmt: skip
    assert [parse_cod_payload(b["id"]) for b in first["body"]["buttons"]] == [
        (CodAction.CONFIRM, newer.body.order_id, "ORD-000002"),
        (CodAction.CANCEL, newer.body.order_id, "ORD-000002"),
    ]
    [(_, intro), (_, first), _] = await say(pool, typed(business, "ہاں"))  # answered in Urdu
    assert intro["body"]["text"].startswith("آپ کے 2 آرڈر آپ کے جواب کے منتظر ہیں۔")
    assert [b["title"] for b in first["body"]["buttons"]] == ["تصدیق کریں", "منسوخ کریں"]


async def test_mid_order_confirm_and_cancel_belong_to_the_cart(pool: asyncpg.Pool) -> None:
    business = uuid4()
    await fold(pool, order_placed(business))
    await say(pool, typed(business, "I want to order"))
    [(_, quantity)] = await say(pool, typed(business, "Tapal Danedar Tea"))
    assert quantity["body"]["menu"]["sections"][0]["rows"][0]["title"] == "1"
    [(topic, cleared)] = await say(pool, typed(business, "cancel"))
    assert topic == Topic.WHATSAPP_OUTBOUND
    assert "no order was placed" in cleared["body"]["text"]  # the cart, not the waiting order
