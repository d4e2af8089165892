"""Chat ordering against the conversation schema on the real Postgres: sessions survive a new
connection pool (a restart), a redelivered message never advances the flow twice, and a
confirmed cart leaves as one PlaceOrder with its replies through the outbox."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import orjson

from sauda_contracts import Topic
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import InboundKind, InboundMessageBody, InboundMessageReceived
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.bootstrap import utc_now
from sauda_conversation.domain import replies as r
from sauda_conversation.domain.shop import Product, Shop
from sauda_conversation.handlers import handle_inbound
from sauda_runtime.db import create_pool
from sauda_runtime.kit import unit_of_work
from sauda_runtime.testing import required_env

BUSINESS = uuid4()
PHONE = "923001234567"
TEA = Product(uuid4(), "Tapal Danedar Tea", Decimal(1250), "PKR", ("chai",))
MILK = Product(uuid4(), "Olpers Milk 1L", Decimal(330), "PKR", ("doodh",))


class StaticShop:
    async def shop(self, business_id: UUID) -> tuple[Shop, Language]:
        return Shop(products=(TEA, MILK)), Language.EN


async def handle(pool: asyncpg.Pool, messages: Sequence[InboundMessageReceived]) -> None:
    async with unit_of_work(pool, None) as tx:
        await handle_inbound(
            messages, tx=tx, shops=StaticShop(), ranker=FuzzyRanker(), clock=utc_now
        )


def inbound(wamid: str, *, text: str | None = None, tap: str | None = None,
            phone: str = PHONE) -> InboundMessageReceived:  # fmt: skip
    kind = InboundKind.TEXT if text is not None else (
        InboundKind.LIST_REPLY if tap and tap.startswith(("product:", "qty:"))
        else InboundKind.BUTTON_REPLY
    )  # fmt: skip
    return InboundMessageReceived(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=BUSINESS,
        correlation_id=f"corr-{wamid}",
        body=InboundMessageBody(
            phone_number_id="1001", customer_phone=phone, wamid=wamid,
            sent_at=datetime.now(UTC), kind=kind, meta_type="interactive" if tap else "text",
            text=text, reply_id=tap, profile_name="Ayesha",
        ),
    )  # fmt: skip


async def send(pool: asyncpg.Pool, *messages: InboundMessageReceived) -> None:
    await handle(pool, messages)


async def outbox(pool: asyncpg.Pool) -> list[tuple[str, dict[str, Any]]]:
    rows = await pool.fetch("SELECT topic, value FROM outbox ORDER BY id")
    return [(r["topic"], orjson.loads(r["value"])) for r in rows]


def texts(queued: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [v["body"]["text"] for t, v in queued if v["type"] == "SendWhatsAppMessage"]


ORDER = [
    inbound("w1", text="mujhe chai chahiye"),
    inbound("w2", tap=r.product_row_id(TEA.product_id)),
    inbound("w3", tap="qty:2"),
    inbound("w4", tap=r.CHECKOUT),
    inbound("w5", tap=r.CONFIRM),
]


async def test_a_confirmed_cart_is_one_place_order_even_when_every_message_is_redelivered(
    pool: asyncpg.Pool,
) -> None:
    for message in ORDER:
        await send(pool, message)
        await send(pool, message)  # redelivered at once
    await send(pool, *ORDER)  # and the whole chat again, later
    queued = await outbox(pool)
    [place] = [v for t, v in queued if t == Topic.ORDERS_COMMANDS]
    body = place["body"]
    assert place["type"] == "PlaceOrder"
    assert (body["order_number"], body["source"], body["actor"]) == ("WA-000001", "whatsapp",
                                                                      "customer")  # fmt: skip
    assert body["items"] == [{"name": "Tapal Danedar Tea", "qty": 2, "price": 1250, "sku": None}]
    assert (body["total"], body["currency"]) == (2500, "PKR")
    assert body["customer"] | {} == {"phone": PHONE, "name": "Ayesha", "email": None,
                                     "consent": True, "language": "ur-Latn"}  # fmt: skip
    assert len(texts(queued)) == 5  # one answer per message, none for the redeliveries
    assert texts(queued)[-1].startswith("Shukriya! Aap ka order WA-000001 (PKR 2,500)")
    assert place["correlation_id"] == "corr-w5"


async def test_the_session_survives_a_restart(pool: asyncpg.Pool) -> None:
    await send(pool, ORDER[0], ORDER[1])
    schema = await pool.fetchval("SELECT current_schema()")
    restarted = await create_pool(required_env("DATABASE_URL"), schema)
    try:
        await handle(restarted, ORDER[2:])
    finally:
        await restarted.close()
    queued = await outbox(pool)
    assert [v["type"] for t, v in queued if t == Topic.ORDERS_COMMANDS] == ["PlaceOrder"]


async def test_chats_are_separate_and_numbers_follow_each_other(pool: asyncpg.Pool) -> None:
    other = "923009999999"
    for message in ORDER:
        twin = inbound(f"{message.body.wamid}-b", text=message.body.text,
                       tap=message.body.reply_id, phone=other)  # fmt: skip
        await send(pool, message, twin)  # interleaved in one batch
    numbers = sorted(v["body"]["order_number"] for t, v in await outbox(pool)
                     if t == Topic.ORDERS_COMMANDS)  # fmt: skip
    assert numbers == ["WA-000001", "WA-000002"]


async def test_a_silent_cart_is_kept_for_a_day_and_dropped_after_the_ttl(
    pool: asyncpg.Pool,
) -> None:
    await send(pool, *ORDER[:3])
    await pool.execute("UPDATE sessions SET updated_at = updated_at - interval '30 hours'")
    await send(pool, inbound("w5", text="cart"))
    assert "2 × Tapal Danedar Tea" in texts(await outbox(pool))[-1]
    await pool.execute("UPDATE sessions SET updated_at = now() - $1::interval", timedelta(days=4))
    await send(pool, inbound("w6", text="cart"))
    assert texts(await outbox(pool))[-1].startswith("Aap ka cart khali hai")


async def test_stop_reaches_the_notifier_as_an_opt_out(pool: asyncpg.Pool) -> None:
    await send(pool, inbound("w7", text="STOP"))
    changed = [v for t, v in await outbox(pool) if v["type"] == "ContactOptOutChanged"]
    assert [(c["body"]["customer_phone"], c["body"]["opted_out"]) for c in changed] == [
        (PHONE, True)
    ]
