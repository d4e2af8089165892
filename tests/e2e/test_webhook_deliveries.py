"""Merchant webhooks delivered by the real dispatcher to real HTTP receivers on loopback."""

import asyncio
import hashlib
import hmac
import itertools
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from sauda_runtime.testing import free_ports


@dataclass
class Hit:
    at: float
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A merchant's endpoint: records every request; answers from `script`, then 200."""

    url: str = ""
    hits: list[Hit] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses to answer first
    always: int = 200

    async def handle(self, request: web.Request) -> web.Response:
        self.hits.append(Hit(time.monotonic(), dict(request.headers), await request.read()))
        status = self.script.pop(0) if self.script else self.always
        return web.Response(status=status, text="ok" if status < 300 else "nope " * 500)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    [port] = free_ports(1)
    await web.TCPSite(runner, "127.0.0.1", port).start()
    rec.url = f"http://127.0.0.1:{port}/hooks/sauda"
    yield rec
    await runner.cleanup()


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def subscribe(
    client: httpx.AsyncClient, business: dict[str, str], url: str
) -> dict[str, Any]:
    made = await client.post("/api/v1/webhooks", headers=auth(business), json={"url": url})
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


async def place(client: httpx.AsyncClient, business: dict[str, str], seed: Any) -> dict[str, Any]:
    created = await client.post("/api/v1/events/ingest", json=seed(), headers=auth(business))
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


def seed_signature_ok(body: bytes, signature: str, secret: str) -> bool:
    """The Botaura seed's own snippet, as a merchant would paste it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


async def test_a_delivery_arrives_once_signed_under_both_schemes(
    client: httpx.AsyncClient,
    business: dict[str, str],
    seed: Any,
    wait_for: Any,
    receiver: Receiver,
) -> None:
    endpoint = await subscribe(client, business, receiver.url)
    order = await place(client, business, seed)
    await wait_for(lambda: asyncio.sleep(0, result=receiver.hits), timeout=30, what="a delivery")
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
        got = await client.get(
            f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=auth(business)
        )
        done = [d for d in got.json()["deliveries"] if d["status"] == "succeeded"]
        return done or None

    [delivery] = await wait_for(logged, timeout=30, what="the delivery in the log")
    assert (delivery["attempts"], delivery["response_status"]) == (1, 200)
    assert delivery["response_excerpt"] == "ok"


async def test_retries_at_1_4_16_then_success(
    client: httpx.AsyncClient, business: dict[str, str], seed: Any, wait_for: Any,
    receiver: Receiver, stack: Any,
) -> None:  # fmt: skip
    receiver.script = [500, 503, 500]
    await subscribe(client, business, receiver.url)
    await place(client, business, seed)

    async def four() -> list[Hit] | None:
        return receiver.hits if len(receiver.hits) >= 4 else None

    hits = await wait_for(four, timeout=60, what="four attempts")
    gaps = [b.at - a.at for a, b in itertools.pairwise(hits)]
    scale = stack.webhook_retry_scale
    for gap, planned in zip(gaps, (1, 4, 16), strict=True):
        assert planned * scale * 0.8 <= gap <= planned * scale + 2.0, (gaps, scale)
    assert gaps[0] < gaps[1] < gaps[2]
    assert len({h.headers["webhook-id"] for h in hits}) == 1  # one delivery, attempted 4 times
    await asyncio.sleep(1.0)
    assert len(receiver.hits) == 4


async def test_ten_failures_deactivate_and_reactivation_resumes(
    client: httpx.AsyncClient,
    business: dict[str, str],
    seed: Any,
    wait_for: Any,
    receiver: Receiver,
) -> None:
    receiver.always = 500
    endpoint = await subscribe(client, business, receiver.url)
    for _ in range(10):
        await place(client, business, seed)

    async def deactivated() -> dict[str, Any] | None:
        got = await client.get("/api/v1/webhooks", headers=auth(business))
        [current] = got.json()["webhooks"]
        return current if not current["active"] else None

    current = await wait_for(deactivated, timeout=90, what="the endpoint turned off")
    assert current["consecutive_failures"] == 10 and current["deactivated_at"]
    notices = await client.get("/api/v1/notices", params={"kind": "webhook_endpoint_deactivated"},
                               headers=auth(business))  # fmt: skip
    assert [n["details"]["endpoint_id"] for n in notices.json()["notices"]] == [endpoint["id"]]

    hits_before = len(receiver.hits)
    await place(client, business, seed)
    await asyncio.sleep(2.0)
    assert len(receiver.hits) == hits_before  # off: nothing is sent

    receiver.always = 200
    back = await client.patch(f"/api/v1/webhooks/{endpoint['id']}", headers=auth(business),
                              json={"active": True})  # fmt: skip
    assert back.json()["active"] is True
    order = await place(client, business, seed)

    async def resumed() -> bool:
        return any(order["order_id"].encode() in h.body for h in receiver.hits[hits_before:])

    await wait_for(resumed, timeout=30, what="deliveries after reactivation")


async def test_a_killed_dispatcher_loses_no_delivery(
    client: httpx.AsyncClient, business: dict[str, str], seed: Any, wait_for: Any,
    receiver: Receiver, stack: Any,
) -> None:  # fmt: skip
    await subscribe(client, business, receiver.url)
    orders = [await place(client, business, seed) for _ in range(5)]
    stack.dispatcher.kill(signal.SIGKILL)
    orders += [await place(client, business, seed) for _ in range(5)]
    stack.dispatcher.start()
    await stack.dispatcher.ready()

    async def all_delivered() -> set[str] | None:
        seen = {
            o["order_id"] for o in orders for h in receiver.hits if o["order_id"].encode() in h.body
        }
        return seen if len(seen) == len(orders) else None

    await wait_for(all_delivered, timeout=60, what="every order's delivery after the restart")


async def test_a_slow_endpoint_does_not_hold_up_another(
    client: httpx.AsyncClient, business: dict[str, str], make_business: Any, seed: Any,
    wait_for: Any, receiver: Receiver,
) -> None:  # fmt: skip
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
        slow_shop = await make_business()
        await subscribe(client, slow_shop, f"http://127.0.0.1:{port}/slow")
        for _ in range(10):
            await place(client, slow_shop, seed)
        await subscribe(client, business, receiver.url)
        started = time.monotonic()
        await place(client, business, seed)
        await wait_for(
            lambda: asyncio.sleep(0, result=receiver.hits), timeout=30, what="the fast delivery"
        )
        assert time.monotonic() - started < 10  # not behind the slow endpoint's 10 s timeouts
    finally:
        await runner.cleanup()


async def test_a_shoppers_whatsapp_cancel_calls_the_stores_cancel_endpoint(
    client: httpx.AsyncClient, sandbox: httpx.AsyncClient, make_business: Any, seed: Any,
    wait_for: Any, receiver: Receiver,
) -> None:  # fmt: skip
    shop = await make_business(whatsapp=True)
    callbacks = await client.put("/api/v1/store-callbacks", headers=auth(shop),
                                 json={"cancel_url": receiver.url})  # fmt: skip
    secret = callbacks.json()["secret"]
    await place(client, shop, seed)
    chat = f"/sandbox/{shop['whatsapp_phone_number_id']}/chats/923001234567"

    async def cod() -> dict[str, Any] | None:
        messages = (await sandbox.get(chat)).json()["messages"]
        return next((m for m in messages if m.get("buttons")), None)

    message = await wait_for(cod, timeout=45, what="the COD message")
    tapped = await sandbox.post(chat, json={"button_id": message["buttons"][1]["id"]})  # Cancel
    assert tapped.status_code == 201

    [hit] = await wait_for(lambda: asyncio.sleep(0, result=receiver.hits), timeout=45,
                           what="the store's cancel call")  # fmt: skip
    assert seed_signature_ok(hit.body, hit.headers["X-Sauda-Signature"], secret)
    assert Webhook(secret).verify(hit.body, hit.headers) == {
        "id": "WC-456", "cancellationReason": "customer cancelled on WhatsApp", "cancelledBy": "bot",
    }  # fmt: skip


async def test_test_events_and_redelivery_reach_the_endpoint_from_the_api(
    client: httpx.AsyncClient,
    business: dict[str, str],
    seed: Any,
    wait_for: Any,
    receiver: Receiver,
) -> None:
    endpoint = await subscribe(client, business, receiver.url)
    queued = await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=auth(business))
    assert queued.status_code == 202

    async def hits(n: int) -> list[Hit] | None:
        return receiver.hits if len(receiver.hits) >= n else None

    [test] = await wait_for(lambda: hits(1), timeout=30, what="the test event")
    assert Webhook(endpoint["secret"]).verify(test.body, test.headers)["event"] == "webhook_test"

    await place(client, business, seed)
    original = (await wait_for(lambda: hits(2), timeout=30, what="the order's delivery"))[1]

    async def delivered() -> dict[str, Any] | None:
        got = await client.get(
            f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=auth(business)
        )
        done = [d for d in got.json()["deliveries"] if d["event"] == "order_created"
                and d["status"] == "succeeded"]  # fmt: skip
        return done[0] if done else None

    delivery = await wait_for(delivered, timeout=30, what="the delivery in the log")
    again = await client.post(
        f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['delivery_id']}/redeliver",
        headers=auth(business),
    )
    assert again.status_code == 202, again.text
    repeat = (await wait_for(lambda: hits(3), timeout=30, what="the redelivery"))[2]
    assert repeat.body == original.body  # the same event, same event_id: a receiver can drop it
    assert repeat.headers["webhook-id"] != original.headers["webhook-id"]
