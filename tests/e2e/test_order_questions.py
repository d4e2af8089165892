"""Questions about placed orders, end to end: a shopper asks the sandbox number "where is my
order?" or to cancel one, and every assertion is what the shopper's phone shows, what the
merchant's API returns or what the store's cancel endpoint receives."""

import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
import pytest

from sauda_runtime.endpoints import Receiver, receivers

from .conftest import SHOPPER, Chat, Shop, to_shopper

OTHER_SHOPPER = "923339998888"
CANCELLED_IN_CHAT = "cancelled by the customer on WhatsApp"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receivers("/store/cancel") as make:
        yield await make()


async def conversation_saw(shop: Shop, db: asyncpg.Pool, **statuses: str) -> None:
    """Wait until the conversation service has folded these orders' events (number → status):
    it follows orders.events.v1 on its own, a moment behind the merchant's view."""
    schema = os.environ.get("CONVERSATION_DB_SCHEMA", "conversation")

    async def seen() -> bool:
        rows = await db.fetch(
            f"SELECT order_number, status FROM {schema}.shopper_orders "
            "WHERE order_number = ANY($1::text[]) AND business_id = $2::uuid",
            list(statuses), shop.business["business_id"],
        )  # fmt: skip
        return {r["order_number"]: r["status"] for r in rows} == statuses

    await shop.wait_for(seen, timeout=45, what=f"the conversation service to see {statuses}")


async def add_milk(shop: Shop) -> None:
    added = await shop.api.post("/api/v1/products", headers=shop.headers,
                                json={"name": "Olpers Milk 1L", "price": 330, "currency": "PKR"})  # fmt: skip
    assert added.status_code == 201, added.text


async def bot_says(shop: Shop, phone: str, after: int, count: int = 1) -> Chat:
    """The bot's next `count` chat messages (templates aside) after the first `after`."""

    async def arrived() -> Chat | None:
        said = [m for m in to_shopper(await shop.chat(phone)) if not m["template"]][after:]
        return said[:count] if len(said) >= count else None

    return await shop.wait_for(arrived, timeout=45, what=f"{count} bot replies")  # type: ignore[no-any-return]


async def ask(shop: Shop, text: str, phone: str = SHOPPER, replies: int = 1) -> Chat:
    before = len([m for m in to_shopper(await shop.chat(phone)) if not m["template"]])
    await shop.write(text, phone)
    return await bot_says(shop, phone, before, replies)


async def tap(shop: Shop, message: dict[str, Any], title: str, replies: int = 1) -> Chat:
    before = len([m for m in to_shopper(await shop.chat()) if not m["template"]])
    [button] = [b for b in message["buttons"] if b["title"] == title]
    await shop.tap(button["id"])
    return await bot_says(shop, SHOPPER, before, replies) if replies else []


async def test_two_orders_asked_in_roman_urdu_come_newest_first(
    shop: Shop, db: asyncpg.Pool
) -> None:
    first = await shop.place()
    second = await shop.place()
    await shop.move(first, "confirmed")
    await conversation_saw(shop, db, **{first["order_number"]: "confirmed",
                                        second["order_number"]: "pending"})  # fmt: skip
    [answer] = await ask(shop, "mera order kahan hai?")
    text = answer["text"]
    assert text.startswith(second["order_number"])  # the newer first
    newer, older = text.split("\n\n")
    assert "Status: aap ki tasdeeq ka intezar" in newer and "Total: PKR 3,000" in newer
    assert older.startswith(first["order_number"]) and "Status: confirm ho gaya" in older
    assert "• 2 × Widget Pro" in older and "Total: PKR 3,000" in older

    [one] = await ask(shop, f"{first['order_number']} ka status?")
    assert (
        one["text"].startswith(first["order_number"]) and second["order_number"] not in one["text"]
    )


async def test_another_shoppers_order_number_is_not_found(shop: Shop, db: asyncpg.Pool) -> None:
    await add_milk(shop)  # a shop that sells in chat: "no orders" offers its menu
    mine = await shop.place()
    await conversation_saw(shop, db, **{mine["order_number"]: "pending"})
    [answer] = await ask(shop, mine["order_number"], phone=OTHER_SHOPPER)
    assert answer["text"].startswith(f"Sorry, we could not find order {mine['order_number']}")
    assert "Widget" not in answer["text"] and "3,000" not in answer["text"]
    [none] = await ask(shop, "where is my order?", phone=OTHER_SHOPPER)
    assert none["text"].startswith("We could not find any order from this WhatsApp number")
    assert [b["title"] for b in none["buttons"]] == ["Order now"]


async def test_cancel_asks_which_then_to_confirm_and_the_store_hears_of_it(
    shop: Shop, db: asyncpg.Pool, receiver: Receiver
) -> None:
    callbacks = await shop.api.put("/api/v1/store-callbacks", headers=shop.headers,
                                   json={"cancel_url": receiver.url})  # fmt: skip
    assert callbacks.status_code in (200, 201), callbacks.text
    first, second = await shop.place(), await shop.place()
    await shop.move(first, "confirmed")
    await shop.move(second, "confirmed")
    await conversation_saw(shop, db, **{first["order_number"]: "confirmed",
                                        second["order_number"]: "confirmed"})  # fmt: skip

    [which] = await ask(shop, "mera order cancel kar do")
    assert which["text"].startswith("Aap kaun sa order cancel karna chahte hain?")
    assert [b["title"] for b in which["buttons"]] == [second["order_number"], first["order_number"]]
    [sure] = await tap(shop, which, first["order_number"])
    assert sure["text"].startswith(f"Kya aap order {first['order_number']} cancel karna")
    assert [b["title"] for b in sure["buttons"]] == ["Haan, cancel karein", "Nahi, rehne dein"]
    await tap(shop, sure, "Haan, cancel karein", replies=0)

    cancelled = await shop.order_becomes(first, "cancelled")
    assert cancelled["history"][-1]["actor"] == "customer"
    assert cancelled["history"][-1]["reason"] == CANCELLED_IN_CHAT
    [hit] = await shop.wait_for(receiver.at_least, timeout=45, what="the store's cancel call")
    assert orjson.loads(hit.body)["cancellationReason"] == CANCELLED_IN_CHAT
    await shop.arrived("sauda_order_cancelled")
    assert (await shop.get(f"/api/v1/orders/{second['order_id']}"))["status"] == "confirmed"


async def test_a_shipped_order_has_shipped_and_stays_so(shop: Shop, db: asyncpg.Pool) -> None:
    order = await shop.place()
    await shop.move(order, "confirmed", "shipped")
    await conversation_saw(shop, db, **{order["order_number"]: "shipped"})
    [answer] = await ask(shop, "cancel my order")
    assert answer["text"].startswith(f"Your order {order['order_number']} has already shipped")
    assert not answer["buttons"]
    [status] = await ask(shop, "order status")
    assert "Status: shipped" in status["text"]
    detail = await shop.get(f"/api/v1/orders/{order['order_id']}")
    assert detail["status"] == "shipped" and detail["history"][-1]["actor"] != "customer"


async def test_a_question_mid_cart_is_answered_and_the_cart_goes_on(
    shop: Shop, db: asyncpg.Pool
) -> None:
    await add_milk(shop)
    order = await shop.place()
    await conversation_saw(shop, db, **{order["order_number"]: "pending"})
    [products] = await ask(shop, "I want to order")
    [row] = [r for s in products["list"]["sections"] for r in s["rows"]]
    before = len([m for m in to_shopper(await shop.chat()) if not m["template"]])
    sent = await shop.sandbox.post(f"/sandbox/{shop.number}/chats/{SHOPPER}",
                                   json={"list_row_id": row["id"]})  # fmt: skip
    assert sent.status_code == 201, sent.text
    [quantity] = await bot_says(shop, SHOPPER, before)
    assert quantity["list"] and "How many Olpers Milk 1L" in quantity["text"]

    [answer, resumed] = await ask(shop, "where is my order?", replies=2)
    assert answer["text"].startswith(order["order_number"]) and "Total: PKR 3,000" in answer["text"]
    assert resumed["list"] == quantity["list"]  # the quantity is asked again
    [more] = await ask(shop, "2")
    assert "2 × Olpers Milk 1L: PKR 660" in more["text"]
    assert [b["title"] for b in more["buttons"]] == ["Add More", "Checkout"]
