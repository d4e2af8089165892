"""Merchant webhooks delivered by the real dispatcher to real HTTP receivers on loopback."""

import asyncio
import hashlib
import hmac
import itertools
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from sauda_runtime.endpoints import Receiver, receivers
from sauda_runtime.testing import free_ports


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receivers("/hooks/sauda") as make:
        yield await make()


@dataclass
class Shop:
    """One business on the gateway's API: its key on every call, the seed's order to place."""

    client: httpx.AsyncClient
    business: dict[str, str]
    seed: Any

    @property
    def auth(self) -> dict[str, str]:
        return {"X-API-Key": self.business["api_key"]}

    async def subscribe(self, url: str) -> dict[str, Any]:
        made = await self.client.post("/api/v1/webhooks", headers=self.auth, json={"url": url})
        assert made.status_code == 201, made.text
        return made.json()  # type: ignore[no-any-return]

    async def place(self) -> dict[str, Any]:
        created = await self.client.post(
            "/api/v1/events/ingest", json=self.seed(), headers=self.auth
        )
        assert created.status_code == 201, created.text
        return created.json()  # type: ignore[no-any-return]

    async def deliveries(self, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
        """The endpoint's delivery log, as the merchant reads it."""
        got = await self.client.get(
            f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=self.auth
        )
        return got.json()["deliveries"]  # type: ignore[no-any-return]


@pytest.fixture
def shop(client: httpx.AsyncClient, business: dict[str, str], seed: Any) -> Shop:
    return Shop(client, business, seed)


def seed_signature_ok(body: bytes, signature: str, secret: str) -> bool:
    """The Botaura seed's own snippet, as a merchant would paste it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


async def test_a_delivery_arrives_once_signed_under_both_schemes(
    shop: Shop, wait_for: Any, receiver: Receiver
) -> None:
    endpoint = await shop.subscribe(receiver.url)
    order = await shop.place()
    await wait_for(receiver.at_least, timeout=30, what="a delivery")
    await asyncio.sleep(1.0)  # a second copy would be here by now
    [hit] = receiver.hits
    assert seed_signature_ok(hit.body, hit.headers["X-Sauda-Signature"], endpoint["secret"])
    payload = Webhook(endpoint["secret"]).verify(hit.body, hit.headers)
    assert payload["event"] == "order_created"
    assert payload["data"] == {
        "order_id": order["order_id"], "order_number": order["order_number"], "status": "pending",
        "total": 3000, "customer_phone": "923001234567", "source": "ingest",
    }  # fmt: skip
    assert payload["order_version"] == 1 and payload["event_id"]

    async def logged() -> list[dict[str, Any]] | None:
        done = [d for d in await shop.deliveries(endpoint) if d["status"] == "succeeded"]
        return done or None

    [delivery] = await wait_for(logged, timeout=30, what="the delivery in the log")
    assert (delivery["attempts"], delivery["response_status"]) == (1, 200)
    assert delivery["response_excerpt"] == "ok"


async def test_retries_at_1_4_16_then_success(
    shop: Shop, wait_for: Any, receiver: Receiver, stack: Any
) -> None:
    receiver.script = [500, 503, 500]
    await shop.subscribe(receiver.url)
    await shop.place()
    hits = await wait_for(lambda: receiver.at_least(4), timeout=60, what="four attempts")
    gaps = [b.at - a.at for a, b in itertools.pairwise(hits)]
    scale = stack.webhook_retry_scale
    for gap, planned in zip(gaps, (1, 4, 16), strict=True):
        assert planned * scale * 0.8 <= gap <= planned * scale + 2.0, (gaps, scale)
    assert gaps[0] < gaps[1] < gaps[2]
    assert len({h.headers["webhook-id"] for h in hits}) == 1  # one delivery, attempted 4 times
    await asyncio.sleep(1.0)
    assert len(receiver.hits) == 4


async def test_ten_failures_deactivate_and_reactivation_resumes(
    shop: Shop, wait_for: Any, receiver: Receiver
) -> None:
    receiver.default_status = 500
    endpoint = await shop.subscribe(receiver.url)
    for _ in range(10):
        await shop.place()

    async def deactivated() -> dict[str, Any] | None:
        got = await shop.client.get("/api/v1/webhooks", headers=shop.auth)
        [current] = got.json()["webhooks"]
        return current if not current["active"] else None

    current = await wait_for(deactivated, timeout=90, what="the endpoint turned off")
    assert current["consecutive_failures"] == 10 and current["deactivated_at"]
    notices = await shop.client.get(
        "/api/v1/notices", params={"kind": "webhook_endpoint_deactivated"}, headers=shop.auth
    )
    assert [n["details"]["endpoint_id"] for n in notices.json()["notices"]] == [endpoint["id"]]

    hits_before = len(receiver.hits)
    await shop.place()
    await asyncio.sleep(2.0)
    assert len(receiver.hits) == hits_before  # off: nothing is sent

    receiver.default_status = 200
    back = await shop.client.patch(
        f"/api/v1/webhooks/{endpoint['id']}", headers=shop.auth, json={"active": True}
    )
    assert back.json()["active"] is True
    order = await shop.place()

    async def resumed() -> bool:
        return any(order["order_id"].encode() in h.body for h in receiver.hits[hits_before:])

    await wait_for(resumed, timeout=30, what="deliveries after reactivation")


async def test_a_killed_dispatcher_loses_no_delivery(
    shop: Shop, wait_for: Any, receiver: Receiver, stack: Any
) -> None:
    await shop.subscribe(receiver.url)
    orders = [await shop.place() for _ in range(5)]
    stack.dispatcher.kill(signal.SIGKILL)
    orders += [await shop.place() for _ in range(5)]
    stack.dispatcher.start()
    await stack.dispatcher.ready()

    async def all_delivered() -> set[str] | None:
        seen = {
            o["order_id"] for o in orders for h in receiver.hits if o["order_id"].encode() in h.body
        }
        return seen if len(seen) == len(orders) else None

    await wait_for(all_delivered, timeout=60, what="every order's delivery after the restart")


async def test_a_slow_endpoint_does_not_hold_up_another(
    shop: Shop, make_business: Any, wait_for: Any, receiver: Receiver
) -> None:
    slow_app = web.Application()

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    slow_app.router.add_post("/{tail:.*}", hang)
    runner = web.AppRunner(slow_app)
    await runner.setup()
    [port] = free_ports(1)
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        slow_shop = Shop(shop.client, await make_business(), shop.seed)
        await slow_shop.subscribe(f"http://127.0.0.1:{port}/slow")
        for _ in range(10):
            await slow_shop.place()
        await shop.subscribe(receiver.url)
        started = time.monotonic()
        await shop.place()
        await wait_for(receiver.at_least, timeout=30, what="the fast delivery")
        assert time.monotonic() - started < 10  # not behind the slow endpoint's 10 s timeouts
    finally:
        await runner.cleanup()


async def test_a_shoppers_whatsapp_cancel_calls_the_stores_cancel_endpoint(
    shop: Shop, sandbox: httpx.AsyncClient, make_business: Any, wait_for: Any, receiver: Receiver
) -> None:
    store = Shop(shop.client, await make_business(whatsapp=True), shop.seed)
    callbacks = await store.client.put(
        "/api/v1/store-callbacks", headers=store.auth, json={"cancel_url": receiver.url}
    )
    secret = callbacks.json()["secret"]
    await store.place()
    chat = f"/sandbox/{store.business['whatsapp_phone_number_id']}/chats/923001234567"

    async def cod() -> dict[str, Any] | None:
        messages = (await sandbox.get(chat)).json()["messages"]
        return next((m for m in messages if m.get("buttons")), None)

    message = await wait_for(cod, timeout=45, what="the COD message")
    tapped = await sandbox.post(chat, json={"button_id": message["buttons"][1]["id"]})  # Cancel
    assert tapped.status_code == 201

    [hit] = await wait_for(receiver.at_least, timeout=45, what="the store's cancel call")
    assert seed_signature_ok(hit.body, hit.headers["X-Sauda-Signature"], secret)
    assert Webhook(secret).verify(hit.body, hit.headers) == {
        "id": "WC-456", "cancellationReason": "customer cancelled on WhatsApp", "cancelledBy": "bot",
    }  # fmt: skip


async def test_test_events_and_redelivery_reach_the_endpoint_from_the_api(
    shop: Shop, wait_for: Any, receiver: Receiver
) -> None:
    endpoint = await shop.subscribe(receiver.url)
    queued = await shop.client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=shop.auth)
    assert queued.status_code == 202

    [test] = await wait_for(receiver.at_least, timeout=30, what="the test event")
    assert Webhook(endpoint["secret"]).verify(test.body, test.headers)["event"] == "webhook_test"

    await shop.place()
    original = (
        await wait_for(lambda: receiver.at_least(2), timeout=30, what="the order's delivery")
    )[1]

    async def delivered() -> dict[str, Any] | None:
        done = [d for d in await shop.deliveries(endpoint) if d["event"] == "order_created"
                and d["status"] == "succeeded"]  # fmt: skip
        return done[0] if done else None

    delivery = await wait_for(delivered, timeout=30, what="the delivery in the log")
    again = await shop.client.post(
        f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['delivery_id']}/redeliver",
        headers=shop.auth,
    )
    assert again.status_code == 202, again.text
    repeat = (await wait_for(lambda: receiver.at_least(3), timeout=30, what="the redelivery"))[2]
    assert repeat.body == original.body  # the same event, same event_id: a receiver can drop it
    assert repeat.headers["webhook-id"] != original.headers["webhook-id"]
