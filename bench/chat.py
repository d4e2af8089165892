"""Chat ordering under load: N shoppers at once, each completing a whole order in the WhatsApp
chat (order → product → quantity → Checkout → Confirm), through the sandbox's shopper API and
every Sauda process. Prints messages handled per second and the time from a shopper's message
to the bot's reply (both stamped by the sandbox's clock), beside a baseline measured in the
same run: the same shoppers' messages sent to a bare FastAPI endpoint that answers at once.

Runs against the dev Kafka and Postgres (`make infra`). Do not run it beside `make run`.

    uv run python bench/chat.py --shoppers 500
"""

import argparse
import asyncio
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cod_e2e import line  # noqa: E402
from bench.processes import Processes  # noqa: E402

PRODUCTS = [
    ("Tapal Danedar Tea 950g", 1250, ["chai", "tea"]),
    ("Olpers Milk 1L", 330, ["doodh", "milk"]),
    ("Guard Basmati Rice 5kg", 2400, ["chawal", "rice"]),
    ("Dalda Cooking Oil 5L", 2900, ["oil", "tel"]),
    ("National Salt 800g", 60, ["namak", "salt"]),
]
# What each shopper does, and how many bot messages each step brings (Confirm: the "placed"
# text and the COD template).
SCRIPT: list[tuple[str, int]] = [("text", 1), ("product", 1), ("qty", 1), ("checkout", 1),
                                 ("confirm", 2)]  # fmt: skip


class Watcher:
    """One poll of the number's chat list a tick wakes the shoppers whose chats grew."""

    def __init__(self, http: aiohttp.ClientSession, sandbox: str, number: str) -> None:
        self.http, self.url = http, f"{sandbox}/sandbox/{number}/chats"
        self.counts: dict[str, int] = {}
        self.waiters: dict[str, tuple[int, asyncio.Future[None]]] = {}

    async def run(self) -> None:
        while True:
            async with self.http.get(self.url) as r:
                for chat in (await r.json())["chats"]:
                    phone, n = chat["shopper_phone"], chat["messages"]
                    self.counts[phone] = n
                    waiting = self.waiters.get(phone)
                    if waiting and n >= waiting[0] and not waiting[1].done():
                        waiting[1].set_result(None)
            await asyncio.sleep(0.05)

    async def until(self, phone: str, messages: int, timeout: float = 120) -> None:
        if self.counts.get(phone, 0) >= messages:
            return
        done = asyncio.get_running_loop().create_future()
        self.waiters[phone] = (messages, done)
        await asyncio.wait_for(done, timeout)


def stamp(message: dict[str, Any]) -> float:
    return datetime.fromisoformat(message["timestamp"]).timestamp()


async def shopper(http: aiohttp.ClientSession, watcher: Watcher, sandbox: str, number: str,
                  phone: str, i: int) -> list[float]:  # fmt: skip
    """One whole order; the seconds from each message to the bot's first reply to it."""
    url = f"{sandbox}/sandbox/{number}/chats/{phone}"
    seen, waits = 0, []
    chat: list[dict[str, Any]] = []
    for step, replies in SCRIPT:
        if step == "text":
            said: dict[str, str] = {"text": "I want to order"}
        elif step == "product":
            rows = chat[-1]["list"]["sections"][0]["rows"]
            said = {"list_row_id": rows[i % len(rows)]["id"]}
        elif step == "qty":
            said = {"list_row_id": "qty:2"}
        else:
            said = {"button_id": chat[-1]["buttons"][0 if step == "confirm" else 1]["id"]}
        async with http.post(url, json=said) as r:
            assert r.status == 201, await r.text()
        seen += 1 + replies
        await watcher.until(phone, seen)
        async with http.get(url, params={"mark_read": "false"}) as r:
            chat = (await r.json())["messages"]
        mine = [m for m in chat if m["direction"] == "from_shopper"][-1]
        bot = [m for m in chat if m["direction"] == "to_shopper" and not m["template"]]
        waits.append(stamp(bot[-1]) - stamp(mine))
        chat = bot
    return waits


async def baseline(url: str, shoppers: int) -> list[float]:
    """The same number of messages, from the same number of concurrent shoppers, to a bare
    endpoint: the floor any reply time sits on."""
    latencies: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=shoppers)) as http:

        async def one(i: int) -> None:
            for _ in SCRIPT:
                begin = time.perf_counter()
                async with http.post(f"{url}/api/v1/events/ingest",
                                     json={"text": "I want to order", "i": i}) as r:  # fmt: skip
                    await r.read()
                latencies.append(time.perf_counter() - begin)

        await asyncio.gather(*(one(i) for i in range(shoppers)))
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shoppers", type=int, default=500)
    parser.add_argument("--mps", type=int, default=1000, help="per-number send limit")
    args = parser.parse_args()
    stack = Processes({"SANDBOX_MPS": str(args.mps), "NOTIFIER_MPS": str(args.mps)})
    try:
        await stack.start()
        shop = await asyncio.to_thread(stack.cli, "business", "create", "--name", "bench-chat",
                                       "--rate-limit", "1000000000", "--whatsapp", "sandbox")  # fmt: skip
        number, sandbox = shop["whatsapp_phone_number_id"], stack.sandbox_url
        headers = {"X-API-Key": shop["api_key"]}
        connector = aiohttp.TCPConnector(limit=args.shoppers + 8)
        async with aiohttp.ClientSession(connector=connector) as http:
            for name, price, aliases in PRODUCTS:
                async with http.post(f"{stack.gateway_url}/api/v1/products", headers=headers,
                                     json={"name": name, "price": price, "currency": "PKR",
                                           "aliases": aliases}) as r:  # fmt: skip
                    assert r.status == 201, await r.text()
            watcher = Watcher(http, sandbox, number)
            watching = asyncio.create_task(watcher.run())
            await shopper(http, watcher, sandbox, number, "923990000000", 0)  # warm up
            print(f"\n{args.shoppers} shoppers at once, each a whole order "
                  f"({len(SCRIPT)} messages), per-number limit {args.mps}/s")  # fmt: skip
            bare = await baseline(stack.bare_url, args.shoppers)
            t0 = time.perf_counter()
            results = await asyncio.gather(
                *(shopper(http, watcher, sandbox, number, f"923{i:09d}", i)
                  for i in range(1, args.shoppers + 1)),
                return_exceptions=True,
            )  # fmt: skip
            elapsed = time.perf_counter() - t0
            watching.cancel()
        waits = [w for r in results if isinstance(r, list) for w in r]
        failed = [r for r in results if isinstance(r, BaseException)]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{stack.gateway_url}/api/v1/orders", headers=headers,
                                params={"source": "whatsapp", "limit": "1"}) as r:  # fmt: skip
                listed = await r.json()
        rows = [
            line("bare FastAPI POST (baseline)", bare),
            line("shopper message -> bot reply at the sandbox", waits),
        ]
        handled = len(waits) / elapsed
        print(f"{len(results) - len(failed)}/{args.shoppers} shoppers completed an order in "
              f"{elapsed:.1f} s: {handled:.1f} shopper messages handled/s; "
              f"orders with source whatsapp: {listed.get('total', '?')}")  # fmt: skip
        for failure in failed[:3]:
            print("failed:", repr(failure))
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "chat.json").write_text(json.dumps(
            {"args": vars(args), "rows": rows, "messages_per_s": round(handled, 1),
             "completed": len(results) - len(failed), "seconds": round(elapsed, 1)},
            indent=2))  # fmt: skip
    finally:
        stack.stop()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
