"""Broadcasts end to end: real gateway, notifier, conversation and sandbox processes over real
Kafka and Postgres. A template broadcast to three shoppers, one of whom wrote STOP in the
sandbox, reaches the other two and skips that one with the reason; and a notifier SIGKILLed in
the middle of a broadcast to 50 shoppers, then restarted, leaves each of their chats holding
exactly one copy."""

import asyncio
import signal
from typing import Any

from .conftest import Chat, Shop, to_shopper

TEMPLATE = {"name": "sauda_order_shipped", "language": "en", "body": ["Friend", "EID-25", "-"]}


async def chat_of(shop: Shop, phone: str) -> Chat:
    got = await shop.sandbox.get(f"/sandbox/{shop.number}/chats/{phone}")
    if got.status_code == 404:  # nothing was ever sent to or from this phone
        return []
    assert got.status_code == 200, got.text
    return got.json()["messages"]  # type: ignore[no-any-return]


async def copies(shop: Shop, phone: str) -> int:
    return len(to_shopper(await chat_of(shop, phone), TEMPLATE["name"]))


async def broadcast(shop: Shop, phones: list[str]) -> str:
    started = await shop.api.post("/api/v1/whatsapp/broadcasts", headers=shop.headers,
                                  json={"template": TEMPLATE, "recipients": phones})  # fmt: skip
    assert started.status_code == 202, started.text
    return started.json()["broadcast_id"]  # type: ignore[no-any-return]


async def completed(shop: Shop, broadcast_id: str, timeout: float) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        got = await shop.get(f"/api/v1/whatsapp/broadcasts/{broadcast_id}")
        return got if got["status"] == "completed" else None

    return await shop.wait_for(done, timeout=timeout, what="the broadcast completed")  # type: ignore[no-any-return]


async def test_a_broadcast_reaches_shoppers_and_skips_the_one_who_wrote_stop(shop: Shop) -> None:
    phones = ["923005550001", "923005550002", "923005550003"]
    await shop.write("STOP", phones[1])

    async def acknowledged() -> Chat | None:
        said = [m for m in to_shopper(await chat_of(shop, phones[1]))
                if m["text"].startswith("Done:")]  # fmt: skip
        return said or None

    await shop.wait_for(acknowledged, timeout=45, what="STOP acknowledged")
    broadcast_id = await broadcast(shop, phones)

    final = await completed(shop, broadcast_id, timeout=60)
    assert final["total"] == 3
    assert final["counts"]["skipped"] == 1
    assert final["counts"]["sent"] + final["counts"]["delivered"] + final["counts"]["read"] == 2
    for phone in (phones[0], phones[2]):
        [arrived] = to_shopper(await chat_of(shop, phone), TEMPLATE["name"])
        assert "EID-25" in arrived["text"]
    assert await copies(shop, phones[1]) == 0
    page = await shop.get(f"/api/v1/whatsapp/broadcasts/{broadcast_id}/recipients")
    results = {r["phone"]: r for r in page["recipients"]}
    assert results[phones[1]]["status"] == "skipped"
    assert results[phones[1]]["error"]["code"] == 131050
    assert "opted out" in results[phones[1]]["error"]["title"]
    assert {results[p]["status"] for p in (phones[0], phones[2])} <= {"sent", "delivered", "read"}


async def test_a_notifier_killed_mid_broadcast_sends_each_shopper_one_copy(
    stack: Any, shop: Shop
) -> None:
    phones = [f"9230066{i:05d}" for i in range(50)]
    broadcast_id = await broadcast(shop, phones)

    async def some_arrived() -> bool:
        counts = await asyncio.gather(*(copies(shop, p) for p in phones))
        return sum(counts) >= 10

    await shop.wait_for(some_arrived, timeout=60, every=0.1, what="the broadcast under way")
    stack.notifier.kill(signal.SIGKILL)
    midway = sum(await asyncio.gather(*(copies(shop, p) for p in phones)))
    assert midway < len(phones)  # killed in the middle, not after
    stack.notifier.start()
    await stack.notifier.ready()

    # Orphaned sends are taken again after NOTIFIER_STALE_SENDING_SECONDS (60 s).
    final = await completed(shop, broadcast_id, timeout=180)
    assert final["counts"]["pending"] == 0 and final["counts"]["skipped"] == 0
    received = await asyncio.gather(*(copies(shop, p) for p in phones))
    assert dict(zip(phones, received, strict=True)) == dict.fromkeys(phones, 1)
