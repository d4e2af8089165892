"""The merchant's reset of a shopper's chat-ordering flow (ResetChatFlow on whatsapp.inbound.v1),
through the consumer's handler on the real Postgres: the cart is emptied and the next message
starts over; a redelivered reset clears nothing more; a reset between a shopper's messages in
one batch applies between them."""

from datetime import UTC, datetime
from uuid import uuid4

import asyncpg

from sauda_contracts.whatsapp import ResetChatFlow, ResetChatFlowBody
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.app import OnMessages, Record
from sauda_conversation.bootstrap import utc_now
from sauda_conversation.domain import replies as r
from sauda_runtime.kit import unit_of_work

from .test_chat import BUSINESS, PHONE, TEA, StaticShop, inbound, outbox, texts


def reset() -> ResetChatFlow:
    return ResetChatFlow(event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=BUSINESS,
                         correlation_id="corr-reset",
                         body=ResetChatFlowBody(customer_phone=PHONE))  # fmt: skip


async def consume(pool: asyncpg.Pool, *records: Record) -> None:
    handler = OnMessages(shops=StaticShop(), ranker=FuzzyRanker(), clock=utc_now)
    async with unit_of_work(pool, None) as tx:
        await handler(list(records), tx)


async def session(pool: asyncpg.Pool) -> tuple[str, str]:
    row = await pool.fetchrow("SELECT step, cart::text AS cart FROM sessions "
                              "WHERE business_id = $1 AND customer_phone = $2", BUSINESS, PHONE)  # fmt: skip
    return row["step"], row["cart"]


async def test_a_reset_mid_cart_empties_it_and_the_next_message_starts_over(
    pool: asyncpg.Pool,
) -> None:
    await consume(pool, inbound("w1", text="chai"),
                  inbound("w2", tap=r.product_row_id(TEA.product_id)), inbound("w3", tap="qty:2"))  # fmt: skip
    assert (await session(pool))[0] == "more"
    command = reset()
    await consume(pool, command)
    assert await session(pool) == ("idle", "[]")
    await consume(pool, inbound("w4", text="cart"))
    assert texts(await outbox(pool))[-1].startswith("Your cart is empty.")

    await consume(pool, inbound("w5", tap=r.product_row_id(TEA.product_id)),
                  inbound("w6", tap="qty:1"))  # fmt: skip
    await consume(pool, command)  # redelivered: the new cart stays
    assert (await session(pool))[1] != "[]"


async def test_a_reset_between_messages_of_one_batch_applies_between_them(
    pool: asyncpg.Pool,
) -> None:
    await consume(pool, inbound("w1", text="chai"),
                  inbound("w2", tap=r.product_row_id(TEA.product_id)), inbound("w3", tap="qty:2"),
                  reset(), inbound("w4", text="cart"))  # fmt: skip
    assert texts(await outbox(pool))[-1].startswith("Your cart is empty.")


async def test_a_reset_of_a_username_users_flow_empties_their_cart_not_a_phones(
    pool: asyncpg.Pool,
) -> None:
    user = "US.13491208655302741918"
    for phone, user_id in ((None, user), (PHONE, None)):
        message = inbound(f"c-{user_id}", text="chai")
        body = message.body.model_copy(
            update={"customer_phone": phone, "customer_user_id": user_id}
        )
        await consume(pool, inbound("x", text="x").model_copy(update={"body": body}))
    by_user = ResetChatFlow(event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=BUSINESS,
                            correlation_id="corr-reset",
                            body=ResetChatFlowBody(customer_user_id=user))  # fmt: skip
    await consume(pool, by_user)
    steps = dict(await pool.fetch("SELECT customer_phone, step FROM sessions WHERE business_id = $1",
                                  BUSINESS))  # fmt: skip
    assert steps[user] == "idle"
    assert steps[PHONE] != "idle"  # the phone shopper's search goes on
