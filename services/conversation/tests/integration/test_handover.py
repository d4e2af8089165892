"""Handing a chat to a person, through the consumer's handler on the real Postgres: misses are
counted per chat and once per wamid, the second in a row hands over (the notice's record and
the shopper's reply in the outbox, in the message's transaction), the bot then keeps quiet on
free text until the merchant's release or the end of the quiet window."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from sauda_contracts.handover import ChatReleased, ChatReleasedBody
from sauda_conversation.adapters.handover import HandoverTarget
from sauda_conversation.adapters.ranking import FuzzyRanker
from sauda_conversation.app import OnMessages, Record
from sauda_conversation.domain import replies as r
from sauda_runtime.db import Conn
from sauda_runtime.kit import unit_of_work

from .test_chat import BUSINESS, PHONE, StaticShop, inbound, outbox, texts

MEMBER = uuid4()
HANDED = "Thank you! A person from Chai Wala will reply here soon."


class OnePerson:
    async def target(self, conn: Conn, business_id: UUID, chat: str) -> HandoverTarget:
        return HandoverTarget("Chai Wala", MEMBER, 24)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def consume(pool: asyncpg.Pool, *records: Record, clock: Clock) -> None:
    handler = OnMessages(shops=StaticShop(), ranker=FuzzyRanker(), clock=clock, people=OnePerson())
    async with unit_of_work(pool, None) as tx:
        await handler(list(records), tx)


def handovers(queued: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [v["body"] for _, v in queued if v["type"] == "ChatHandedOver"]


def release(at: datetime) -> ChatReleased:
    return ChatReleased(event_id=uuid4(), occurred_at=at, business_id=BUSINESS,
                        correlation_id="corr-release",
                        body=ChatReleasedBody(customer_phone=PHONE, at=at))  # fmt: skip


async def test_the_second_miss_in_a_row_hands_over_once_however_often_delivered(
    pool: asyncpg.Pool,
) -> None:
    clock = Clock()
    first = inbound("w1", text="xqzv blorp")
    await consume(pool, first, clock=clock)
    redelivered = first.model_copy(update={"event_id": uuid4()})
    await consume(pool, redelivered, clock=clock)
    await consume(pool, inbound("w2", text="menu"), inbound("w3", text="zzkq"), clock=clock)
    assert handovers(await outbox(pool)) == []  # an understood text in between
    await consume(pool, inbound("w3b", tap=r.MENU), inbound("w3c", text="blah blah"), clock=clock)
    assert handovers(await outbox(pool)) == []  # a tap in between

    second = inbound("w4", text="wubba frop")
    await consume(pool, second, second.model_copy(update={"event_id": uuid4()}), clock=clock)
    queued = await outbox(pool)
    [handover] = handovers(queued)
    assert (handover["reason"], handover["assigned_user_id"]) == ("not_understood", str(MEMBER))
    assert (handover["wamid"], handover["text"]) == ("w4", "wubba frop")
    assert texts(queued)[-1] == HANDED and texts(queued).count(HANDED) == 1


async def test_a_held_chat_is_quiet_on_text_until_released_and_taps_still_work(
    pool: asyncpg.Pool,
) -> None:
    clock = Clock()
    await consume(pool, inbound("w1", text="talk to a person"), clock=clock)
    assert handovers(await outbox(pool))[0]["reason"] == "asked"
    before = len(texts(await outbox(pool)))
    await consume(pool, inbound("w2", text="hello? anyone?"), inbound("w3", text="chai"),
                  clock=clock)  # fmt: skip
    assert len(texts(await outbox(pool))) == before  # the person answers these
    await consume(pool, inbound("w4", tap=r.MENU), clock=clock)
    assert len(texts(await outbox(pool))) == before + 1  # the menu's tap works

    await consume(pool, release(clock.now - timedelta(hours=1)), clock=clock)  # an older one
    await consume(pool, inbound("w5", text="menu"), clock=clock)
    assert len(texts(await outbox(pool))) == before + 1
    await consume(pool, release(clock.now + timedelta(seconds=1)), clock=clock)
    await consume(pool, inbound("w6", text="menu"), clock=clock)
    assert len(texts(await outbox(pool))) == before + 2


async def test_the_bot_answers_again_when_the_quiet_window_ends(pool: asyncpg.Pool) -> None:
    clock = Clock()
    await consume(pool, inbound("w1", text="insaan se baat karni hai"), clock=clock)
    before = len(texts(await outbox(pool)))
    clock.now += timedelta(hours=23)
    await consume(pool, inbound("w2", text="menu"), clock=clock)
    assert len(texts(await outbox(pool))) == before
    clock.now += timedelta(hours=1)
    await consume(pool, inbound("w3", text="menu"), clock=clock)
    assert len(texts(await outbox(pool))) == before + 1
