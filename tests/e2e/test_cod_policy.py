"""A shop's COD policy, end to end (gateway, ledger, notifier, conversation, dispatcher and the
sandbox over real Kafka and Postgres): the merchant sets it through the API; an order below the
minimum is confirmed by the system without a COD message; an order nobody answers is cancelled
at the expiry exactly once, the store's cancel endpoint called once, even after the order's
events are replayed to the notifier; quiet hours that cross midnight hold the COD message (the
merchant's log says until when) and it goes when they end; a notifier killed before the first
message's due time and restarted after it sends that message once."""

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from sauda_contracts import Topic
from sauda_runtime.endpoints import Receiver, receivers

from .conftest import Shop, to_shopper

URL = "/api/v1/whatsapp/cod-policy"


@pytest.fixture
async def store_endpoint() -> AsyncIterator[Receiver]:
    async with receivers("/orders/cancel") as make:
        yield await make()


async def set_policy(shop: Shop, db: asyncpg.Pool, **policy: Any) -> dict[str, Any]:
    """PUT the policy, then wait until the notifier keeps it (it travels on Kafka), so an
    order placed next is placed under it."""
    put = await shop.api.put(URL, json=policy, headers=shop.headers)
    assert put.status_code == 200, put.text
    revision = put.json()["revision"]
    schema = os.environ.get("NOTIFIER_DB_SCHEMA", "notifier")

    async def kept() -> bool:
        found = await db.fetchval(
            f'SELECT revision FROM "{schema}".cod_policies WHERE business_id = $1::uuid',
            shop.business["business_id"],
        )
        return found == revision

    await shop.wait_for(kept, timeout=45, what="the notifier to keep the COD policy")
    return put.json()  # type: ignore[no-any-return]


async def test_below_the_minimum_the_system_confirms_without_a_cod_message(
    shop: Shop, db: asyncpg.Pool
) -> None:
    read = await shop.get(URL)
    assert read["revision"] == 0 and read["reminder_delays_seconds"] == [21600]
    await set_policy(shop, db, min_order_total="5000.00")  # the seed's order is PKR 3,000
    order = await shop.place()
    confirmed = await shop.order_becomes(order, "confirmed")
    last = confirmed["history"][-1]
    assert last["actor"] == "system"
    assert "below the shop's minimum" in last["reason"]
    await shop.arrived("sauda_order_confirmed")
    assert to_shopper(await shop.chat(), "sauda_cod_confirmation") == []


async def test_an_unanswered_order_is_cancelled_once_at_the_expiry_even_after_a_replay(
    shop: Shop, db: asyncpg.Pool, topic_reader: Any, stack: Any, store_endpoint: Receiver
) -> None:
    callbacks = await shop.api.put("/api/v1/store-callbacks", headers=shop.headers,
                                   json={"cancel_url": store_endpoint.url})  # fmt: skip
    assert callbacks.status_code == 200, callbacks.text
    await set_policy(shop, db, reminder_delays_seconds=[2], expire_after_seconds=5,
                     expiry_action="cancel")  # fmt: skip
    order = await shop.place()
    await shop.arrived("sauda_cod_confirmation")
    await shop.arrived("sauda_cod_reminder")
    cancelled = await shop.order_becomes(order, "cancelled")
    assert cancelled["history"][-1]["actor"] == "system"
    assert cancelled["history"][-1]["reason"] == "not confirmed on WhatsApp"
    await shop.wait_for(store_endpoint.at_least, timeout=45, what="the store's cancel call")

    # orders.events.v1 replayed to the notifier: the order's events again, three times.
    events = [r for r in await topic_reader(Topic.ORDERS_EVENTS)
              if r.key == order["order_id"].encode()]  # fmt: skip
    assert events
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap)
    await producer.start()
    try:
        for _ in range(3):
            for record in events:
                await producer.send_and_wait(Topic.ORDERS_EVENTS, record.value, key=record.key)
    finally:
        await producer.stop()
    # A second order, placed after the replay, is cancelled at its own expiry: by then the
    # notifier has read the repeats and swept past the first order's expiry again.
    later = await shop.place(phone="923331112222")
    await shop.order_becomes(later, "cancelled")
    await shop.wait_for(lambda: store_endpoint.at_least(2), timeout=45,
                        what="the second order's cancel call")  # fmt: skip
    await asyncio.sleep(1.0)
    assert len(store_endpoint.hits) == 2  # one per order, none for the replay
    history = (await shop.get(f"/api/v1/orders/{order['order_id']}"))["history"]
    assert [h["status"] for h in history].count("cancelled") == 1
    chat = await shop.chat()
    assert len(to_shopper(chat, "sauda_cod_confirmation")) == 1
    assert len(to_shopper(chat, "sauda_cod_reminder")) == 1


async def order_messages(shop: Shop, order: dict[str, Any]) -> list[dict[str, Any]]:
    return (await shop.get(f"/api/v1/orders/{order['order_id']}/messages"))["messages"]  # type: ignore[no-any-return]


async def test_quiet_hours_crossing_midnight_hold_the_cod_message_until_they_end(
    shop: Shop, db: asyncpg.Pool
) -> None:
    # Quiet from a minute after their end round the clock to their end, in the next minute or
    # so: a window that crosses midnight, and it is quiet now in the shop's zone.
    zone = ZoneInfo("Asia/Karachi")
    local = datetime.now(UTC).astimezone(zone)
    end = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (end - local).total_seconds() < 20:
        end += timedelta(minutes=1)
    start = end + timedelta(minutes=1)
    await set_policy(shop, db, quiet_hours_start=start.strftime("%H:%M"),
                     quiet_hours_end=end.strftime("%H:%M"), time_zone="Asia/Karachi",
                     reminder_delays_seconds=[])  # fmt: skip
    order = await shop.place()

    async def scheduled() -> dict[str, Any] | None:
        found = [m for m in await order_messages(shop, order) if m["status"] == "scheduled"]
        return found[0] if found else None

    held = await shop.wait_for(scheduled, timeout=45, what="the COD message, scheduled")
    assert held["template"] == "sauda_cod_confirmation"
    assert datetime.fromisoformat(held["scheduled_for"]) == end.astimezone(UTC)
    assert to_shopper(await shop.chat(), "sauda_cod_confirmation") == []  # not in the night
    await asyncio.sleep((end - datetime.now(UTC)).total_seconds())  # the quiet hours end
    await shop.arrived("sauda_cod_confirmation")  # and it goes
    assert datetime.now(UTC) >= end.astimezone(UTC)

    async def logged_as_gone() -> list[dict[str, Any]] | None:
        # The merchant's log follows the notifier's snapshots: it may trail the sandbox a little.
        found = [m for m in await order_messages(shop, order)
                 if m["template"] == "sauda_cod_confirmation"]  # fmt: skip
        return found if all(m["status"] != "scheduled" for m in found) else None

    went = await shop.wait_for(logged_as_gone, timeout=45, what="the log to show it sent")
    assert len(went) == 1 and went[0]["scheduled_for"] is None
    assert [h["status"] for h in went[0]["history"]][:2] == ["scheduled", "queued"]


async def test_a_notifier_down_at_the_due_time_sends_the_cod_message_once_when_back(
    shop: Shop, db: asyncpg.Pool, stack: Any
) -> None:
    await set_policy(shop, db, first_message_delay_seconds=4, reminder_delays_seconds=[])
    order = await shop.place()
    schema = os.environ.get("NOTIFIER_DB_SCHEMA", "notifier")

    async def step_waits() -> bool:
        return bool(await db.fetchval(
            f'SELECT count(*) FROM "{schema}".cod_steps WHERE order_id = $1::uuid',
            order["order_id"]))  # fmt: skip

    await shop.wait_for(step_waits, timeout=45, what="the first message's step row")
    stack.notifier.kill(signal.SIGKILL)
    await asyncio.sleep(6)  # the due time passes while the notifier is dead
    assert to_shopper(await shop.chat(), "sauda_cod_confirmation") == []
    stack.notifier.start()
    await stack.notifier.ready()
    await shop.arrived("sauda_cod_confirmation")
    await asyncio.sleep(2)  # a repeat would come right behind it
    assert len(to_shopper(await shop.chat(), "sauda_cod_confirmation")) == 1
    assert len([m for m in await order_messages(shop, order)
                if m["template"] == "sauda_cod_confirmation"]) == 1  # fmt: skip


async def test_an_unanswered_order_held_for_review_is_marked_and_the_merchant_hears_of_it(
    shop: Shop, db: asyncpg.Pool
) -> None:
    async with receivers("/hooks/review") as make:
        hook: Receiver = await make()
        made = await shop.api.post("/api/v1/webhooks", headers=shop.headers, json={
            "url": hook.url, "events": ["order_held_for_review"]})  # fmt: skip
        assert made.status_code == 201, made.text
        await set_policy(shop, db, reminder_delays_seconds=[], expire_after_seconds=3,
                         expiry_action="hold")  # fmt: skip
        order = await shop.place()
        await shop.arrived("sauda_cod_confirmation")

        async def held() -> dict[str, Any] | None:
            found = await shop.get(f"/api/v1/orders/{order['order_id']}")
            return found if found["needs_review"] else None  # type: ignore[no-any-return]

        marked = await shop.wait_for(held, timeout=45, what="the order marked for review")
        assert marked["status"] == "pending"
        assert marked["history"][-1]["event"] == "OrderHeldForReview"
        assert marked["history"][-1]["reason"].startswith("not confirmed on WhatsApp within")
        [hit] = await shop.wait_for(hook.at_least, timeout=45, what="order_held_for_review")
        payload = json.loads(hit.body)
        assert payload["event"] == "order_held_for_review"
        assert payload["data"]["order_id"] == order["order_id"]
        [notice] = [n for n in await shop.notices() if n["kind"] == "cod_expired"]
        assert notice["order_id"] == order["order_id"]
    # The merchant reviews it and confirms it: no longer marked.
    await shop.move(order, "confirmed")
    assert (await shop.order_becomes(order, "confirmed"))["needs_review"] is False
    listed = await shop.get("/api/v1/orders", limit=5)
    assert [o["needs_review"] for o in listed["orders"] if o["order_id"] == order["order_id"]] == [
        False
    ]
