"""Questions about placed orders on the real Postgres: the chat's orders come from order events
(folded once, forward only), another chat's order is never shown, and a confirmed cancel is
one customer command however often its tap is redelivered."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
import orjson

from sauda_contracts import Fulfillment, OrderStatus, Topic
from sauda_contracts.language import Language
from sauda_contracts.testing import order_placed, status_changed
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.bootstrap import utc_now
from sauda_conversation.domain.shop import Product, Shop
from sauda_conversation.handlers import handle_inbound, handle_order_events
from sauda_runtime.kit import unit_of_work

SHOPPER = "923001234567"
TEA = Product(product_id=uuid4(), name="Tapal Danedar Tea", price=Decimal(1250), currency="PKR")
EARLIER = datetime.now(UTC) - timedelta(days=2)


class TeaShop:
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]:
        return Shop(products=(TEA,)), Language.EN


def message(business_id: UUID, text: str | None = None, *, tap: str | None = None,
            wamid: str | None = None) -> InboundMessageReceived:  # fmt: skip
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=business_id,
        correlation_id="corr-orders",
        body=InboundMessageBody(
            phone_number_id="1001", customer_phone=SHOPPER, wamid=wamid or f"wamid.{uuid4().hex}",
            sent_at=datetime.now(UTC), kind=InboundKind.BUTTON_REPLY if tap else InboundKind.TEXT,
            meta_type="interactive" if tap else "text", text=text, reply_id=tap,
        ),
    )  # fmt: skip


async def fold(pool: asyncpg.Pool, *events: object) -> None:
    async with unit_of_work(pool, None) as tx:
        await handle_order_events(events, tx=tx, clock=utc_now)  # type: ignore[arg-type]


async def say(pool: asyncpg.Pool, *messages: InboundMessageReceived) -> list[tuple[str, dict]]:
    last = await pool.fetchval("SELECT coalesce(max(id), 0) FROM outbox")
    async with unit_of_work(pool, None) as tx:
        await handle_inbound(messages, tx=tx, shops=TeaShop(), ranker=FuzzyRanker(), clock=utc_now)
    rows = await pool.fetch("SELECT topic, value FROM outbox WHERE id > $1 ORDER BY id", last)
    return [(r["topic"], orjson.loads(r["value"])) for r in rows]


async def test_the_chats_own_orders_newest_first_and_never_anyone_elses(
    pool: asyncpg.Pool,
) -> None:
    business = uuid4()
    older = order_placed(business, number="ORD-000001", at=EARLIER)
    newer = order_placed(business, number="ORD-000002")
    theirs = order_placed(business, number="ORD-000003", phone="923339998888")
    elsewhere = order_placed(uuid4(), number="ORD-000004")
    shipped = status_changed(older, OrderStatus.CONFIRMED)
    on_its_way = status_changed(older, OrderStatus.SHIPPED, version=3,
                                fulfillment=Fulfillment(tracking_url="https://t.example/1"))  # fmt: skip
    await fold(pool, older, newer, theirs, elsewhere, shipped, on_its_way)
    await fold(pool, older, shipped)  # redelivered: the order stays shipped
    [(topic, reply)] = await say(pool, message(business, "mera order kahan hai"))
    assert topic == Topic.WHATSAPP_OUTBOUND
    text = reply["body"]["text"]
    assert text.index("ORD-000002") < text.index("ORD-000001")
    assert "Status: rawana ho chuka" in text and "Tracking: https://t.example/1" in text
    assert "ORD-000003" not in text and "ORD-000004" not in text
    [(_, reply)] = await say(pool, message(business, "ORD-000003"))
    assert reply["body"]["text"].startswith("Sorry, we could not find order ORD-000003")
    assert "Widget" not in reply["body"]["text"]


async def test_no_orders_offers_the_menu(pool: asyncpg.Pool) -> None:
    [(_, reply)] = await say(pool, message(uuid4(), "where is my order?"))
    assert reply["body"]["text"].startswith("We could not find any order from this WhatsApp")
    assert [b["title"] for b in reply["body"]["buttons"]] == ["Order now"]


async def test_cancel_which_then_yes_is_one_customer_command(pool: asyncpg.Pool) -> None:
    business = uuid4()
    first = order_placed(business, number="ORD-000001", at=EARLIER)
    second = order_placed(business, number="ORD-000002")
    # Both past their COD answer: the customer confirmed them, so typed "cancel" is no answer.
    await fold(pool, first, second, status_changed(first, OrderStatus.CONFIRMED),
               status_changed(second, OrderStatus.CONFIRMED))  # fmt: skip
    [(_, which)] = await say(pool, message(business, "cancel my order"))
    assert [b["title"] for b in which["body"]["buttons"]] == ["ORD-000002", "ORD-000001"]
    [(_, sure)] = await say(pool, message(business, tap=which["body"]["buttons"][1]["id"]))
    assert sure["body"]["text"].startswith("Do you want to cancel order ORD-000001?")
    yes = message(business, tap=sure["body"]["buttons"][0]["id"])
    [(topic, command)] = await say(pool, yes)
    assert await say(pool, yes) == []  # redelivered: no second command
    assert topic == Topic.ORDERS_COMMANDS and command["type"] == "ChangeOrderStatus"
    assert command["body"] == {
        "order_id": str(first.body.order_id), "status": "cancelled", "actor": "customer",
        "reason": "cancelled by the customer on WhatsApp", "fulfillment": None,
    }  # fmt: skip


async def test_a_shipped_order_is_not_cancelled_and_the_cart_resumes(pool: asyncpg.Pool) -> None:
    business = uuid4()
    placed = order_placed(business, number="ORD-000009")
    await fold(pool, placed, status_changed(placed, OrderStatus.SHIPPED))
    await say(pool, message(business, "I want to order"))
    [(_, quantity)] = await say(pool, message(business, "Tapal Danedar Tea"))
    assert quantity["body"]["kind"] == "list"
    [(_, no), (_, resumed)] = await say(pool, message(business, "cancel ORD-000009"))
    assert no["body"]["text"].startswith("Your order ORD-000009 has already shipped")
    assert resumed["body"]["menu"] == quantity["body"]["menu"]  # the quantity is asked again
    [(_, more)] = await say(pool, message(business, "2"))
    assert "2 × Tapal Danedar Tea" in more["body"]["text"]
