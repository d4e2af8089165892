"""Webhook deliveries: deliveries/s and event-to-delivery latency for 50 endpoints on loopback,
all healthy, then with 10% of them failing (half answer 500, half hang past the timeout).

Starts its own ledger, gateway and webhook dispatcher against the dev Kafka and Postgres
(`make infra`; not beside `make run`: they would share consumer groups). Ten businesses with
five endpoints each; every order of a business is delivered to its five endpoints.

    uv run python bench/webhooks.py --deliveries 20000
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import Processes  # noqa: E402
from bench.report import percentiles, shown  # noqa: E402
from sauda_runtime.testing import free_ports  # noqa: E402

BUSINESSES, PER_BUSINESS = 10, 5


class Receivers:
    """50 endpoints on one loopback server: /e/<n>. Sick ones answer 500 or hang."""

    def __init__(self) -> None:
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.latency: dict[int, list[float]] = defaultdict(list)
        self.failing: set[int] = set()
        self.hanging: set[int] = set()

    async def handle(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        body = await request.read()
        if n in self.hanging:
            await asyncio.sleep(15)
            return web.Response(status=200)
        if n in self.failing:
            return web.Response(status=500)
        now = time.time()
        sent = datetime.fromisoformat(json.loads(body)["timestamp"]).timestamp()
        self.arrivals[n].append(now)
        self.latency[n].append(now - sent)
        return web.Response(text="ok")


async def post_orders(url: str, keys: list[str], orders_each: int, run: str) -> None:
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as http:
        queue = [(k, i) for i in range(orders_each) for k in keys]

        async def worker() -> None:
            while queue:
                key, i = queue.pop()
                body = {"event_type": "order_created", "idempotency_key": f"wh-{run}-{key[-6:]}-{i}",
                        "customer": {"phone": "923001234567", "name": "Ali", "consent": False},
                        "order": {"items": [{"name": "Tea", "qty": 1, "price": 300}], "total": 300}}  # fmt: skip
                async with http.post(f"{url}/api/v1/events/ingest", json=body,
                                     headers={"X-API-Key": key}) as r:  # fmt: skip
                    await r.read()

        await asyncio.gather(*(worker() for _ in range(64)))


async def phase(name: str, rec: Receivers, gateway: str, keys: list[str], deliveries: int,
                run: str) -> dict:  # fmt: skip
    rec.arrivals.clear()
    rec.latency.clear()
    healthy = [n for n in range(BUSINESSES * PER_BUSINESS) if n not in rec.failing | rec.hanging]
    orders_each = deliveries // (BUSINESSES * PER_BUSINESS)
    expected = orders_each * len(healthy)
    started = time.time()
    await post_orders(gateway, keys, orders_each, run)
    deadline = time.monotonic() + 600
    while sum(len(rec.arrivals[n]) for n in healthy) < expected and time.monotonic() < deadline:  # noqa: ASYNC110 (polled, not signalled)
        await asyncio.sleep(0.5)
    arrivals = sorted(t for n in healthy for t in rec.arrivals[n])
    latencies = [x for n in healthy for x in rec.latency[n]]
    span = (arrivals[-1] - started) if arrivals else 0.0
    row = {"name": name, "delivered": len(arrivals), "expected": expected,
           "per_s": round(len(arrivals) / span, 1) if span else 0.0,
           **percentiles(latencies, 50, 99)}  # fmt: skip
    print(f"{name:<46} {row['delivered']:>6}/{expected:<6} {row['per_s']:>8.1f} deliveries/s  "
          f"{shown(row, 50, 99)}", flush=True)  # fmt: skip
    return row


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=20000,
                        help="deliveries to healthy endpoints in the first phase")  # fmt: skip
    args = parser.parse_args()
    stack = Processes({"WEBHOOKS_ALLOW_PRIVATE_URLS": "true", "RATE_LIMIT_ENABLED": "false"})
    gateway, cli = stack.gateway_url, stack.cli
    [receiver_port] = free_ports(1)
    rec = Receivers()
    app = web.Application()
    app.router.add_post("/e/{n}", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", receiver_port).start()
    try:
        await stack.start("ledger", "gateway", "dispatcher")
        run = uuid.uuid4().hex[:8]
        keys = []
        async with aiohttp.ClientSession() as http:
            for b in range(BUSINESSES):
                shop = await asyncio.to_thread(cli, "business", "create", "--name", f"wh-{run}-{b}",
                                               "--rate-limit", "1000000000")  # fmt: skip
                keys.append(shop["api_key"])
                for e in range(PER_BUSINESS):
                    n = b * PER_BUSINESS + e
                    async with http.post(f"{gateway}/api/v1/webhooks",
                                         json={"url": f"http://127.0.0.1:{receiver_port}/e/{n}",
                                               "events": ["order_created"]},
                                         headers={"X-API-Key": shop["api_key"]}) as r:  # fmt: skip
                        assert r.status == 201, await r.text()
        print(f"\n{BUSINESSES * PER_BUSINESS} endpoints; {args.deliveries} deliveries per phase")
        healthy = await phase(
            "all 50 endpoints healthy", rec, gateway, keys, args.deliveries, f"{run}-a"
        )
        sick = list(range(0, BUSINESSES * PER_BUSINESS, 10))  # 5 endpoints, one per other business
        rec.failing, rec.hanging = set(sick[::2]), set(sick[1::2])
        degraded = await phase("10% failing (500) or hanging: the healthy 90%", rec, gateway, keys,
                               args.deliveries, f"{run}-b")  # fmt: skip
        ratio = degraded["per_s"] / healthy["per_s"] if healthy["per_s"] else 0.0
        print(
            f"healthy endpoints' throughput with 10% sick = {ratio:.0%} of the all-healthy figure"
        )
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "webhooks.json").write_text(
            json.dumps({"rows": [healthy, degraded], "ratio": ratio}, indent=2)
        )
    finally:
        stack.stop()
        await runner.cleanup()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
