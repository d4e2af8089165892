"""The merchant's start of a bot flow (TriggerBotFlow on whatsapp.inbound.v1), through the
consumer's handler on the real Postgres: `order` gets the bot's welcome with Order now (or,
mid-order, the step the shopper is at), `menu` the product list; a redelivered trigger (the
same trigger id, whatever its delivery) makes the bot reply once."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg

from sauda_contracts.bot_flows import TriggerBotFlow, TriggerBotFlowBody
from sauda_conversation.domain import replies as r

from .test_chat import BUSINESS, PHONE, TEA, inbound, outbox
from .test_reset import consume, session


def trigger(flow_id: str, trigger_id: Any = None) -> TriggerBotFlow:
    trigger_id = trigger_id or uuid4()
    return TriggerBotFlow(
        event_id=trigger_id, occurred_at=datetime.now(UTC), business_id=BUSINESS,
        correlation_id="corr-trigger",
        body=TriggerBotFlowBody(trigger_id=trigger_id, flow_id=flow_id, customer_phone=PHONE,
                                phone_number_id="1001"),
    )  # fmt: skip


def sends(queued: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [v["body"] for _, v in queued if v["type"] == "SendWhatsAppMessage"]


async def test_order_sends_the_welcome_once_and_menu_the_product_list(pool: asyncpg.Pool) -> None:
    start = trigger("order")
    await consume(pool, start)
    await consume(pool, start)  # redelivered
    [welcome] = sends(await outbox(pool))
    assert welcome["customer_phone"] == PHONE and welcome["kind"] == "buttons"
    assert [b["id"] for b in welcome["buttons"]] == [r.MENU]
    await consume(pool, trigger("menu"))
    menu = sends(await outbox(pool))[-1]
    assert menu["kind"] == "list"
    rows = [row["id"] for s in menu["menu"]["sections"] for row in s["rows"]]
    assert r.product_row_id(TEA.product_id) in rows
    assert (await session(pool))[0] == "product"


async def test_order_mid_cart_asks_the_step_the_shopper_is_at(pool: asyncpg.Pool) -> None:
    await consume(pool, inbound("w1", text="chai"),
                  inbound("w2", tap=r.product_row_id(TEA.product_id)), inbound("w3", tap="qty:2"))  # fmt: skip
    before = len(sends(await outbox(pool)))
    await consume(pool, trigger("order"))
    [again] = sends(await outbox(pool))[before:]
    assert {b["id"] for b in again["buttons"]} == {r.ADD_MORE, r.CHECKOUT}
    assert (await session(pool))[0] == "more"
